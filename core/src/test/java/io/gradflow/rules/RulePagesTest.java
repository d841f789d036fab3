package io.gradflow.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The generated parts of the rule pages are what each rule's {@link RuleInfo} gives
 * ({@link RulePageBlocks}), and the documents the pages send readers to exist and have the
 * sections linked. After changing a rule's metadata, rewrite the blocks with
 * {@code mvn -B -o -pl core test -Dtest=RulePagesTest -Dgradflow.regenerate=true} and read the diff.
 */
class RulePagesTest {

    static final String REGENERATE = "mvn -B -o -pl core test -Dtest=RulePagesTest -Dgradflow.regenerate=true";

    @TestFactory
    Stream<DynamicTest> generatedBlocksAreWhatRuleInfoGives() {
        boolean regenerate = Boolean.getBoolean("gradflow.regenerate");
        return BuiltInRules.all().stream().map(r -> DynamicTest.dynamicTest(r.info().page(), () -> {
            Path page = Path.of(r.info().page());
            assertThat(page).as("page of %s", r.info().id()).exists();
            String text = Files.readString(page, StandardCharsets.UTF_8);
            String want = RulePageBlocks.regenerate(text, r.info());
            if (regenerate && !want.equals(text)) {
                Files.writeString(page, want, StandardCharsets.UTF_8);
                text = want;
            }
            assertThat(text).as("%s: the generated blocks differ from %s's RuleInfo; edit the rule class, "
                    + "not the block, then regenerate with %s", page, r.info().id(), REGENERATE).isEqualTo(want);
        }));
    }

    private static final RuleInfo SAMPLE = new RuleInfo("GF999", "sample-rule", Severity.WARNING,
            Category.CONFIGURATION, "A sample rule for the generator's own test", "9.9.9")
            .withOptions(RuleOption.integer("minDepth", 8), RuleOption.decimal("warnDecades", 1.0),
                    RuleOption.decimal("errorFraction", 0.99));

    @Test
    void blocksSayWhatRuleInfoSays() {
        assertThat(RulePageBlocks.header(SAMPLE)).isEqualTo("""
                # GF999 sample-rule

                A sample rule for the generator's own test.

                Default severity: **warning**. Category: `configuration`. Since: 9.9.9.
                """);
        assertThat(RulePageBlocks.options(SAMPLE)).isEqualTo("""
                Set in `gradflow.json` under `rules.GF999.options`:

                | option | type | default |
                | --- | --- | --- |
                | `minDepth` | integer | 8 |
                | `warnDecades` | number | 1.0 |
                | `errorFraction` | number | 0.99 |
                """);
        assertThat(RulePageBlocks.options(new RuleInfo("GF998", "none", Severity.INFO, Category.UNSUPPORTED,
                "s", "1"))).isEqualTo("None.\n");
    }

    @Test
    void regenerationRewritesTheBlocksAndKeepsEverythingElse() {
        String stale = RulePageBlocks.HEADER_BEGIN + "\n# GF999 old-name\n\nOld.\n" + RulePageBlocks.END + "\n\n"
                + "## What it does\n\nHand-written.\n\n" + RulePageBlocks.OPTIONS_HEADING + "\n\n"
                + RulePageBlocks.OPTIONS_BEGIN + "\nNone.\n" + RulePageBlocks.END + "\n\n"
                + "- `minDepth`: prose.\n\n## Suppression\n\nMore prose.\n";
        String page = RulePageBlocks.regenerate(stale, SAMPLE);
        assertThat(page).startsWith(RulePageBlocks.HEADER_BEGIN + "\n" + RulePageBlocks.header(SAMPLE))
                .contains("\n## What it does\n\nHand-written.\n\n## Options\n\n" + RulePageBlocks.OPTIONS_BEGIN + "\n"
                        + RulePageBlocks.options(SAMPLE) + "\n" + RulePageBlocks.END + "\n\n- `minDepth`: prose.\n")
                .endsWith("## Suppression\n\nMore prose.\n")
                .doesNotContain("old-name");
        assertThat(RulePageBlocks.regenerate(page, SAMPLE)).as("a second run changes nothing").isEqualTo(page);
        assertThat(RulePageBlocks.handWritten(page)).doesNotContain("| option |").contains("Hand-written.")
                .contains("- `minDepth`: prose.");
    }

