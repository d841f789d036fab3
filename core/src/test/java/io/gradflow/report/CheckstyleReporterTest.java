package io.gradflow.report;

import static io.gradflow.report.Reports.finding;
import static org.assertj.core.api.Assertions.assertThat;

import io.gradflow.rules.Severity;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Checkstyle XML that an XML parser reads back to exactly what gradflow meant. */
class CheckstyleReporterTest {

    @Test
    void findingsAreErrorElementsGroupedByFile() throws Exception {
        Document d = parse(Reports.render(new CheckstyleReporter(), Reports.lint(Reports.VANISHING,
                "fixtures/examples/relu-residual-batchnorm-mlp-33.json")));
        Element root = d.getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("checkstyle");
        assertThat(root.getAttribute("version")).isEqualTo("4.3");
        NodeList files = root.getElementsByTagName("file");
        assertThat(files.getLength()).isEqualTo(2);
        Element first = (Element) files.item(0);
        assertThat(first.getAttribute("name")).isEqualTo(Reports.VANISHING);
        Element error = (Element) first.getElementsByTagName("error").item(0);
        assertThat(error.getAttribute("line")).isEqualTo("10");
        assertThat(error.getAttribute("column")).isEqualTo("7");
        assertThat(error.getAttribute("severity")).isEqualTo("error");
        assertThat(error.getAttribute("source")).isEqualTo("gradflow.GF001");
        assertThat(error.getAttribute("message")).startsWith("layers 'dense_0'..'dense_19': 20 stacked sigmoid");
        assertThat(((Element) files.item(1)).getElementsByTagName("error").getLength()).isZero();
    }

    @Test
    void markupQuotesAndControlCharactersSurviveTheRoundTrip() throws Exception {
        String nasty = "a < b && c > \"d\" 'e' \u0001 done";
        Document d = parse(Reports.render(new CheckstyleReporter(), Reports.withFindings(List.of(
                finding("GF001", Severity.WARNING, nasty, "we<ird>&\"name\".json", 2, 3, "l", "")))));
        Element file = (Element) d.getElementsByTagName("file").item(1);
        assertThat(file.getAttribute("name")).isEqualTo("we<ird>&\"name\".json");
        Element error = (Element) file.getElementsByTagName("error").item(0);
        // a control character is shown as an escape in every format (and XML could not hold it)
        assertThat(error.getAttribute("message")).isEqualTo("a < b && c > \"d\" 'e' \\x01 done");
        assertThat(error.getAttribute("severity")).isEqualTo("warning");
    }

    @Test
    void lineZeroWhereTheFormatHasNoLinesAndTheLayerInTheMessage() throws Exception {
        Document d = parse(Reports.render(new CheckstyleReporter(), Reports.withFindings(List.of(
                finding("GF001", Severity.INFO, "shrinks", "m.zip", 0, 0, "dense_3", "configuration.json#/x")))));
        Element error = (Element) d.getElementsByTagName("error").item(0);
        assertThat(error.getAttribute("line")).isEqualTo("0");
        assertThat(error.hasAttribute("column")).isFalse();
        assertThat(error.getAttribute("severity")).isEqualTo("info");
        assertThat(error.getAttribute("message")).isEqualTo("layer 'dense_3': shrinks");
    }

    @Test
    void unreadableInputIsAnErrorInItsFile() throws Exception {
        Document d = parse(Reports.render(new CheckstyleReporter(), Reports.withFindings(List.of(),
                new InputError("bad.json", 3, 9, "", "invalid JSON"))));
        Element file = (Element) d.getElementsByTagName("file").item(0);
        assertThat(file.getAttribute("name")).isEqualTo("bad.json");
        Element error = (Element) file.getElementsByTagName("error").item(0);
        assertThat(error.getAttribute("source")).isEqualTo("gradflow.unreadable");
        assertThat(error.getAttribute("line")).isEqualTo("3");
    }

    private static Document parse(String xml) throws Exception {
        assertThat(xml).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
}
