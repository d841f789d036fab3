package io.gradflow.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradflow.engine.Pipeline;
import io.gradflow.rules.RuleConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The profile's bar column: drawn for a terminal only, and as high as each layer's gradient. */
class TextReporterBarsTest {

    static String profile(boolean bars) throws Exception {
        ModelResult m = Pipeline.lint(Path.of("fixtures/examples/sigmoid-mlp-20.json"), "m.json", RuleConfig.DEFAULT);
        StringWriter w = new StringWriter();
        new TextReporter(false, false, true, false, bars).write(new LintReport(List.of(m), List.of()), new PrintWriter(w));
        return w.toString();
    }

    @Test
    void aVanishingGradientClimbsFromTheLowestBarToTheHighest() throws Exception {
        List<String> rows = profile(true).lines().filter(l -> l.startsWith("  dense_")).toList();
        assertThat(rows).hasSize(20);
        // the gradient grows from the first layer to the last: the bars never get lower
        char previous = '\u2581';
        for (String r : rows) {
            char bar = r.strip().charAt(r.strip().length() - 1);
            assertThat(bar).isBetween('\u2581', '\u2588');
            assertThat(bar).isGreaterThanOrEqualTo(previous);
            previous = bar;
        }
        assertThat(rows.get(0)).endsWith("\u2581");
        assertThat(profile(true)).contains("  grad: the gradient RMS on a log scale");
    }

    @Test
    void noBarsOutsideATerminal() throws Exception {
        assertThat(profile(false)).doesNotContain("\u2581").doesNotContain("grad: the gradient RMS");
    }

    @Test
    void aLayerWithoutAGradientGetsNoBar() {
        assertThat(TextReporter.bar(Double.NaN, -3, 0)).isEqualTo(' ');
        assertThat(TextReporter.bar(-3, -3, 0)).isEqualTo('\u2581');
        assertThat(TextReporter.bar(0, -3, 0)).isEqualTo('\u2588');
    }
}
