package io.gradflow.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradflow.engine.Pipeline;
import io.gradflow.report.LintReport;
import io.gradflow.report.ModelResult;
import io.gradflow.rules.RuleConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The page's structure without a browser: self-contained, one column per layer, measured points when given. */
class HtmlReporterTest {

    static ModelResult lint(String path) throws Exception {
        return Pipeline.lint(Path.of(path), path, RuleConfig.DEFAULT);
    }

    static String page(List<HtmlReporter.Section> sections) {
        StringWriter w = new StringWriter();
        new HtmlReporter("test").write(sections, List.of(), "summary", new PrintWriter(w));
        return w.toString();
    }

    @Test
    void thePageFetchesNothing() throws Exception {
        StringWriter w = new StringWriter();
        new HtmlReporter("test").write(new LintReport(List.of(lint("fixtures/examples/sigmoid-mlp-20.json")), List.of()),
                new PrintWriter(w));
        String html = w.toString();
        assertThat(html).startsWith("<!DOCTYPE html>\n<html lang=\"en\">").endsWith("</html>\n");
        assertThat(html).doesNotContain("src=").doesNotContain("<link").doesNotContain("http://")
                .doesNotContain("@import").doesNotContain("url(");
    }

    @Test
    void theIndexPutsTheMostSevereModelFirst() throws Exception {
        String html = page(List.of(new HtmlReporter.Section(lint("fixtures/examples/relu-he-mlp-20.json"), null),
                new HtmlReporter.Section(lint("fixtures/examples/sigmoid-mlp-20.json"), null)));
        String index = html.substring(html.indexOf("<nav"), html.indexOf("</nav>"));
        assertThat(index.indexOf("sigmoid-mlp-20")).isLessThan(index.indexOf("relu-he-mlp-20"));
        assertThat(html.indexOf("id=\"m2\"")).isLessThan(html.indexOf("id=\"m1\""));
    }

    @Test
    void measuredNumbersAreDrawnAsSquaresBesideThePrediction() throws Exception {
        ModelResult m = lint("fixtures/examples/sigmoid-mlp-20.json");
        Map<String, Measured.Layer> layers = new HashMap<>();
        m.analysis().layers().forEach(p -> layers.put(p.name(), new Measured.Layer(0.5, 1e-6)));
        String html = page(List.of(new HtmlReporter.Section(m, new Measured("vanishing", -11.9, -0.3,
                "CPU (test)", layers, List.of("confirmed: measured -11.9 decades")))));
        assertThat(HtmlReportIT.count(html, "<rect class=\"meas act\"")).isEqualTo(21);
        assertThat(HtmlReportIT.count(html, "<rect class=\"meas grad\"")).isEqualTo(21);
        assertThat(html).contains("confirmed: measured -11.9 decades").contains("Measured on CPU (test).");
    }

    @Test
    void aGradientBelowADoublesRangeIsStillDrawnAtItsPlace() throws Exception {
        // 600 sigmoid layers: the first layer's gradient is far below 1e-308, known only as a log
        String dsl = "model deep\ninput 64\nrepeat 600 {\n  dense 64 activation sigmoid init xavier\n}\noutput 10\n";
        ModelResult m = Pipeline.check(Pipeline.readText("deep.gflow", dsl), RuleConfig.DEFAULT);
        double first = m.analysis().profile(m.analysis().firstHidden()).logWeightGradient();
        assertThat(first).as("log10 of the first layer's weight gradient").isLessThan(-330).isFinite();
        String html = page(List.of(new HtmlReporter.Section(m, null)));
        assertThat(HtmlReportIT.count(html, "<circle class=\"pt grad\"")).isEqualTo(601);
        assertThat(html).doesNotContain(">n/a<").contains("e-3");
    }

    @Test
    void layerNamesAndMessagesAreEscaped() {
        assertThat(HtmlReporter.esc("<script>\"a\" & 'b'</script>"))
                .isEqualTo("&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;");
        assertThat(HtmlReporter.esc("bell\u0007")).isEqualTo("bell ");
    }
}
