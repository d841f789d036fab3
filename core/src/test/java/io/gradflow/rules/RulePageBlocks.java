package io.gradflow.rules;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * The parts of a rule page ({@code rules/GFnnn-name.md}) that are written from the rule's
 * {@link RuleInfo}, so that the page and the code cannot disagree: a header block at the top
 * (title, summary, default severity, category, since) and an options block under
 * {@code ## Options} (the options table). Each lies between a begin marker and {@link #END}; the
 * rest of the page is hand-written and left as it is. {@code RulePagesTest} checks the blocks and,
 * with {@code -Dgradflow.regenerate=true}, rewrites them.
 */
final class RulePageBlocks {

    static final String HEADER_BEGIN =
            "<!-- begin generated header from RuleInfo: edit the rule class, not this block -->";
    static final String OPTIONS_BEGIN =
            "<!-- begin generated options from RuleInfo: edit the rule class, not this block -->";
    static final String END = "<!-- end generated -->";

    static final String OPTIONS_HEADING = "## Options";

    private RulePageBlocks() {
    }

    /** The header block's text between its markers. */
    static String header(RuleInfo info) {
        return "# " + info.id() + " " + info.name() + "\n\n"
                + sentence(info.summary()) + "\n\n"
                + "Default severity: **" + info.severity().id() + "**. Category: `" + info.category().id()
                + "`. Since: " + info.since() + ".\n";
    }

    /** The options block's text between its markers: a table of the declared options, or "None.". */
    static String options(RuleInfo info) {
        if (info.options().isEmpty()) {
            return "None.\n";
        }
        StringBuilder b = new StringBuilder();
        b.append("Set in `gradflow.json` under `rules.").append(info.id()).append(".options`:\n\n");
        b.append("| option | type | default |\n");
        b.append("| --- | --- | --- |\n");
        for (RuleOption o : info.options()) {
            b.append("| `").append(o.name()).append("` | ").append(type(o)).append(" | ")
                    .append(defaultText(o)).append(" |\n");
        }
        return b.toString();
    }

    /** "integer" or "number", as the configuration checks them. */
    static String type(RuleOption o) {
        return o.integer() ? "integer" : "number";
    }

    /** The default as the configuration would spell it: 3 for an integer, 1.0 or 0.99 for a number. */
    static String defaultText(RuleOption o) {
        if (o.integer()) {
            return Long.toString(Math.round(o.defaultValue()));
        }
        String s = BigDecimal.valueOf(o.defaultValue()).stripTrailingZeros().toPlainString();
        return s.contains(".") ? s : s + ".0";
    }

    private static String sentence(String s) {
        String t = s.strip();
        return t.endsWith(".") ? t : t + ".";
    }

    /**
     * The page with both blocks as {@code info} gives them. A missing block is added (the header
     * at the top, the options block right under {@code ## Options}); markers that are duplicated,
     * unclosed or out of place are an error naming the page.
     */
    static String regenerate(String page, RuleInfo info) {
        String p = page.replace("\r\n", "\n");
        p = replace(p, info, HEADER_BEGIN, header(info), true);
        return replace(p, info, OPTIONS_BEGIN, options(info), false);
    }

    private static String replace(String page, RuleInfo info, String begin, String body, boolean header) {
        String block = begin + "\n" + body + "\n" + END + "\n";
        int start = page.indexOf(begin);
        if (start < 0) {
            if (header) {
                return block + "\n" + page;
            }
            int heading = headingLine(page, OPTIONS_HEADING);
            if (heading < 0) {
                throw new IllegalArgumentException(info.page() + ": no '" + OPTIONS_HEADING
                        + "' heading to put the generated options under");
            }
            int after = page.indexOf('\n', heading) + 1;
            return page.substring(0, after) + "\n" + block + page.substring(after);
        }
        if (page.indexOf(begin, start + 1) >= 0) {
            throw new IllegalArgumentException(info.page() + ": the marker '" + begin + "' appears twice");
        }
        if (start > 0 && page.charAt(start - 1) != '\n') {
            throw new IllegalArgumentException(info.page() + ": the marker '" + begin + "' must start a line");
        }
        int end = page.indexOf("\n" + END, start);
        int nextBegin = page.indexOf("<!-- begin generated", start + begin.length());
        if (end < 0 || nextBegin >= 0 && nextBegin < end) {
            throw new IllegalArgumentException(info.page() + ": the block after '" + begin + "' has no '"
                    + END + "' line");
        }
        if (header && start != 0) {
            throw new IllegalArgumentException(info.page() + ": the generated header must open the page");
        }
        if (!header) {
            int heading = headingLine(page, OPTIONS_HEADING);
            int next = heading < 0 ? -1 : page.indexOf("\n## ", heading + 1);
            if (heading < 0 || start < heading || next >= 0 && start > next) {
                throw new IllegalArgumentException(info.page() + ": the generated options must lie under '"
                        + OPTIONS_HEADING + "'");
            }
        }
        int stop = end + 1 + END.length();
        if (stop < page.length() && page.charAt(stop) == '\n') {
            stop++;
        }
        return page.substring(0, start) + block + page.substring(stop);
    }

    /** Offset of the line that is exactly {@code heading}, or -1. */
    static int headingLine(String page, String heading) {
        int from = 0;
        while (true) {
            int i = page.indexOf(heading, from);
            if (i < 0) {
                return -1;
            }
            boolean lineStart = i == 0 || page.charAt(i - 1) == '\n';
            int eol = i + heading.length();
            boolean lineEnd = eol == page.length() || page.charAt(eol) == '\n';
            if (lineStart && lineEnd) {
                return i;
            }
            from = i + 1;
        }
    }

    /**
     * The page with its generated blocks cut out: what a person wrote. Used to check that every
     * option the table lists is also explained in words.
     */
    static String handWritten(String page) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        while (true) {
            int start = page.indexOf("<!-- begin generated", from);
            if (start < 0) {
                out.append(page, from, page.length());
                return out.toString();
            }
            out.append(page, from, start);
            int end = page.indexOf(END, start);
            if (end < 0) {
                return out.toString();
            }
            from = end + END.length();
        }
    }

    /** GitHub's anchor for a heading's text: lower case, punctuation dropped, spaces to hyphens. */
    static String anchor(String headingText) {
        String lower = headingText.strip().toLowerCase(Locale.ROOT);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                b.append(c);
            } else if (c == ' ') {
                b.append('-');
            }
        }
        return b.toString();
    }
}
