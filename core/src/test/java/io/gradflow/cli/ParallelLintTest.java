package io.gradflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradflow.bench.ScaleModels;
import io.gradflow.ingest.Limits;
import io.gradflow.report.LintReport;
import io.gradflow.report.ModelResult;
import io.gradflow.rules.RuleConfig;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --jobs}: files linted at once give the report they give one at a time, byte for byte,
 * with each bad file's errors where that file stands among the inputs.
 */
class ParallelLintTest {

    @TempDir
    Path tmp;

    /** The command-line arguments: two walked directories with bad files named between them. */
    private final List<String> inputs = new ArrayList<>();
    /** The bad files, in the order they are given. */
    private final List<String> bad = new ArrayList<>();

    @BeforeEach
    void manyFilesWithBadOnesBetween() throws IOException {
        List<Path> models;
        try (Stream<Path> s = Files.walk(Path.of("fixtures"))) {
            models = s.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".json") || p.toString().endsWith(".gflow")
                            || p.toString().endsWith(".zip") || p.toString().endsWith(".h5"))
                    .filter(p -> !p.startsWith(Path.of("fixtures", "golden")))
                    .sorted().toList();
        }
        assertThat(models).hasSizeGreaterThan(30);
        Path a = Files.createDirectory(tmp.resolve("a"));
        Path b = Files.createDirectory(tmp.resolve("b"));
        // twice over, so that copies of one model are linted at the same time
        for (int copy = 0; copy < 2; copy++) {
            for (int i = 0; i < models.size(); i++) {
                Path m = models.get(i);
                Path dir = (i + copy) % 2 == 0 ? a : b;
                Files.copy(m, dir.resolve(String.format(Locale.ROOT, "%d-%03d-%s", copy, i, m.getFileName())));
            }
        }
        // walked files that are not models are skipped, bad ones that look like models are errors
        Files.writeString(a.resolve("m-broken.json"), "{\"confs\": [", StandardCharsets.UTF_8);
        Files.writeString(b.resolve("m-broken.gflow"), "model broken {\n  dense 8 $\n}\n", StandardCharsets.UTF_8);
        inputs.add(a.toString());
        inputs.add(badFile("first-bad.json", "{\"confs\": [{\"layer\": 3}]"));
        inputs.add("fixtures/examples/sigmoid-mlp-20.json");
        inputs.add(badFile("second-bad.gflow", "network {\n  dense(units = ) \n"));
        inputs.add(b.toString());
        inputs.add(tmp.resolve("missing.json").toString());
        bad.add(tmp.resolve("missing.json").toString());
        inputs.add(badFile("third-bad.json", "not json at all"));
    }

    private String badFile(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        bad.add(p.toString());
        return p.toString();
    }

    private CliRunner.Result lint(String jobs, String... options) {
        List<String> args = new ArrayList<>(List.of("lint", "--jobs", jobs));
        args.addAll(List.of(options));
        args.addAll(inputs);
        return CliRunner.run(args.toArray(String[]::new));
    }

    @Test
    void oneTwoAndFourJobsGiveTheSameReport() {
        for (String format : List.of("text", "json")) {
            CliRunner.Result one = lint("1", "--format", format, "--profile");
            assertThat(one.code()).isEqualTo(2);
            assertThat(one.out()).doesNotContain("Exception", "\tat ");
            for (String jobs : format.equals("text") ? List.of("2", "4") : List.of("2")) {
                CliRunner.Result many = lint(jobs, "--format", format, "--profile");
                assertThat(many.out()).as("--jobs %s --format %s", jobs, format).isEqualTo(one.out());
                assertThat(many.err()).isEqualTo(one.err());
                assertThat(many.code()).isEqualTo(one.code());
            }
        }
    }

    @Test
    void eachBadFilesErrorsStandWhereTheFileStandsAmongTheInputs() {
        String out = lint("2").out();
        List<String> lines = out.lines().toList();
        int last = -1;
        for (String file : bad) {
            int at = -1;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith(file + ":") && lines.get(i).contains(": error: ")) {
                    at = i;
                    break;
                }
            }
            assertThat(at).as("an error line for %s in%n%s", file, out).isGreaterThan(last);
            last = at;
        }
        assertThat(out).contains("m-broken.json:").contains("m-broken.gflow:");
        assertThat(out.indexOf("m-broken.json:")).isLessThan(out.indexOf("first-bad.json:"));
        assertThat(out.indexOf("second-bad.gflow:")).isLessThan(out.indexOf("m-broken.gflow:"));
    }

    @Test
    void aSlowFileStoppedAtItsBudgetLeavesTheFilesBesideItLinted() throws IOException {
        Path slow = tmp.resolve("slow.gflow");
        try (Writer w = Files.newBufferedWriter(slow)) {
            // seconds of work where the budget is one: the small files beside it take milliseconds,
            // so a fast or a busy machine leaves them inside it
            ScaleModels.dsl(w, 100_000);
        }
        String good = "fixtures/examples/relu-he-mlp-20.json";
        CliRunner.Result r = CliRunner.run("lint", "-j", "2", "--timeout", "1", good, slow.toString(), good);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains(slow + ": error: gradflow stopped after 1 s, this file's time budget");
        // the files beside it were linted: both healthy models are in the summary
        assertThat(r.out()).contains("2 models (2 healthy)");
    }

    @Test
    void eachModelIsGivenEveryResultOnceAndWhatItThrowsLeavesTheReportAsItWas() throws IOException {
        List<String> paths = List.of("fixtures/examples", "fixtures/rules");
        Linter plain = new Linter(file -> RuleConfig.DEFAULT, Limits.DEFAULT_TIMEOUT, 2);
        LintReport expected = plain.lint(paths);
        Set<ModelResult> seen = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        Set<String> threads = ConcurrentHashMap.newKeySet();
        LintReport report = new Linter(file -> RuleConfig.DEFAULT, Limits.DEFAULT_TIMEOUT, 2, m -> {
            assertThat(seen.add(m)).as("once: %s", m.model().source()).isTrue();
            threads.add(Thread.currentThread().getName());
        }).lint(paths);
        assertThat(seen).hasSameSizeAs(report.models());
        assertThat(report.models()).allMatch(seen::contains);
        assertThat(threads).isNotEmpty().allMatch(t -> t.startsWith("gradflow-lint-"));
        LintReport thrown = new Linter(file -> RuleConfig.DEFAULT, Limits.DEFAULT_TIMEOUT, 2, m -> {
            throw new IllegalStateException("boom");
        }).lint(paths);
        assertThat(thrown.errors()).isEqualTo(expected.errors());
        assertThat(thrown.models()).hasSameSizeAs(expected.models());
        for (int i = 0; i < expected.models().size(); i++) {
            assertThat(thrown.models().get(i).findings()).isEqualTo(expected.models().get(i).findings());
        }
    }

    @Test
    void jobsIsAWholeNumberFromOne() {
        for (String v : List.of("0", "-1", "two", "1.5", "5000")) {
            CliRunner.Result r = CliRunner.run("lint", "--jobs", v, "fixtures/examples/relu-he-mlp-20.json");
            assertThat(r.code()).as(v).isEqualTo(2);
            assertThat(r.err()).contains("--jobs must be a whole number of files from 1 to 1024, not '" + v + "'");
        }
    }

    @Test
    void severalJobsStartTheLargestFilesFirstAndKeepTheInputsOrderAmongEqualSizes() throws IOException {
        List<FileWalker.Input> files = new ArrayList<>();
        int[] sizes = {10, 300, 10, 0, 300, 50};
        for (int i = 0; i < sizes.length; i++) {
            Path p = tmp.resolve("f" + i + ".json");
            Files.write(p, new byte[sizes[i]]);
            files.add(new FileWalker.Input(p, p.toString(), true));
        }
        files.add(new FileWalker.Input(tmp.resolve("gone.json"), "gone.json", true));
        assertThat(Linter.largestFirst(files)).containsExactly(1, 4, 5, 0, 2, 3, 6);
    }
}
