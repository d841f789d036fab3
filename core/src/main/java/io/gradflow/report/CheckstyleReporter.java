package io.gradflow.report;

import io.gradflow.rules.Finding;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Checkstyle's XML report, which Jenkins, GitLab converters, reviewdog and many CI systems
 * read: {@code <checkstyle><file name><error line column severity message source/></file>}.
 * Files appear in input order; line (and column) are 0 where the format has no lines.
 */
public final class CheckstyleReporter implements Reporter {

    /** The Checkstyle report version consumers expect. */
    static final String VERSION = "4.3";

    /** One error element. */
    private record Entry(int line, int column, String severity, String message, String source) { }

    @Override
    public void write(LintReport report, PrintWriter out) {
        Map<String, List<Entry>> byFile = new LinkedHashMap<>();
        for (InputError e : report.errors()) {
            byFile.computeIfAbsent(e.source(), k -> new ArrayList<>())
                    .add(new Entry(e.line(), e.column(), "error", Locations.message(e), "gradflow.unreadable"));
        }
        for (ModelResult m : report.models()) {
            // a clean file is listed too, as Checkstyle lists every file it checked
            byFile.computeIfAbsent(m.model().source(), k -> new ArrayList<>());
            for (Finding f : m.findings()) {
                byFile.computeIfAbsent(f.source(), k -> new ArrayList<>()).add(new Entry(f.line(), f.column(),
                        f.severity().id(), Locations.messageWithRelated(f), "gradflow." + f.rule()));
            }
        }
        try {
            XMLStreamWriter w = XMLOutputFactory.newDefaultFactory().createXMLStreamWriter(out);
            w.writeStartDocument("UTF-8", "1.0");
            w.writeCharacters("\n");
            w.writeStartElement("checkstyle");
            w.writeAttribute("version", VERSION);
            w.writeCharacters("\n");
            for (Map.Entry<String, List<Entry>> file : byFile.entrySet()) {
                w.writeCharacters("  ");
                w.writeStartElement("file");
                w.writeAttribute("name", xml(file.getKey()));
                w.writeCharacters("\n");
                for (Entry e : file.getValue()) {
                    w.writeCharacters("    ");
                    w.writeEmptyElement("error");
                    w.writeAttribute("line", Integer.toString(e.line()));
                    if (e.column() > 0) {
                        w.writeAttribute("column", Integer.toString(e.column()));
                    }
                    w.writeAttribute("severity", e.severity());
                    w.writeAttribute("message", xml(e.message()));
                    w.writeAttribute("source", e.source());
                    w.writeCharacters("\n");
                }
                w.writeCharacters("  ");
                w.writeEndElement();
                w.writeCharacters("\n");
            }
            w.writeEndElement();
            w.writeCharacters("\n");
            w.writeEndDocument();
            w.flush();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write the Checkstyle report", e);
        }
    }

    /**
     * Text XML 1.0 can hold: the writer escapes markup but not characters XML forbids outright
     * (control characters in a file name), and newlines in attributes would be read back as spaces.
     */
    static String xml(String text) {
        // control characters shown as escapes first, as in every format; what XML still forbids after
        String s = Printable.text(text);
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (c == '\n' || c == '\r' || c == '\t') {
                b.append(' ');
            } else if (c >= 0x20 && c <= 0xD7FF || c >= 0xE000 && c <= 0xFFFD || c >= 0x10000 && c <= 0x10FFFF) {
                b.appendCodePoint(c);
            } else {
                b.append('\uFFFD');
            }
        });
        return b.toString();
    }
}
