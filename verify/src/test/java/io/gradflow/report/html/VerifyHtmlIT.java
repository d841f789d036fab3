package io.gradflow.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradflow.cli.CliRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * gradflow verify --format html: the page has the measured points beside the predicted lines,
 * renders in headless Chromium without a console message, validates as HTML5, and leaves a
 * screenshot in verify/target/html-report/ for the reviewer.
 */
@Tag("slow")
class VerifyHtmlIT {

    static final Path OUT = Path.of("verify", "target", "html-report");

    @Test
    void theVerifyReportShowsMeasuredPointsAndRenders() throws Exception {
        Files.createDirectories(OUT);
        Path html = OUT.resolve("verify.html");
        CliRunner.Result r = CliRunner.run("verify", "--steps", "1", "--format", "html", "-o", html.toString(),
                "fixtures/examples/sigmoid-mlp-20.json", "fixtures/examples/relu-residual-batchnorm-mlp-33.json");
        assertThat(r.code()).isEqualTo(1);
        String text = Files.readString(html);
        assertThat(text).contains("gradflow verify report: 2 models").contains("Measured on CPU")
                .contains("confirmed: ");
        // every layer of both models measured: 21 + 116 activation squares
        assertThat(HtmlReportIT.count(text, "<rect class=\"meas act\"")).isEqualTo(21 + 116);

        assertThat(Validator.errors(html)).isEmpty();
        Browser.Page page = Browser.load(html);
        assertThat(page.console()).isEmpty();
        assertThat(page.dom()).contains("data-ready=\"true\"");
        assertThat(HtmlReportIT.count(page.dom(), "<g class=\"col\"")).isEqualTo(21 + 116);
        Browser.screenshot(html, OUT.resolve("verify.png"), 1200, 2400);
        assertThat(Files.size(OUT.resolve("verify.png"))).isGreaterThan(50_000);
    }
}
