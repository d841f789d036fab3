package io.gradflow.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.File;
import io.gradflow.ingest.keras.KerasFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lint path (and convert, which writes DL4J's JSON itself) loads no ND4J, no JavaCPP and no
 * Deeplearning4j class: it must start in a blink.
 */
class StaticPathTest {

    @Test
    void lintLoadsNoNd4jJavaCppOrDl4jClassEvenWithThemOnTheClasspath() throws IOException, InterruptedException {
        String out = runLoggingClassLoads("lint", "--format", "json", "fixtures/examples/sigmoid-mlp-20.json",
                "fixtures/examples/relu-residual-batchnorm-mlp-33.json", "fixtures/examples/sigmoid-mlp-20.gflow");
        assertThat(out).contains("io.gradflow.analysis.SignalPropagation").contains("\"verdict\": \"vanishing\"")
                .contains("io.gradflow.ingest.dsl.GradflowDslParser");
        assertThat(dl4jClasses(out)).isEmpty();
        // nor the language server's protocol library, which only `gradflow lsp` needs
        assertThat(out.lines().filter(l -> l.startsWith("[class,load]") && l.contains(" org.eclipse.lsp4j."))).isEmpty();
    }

    @Test
    void convertWritesDl4jJsonWithoutLoadingDl4j() throws IOException, InterruptedException {
        String out = runLoggingClassLoads("convert", "fixtures/examples/relu-residual-batchnorm-mlp-33.gflow",
                "--to", "dl4j-json");
        assertThat(out).contains("io.gradflow.convert.Dl4jJsonWriter")
                .contains("\"@class\": \"org.deeplearning4j.nn.conf.graph.LayerVertex\"");
        assertThat(dl4jClasses(out)).isEmpty();
    }

    private static String runLoggingClassLoads(String... args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-verbose:class", "-cp",
                System.getProperty("java.class.path"), "io.gradflow.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private static List<String> dl4jClasses(String out) {
        return out.lines().filter(l -> l.startsWith("[class,load]"))
                .filter(l -> l.contains(" org.nd4j.") || l.contains(" org.bytedeco.") || l.contains(" org.deeplearning4j."))
                .toList();
    }

    @Test
    void kerasLintLoadsNoNd4jJavaCppOrDl4jClassEither(@TempDir Path tmp) throws IOException, InterruptedException {
        Path h5 = KerasFiles.kerasHdf5(tmp.resolve("m.h5"), KerasFiles.sequentialMlp(4, 16, "relu", "HeNormal"), 4096);
        Path zip = KerasFiles.kerasArchive(tmp.resolve("m.keras"), KerasFiles.keras3Functional());
        Path json = Files.writeString(tmp.resolve("m.json"), KerasFiles.sequentialMlp(3, 8, "tanh", "GlorotUniform"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-verbose:class", "-cp", System.getProperty("java.class.path"),
                "io.gradflow.cli.Main", "lint", "--format", "json", h5.toString(), zip.toString(), json.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("io.gradflow.ingest.keras.KerasHdf5").contains("\"format\": \"keras-v3\"")
                .contains("\"format\": \"keras-h5\"").contains("\"format\": \"keras-json\"");
        List<String> offending = out.lines().filter(l -> l.startsWith("[class,load]"))
                .filter(l -> l.contains(" org.nd4j.") || l.contains(" org.bytedeco.") || l.contains(" org.deeplearning4j."))
                .toList();
        assertThat(offending).isEmpty();
    }

    @Test
    void lintPackagesDoNotDependOnTheVerifierOrDl4j() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.gradflow");
        noClasses().that().resideInAnyPackage("io.gradflow.model..", "io.gradflow.ingest..", "io.gradflow.config..",
                        "io.gradflow.analysis..", "io.gradflow.rules..", "io.gradflow.report..",
                        "io.gradflow.convert..")
                .should().dependOnClassesThat().resideInAnyPackage("org.nd4j..", "org.deeplearning4j..",
                        "org.bytedeco..", "io.gradflow.verify..", "io.gradflow.cli..")
                .check(classes);
        noClasses().that().resideInAPackage("io.gradflow.cli..").and().doNotHaveSimpleName("VerifyCommand")
                .should().dependOnClassesThat().resideInAnyPackage("org.nd4j..", "org.deeplearning4j..",
                        "org.bytedeco..")
                .check(classes);
    }

    static String sep() {
        return File.pathSeparator;
    }
}
