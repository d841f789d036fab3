package io.gradflow.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradflow.analysis.Thresholds;
import io.gradflow.analysis.Verdict;
import io.gradflow.ingest.ReadException;
import io.gradflow.report.ModelResult;
import io.gradflow.rules.Finding;
import io.gradflow.rules.RuleConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file read and analysed ahead of its lint gives the lint exactly what reading it then would
 * have, and only when it is the same file, named the same way, unchanged.
 */
class PrefetchTest {

    private static final Path SIGMOID = Path.of("fixtures/examples/sigmoid-mlp-20.json");
    private static final Path RELU = Path.of("fixtures/examples/relu-he-mlp-20.json");

    @TempDir
    Path tmp;

    @AfterEach
    void forget() {
        Prefetch.clear();
    }

    private static List<String> findings(ModelResult r) {
        return r.findings().stream().map(Finding::message).toList();
    }

    @Test
    void aFetchedFileLintsAsAFreshReadDoes() throws Exception {
        Path f = copy(SIGMOID, "m.json");
        ModelResult fresh = Pipeline.lint(f, "m.json", RuleConfig.DEFAULT);
        assertThat(Prefetch.announce(f, "m.json").fetch()).isTrue();
        ModelResult early = Pipeline.lint(f, "m.json", RuleConfig.DEFAULT);
        assertThat(findings(early)).isNotEmpty().isEqualTo(findings(fresh));
        assertThat(early.analysis().verdict()).isEqualTo(Verdict.VANISHING);
        assertThat(early.analysis().firstToLastDecades()).isEqualTo(fresh.analysis().firstToLastDecades());
    }

    @Test
    void itIsTakenOnceAndOnlyForTheSameNameAndPath() throws Exception {
        Path f = copy(SIGMOID, "m.json");
        Prefetch.announce(f, "m.json").fetch();
        assertThat(Prefetch.take(f, "./m.json", Thresholds.DEFAULT, 32)).isNull();
        assertThat(Prefetch.take(copy(SIGMOID, "other.json"), "m.json", Thresholds.DEFAULT, 32)).isNull();
        Prefetch.Taken taken = Prefetch.take(f, "m.json", Thresholds.DEFAULT, 32);
        assertThat(taken).isNotNull();
        assertThat(taken.graph().source()).isEqualTo("m.json");
        assertThat(taken.analysis()).isNotNull();
        assertThat(Prefetch.take(f, "m.json", Thresholds.DEFAULT, 32)).isNull();
    }

    @Test
    void aFileChangedSinceItWasFetchedIsReadAgain() throws Exception {
        Path f = copy(SIGMOID, "m.json");
        Prefetch.announce(f, "m.json").fetch();
        // the same name, other contents (a healthy ReLU network), written after the fetch
        Files.copy(RELU, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 5000));
        ModelResult r = Pipeline.lint(f, "m.json", RuleConfig.DEFAULT);
        assertThat(r.analysis().verdict()).isEqualTo(Verdict.HEALTHY);
    }

    @Test
    void otherThresholdsGetTheModelButAFreshAnalysis() throws Exception {
        Path f = copy(SIGMOID, "m.json");
        Prefetch.announce(f, "m.json").fetch();
        Prefetch.Taken taken = Prefetch.take(f, "m.json", new Thresholds(20, 20, 20), 32);
        assertThat(taken).isNotNull();
        assertThat(taken.analysis()).isNull();
        Prefetch.announce(f, "m.json").fetch();
        assertThat(Prefetch.take(f, "m.json", new Thresholds(3, 3, 3), 64).analysis()).isNull();
        Prefetch.announce(f, "m.json").fetch();
        assertThat(Prefetch.take(f, "m.json", new Thresholds(3, 3, 3), 32).analysis()).isNotNull();
    }

    @Test
    void aFileThatCannotBeReadGivesTheSameErrorAsReadingItThen() throws Exception {
        Path f = tmp.resolve("broken.json");
        Files.writeString(f, "{\"confs\": [ {\"layer\": ");
        String fresh = null;
        try {
            Pipeline.lint(f, "broken.json", RuleConfig.DEFAULT);
        } catch (ReadException e) {
            fresh = e.getMessage();
        }
        assertThat(fresh).isNotNull();
        Prefetch.announce(f, "broken.json").fetch();
        assertThatThrownBy(() -> Pipeline.lint(f, "broken.json", RuleConfig.DEFAULT))
                .isInstanceOf(ReadException.class).hasMessage(fresh);
    }

    @Test
    void aDirectoryOrAMissingFileIsNotFetched() throws ReadException {
        assertThat(Prefetch.announce(tmp, "dir").fetch()).isFalse();
        assertThat(Prefetch.take(tmp, "dir", Thresholds.DEFAULT, 32)).isNull();
        assertThat(Prefetch.announce(tmp.resolve("none.json"), "none.json").fetch()).isFalse();
    }

    @Test
    void theLintWaitsForAFetchInProgress() throws Exception {
        Path f = copy(SIGMOID, "m.json");
        Prefetch p = Prefetch.announce(f, "m.json");
        Thread t = new Thread(p::fetch);
        t.start();
        ModelResult r = Pipeline.lint(f, "m.json", RuleConfig.DEFAULT);
        t.join();
        assertThat(r.analysis().verdict()).isEqualTo(Verdict.VANISHING);
    }

    @Test
    void aLintThatArrivesFirstWarmsUpOnceAndThenTakesTheFetch() throws Exception {
        Path f = copy(SIGMOID, "m.json");
        AtomicInteger warmed = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        Prefetch p = Prefetch.announce(f, "m.json", () -> {
            warmed.incrementAndGet();
            started.countDown();
        });
        // the fetch starts only once the lint has begun its warm-up, so the lint is first
        Thread t = new Thread(() -> {
            try {
                started.await();
            } catch (InterruptedException e) {
                return;
            }
            p.fetch();
        });
        t.start();
        Prefetch.Taken taken = Prefetch.take(f, "m.json", Thresholds.DEFAULT, 32);
        t.join();
        assertThat(warmed).hasValue(1);
        assertThat(taken).isNotNull();
        assertThat(taken.analysis()).isNotNull();
    }

    @Test
    void aLintThatFindsTheFetchDoneDoesNotWarmUp() throws Exception {
        Path f = copy(SIGMOID, "m.json");
        AtomicInteger warmed = new AtomicInteger();
        Prefetch.announce(f, "m.json", warmed::incrementAndGet).fetch();
        assertThat(Prefetch.take(f, "m.json", Thresholds.DEFAULT, 32)).isNotNull();
        assertThat(warmed).hasValue(0);
    }

    private Path copy(Path from, String name) throws IOException {
        Path to = tmp.resolve(name);
        Files.copy(from, to);
        return to;
    }
}
