package io.gradflow.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradflow.cli.CliRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report of fixtures/examples, opened in headless Chromium: it renders a chart per model
 * with a point per layer, its script runs without a console message, it is valid HTML5 by the Nu
 * Html Checker, and a screenshot lands in core/target/html-report/ for the reviewer.
 */
class HtmlReportIT {

    static final Path OUT = Path.of("core", "target", "html-report");

    @TempDir
    Path tmp;

    @Test
    void theExamplesReportRendersInChromiumAndValidates() throws Exception {
        Files.createDirectories(OUT);
        Path html = OUT.resolve("examples.html");
        CliRunner.Result r = CliRunner.run("lint", "--format", "html", "-o", html.toString(), "fixtures/examples");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEmpty();

        assertThat(Validator.errors(html)).isEmpty();

        Browser.Page page = Browser.load(html);
        assertThat(page.console()).as("console messages").isEmpty();
        assertThat(page.dom()).contains("data-ready=\"true\"");
        // one chart per model; in each, a column and a predicted activation point per layer
        String[] sections = page.dom().split("<section class=\"model\"");
        Matcher title = Pattern.compile("<title>gradflow lint report: (\\d+) models</title>").matcher(page.dom());
        assertThat(title.find()).isTrue();
        int models = Integer.parseInt(title.group(1));
        // every example is a model (fixtures/examples holds their .gflow, .json and .h5 forms)
        assertThat(models).isGreaterThanOrEqualTo(14);
        assertThat(sections).hasSize(models + 1);
        for (int i = 1; i < sections.length; i++) {
            String s = sections[i];
            Matcher layers = Pattern.compile("(\\d+) layers;").matcher(s);
            assertThat(layers.find()).as("layer count in section " + i).isTrue();
            int n = Integer.parseInt(layers.group(1));
            assertThat(count(s, "<svg ")).isEqualTo(1);
            assertThat(count(s, "<g class=\"col\"")).isEqualTo(n);
            assertThat(count(s, "<circle class=\"pt act\"")).isEqualTo(n);
            assertThat(count(s, "<tr id=\"")).isEqualTo(n);
        }
        // a vanishing model's chart shades the zone its first hidden layer fell into
        assertThat(page.dom()).contains("vanishing below");

        Browser.screenshot(html, OUT.resolve("examples.png"), 1200, 5000);
        assertThat(Files.size(OUT.resolve("examples.png"))).isGreaterThan(50_000);
    }

    @Test
    void theConsoleCheckSeesAnUncaughtError() throws Exception {
        // the check above is only worth something if it would see a broken script
        Path bad = Files.writeString(tmp.resolve("bad.html"), "<!DOCTYPE html><html lang=\"en\"><head><meta charset="
                + "\"utf-8\"><title>t</title></head><body><p>x</p><script>notDefined();</script></body></html>");
        assertThat(Browser.load(bad).console()).anyMatch(l -> l.contains("Uncaught ReferenceError"));
        Path invalid = Files.writeString(tmp.resolve("invalid.html"), "<!DOCTYPE html><html lang=\"en\"><head>"
                + "<meta charset=\"utf-8\"><title>t</title></head><body><p><div>x</div></p></body></html>");
        assertThat(Validator.errors(invalid)).isNotEmpty();
    }

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
