package io.gradflow.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * What git ignores, as a directory walk sees it (ruff does the same): inside a git repository,
 * the patterns of {@code .git/info/exclude} and of every {@code .gitignore} from the repository's
 * root down to the path, with git's rules (gitignore(5)): a later and deeper pattern wins,
 * {@code !} re-includes, a trailing slash matches directories only, a slash elsewhere anchors the
 * pattern to its file's directory, {@code **} spans directories. The user's global excludes file
 * (core.excludesFile) is not read. Outside a repository nothing is ignored. Files are read once
 * per run.
 */
public final class GitIgnore {

    /** One pattern line of an ignore file, anchored at that file's directory. */
    record Rule(Path base, Pattern regex, boolean negate, boolean dirOnly, String text) {

        boolean matches(Path abs, boolean dir) {
            if (dirOnly && !dir || !abs.startsWith(base) || abs.equals(base)) {
                return false;
            }
            return regex.matcher(base.relativize(abs).toString().replace('\\', '/')).matches();
        }
    }

    private final Map<Path, Optional<Path>> repoOf = new HashMap<>();
    private final Map<Path, List<Rule>> rulesOf = new HashMap<>();

    /** Whether git ignores the path (a directory when {@code dir}). */
    public boolean ignored(Path path, boolean dir) {
        Path abs = path.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        if (parent == null) {
            return false;
        }
        Optional<Path> repo = repository(parent);
        if (repo.isEmpty()) {
            return false;
        }
        Path root = repo.get();
        List<Rule> rules = new ArrayList<>(read(root.resolve(".git").resolve("info").resolve("exclude"), root));
        List<Path> dirs = new ArrayList<>();
        for (Path d = parent; d != null && d.startsWith(root); d = d.getParent()) {
            dirs.add(0, d);
        }
        for (Path d : dirs) {
            rules.addAll(read(d.resolve(".gitignore"), d));
        }
        boolean ignored = false;
        for (Rule r : rules) {
            if (r.matches(abs, dir)) {
                ignored = !r.negate();
            }
        }
        return ignored;
    }

    /** The working tree's root: the nearest directory at or above {@code dir} holding {@code .git}. */
    private Optional<Path> repository(Path dir) {
        Optional<Path> known = repoOf.get(dir);
        if (known != null) {
            return known;
        }
        Optional<Path> found = Files.exists(dir.resolve(".git")) ? Optional.of(dir)
                : dir.getParent() == null ? Optional.empty() : repository(dir.getParent());
        repoOf.put(dir, found);
        return found;
    }

    private List<Rule> read(Path file, Path base) {
        return rulesOf.computeIfAbsent(file, f -> {
            if (!Files.isRegularFile(f)) {
                return List.of();
            }
            try {
                return parse(Files.readString(f, StandardCharsets.UTF_8), base);
            } catch (IOException | RuntimeException e) {
                // an unreadable ignore file ignores nothing, as git treats it
                return List.of();
            }
        });
    }

    /** The rules of an ignore file's text, anchored at {@code base}. */
    static List<Rule> parse(String text, Path base) {
        List<Rule> out = new ArrayList<>();
        for (String raw : text.split("\r?\n")) {
            Rule r = rule(raw, base);
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    /** One line as a rule, or null for a blank line, a comment or a pattern git would not use. */
    static @Nullable Rule rule(String raw, Path base) {
        String line = stripTrailingSpaces(raw);
        if (line.isEmpty() || line.startsWith("#")) {
            return null;
        }
        boolean negate = false;
        if (line.startsWith("!")) {
            negate = true;
            line = line.substring(1);
        } else if (line.startsWith("\\!") || line.startsWith("\\#")) {
            line = line.substring(1);
        }
        boolean dirOnly = line.endsWith("/") && !line.endsWith("\\/");
        if (dirOnly) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.isEmpty()) {
            return null;
        }
        // a slash at the start or in the middle anchors the pattern to the ignore file's directory
        boolean anchored = line.indexOf('/') >= 0;
        if (line.startsWith("/")) {
            line = line.substring(1);
        }
        String regex = translate(line);
        if (!anchored) {
            regex = "(?:.*/)?" + regex;
        }
        try {
            return new Rule(base, Pattern.compile(regex, Pattern.DOTALL), negate, dirOnly, raw);
        } catch (PatternSyntaxException e) {
            return null;
        }
    }

    /** Trailing spaces go unless a backslash escapes them. */
    private static String stripTrailingSpaces(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == ' ' && !(end > 1 && s.charAt(end - 2) == '\\')) {
            end--;
        }
        return s.substring(0, end);
    }

    /** A gitignore glob as a regular expression over '/'-separated relative paths. */
    static String translate(String glob) {
        StringBuilder b = new StringBuilder();
        int n = glob.length();
        int i = 0;
        while (i < n) {
            char c = glob.charAt(i);
            boolean segmentStart = i == 0 || glob.charAt(i - 1) == '/';
            if (c == '*' && i + 1 < n && glob.charAt(i + 1) == '*' && segmentStart
                    && (i + 2 == n || glob.charAt(i + 2) == '/')) {
                if (i + 2 == n) {
                    // "a/**": everything inside a
                    b.append(".*");
                    i += 2;
                } else {
                    // "**/" at the start or "/**/" in the middle: any number of directories, none included
                    b.append("(?:.*/)?");
                    i += 3;
                }
                continue;
            }
            switch (c) {
                case '*' -> {
                    b.append("[^/]*");
                    while (i + 1 < n && glob.charAt(i + 1) == '*') {
                        i++;
                    }
                }
                case '?' -> b.append("[^/]");
                case '[' -> {
                    int close = classEnd(glob, i);
                    if (close < 0) {
                        b.append("\\[");
                    } else {
                        b.append(characterClass(glob.substring(i + 1, close)));
                        i = close;
                    }
                }
                case '\\' -> {
                    if (i + 1 < n) {
                        b.append(Pattern.quote(String.valueOf(glob.charAt(i + 1))));
                        i++;
                    }
                }
                default -> b.append(Pattern.quote(String.valueOf(c)));
            }
            i++;
        }
        return b.toString();
    }

    /** Where a bracket expression opened at {@code open} closes, or -1 when it does not. */
    private static int classEnd(String glob, int open) {
        int j = open + 1;
        if (j < glob.length() && (glob.charAt(j) == '!' || glob.charAt(j) == '^')) {
            j++;
        }
        if (j < glob.length() && glob.charAt(j) == ']') {
            j++;
        }
        while (j < glob.length() && glob.charAt(j) != ']') {
            j++;
        }
        return j < glob.length() ? j : -1;
    }

    private static String characterClass(String body) {
        StringBuilder b = new StringBuilder("[");
        int k = 0;
        if (!body.isEmpty() && (body.charAt(0) == '!' || body.charAt(0) == '^')) {
            b.append('^');
            k = 1;
        }
        for (; k < body.length(); k++) {
            char c = body.charAt(k);
            if (c == '-' && k > 0 && k < body.length() - 1) {
                b.append('-');
            } else if (Character.isLetterOrDigit(c)) {
                b.append(c);
            } else {
                b.append('\\').append(c);
            }
        }
        // a class never matches the separator
        return b.append("&&[^/]]").toString();
    }
}
