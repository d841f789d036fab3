package io.gradflow.report;

import io.gradflow.rules.Finding;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * GitHub Actions workflow commands: one {@code ::error file=F,line=L,col=C,title=T::message} per
 * finding (warning for warnings, notice for info), which the runner turns into annotations on the
 * pull request's diff, the fix under the message; then the text summary line for the log.
 *
 * <p>GitHub shows at most {@value #CAP} annotations of each level per step and drops the rest
 * silently. So the most severe come first (unreadable inputs and errors, then warnings, then
 * notices), each level's first {@value #CAP} become annotations, and the rest are printed as
 * plain lines in the log and, inside a workflow, listed in the job's step summary
 * ({@code $GITHUB_STEP_SUMMARY}), which GitHub renders as Markdown on the run's page.
 */
public final class GithubReporter implements Reporter {

    /** Annotations GitHub shows per level and per step. */
    static final int CAP = 10;

    private final Path base;
    private final @Nullable Path stepSummary;

    /** @param base the directory paths are relative to (the workspace: where gradflow runs) */
    public GithubReporter(Path base) {
        this(base, null);
    }

    /**
     * @param base        the directory paths are relative to (the workspace: where gradflow runs)
     * @param stepSummary the step summary file to append what does not fit to, or null
     */
    public GithubReporter(Path base, @Nullable Path stepSummary) {
        this.base = base;
        this.stepSummary = stepSummary;
    }

    /** One annotation to be: its level, where, its title and message. */
    private record Note(String level, String source, int line, int column, String title, String message) {

        int rank() {
            return switch (level) {
                case "error" -> 0;
                case "warning" -> 1;
                default -> 2;
            };
        }
    }

    @Override
    public void write(LintReport report, PrintWriter out) {
        List<Note> notes = new ArrayList<>();
        for (InputError e : report.errors()) {
            notes.add(new Note("error", e.source(), e.line(), e.column(), "gradflow: unreadable input",
                    Locations.message(e)));
        }
        for (ModelResult m : report.models()) {
            for (Finding f : m.findings()) {
                String level = switch (f.severity()) {
                    case ERROR -> "error";
                    case WARNING -> "warning";
                    case INFO -> "notice";
                };
                notes.add(new Note(level, f.source(), f.line(), f.column(), f.rule() + " " + f.name(),
                        Locations.messageWithFix(f)));
            }
        }
        // stable: within a level, the report's order
        notes.sort(Comparator.comparingInt(Note::rank));
        int[] shown = new int[3];
        List<Note> rest = new ArrayList<>();
        for (Note n : notes) {
            if (shown[n.rank()] < CAP) {
                shown[n.rank()]++;
                out.println(command(n));
            } else {
                rest.add(n);
            }
        }
        for (Note n : rest) {
            out.println(plain(n));
        }
        String summary = TextReporter.summary(report);
        if (!rest.isEmpty()) {
            summary += " (" + rest.size() + " beyond GitHub's " + CAP + " annotations per level are listed above"
                    + (stepSummary != null ? " and in the step summary)" : ")");
        }
        out.println(summary);
        if (stepSummary != null && !rest.isEmpty()) {
            appendStepSummary(rest, TextReporter.summary(report), out);
        }
    }

    private void appendStepSummary(List<Note> rest, String summary, PrintWriter out) {
        StringBuilder b = new StringBuilder("### gradflow\n\n").append(summary.replace("|", "\\|")).append("\n\n")
                .append(rest.size()).append(rest.size() == 1 ? " finding" : " findings")
                .append(" beyond GitHub's ").append(CAP).append(" annotations per level:\n\n")
                .append("| level | where | rule | message |\n| --- | --- | --- | --- |\n");
        for (Note n : rest) {
            String where = Locations.relative(n.source(), base) + (n.line() > 0 ? ":" + n.line() : "");
            b.append("| ").append(n.level()).append(" | `").append(cell(where).replace("`", "'")).append("` | ")
                    .append(cell(n.title())).append(" | ").append(cell(n.message())).append(" |\n");
        }
        try {
            Files.writeString(stepSummary, b.append('\n').toString(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the annotations and the log have everything; say why the summary does not
            out.println("gradflow: could not append to the step summary " + stepSummary + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** A Markdown table cell: no pipes, no line breaks. */
    private static String cell(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>");
    }

    private String plain(Note n) {
        String where = Locations.relative(n.source(), base) + (n.line() > 0 ? ":" + n.line() + ":"
                + Math.max(n.column(), 1) : "");
        return where + ": " + (n.level().equals("notice") ? "info" : n.level()) + ": "
                + n.message().replace("\n", " ") + " [" + n.title() + "]";
    }

    private String command(Note n) {
        StringBuilder b = new StringBuilder("::").append(n.level()).append(" file=")
                .append(property(Locations.relative(n.source(), base)));
        if (n.line() > 0) {
            b.append(",line=").append(n.line()).append(",col=").append(Math.max(n.column(), 1));
        }
        b.append(",title=").append(property(n.title())).append("::").append(data(n.message()));
        return b.toString();
    }

    /**
     * A command's message: %, CR and LF are escaped (the runner's escapeData), and every other
     * control character is made visible: the runner prints the message raw to the job's log.
     */
    static String data(String s) {
        return Printable.text(s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"));
    }

    /** A property value: also ':' and ',', which separate properties (the runner's escapeProperty). */
    static String property(String s) {
        return data(s).replace(":", "%3A").replace(",", "%2C");
    }
}
