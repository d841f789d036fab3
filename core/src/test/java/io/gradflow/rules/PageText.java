package io.gradflow.rules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A rule page as readers see it: the generated blocks' marker comments left out, as RulePages serves it. */
public final class PageText {

    private PageText() {
    }

    public static String read(Path page) throws IOException {
        return Files.readString(page).replaceAll("(?m)^<!--.*-->\\n", "").replaceFirst("^\\n+", "");
    }
}
