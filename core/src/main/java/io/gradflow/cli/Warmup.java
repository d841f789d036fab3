package io.gradflow.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The launcher's training run: lints the given files the ways hooks and CI lint them, in one JVM,
 * so that the class-data-sharing archive or AOT cache it records holds what a lint uses. One JVM,
 * not one per file and format: on a loaded 2-core machine the training is the first run's cost.
 */
public final class Warmup {

    /** The option sets each file is linted with; every reporter and the profile and fixes text. */
    private static final List<List<String>> RUNS = List.of(
            List.of(),
            List.of("--profile", "--fixes"),
            List.of("--format", "json"),
            List.of("--format", "sarif"),
            List.of("--format", "github"),
            List.of("--format", "checkstyle"));

    private Warmup() {
    }

    /**
     * {@code Warmup [--text-only] FILE...}: lints each file, the report going to standard output
     * (discarded by the caller). {@code --text-only}: the default text report alone, for an AOT
     * cache, which loads every class it holds at start-up whether the run needs it or not.
     */
    public static void main(String[] args) {
        List<String> files = new ArrayList<>(List.of(args));
        boolean textOnly = files.remove("--text-only");
        List<String> lint = new ArrayList<>(List.of("lint"));
        lint.addAll(files);
        Main.prewarm(lint.toArray(String[]::new));
        Main.run("--version");
        for (List<String> options : textOnly ? RUNS.subList(0, 1) : RUNS) {
            for (String f : files) {
                List<String> run = new ArrayList<>();
                run.add("lint");
                run.addAll(options);
                run.add(f);
                Main.run(run.toArray(String[]::new));
            }
        }
        System.exit(0);
    }
}
