package io.gradflow.rules;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The rule pages ({@code rules/GFnnn-name.md}), which the build bundles into the jar so that
 * {@code gradflow explain} and the SARIF report have them wherever gradflow runs.
 */
public final class RulePages {

    /** Where the build puts the pages on the classpath (see the pom's resources). */
    static final String RESOURCE_DIR = "/io/gradflow/rules/pages/";

    private RulePages() {
    }

    /**
     * The page's Markdown as a reader sees it (without the generated blocks' marker comments), or
     * empty when the classpath lacks it (a build without resources).
     */
    public static Optional<String> text(RuleInfo info) {
        String name = info.page().substring(info.page().lastIndexOf('/') + 1);
        try (InputStream in = RulePages.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                return Optional.empty();
            }
            StringBuilder page = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
                if (!(line.startsWith("<!--") && line.endsWith("-->"))) {
                    page.append(line).append('\n');
                }
            }
            return Optional.of(page.substring(0, page.length() - 1).replaceFirst("^\n+", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text under a page's {@code ## heading} up to the next heading, trimmed; empty if absent. */
    public static String section(String page, String heading) {
        String marker = "## " + heading;
        int start = page.indexOf(marker);
        if (start < 0) {
            return "";
        }
        start += marker.length();
        int end = page.indexOf("\n## ", start);
        return page.substring(start, end < 0 ? page.length() : end).strip();
    }
}
