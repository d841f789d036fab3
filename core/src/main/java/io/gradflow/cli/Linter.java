package io.gradflow.cli;

import io.gradflow.engine.Pipeline;
import io.gradflow.ingest.ReadException;
import io.gradflow.model.ModelGraph;
import io.gradflow.report.InputError;
import io.gradflow.report.LintReport;
import io.gradflow.report.ModelResult;
import io.gradflow.report.Skipped;
import io.gradflow.rules.RuleConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The lint over a list of paths: each file through the {@link Pipeline}, errors collected, one report. */
public final class Linter {

    private final Function<Path, RuleConfig> configs;

    /** Every file gets {@code config}. */
    public Linter(RuleConfig config) {
        this(file -> config);
    }

    /** Each file gets its own configuration (gradflow.json discovery, per-path overrides). */
    public Linter(Function<Path, RuleConfig> configs) {
        this.configs = configs;
    }

    /** Lints every model file the paths name or contain; one bad file never stops the others. */
    public LintReport lint(List<String> paths) throws IOException {
        return lintInputs(FileWalker.expand(paths));
    }

    LintReport lintInputs(List<FileWalker.Input> inputs) {
        List<ModelResult> models = new ArrayList<>();
        List<InputError> errors = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (FileWalker.Input in : inputs) {
            try {
                models.add(Pipeline.lint(in.path(), in.display(), configs.apply(in.path())));
            } catch (ReadException e) {
                if (e.isNotAModel() && !in.explicit()) {
                    // weights, a data set, a package.json met while walking: counted, listed with -v
                    skipped.add(new Skipped(in.display(), e.getMessage()));
                    continue;
                }
                for (ReadException.Problem p : e.problems()) {
                    errors.add(new InputError(in.display(), p.pos().line(), p.pos().column(), p.pos().pointer(),
                            p.message()));
                }
            } catch (RuntimeException | StackOverflowError e) {
                errors.add(new InputError(in.display(), 0, 0, "", "gradflow could not analyse this file "
                        + "(internal error: " + e + "); please report it"));
                if (System.getenv("GRADFLOW_DEBUG") != null) {
                    e.printStackTrace();
                }
            }
        }
        return new LintReport(models, errors, 0, skipped);
    }

    /** Analysis and rules for one model already read, with the configuration for its source. */
    public ModelResult analyse(ModelGraph g) {
        return Pipeline.check(g, configs.apply(Path.of(g.source())));
    }
}
