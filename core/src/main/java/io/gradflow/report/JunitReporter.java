package io.gradflow.report;

import io.gradflow.rules.Finding;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.jspecify.annotations.Nullable;

/**
 * JUnit XML ({@code --format junit}), the test report Jenkins, GitLab ({@code
 * artifacts:reports:junit}), Azure Pipelines and most CI systems display: one {@code testsuite}
 * per file, one {@code testcase} per finding that fails with the finding (its {@code type} the
 * severity, its text the location, the fix and the related rules), a passing {@code testcase}
 * for a file with no finding, and an {@code error} for a file that could not be read. Valid
 * under the Jenkins xUnit plugin's JUnit schema (junit-10.xsd).
 */
public final class JunitReporter implements Reporter {

    private final Path base;

    /** @param base the directory paths are relative to (where gradflow runs) */
    public JunitReporter(Path base) {
        this.base = base.toAbsolutePath().normalize();
    }

    /** One test case: its name, and its failure or error (both null for a pass). */
    private record Case(String name, @Nullable String failureType, @Nullable String failureMessage,
                        @Nullable String failureText, boolean error) { }

    @Override
    public void write(LintReport report, PrintWriter out) {
        Map<String, List<Case>> byFile = new LinkedHashMap<>();
        for (InputError e : report.errors()) {
            byFile.computeIfAbsent(Locations.relative(e.source(), base), k -> new ArrayList<>()).add(new Case(
                    "unreadable input", "unreadable-input",
                    Locations.message(e), where(e.source(), e.line(), e.column(), e.pointer()), true));
        }
        for (ModelResult m : report.models()) {
            List<Case> cases = byFile.computeIfAbsent(Locations.relative(m.model().source(), base),
                    k -> new ArrayList<>());
            for (Finding f : m.findings()) {
                StringBuilder text = new StringBuilder(where(f.source(), f.line(), f.column(), f.pointer()))
                        .append('\n').append(f.severity().id()).append(": ").append(Locations.message(f))
                        .append(" [").append(f.rule()).append(']');
                if (f.fix() != null) {
                    text.append("\nfix: ").append(f.fix());
                }
                for (Finding.Related r : f.related()) {
                    text.append("\nalso ").append(r.rule()).append(' ').append(r.name()).append(": ").append(r.message());
                }
                String name = f.rule() + " " + f.name() + (f.layer() == null ? "" : " (layer '" + f.layer() + "')");
                cases.add(new Case(name, f.severity().id(), Locations.message(f), text.toString(), false));
            }
            if (cases.isEmpty()) {
                cases.add(new Case("gradflow", null, null, null, false));
            }
        }
        int tests = 0;
        int failures = 0;
        int errors = 0;
        for (List<Case> cases : byFile.values()) {
            for (Case c : cases) {
                tests++;
                failures += c.failureType() != null && !c.error() ? 1 : 0;
                errors += c.error() ? 1 : 0;
            }
        }
        try {
            XMLStreamWriter w = XMLOutputFactory.newDefaultFactory().createXMLStreamWriter(out);
            w.writeStartDocument("UTF-8", "1.0");
            w.writeCharacters("\n");
            w.writeStartElement("testsuites");
            w.writeAttribute("name", "gradflow");
            w.writeAttribute("tests", Integer.toString(tests));
            w.writeAttribute("failures", Integer.toString(failures));
            w.writeAttribute("errors", Integer.toString(errors));
            w.writeCharacters("\n");
            for (Map.Entry<String, List<Case>> file : byFile.entrySet()) {
                suite(w, file.getKey(), file.getValue());
            }
            w.writeEndElement();
            w.writeCharacters("\n");
            w.writeEndDocument();
            w.flush();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write the JUnit report", e);
        }
    }

    private static void suite(XMLStreamWriter w, String file, List<Case> cases) throws XMLStreamException {
        long failures = cases.stream().filter(c -> c.failureType() != null && !c.error()).count();
        long errors = cases.stream().filter(Case::error).count();
        w.writeCharacters("  ");
        w.writeStartElement("testsuite");
        w.writeAttribute("name", CheckstyleReporter.xml(file));
        w.writeAttribute("tests", Integer.toString(cases.size()));
        w.writeAttribute("failures", Long.toString(failures));
        w.writeAttribute("errors", Long.toString(errors));
        w.writeAttribute("skipped", "0");
        w.writeAttribute("file", CheckstyleReporter.xml(file));
        w.writeCharacters("\n");
        for (Case c : cases) {
            w.writeCharacters("    ");
            boolean empty = c.failureType() == null;
            if (empty) {
                w.writeEmptyElement("testcase");
            } else {
                w.writeStartElement("testcase");
            }
            w.writeAttribute("name", CheckstyleReporter.xml(c.name()));
            w.writeAttribute("classname", CheckstyleReporter.xml(file));
            w.writeAttribute("time", "0");
            if (!empty) {
                w.writeCharacters("\n      ");
                w.writeStartElement(c.error() ? "error" : "failure");
                w.writeAttribute("type", c.failureType());
                w.writeAttribute("message", CheckstyleReporter.xml(
                        Objects.requireNonNull(c.failureMessage(), "a failure has a message")));
                w.writeCharacters(text(Objects.requireNonNull(c.failureText(), "a failure has a text")));
                w.writeEndElement();
                w.writeCharacters("\n    ");
                w.writeEndElement();
            }
            w.writeCharacters("\n");
        }
        w.writeCharacters("  ");
        w.writeEndElement();
        w.writeCharacters("\n");
    }

    private static String where(String source, int line, int column, String pointer) {
        return source + (line > 0 ? ":" + line + ":" + Math.max(column, 1)
                : pointer != null && !pointer.isEmpty() ? ": " + pointer : "");
    }

    /** Element text XML 1.0 can hold (newlines kept; characters XML forbids replaced). */
    private static String text(String raw) {
        // control characters shown as escapes line by line, as in every format; the lines stay lines
        StringBuilder lines = new StringBuilder(raw.length());
        for (String line : raw.split("\n", -1)) {
            if (lines.length() > 0) {
                lines.append('\n');
            }
            lines.append(Printable.text(line));
        }
        String s = lines.toString();
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (c == '\n' || c == '\t' || c >= 0x20 && c <= 0xD7FF || c >= 0xE000 && c <= 0xFFFD
                    || c >= 0x10000 && c <= 0x10FFFF) {
                b.appendCodePoint(c);
            } else {
                b.append('\uFFFD');
            }
        });
        return b.toString();
    }
}
