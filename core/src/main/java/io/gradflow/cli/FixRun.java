package io.gradflow.cli;

import io.gradflow.engine.Fixing;
import io.gradflow.fix.Diff;
import io.gradflow.fix.Fix;
import io.gradflow.fix.Fixer;
import io.gradflow.ingest.ModelLoader;
import io.gradflow.ingest.ReadException;
import io.gradflow.report.InputError;
import io.gradflow.report.LintReport;
import io.gradflow.report.ModelResult;
import io.gradflow.rules.Finding;
import io.gradflow.rules.RuleConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code lint --fix}, {@code --unsafe-fixes} and {@code --diff} over the inputs: each file fixed
 * through {@link Fixing}, written (or shown as a diff), and what was done said on standard error.
 * A file that cannot be read is reported as lint reports it and never touched.
 */
final class FixRun {

    /** The report of the fixed files, and whether any file was (or, with --diff, would be) changed. */
    record Result(LintReport report, boolean changed) { }

    private FixRun() {
    }

    static Result run(List<FileWalker.Input> inputs, Function<Path, RuleConfig> configs, boolean unsafe,
                      boolean diffOnly, PrintWriter diffOut, PrintWriter err) {
        List<ModelResult> models = new ArrayList<>();
        List<InputError> errors = new ArrayList<>();
        boolean changed = false;
        int fixedFindings = 0;
        int fixedFiles = 0;
        int unsafeLeft = 0;
        for (FileWalker.Input in : inputs) {
            Fixing.Outcome o;
            try {
                o = Fixing.fix(in.path(), in.display(), configs.apply(in.path()), unsafe);
            } catch (ReadException e) {
                if (e.isNotAModel() && !in.explicit()) {
                    continue;
                }
                for (ReadException.Problem p : e.problems()) {
                    errors.add(new InputError(in.display(), p.pos().line(), p.pos().column(), p.pos().pointer(),
                            p.message()));
                }
                continue;
            } catch (RuntimeException | StackOverflowError e) {
                errors.add(new InputError(in.display(), 0, 0, "", "gradflow could not fix this file "
                        + "(internal error: " + e + "); it was not changed; please report it"));
                continue;
            }
            models.add(o.result());
            if (!unsafe && o.inPlace()) {
                unsafeLeft += unsafeOnly(o);
            }
            if (o.note() != null && !o.result().findings().isEmpty()) {
                err.println("gradflow: " + in.display() + ": not fixed: " + o.note());
            }
            if (!o.changed()) {
                continue;
            }
            changed = true;
            String target = o.inPlace() ? in.display() : display(in, o.target());
            if (diffOnly) {
                // labelled as git labels a path, so that `git apply` and `patch -p1` take the diff
                String path = in.display().startsWith("/") ? in.display().substring(1) : in.display();
                diffOut.print(Diff.unified(o.before(), o.after(), o.inPlace() ? "a/" + path
                        : in.display() + " (" + entryOf(in) + ")", o.inPlace() ? "b/" + path : target));
                continue;
            }
            try {
                Fixing.write(o, in.path());
            } catch (IOException e) {
                errors.add(new InputError(in.display(), 0, 0, "", "cannot write the fixes: " + e.getMessage()));
                continue;
            }
            fixedFiles++;
            fixedFindings += o.fixes().size();
            err.println("gradflow: " + (o.inPlace() ? "fixed " + in.display() : "wrote " + target + " (" + in.display()
                    + " is not rewritten: gradflow rewrites JSON and DSL files only)") + ": " + describe(o.fixes()));
        }
        if (!diffOnly && fixedFiles > 0) {
            err.println("gradflow: " + plural(fixedFindings, "fix") + " applied in " + plural(fixedFiles, "file")
                    + (unsafeLeft > 0 ? "; " + plural(unsafeLeft, "more finding") + " fixable with --unsafe-fixes" : ""));
        } else if (!diffOnly && unsafeLeft > 0) {
            err.println("gradflow: no safe fix to apply; " + plural(unsafeLeft, "finding") + " fixable with "
                    + "--unsafe-fixes");
        }
        return new Result(new LintReport(models, errors), changed);
    }

    /** "init in layers 'dense_0'..'dense_19' [GF002]; ..." */
    private static String describe(List<Fix> fixes) {
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (Fix f : fixes) {
            seen.merge(f.title() + " [" + f.rule() + "]", 1, Integer::sum);
        }
        return String.join("; ", seen.keySet());
    }

    /** Findings left that only an unsafe fix would address. */
    private static int unsafeOnly(Fixing.Outcome o) {
        Fixer fixer = Fixer.of(o.result().model(), o.after());
        if (fixer == null) {
            return 0;
        }
        int n = 0;
        for (Finding f : o.result().findings()) {
            List<Fix> offered = fixer.fixes(f);
            if (!offered.isEmpty() && offered.stream().noneMatch(Fix::safe)) {
                n++;
            }
        }
        return n;
    }

    private static String entryOf(FileWalker.Input in) {
        try {
            return ModelLoader.embedded(in.path()).entry();
        } catch (ReadException e) {
            return "model";
        }
    }

    private static String display(FileWalker.Input in, Path target) {
        Path shown = Path.of(in.display()).resolveSibling(target.getFileName());
        return shown.toString();
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : word.endsWith("x") ? "es" : "s");
    }
}
