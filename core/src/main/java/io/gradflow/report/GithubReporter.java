package io.gradflow.report;

import io.gradflow.rules.Finding;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * GitHub Actions workflow commands: one {@code ::error file=F,line=L,col=C,title=T::message} per
 * finding (warning for warnings, notice for info), which the runner turns into annotations on the
 * pull request's diff, then the text summary line for the log.
 */
public final class GithubReporter implements Reporter {

    private final Path base;

    /** @param base the directory paths are made relative to (the workspace: where gradflow runs) */
    public GithubReporter(Path base) {
        this.base = base;
    }

    @Override
    public void write(LintReport report, PrintWriter out) {
        for (InputError e : report.errors()) {
            out.println(command("error", e.source(), e.line(), e.column(), "gradflow: unreadable input",
                    Locations.message(e)));
        }
        for (ModelResult m : report.models()) {
            for (Finding f : m.findings()) {
                String level = switch (f.severity()) {
                    case ERROR -> "error";
                    case WARNING -> "warning";
                    case INFO -> "notice";
                };
                out.println(command(level, f.source(), f.line(), f.column(), f.rule() + " " + f.name(),
                        Locations.messageWithRelated(f)));
            }
        }
        out.println(TextReporter.summary(report));
    }

    private String command(String level, String source, int line, int column, String title, String message) {
        StringBuilder b = new StringBuilder("::").append(level).append(" file=")
                .append(property(Locations.relative(source, base)));
        if (line > 0) {
            b.append(",line=").append(line).append(",col=").append(Math.max(column, 1));
        }
        b.append(",title=").append(property(title)).append("::").append(data(message));
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
