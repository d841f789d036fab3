package io.gradflow.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.gradflow.model.Format;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape of the code, checked: the pipeline's layers (cli -> ingest -> model -> analysis ->
 * rules -> report), analysis and rules that never ask which format a model came from, no state
 * shared between analyses.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.gradflow");
    }

    @Test
    void layersOnlyReachDownThePipeline() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("cli").definedBy("io.gradflow.cli..")
                .layer("lsp").definedBy("io.gradflow.lsp..")
                .layer("engine").definedBy("io.gradflow.engine..")
                .layer("fix").definedBy("io.gradflow.fix..")
                .layer("config").definedBy("io.gradflow.config..")
                .layer("convert").definedBy("io.gradflow.convert..")
                .layer("ingest").definedBy("io.gradflow.ingest..")
                .layer("report").definedBy("io.gradflow.report..")
                .layer("rules").definedBy("io.gradflow.rules..")
                .layer("analysis").definedBy("io.gradflow.analysis..")
                .layer("kinds").definedBy("io.gradflow.kinds..")
                .layer("model").definedBy("io.gradflow.model..", "io.gradflow.math..", "io.gradflow.json..",
                        "io.gradflow.text..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                // the language server is a command of its own, started by the command line only
                .whereLayer("lsp").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("engine").mayOnlyBeAccessedByLayers("cli", "lsp")
                .whereLayer("config").mayOnlyBeAccessedByLayers("cli", "engine", "lsp")
                .whereLayer("convert").mayOnlyBeAccessedByLayers("cli")
                // fixes edit the text a model came from: the DSL's parse tree, the JSON's spans
                .whereLayer("fix").mayOnlyBeAccessedByLayers("cli", "engine", "lsp")
                .whereLayer("ingest").mayOnlyBeAccessedByLayers("cli", "engine", "fix", "lsp")
                .whereLayer("report").mayOnlyBeAccessedByLayers("cli", "engine", "config", "lsp")
                .whereLayer("rules").mayOnlyBeAccessedByLayers("cli", "engine", "config", "report", "fix", "lsp")
                .whereLayer("analysis").mayOnlyBeAccessedByLayers("cli", "engine", "config", "report", "rules", "lsp")
                .whereLayer("kinds").mayOnlyBeAccessedByLayers("ingest", "convert", "analysis")
                // the DSL checks the rule ids its suppression comments name while it reads them, so a
                // wrong one is an error at its line like any other
                .ignoreDependency(JavaClass.Predicates.simpleName("Directives"),
                        JavaClass.Predicates.resideInAPackage("io.gradflow.rules"))
                // so does the DL4J reader with its "gradflow": {"ignore": [...]} members
                .ignoreDependency(JavaClass.Predicates.simpleName("InlineIgnores"),
                        JavaClass.Predicates.resideInAPackage("io.gradflow.rules"))
                .check(classes);
    }

    @Test
    void analysisAndRulesNeverAskWhichFormatAModelCameFrom() {
        noClasses().that().resideInAnyPackage("io.gradflow.analysis..", "io.gradflow.rules..", "io.gradflow.kinds..")
                .should().dependOnClassesThat().areAssignableTo(Format.class)
                .because("readers translate their format into explicit model fields; after ingest nothing asks")
                .check(classes);
    }

    @Test
    void analysisAndRulesMatchNoSubstringsOfNames() {
        noClasses().that().resideInAnyPackage("io.gradflow.analysis..", "io.gradflow.rules..", "io.gradflow.kinds..")
                .and().doNotHaveSimpleName("RulePages")
                // it reads rule ids and their prefixes (GF00), which are text, not layers
                .and().doNotHaveSimpleName("RuleSelector")
                .should().callMethodWhere(describe("String.contains, startsWith, endsWith, indexOf or matches",
                        (JavaMethodCall call) -> call.getTargetOwner().isEquivalentTo(String.class)
                                && List.of("contains", "startsWith", "endsWith", "indexOf", "matches")
                                .contains(call.getName())))
                .because("a layer's kind and parameters are explicit model fields, not parts of a class name")
                .check(classes);
    }

    @Test
    void theAnalysisKeepsNoStaticMutableState() {
        fields().that().areDeclaredInClassesThat().resideInAnyPackage("io.gradflow.analysis..", "io.gradflow.kinds..",
                        "io.gradflow.math..", "io.gradflow.model..")
                .and().areStatic()
                .should().beFinal().andShould().notHaveRawType(assignableTo(Map.class))
                .because("every analysis starts from nothing: caches belong to one analysis")
                .check(classes);
    }

    @Test
    void sourcesNameJavaUtilTypesByImportNotInline() throws IOException {
        Pattern inline = Pattern.compile("\\bjava\\.util\\.(?:function\\.|concurrent\\.|regex\\.|stream\\.)?[A-Z]\\w*");
        assertThat(sourceLines(List.of(Path.of("core/src/main/java"), Path.of("verify/src/main/java")),
                l -> !l.startsWith("import ") && !l.startsWith("*") && !l.startsWith("//") && inline.matcher(l).find()))
                .isEmpty();
    }

    /**
     * Text is formatted under {@code Locale.US}, never the default locale (a German one would
     * print "12,03 decades") nor {@code Locale.ROOT}: the JDK's formatter knows the US symbols
     * without asking the locale providers, while any other locale loads the CLDR data and its
     * resource bundles on the first format, about 20 ms of a one-file lint's start.
     */
    @Test
    void textIsFormattedUnderTheUsLocale() throws IOException {
        noClasses().should().callMethod(String.class, "format", String.class, Object[].class)
                .orShould().callMethod(String.class, "formatted", Object[].class)
                .orShould().callMethod(PrintStream.class, "printf", String.class, Object[].class)
                .orShould().callMethod(PrintWriter.class, "printf", String.class, Object[].class)
                .because("the default locale's symbols differ from machine to machine")
                .check(classes);
        Pattern root = Pattern.compile("\\b(?:format|printf)\\(Locale\\.ROOT\\b");
        assertThat(sourceLines(List.of(Path.of("core/src/main/java")), l -> root.matcher(l).find())).isEmpty();
    }

    /** The Java sources' lines under {@code roots} (trimmed) that {@code bad} picks, as "file:line: text". */
    private static List<String> sourceLines(List<Path> roots, Predicate<String> bad) throws IOException {
        List<String> offending = new ArrayList<>();
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    List<String> lines = Files.readAllLines(f);
                    for (int i = 0; i < lines.size(); i++) {
                        String l = lines.get(i).trim();
                        if (bad.test(l)) {
                            offending.add(f + ":" + (i + 1) + ": " + l);
                        }
                    }
                }
            }
        }
        return offending;
    }
}
