package io.gradflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The "did you mean" ranking: typos first, then words the input starts, nothing far away. */
class SuggestTest {

    static final List<String> LINT_OPTIONS = List.of("-h", "--help", "-f", "--format", "--fail-on", "--profile",
            "--fixes", "--color", "-o", "--output", "--config", "--no-config", "--baseline", "--write-baseline",
            "--skip-non-models");

    @Test
    void aTypoFindsTheOptionItWasMeantToBe() {
        assertThat(Suggest.closest("--formt", LINT_OPTIONS)).containsExactly("--format");
        assertThat(Suggest.closest("--fromat", LINT_OPTIONS)).containsExactly("--format");
        assertThat(Suggest.closest("--baselin", LINT_OPTIONS)).containsExactly("--baseline");
        assertThat(Suggest.closest("--colour", LINT_OPTIONS)).containsExactly("--color");
    }

    @Test
    void theStartOfAWordSuggestsTheWordAfterTheTypos() {
        assertThat(Suggest.closest("--fix", LINT_OPTIONS)).containsExactly("--fixes");
        assertThat(Suggest.closest("warn", List.of("error", "warning", "info", "never"))).containsExactly("warning");
        // many edits away, but the start of a longer option
        assertThat(Suggest.closest("--skip", LINT_OPTIONS)).containsExactly("--skip-non-models");
    }

    @Test
    void dashesAndCaseDoNotCount() {
        assertThat(Suggest.closest("-format", LINT_OPTIONS)).containsExactly("--format");
        assertThat(Suggest.closest("--FORMAT", LINT_OPTIONS)).containsExactly("--format");
        assertThat(Suggest.closest("JSN", List.of("text", "json"))).containsExactly("json");
    }

    @Test
    void farOrTinyWordsSuggestNothing() {
        assertThat(Suggest.closest("--frobnicate", LINT_OPTIONS)).isEmpty();
        assertThat(Suggest.closest("xml", List.of("text", "json", "sarif", "github", "checkstyle"))).isEmpty();
        // one letter off a one-letter option is any option
        assertThat(Suggest.closest("-x", LINT_OPTIONS)).isEmpty();
        assertThat(Suggest.closest("", LINT_OPTIONS)).isEmpty();
        assertThat(Suggest.closest("--", LINT_OPTIONS)).isEmpty();
    }

    @Test
    void onlyTheClosestAndAtMostThree() {
        List<String> ids = List.of("GF001", "GF002", "GF003", "GF004", "GF010", "GF011");
        // GF001, GF010 and GF011 are one edit away, the others two
        assertThat(Suggest.closest("GF01", ids)).containsExactly("GF001", "GF010", "GF011");
        assertThat(Suggest.closest("GF0001", ids)).containsExactly("GF001");
        assertThat(Suggest.closest("GF00", ids)).containsExactly("GF001", "GF002", "GF003");
        assertThat(Suggest.closest("lnit", List.of("lint", "verify", "convert", "rules", "explain")))
                .containsExactly("lint");
        assertThat(Suggest.closest("--form", LINT_OPTIONS)).first().isEqualTo("--format");
    }

    @Test
    void hintsReadAsASentence() {
        assertThat(Suggest.hint("jsn", List.of("text", "json"))).isEqualTo(" (did you mean 'json'?)");
        assertThat(Suggest.hint("xml", List.of("text", "json"))).isEmpty();
        assertThat(Suggest.hintOrList("xml", List.of("text", "json"))).isEqualTo(" (one of text, json)");
        assertThat(Suggest.quoted(List.of("a", "b", "c"))).isEqualTo("'a', 'b' or 'c'");
        assertThat(Suggest.quoted(List.of("a", "b"))).isEqualTo("'a' or 'b'");
    }
}
