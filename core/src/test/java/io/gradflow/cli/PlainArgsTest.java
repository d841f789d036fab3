package io.gradflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** A plain lint command line read without picocli reads as picocli reads it; anything else is left to picocli. */
class PlainArgsTest {

    private static final CommandSpec LINT = new LintCommand().spec();

    private static Args plain(String... words) {
        return Args.plain("lint", words, LintCommand.FLAG_NAMES, LintCommand.ONE_VALUE_NAMES, RawPaths.none());
    }

    private static Args picocli(String... words) {
        CommandLine line = new CommandLine(new LintCommand().spec());
        return new Args(line.parseArgs(words), line);
    }

    @Test
    void theTablesAreLintsFlagsAndOneValueOptionsAliasForAlias() {
        List<List<String>> flags = new ArrayList<>();
        List<List<String>> valued = new ArrayList<>();
        for (OptionSpec o : LINT.options()) {
            if (o.usageHelp() || o.type() == List.class) {
                continue;
            }
            (o.arity().max() == 0 ? flags : valued).add(List.of(o.names()));
        }
        assertThat(LintCommand.FLAG_NAMES).containsExactlyInAnyOrderElementsOf(flags);
        assertThat(LintCommand.ONE_VALUE_NAMES).containsExactlyInAnyOrderElementsOf(valued);
        for (List<String> g : LintCommand.ONE_VALUE_NAMES) {
            assertThat(LINT.findOption(g.get(0)).arity().min()).isEqualTo(1);
        }
    }

    @Test
    void aPlainCommandLineReadsAsPicocliReadsIt() {
        String[][] lines = {
            {"m.json"},
            {"a.json", "dir", "b.h5"},
            {"--format", "json", "--exit-zero", "m.json"},
            {"m.json", "-f", "sarif", "-q", "-o", "out.sarif", "other.json"},
            {"--output-format", "concise", "--fail-on", "warning", "--color", "never", "--timeout", "2.5", "-j", "1",
                "--config", "g.json", "--profile", "--fixes", "--statistics", "-v", "--force-exclude",
                "--no-respect-gitignore", "--skip-non-models", "m.json"},
            {"--baseline", "b.json", "--no-config", "--show-settings", "@m.json"},
            {"--write-baseline", "b.json", "--add-noqa", "--fix", "--unsafe-fixes", "--diff", "m.gflow"},
            {},
        };
        List<String> names = new ArrayList<>();
        for (OptionSpec o : LINT.options()) {
            names.addAll(List.of(o.names()));
        }
        for (String[] line : lines) {
            Args fast = plain(line);
            Args slow = picocli(line);
            assertThat(fast).as(String.join(" ", line)).isNotNull();
            assertThat(fast.command()).isEqualTo(slow.command());
            assertThat(fast.arguments()).as(String.join(" ", line)).isEqualTo(slow.arguments());
            for (String n : names) {
                assertThat(fast.has(n)).as(n + " in " + String.join(" ", line)).isEqualTo(slow.has(n));
                if (LINT.findOption(n).arity().max() > 0) {
                    assertThat(fast.value(n)).as(n).isEqualTo(slow.value(n));
                    assertThat(fast.values(n)).as(n).isEqualTo(slow.values(n));
                }
            }
        }
    }

    @Test
    void anythingElseIsLeftToPicocli() {
        String[][] lines = {
            {"--help", "m.json"},
            {"-h"},
            {"--", "m.json"},
            {"--format=json", "m.json"},
            {"-fjson", "m.json"},
            {"-qv", "m.json"},
            {"--quiet", "--quiet", "m.json"},
            {"-f", "json", "--format", "text", "m.json"},
            {"--output", "-report.txt", "m.json"},
            {"m.json", "--format"},
            {"--select", "GF001", "m.json"},
            {"--unknown", "m.json"},
            {"-"},
            {""},
            {"--format", "", "m.json"},
        };
        for (String[] line : lines) {
            assertThat(plain(line)).as(String.join(" ", line)).isNull();
        }
    }
}
