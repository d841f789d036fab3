package io.gradflow.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradflow.cli.Linter;
import io.gradflow.ingest.ModelLoader;
import io.gradflow.report.LintReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Keeps the rule set honest: unique ids and names, a page with the house headings for every rule
 * and no page without a rule, and a positive and a negative fixture per rule, every one of which
 * behaves as its sidecar {@code .expected} file or its {@code # expect:} comments (DSL) say.
 */
class RuleCatalogueTest {

    private static final List<String> HEADINGS = List.of("## What it does", "## Why is this bad?", "## Example",
            "## Use instead", "## Options", "## Suppression", "## References");

    @Test
    void idsAndNamesAreUniqueAndWellFormed() {
        Set<String> ids = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (Rule r : BuiltInRules.all()) {
            assertThat(r.info().id()).matches("GF\\d{3}");
            assertThat(r.info().name()).matches("[a-z]+(-[a-z]+)*");
            assertThat(ids.add(r.info().id())).as("duplicate id %s", r.info().id()).isTrue();
            assertThat(names.add(r.info().name())).as("duplicate name %s", r.info().name()).isTrue();
        }
    }

    @Test
    void everyRuleHasAPageWithTheHouseHeadings() throws IOException {
        for (Rule r : BuiltInRules.all()) {
            Path page = Path.of(r.info().page());
            assertThat(page).as("page of %s", r.info().id()).exists();
            String text = Files.readString(page);
            // the title comes from RuleInfo (RulePagesTest holds the whole generated header to it)
            assertThat(text).startsWith(RulePageBlocks.HEADER_BEGIN + "\n# " + r.info().id() + " " + r.info().name()
                    + "\n");
            for (String h : HEADINGS) {
                assertThat(text).as("%s has '%s'", page, h).contains(h);
            }
            assertThat(text).contains("fixtures/rules/" + r.info().id() + "/positive")
                    .contains("fixtures/rules/" + r.info().id() + "/negative");
        }
    }

    /**
     * The options a rule declares (what a configuration file is checked against) are the ones its
     * page's options table lists, with the same types and defaults, the ones its page explains in
     * words, and the ones its code reads, with the same defaults everywhere.
     */
    @Test
    void declaredOptionsAreTheDocumentedAndTheReadOnes() throws IOException {
        Pattern read = Pattern.compile("ctx\\.option\\(INFO,\\s*\"(\\w+)\",\\s*([-0-9.eE]+)\\)");
        Pattern row = Pattern.compile("(?m)^\\| `(\\w+)` \\| (integer|number) \\| ([-0-9.eE]+) \\|");
        try (Stream<Path> sources = Files.walk(Path.of("core/src/main/java/io/gradflow/rules"))) {
            List<Path> all = sources.filter(p -> p.toString().endsWith(".java")).toList();
            for (Rule r : BuiltInRules.all()) {
                Map<String, Double> declared = new LinkedHashMap<>();
                Map<String, String> declaredTypes = new LinkedHashMap<>();
                r.info().options().forEach(o -> {
                    declared.put(o.name(), o.defaultValue());
                    declaredTypes.put(o.name(), o.integer() ? "integer" : "number");
                });

                String page = Files.readString(Path.of(r.info().page()));
                String section = page.substring(page.indexOf("## Options"), page.indexOf("## Suppression"));
                Map<String, Double> documented = new LinkedHashMap<>();
                Map<String, String> documentedTypes = new LinkedHashMap<>();
                for (Matcher m = row.matcher(section); m.find(); ) {
                    documented.put(m.group(1), Double.parseDouble(m.group(3)));
                    documentedTypes.put(m.group(1), m.group(2));
                }
                assertThat(documented).as("options documented on %s", r.info().page()).isEqualTo(declared);
                assertThat(documentedTypes).as("option types on %s", r.info().page()).isEqualTo(declaredTypes);
                // the table is generated and has no meaning column: the words around it must say what each does
                String prose = RulePageBlocks.handWritten(section);
                for (String name : declared.keySet()) {
                    assertThat(prose).as("%s explains option %s in words", r.info().page(), name)
                            .contains("`" + name + "`");
                }

                Path source = all.stream().filter(p -> p.getFileName().toString()
                        .equals(r.getClass().getSimpleName() + ".java")).findFirst().orElseThrow();
                Map<String, Double> used = new LinkedHashMap<>();
                for (Matcher m = read.matcher(Files.readString(source)); m.find(); ) {
                    used.put(m.group(1), Double.parseDouble(m.group(2)));
                }
                assertThat(declared).as("options %s reads", source).containsAllEntriesOf(used);
                assertThat(used.keySet()).as("options %s declares but never reads", source)
                        .containsAll(declared.keySet());
            }
        }
    }

    @Test
    void noPageWithoutARule() throws IOException {
        Set<String> pages = new HashSet<>();
        BuiltInRules.all().forEach(r -> pages.add(r.info().page()));
        try (Stream<Path> files = Files.list(Path.of("rules"))) {
            files.filter(p -> p.toString().endsWith(".md")).forEach(p ->
                    assertThat(pages).as("rules/%s belongs to no rule", p.getFileName())
                            .contains("rules/" + p.getFileName()));
        }
    }

    @TestFactory
    Stream<DynamicTest> fixturesBehaveAsTheirExpectationsSay() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Rule r : BuiltInRules.all()) {
            String id = r.info().id();
            for (String kind : List.of("positive", "negative")) {
                List<Path> models = fixtures(id, kind);
                tests.add(DynamicTest.dynamicTest(id + " has a " + kind + " fixture",
                        () -> assertThat(models).as("%s %s fixture", id, kind).isNotEmpty()));
                for (Path model : models) {
                    tests.add(DynamicTest.dynamicTest(id + " " + model.getFileName(), () -> {
                        Set<String> want = expected(model);
                        if (kind.equals("positive")) {
                            assertThat(want).as("%s expects findings", model).isNotEmpty();
                        }
                        assertThat(found(model, id)).as("%s", model).isEqualTo(want);
                    }));
                }
            }
        }
        return tests.stream();
    }

    /** Every fixture of a kind (positive.json, positive.gflow...), sidecar files aside. */
    static List<Path> fixtures(String id, String kind) throws IOException {
        Path dir = Path.of("fixtures", "rules", id);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(kind + ".")
                    && !p.toString().endsWith(".expected")).sorted().toList();
        }
    }

    /** "# expect: GF001 error" or "# expect: GF001 error, GF005 warning", anywhere in a line's comment. */
    private static final Pattern EXPECT = Pattern.compile("#.*?\\bexpect:\\s*(.+)$");

    /**
     * What a fixture expects: "RULE SEVERITY LAYER" lines in a sidecar .expected file, or, in a
     * DSL file, "# expect: RULE SEVERITY" comments on the layer's line (the layer is the one that
     * line defines: "RULE SEVERITY line N", matched against the line of the finding's layer).
     */
    static Set<String> expected(Path model) throws IOException {
        String name = model.getFileName().toString();
        Path sidecar = model.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".expected");
        Set<String> out = new HashSet<>();
        if (dsl(model)) {
            List<String> lines = Files.readAllLines(model);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = EXPECT.matcher(lines.get(i));
                if (m.find()) {
                    for (String e : m.group(1).split(",")) {
                        out.add(e.strip().replaceAll("\\s+", " ") + " line " + (i + 1));
                    }
                }
            }
        }
        // a DSL fixture's expectations are in the file; positive.expected belongs to positive.json
        if (!dsl(model) && Files.exists(sidecar)) {
            for (String line : Files.readAllLines(sidecar)) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("#")) {
                    out.add(l.replaceAll("\\s+", " "));
                }
            }
        }
        return out;
    }

    static Set<String> found(Path model, String ruleId) throws IOException {
        LintReport report = new Linter(RuleConfig.DEFAULT).lint(List.of(model.toString()));
        assertThat(report.errors()).as("%s reads", model).isEmpty();
        Set<String> out = new HashSet<>();
        // a rule's finding counts where it leads and where it is a related note of another's
        report.models().forEach(m -> m.findings().forEach(f -> {
            String where = !dsl(model) ? (f.layer() == null ? "-" : f.layer())
                    : "line " + (f.layer() == null ? f.line() : m.model().node(f.layer()).pos().line());
            if (f.rule().equals(ruleId)) {
                out.add(f.rule() + " " + f.severity().id() + " " + where);
            }
            f.related().stream().filter(r -> r.rule().equals(ruleId))
                    .forEach(r -> out.add(r.rule() + " " + r.severity().id() + " " + where));
        }));
        return out;
    }

    private static boolean dsl(Path model) {
        return model.toString().endsWith(ModelLoader.DSL_EXTENSION);
    }
}