    @Test
    void missingBlocksAreAddedWhereTheyBelong() {
        String bare = "## What it does\n\nText.\n\n## Options\n\nProse.\n\n## Suppression\n\nText.\n";
        String page = RulePageBlocks.regenerate(bare, SAMPLE);
        assertThat(page).startsWith(RulePageBlocks.HEADER_BEGIN + "\n# GF999 sample-rule\n")
                .contains("## Options\n\n" + RulePageBlocks.OPTIONS_BEGIN + "\nSet in")
                .contains(RulePageBlocks.END + "\n\nProse.\n\n## Suppression");
        assertThat(RulePageBlocks.regenerate(page, SAMPLE)).isEqualTo(page);
    }

    @Test
    void misplacedMarkersAreAnErrorThatNamesThePage() {
        String header = RulePageBlocks.HEADER_BEGIN + "\nx\n" + RulePageBlocks.END + "\n";
        String options = RulePageBlocks.OPTIONS_BEGIN + "\nx\n" + RulePageBlocks.END + "\n";
        assertThatThrownBy(() -> RulePageBlocks.regenerate("intro\n" + header + "## Options\n" + options, SAMPLE))
                .hasMessageContaining("rules/GF999-sample-rule.md").hasMessageContaining("open the page");
        assertThatThrownBy(() -> RulePageBlocks.regenerate(header + options + "## Options\n", SAMPLE))
                .hasMessageContaining("under '## Options'");
        assertThatThrownBy(() -> RulePageBlocks.regenerate(header + header, SAMPLE)).hasMessageContaining("twice");
        assertThatThrownBy(() -> RulePageBlocks.regenerate(RulePageBlocks.HEADER_BEGIN + "\nx\n## Options\n", SAMPLE))
                .hasMessageContaining("has no '" + RulePageBlocks.END + "'");
        assertThatThrownBy(() -> RulePageBlocks.regenerate(header + "## What it does\n", SAMPLE))
                .hasMessageContaining("no '## Options' heading");
    }

    @Test
    void anchorsAreGithubs() {
        assertThat(RulePageBlocks.anchor("1. Forward and backward recursions")).isEqualTo("1-forward-and-backward-recursions");
        assertThat(RulePageBlocks.anchor("2. First-to-last, signal and the verdict"))
                .isEqualTo("2-first-to-last-signal-and-the-verdict");
        assertThat(RulePageBlocks.anchor("9.4 Identity-initialised chains")).isEqualTo("94-identity-initialised-chains");
    }

    /** Markdown documents users read: the rule pages, the README and docs/. */
    static List<Path> documents() throws IOException {
        List<Path> out = new ArrayList<>();
        out.add(Path.of("README.md"));
        for (String dir : List.of("rules", "docs")) {
            try (Stream<Path> s = Files.walk(Path.of(dir))) {
                s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(out::add);
            }
        }
        return out;
    }

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} +(.+?)\\s*$");

    /**
     * Every relative link in those documents points at a file of the repository, and a link to a
     * section of a Markdown file at one of its headings: the rule pages send readers to
     * docs/theory.md by section, and renaming a heading must not break them silently.
     */
    @Test
    void relativeLinksReachAFileAndAHeading() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path doc : documents()) {
            Matcher m = LINK.matcher(Files.readString(doc, StandardCharsets.UTF_8));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue;   // https:, mailto:
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved = file.isEmpty() ? doc : doc.resolveSibling(file).normalize();
                if (!Files.exists(resolved) || resolved.startsWith("..")) {
                    broken.add(doc + ": " + target + " (no such file in the repository)");
                } else if (hash >= 0 && resolved.toString().endsWith(".md")
                        && !anchors(resolved).contains(target.substring(hash + 1))) {
                    broken.add(doc + ": " + target + " (no such heading in " + resolved + ")");
                }
            }
        }
        assertThat(broken).as("broken links").isEmpty();
    }

    private static Set<String> anchors(Path md) throws IOException {
        Set<String> out = new HashSet<>();
        String text = Files.readString(md, StandardCharsets.UTF_8).replaceAll("(?ms)^```.*?^```", "");
        for (Matcher m = HEADING.matcher(text); m.find(); ) {
            out.add(RulePageBlocks.anchor(m.group(1)));
        }
        return out;
    }

    /** The documents stand alone: nothing points at files outside the repository. */
    @Test
    void documentsCiteNothingOutsideTheRepository() throws IOException {
        for (Path doc : documents()) {
            String text = Files.readString(doc, StandardCharsets.UTF_8);
            assertThat(text).as("%s", doc).doesNotContain("../shared").doesNotContain("THEORY.md");
        }
    }
}
