package io.gradflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.gradflow.json.JsonParser;
import io.gradflow.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * gradflow run as users run it, under each locale (issue 16): a file name with non-ASCII letters
 * and one that is not UTF-8 at all are both linted, named byte-exactly (invalid bytes as \xNN), and
 * the JSON report is JSON. Runs the launcher and, without it, the plain JVM under the same locale,
 * since the JVM spells file names in the locale's charset. `.ci/run` also runs this test with Maven
 * itself under LANG=C.
 */
class LocaleIT {

    /** 'modèle.json' in UTF-8, spelt in octal for the shell: under LANG=C this JVM could not spell it. */
    private static final String MODELE = "mod\\303\\250le.json";
    /** A name with the byte 0xFF, which no charset's decoder maps back to it. */
    private static final String BAD = "bad\\377.json";

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"C", "POSIX", "C.UTF-8"})
    void namesAreByteExactAndTheJsonIsJsonUnderEveryLocale(String locale) throws Exception {
        // the shell makes the files from their bytes: a name that is not UTF-8 (and, when Maven runs
        // under LANG=C as in .ci/run, any non-ASCII name) cannot be spelt by this JVM
        Result made = run(Map.of(), "bash", "-c", "cp fixtures/examples/relu-he-mlp-20.json \"$D/$(printf '" + MODELE
                + "')\" && cp \"$D/$(printf '" + MODELE + "')\" \"$D/$(printf '" + BAD + "')\"");
        assertThat(made.code).as(made.err).isZero();
        String dirName = dir.toString();

        for (List<String> launcher : List.of(List.of("./gradflow"), plainJvm())) {
            List<String> cmd = new ArrayList<>(launcher);
            cmd.addAll(List.of("lint", "--format", "json", "--fail-on", "never", dir.toString()));
            Result r = run(Map.of("LANG", locale, "LC_ALL", locale), cmd.toArray(String[]::new));
            String what = String.join(" ", launcher) + " under " + locale;
            assertThat(r.code).as(what + ": " + r.err).isZero();
            assertThat(r.err).as(what).doesNotContain("internal error", "Exception", "no such file");
            JsonValue report = JsonParser.parse(r.out.getBytes(StandardCharsets.UTF_8));
            List<String> sources = new ArrayList<>();
            report.get("models").items().forEach(m -> sources.add(m.get("source").asText()));
            assertThat(sources).as(what).containsExactlyInAnyOrder(
                    dirName + "/bad\\xff.json", dirName + "/mod\u00e8le.json");

            // the text report names them the same way, and a named argument is found by its bytes
            List<String> both = new ArrayList<>(List.of("bash", "-c", "\"$@\" lint --fail-on never \"$D/$(printf '"
                    + MODELE + "')\" \"$D/$(printf '" + BAD + "')\"", "sh"));
            both.addAll(launcher);
            Result named = run(Map.of("LANG", locale, "LC_ALL", locale), both.toArray(String[]::new));
            assertThat(named.code).as(what + ": " + named.err).isZero();
            assertThat(named.out).as(what).contains("/mod\u00e8le.json:10:7: info:", "/bad\\xff.json:10:7: info:");
        }
    }

    /** The JVM without the launcher's locale fix: gradflow itself must cope with an ASCII-only JVM. */
    private static List<String> plainJvm() throws IOException {
        Path core = Path.of("core", "target");
        StringBuilder cp = new StringBuilder(core.resolve("gradflow-core.jar").toString());
        try (Stream<Path> jars = Files.list(core.resolve("lib"))) {
            jars.filter(j -> j.toString().endsWith(".jar")).sorted().forEach(j -> cp.append(':').append(j));
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return List.of(java.toString(), "-cp", cp.toString(), "io.gradflow.cli.Main");
    }

    private record Result(int code, String out, String err) { }

    private Result run(Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG") || k.equals("LANGUAGE"));
        pb.environment().putAll(env);
        pb.environment().put("D", dir.toString());
        // not in the linted folder
        Path err = Files.createTempFile("gradflow-locale", ".txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + " did not finish in 5 minutes");
        }
        String errText = Files.readString(err, StandardCharsets.UTF_8);
        Files.delete(err);
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), errText);
    }
}
