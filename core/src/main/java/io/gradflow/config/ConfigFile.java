package io.gradflow.config;

import io.gradflow.json.JsonParser;
import io.gradflow.json.JsonSyntaxException;
import io.gradflow.json.JsonValue;
import io.gradflow.rules.RuleConfig;
import io.gradflow.rules.RuleInfo;
import io.gradflow.rules.RuleOption;
import io.gradflow.rules.RuleSelector;
import io.gradflow.rules.Severity;
import io.gradflow.text.Suggest;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A parsed {@code gradflow.json}: which rules run (ruff's select, extend-select and ignore, per-file
 * ignores), their severities and options, thresholds, per-path overrides, the paths a directory
 * walk leaves out (exclude, extend-exclude), and which configuration it builds on (extend, root).
 * Patterns are relative to the file's directory. The text is JSONC: comments and trailing commas
 * are allowed. The schema is in the README; anything outside it is an error with its line and
 * column, never ignored.
 */
public final class ConfigFile {

    static final String EXTEND = "extend";
    static final String ROOT = "root";
    static final String SELECT = "select";
    static final String EXTEND_SELECT = "extend-select";
    static final String IGNORE = "ignore";
    static final String PER_FILE_IGNORES = "per-file-ignores";
    static final String EXCLUDE = "exclude";
    static final String EXTEND_EXCLUDE = "extend-exclude";
    private static final List<String> TOP = List.of(EXTEND, ROOT, SELECT, EXTEND_SELECT, IGNORE, PER_FILE_IGNORES,
            EXCLUDE, EXTEND_EXCLUDE, "rules", "thresholds", "overrides");
    private static final List<String> OVERRIDE = List.of("files", "rules", "thresholds");
    private static final List<String> RULE_OBJECT = List.of("severity", "options");
    private static final List<String> THRESHOLDS = List.of(ConfigLayer.VANISHING, ConfigLayer.EXPLODING,
            ConfigLayer.SIGNAL);
    /** What is wrong with a pattern Java's glob rejects, in words (its own message is a regex's). */
    private static final String GLOB_SYNTAX = "an unclosed '[' or '{', or a stray '\\' (write \\[ for a bracket)";
    private static final String RULE_VALUES = "\"off\", \"on\", \"error\", \"warning\" or \"info\"";

    private final Path dir;
    private final String display;
    private final boolean root;
    private final @Nullable ConfigFile extended;
    private final RuleSelection selection;
    private final ConfigLayer base;
    private final List<Override> overrides;
    private final List<PerFileIgnore> perFileIgnores;
    private final @Nullable List<Glob> exclude;
    private final List<Glob> extendExclude;

    /** One entry of "overrides": the files it applies to and what it changes. */
    private record Override(List<Glob> files, ConfigLayer layer) { }

    /** One entry of "per-file-ignores": the files a pattern matches and the rules turned off there. */
    private record PerFileIgnore(Glob files, List<String> rules) { }

    private ConfigFile(Path dir, String display, boolean root, @Nullable ConfigFile extended, RuleSelection selection,
                       ConfigLayer base, List<Override> overrides, List<PerFileIgnore> perFileIgnores,
                       @Nullable List<Glob> exclude, List<Glob> extendExclude) {
        this.dir = dir;
        this.display = display;
        this.root = root;
        this.extended = extended;
        this.selection = selection;
        this.base = base;
        this.overrides = List.copyOf(overrides);
        this.perFileIgnores = List.copyOf(perFileIgnores);
        this.exclude = exclude == null ? null : List.copyOf(exclude);
        this.extendExclude = List.copyOf(extendExclude);
    }

    /**
     * Reads a configuration file, and those it extends.
     *
     * @param path    the file
     * @param display how error messages name it
     */
    public static ConfigFile load(Path path, String display) throws ConfigException {
        return load(path, display, new ArrayList<>());
    }

    private static ConfigFile load(Path path, String display, List<Path> extending) throws ConfigException {
        Path abs = path.toAbsolutePath().normalize();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(abs);
        } catch (NoSuchFileException e) {
            throw new ConfigException(display + ": error: no such file");
        } catch (IOException e) {
            throw new ConfigException(display + ": error: cannot read: " + reason(e));
        }
        extending.add(abs);
        try {
            return parse(bytes, Objects.requireNonNull(abs.getParent(), "a file has a directory"), display, extending);
        } finally {
            extending.remove(extending.size() - 1);
        }
    }

    /** Parses configuration text whose patterns (and "extend") are relative to {@code dir}. */
    public static ConfigFile parse(byte[] bytes, Path dir, String display) throws ConfigException {
        return parse(bytes, dir, display, new ArrayList<>());
    }

    private static ConfigFile parse(byte[] bytes, Path dir, String display, List<Path> extending)
            throws ConfigException {
        JsonValue root;
        try {
            root = JsonParser.parseConfig(bytes);
        } catch (JsonSyntaxException e) {
            throw ConfigException.of(display, List.of(new ConfigException.Problem(e.line(), e.column(),
                    e.getMessage())));
        }
        Reader r = new Reader();
        ConfigLayer base = ConfigLayer.NONE;
        RuleSelection selection = RuleSelection.NONE;
        List<Override> overrides = new ArrayList<>();
        List<PerFileIgnore> perFile = new ArrayList<>();
        List<Glob> exclude = null;
        List<Glob> extendExclude = List.of();
        boolean isRoot = false;
        JsonValue extend = null;
        if (!root.isObject()) {
            r.problem(root, "a configuration is a JSON object with \"rules\", \"select\", \"exclude\"... "
                    + "(see the README)");
        } else {
            r.keys(root, "", TOP);
            base = r.layer(root, "");
            selection = new RuleSelection(root.has(SELECT) ? r.selectors(root.opt(SELECT), SELECT) : null,
                    r.selectors(root.opt(EXTEND_SELECT), EXTEND_SELECT), r.selectors(root.opt(IGNORE), IGNORE));
            JsonValue list = root.opt("overrides");
            if (list != null && !list.isArray()) {
                r.problem(list, "overrides: expected an array of {\"files\": [...], \"rules\": {...}}");
            } else if (list != null) {
                for (int i = 0; i < list.items().size(); i++) {
                    Override o = r.override(list.items().get(i), "overrides[" + i + "]");
                    if (o != null) {
                        overrides.add(o);
                    }
                }
            }
            perFile = r.perFileIgnores(root.opt(PER_FILE_IGNORES));
            if (root.has(EXCLUDE)) {
                exclude = r.patterns(root.opt(EXCLUDE), EXCLUDE);
            }
            extendExclude = r.patterns(root.opt(EXTEND_EXCLUDE), EXTEND_EXCLUDE);
            JsonValue rootFlag = root.opt(ROOT);
            if (rootFlag != null && rootFlag.type() != JsonValue.Type.BOOLEAN) {
                r.problem(rootFlag, ROOT + ": expected true or false, not " + show(rootFlag));
            } else if (rootFlag != null) {
                isRoot = rootFlag.asBoolean();
            }
            extend = root.opt(EXTEND);
            if (extend != null && (!extend.isString() || text(extend).isBlank())) {
                r.problem(extend, EXTEND + ": expected the path of another configuration file, not " + show(extend));
                extend = null;
            }
        }
        if (!r.problems.isEmpty()) {
            throw ConfigException.of(display, r.problems);
        }
        ConfigFile extended = null;
        if (extend != null) {
            String extendPath = text(extend);
            Path target = dir.resolve(extendPath).toAbsolutePath().normalize();
            String targetDisplay = sibling(display, extendPath);
            if (extending.contains(target)) {
                throw ConfigException.of(display, List.of(new ConfigException.Problem(extend.line(), extend.column(),
                        EXTEND + ": " + extend.asText() + " extends this file again (a cycle)")));
            }
            if (!Files.isRegularFile(target)) {
                throw ConfigException.of(display, List.of(new ConfigException.Problem(extend.line(), extend.column(),
                        EXTEND + ": no such configuration file: " + extend.asText() + " (relative to this file)")));
            }
            extended = load(target, targetDisplay, extending);
        }
        return new ConfigFile(dir, display, isRoot, extended, selection, base, overrides, perFile, exclude,
                extendExclude);
    }

    /** An I/O failure in words (Java names only the path for a permission problem). */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** How to name a file given relative to another file's directory, in that file's terms. */
    private static String sibling(String display, String relative) {
        Path parent = Path.of(display).getParent();
        return (parent == null ? Path.of(relative) : parent.resolve(relative)).normalize().toString()
                .replace('\\', '/');
    }

    /** The directory its patterns are relative to. */
    public Path directory() {
        return dir;
    }

    /** How messages name it. */
    public String display() {
        return display;
    }

    /** {@code "root": true}: it does not extend the configuration of a directory above it. */
    boolean isRoot() {
        return root;
    }

    /** Whether it names a configuration to build on ({@code "extend"}): then that, not the one above, is its base. */
    boolean extendsExplicitly() {
        return extended != null;
    }

    /** This file and those it extends, the furthest first. */
    List<ConfigFile> chain() {
        List<ConfigFile> out = extended == null ? new ArrayList<>() : extended.chain();
        out.add(this);
        return out;
    }

    /**
     * The configuration for one file under this configuration alone (and those it extends): the
     * selection, the rules and thresholds, the overrides that match, then the per-file ignores.
     */
    public RuleConfig forFile(Path file) {
        return resolve(chain(), file, RuleSelection.NONE);
    }

    /**
     * The configuration a chain of files gives one file, the furthest first, with the command
     * line's selection last of all but the per-file ignores (which turn rules off for some files
     * whatever was selected, as in ruff).
     */
    static RuleConfig resolve(List<ConfigFile> chain, Path file, RuleSelection cli) {
        Path abs = file.toAbsolutePath().normalize();
        RuleConfig c = RuleConfig.DEFAULT;
        for (ConfigFile f : chain) {
            c = f.selection.over(c);
            c = f.base.over(c);
            Path rel = f.dir.relativize(abs);
            for (Override o : f.overrides) {
                if (o.files().stream().anyMatch(g -> g.matches(rel))) {
                    c = o.layer().over(c);
                }
            }
        }
        c = cli.over(c);
        List<String> off = new ArrayList<>();
        for (ConfigFile f : chain) {
            Path rel = f.dir.relativize(abs);
            for (PerFileIgnore p : f.perFileIgnores) {
                if (p.files().matches(rel)) {
                    off.addAll(p.rules());
                }
            }
        }
        return off.isEmpty() ? c : new RuleSelection(null, List.of(), off).over(c);
    }

    /**
     * The exclude patterns after this file: its own "exclude" replaces those before it (the
     * built-in list included), its "extend-exclude" adds to them.
     */
    List<Exclusions.Anchored> excludes(List<Exclusions.Anchored> before) {
        List<Exclusions.Anchored> out = new ArrayList<>();
        if (exclude == null) {
            out.addAll(before);
        } else {
            exclude.forEach(g -> out.add(new Exclusions.Anchored(dir, g)));
        }
        extendExclude.forEach(g -> out.add(new Exclusions.Anchored(dir, g)));
        return out;
    }

    /** Walks the JSON tree, collecting every problem rather than stopping at the first. */
    private static final class Reader {

        final List<ConfigException.Problem> problems = new ArrayList<>();

        void problem(JsonValue at, String message) {
            problems.add(new ConfigException.Problem(at.line(), at.column(), message));
        }

        void keyProblem(JsonValue member, String message) {
            problems.add(new ConfigException.Problem(member.keyLine(), member.keyColumn(), message));
        }

        /** Reports keys of {@code obj} outside {@code allowed}. */
        void keys(JsonValue obj, String where, List<String> allowed) {
            for (Map.Entry<String, JsonValue> e : obj.members().entrySet()) {
                if (!allowed.contains(e.getKey())) {
                    String hint = Suggest.hint(e.getKey(), allowed);
                    keyProblem(e.getValue(), (where.isEmpty() ? "" : where + ": ") + "unknown key '" + e.getKey()
                            + "'" + (hint.isEmpty() ? " (expected " + or(allowed) + ")" : hint));
                }
            }
        }

        /** A list of rule selectors ("select", "ignore"...), each checked; empty when absent. */
        List<String> selectors(@Nullable JsonValue list, String where) {
            List<String> out = new ArrayList<>();
            if (list == null) {
                return out;
            }
            if (!list.isArray()) {
                problem(list, where + ": expected an array of rule ids, prefixes (GF00) or names, not " + show(list));
                return out;
            }
            for (JsonValue item : list.items()) {
                if (!item.isString()) {
                    problem(item, where + ": expected a rule id, prefix or name, not " + show(item));
                } else if (RuleSelector.resolve(text(item)).isEmpty()) {
                    problem(item, where + ": " + unknownRule(text(item)));
                } else {
                    out.add(item.asText());
                }
            }
            return out;
        }

        /** "per-file-ignores": {"pattern": ["GF001", ...]}. */
        List<PerFileIgnore> perFileIgnores(@Nullable JsonValue map) {
            List<PerFileIgnore> out = new ArrayList<>();
            if (map == null) {
                return out;
            }
            if (!map.isObject()) {
                problem(map, PER_FILE_IGNORES + ": expected an object from a file pattern to the rules to turn off "
                        + "there, e.g. {\"legacy/**\": [\"GF002\"]}");
                return out;
            }
            for (Map.Entry<String, JsonValue> e : map.members().entrySet()) {
                String at = PER_FILE_IGNORES + "." + e.getKey();
                Glob g = glob(e.getValue(), e.getKey(), at, true);
                List<String> rules = selectors(e.getValue(), at);
                if (g != null && !rules.isEmpty()) {
                    out.add(new PerFileIgnore(g, rules));
                }
            }
            return out;
        }

        /** A list of patterns ("exclude", "extend-exclude"); empty when absent. */
        List<Glob> patterns(@Nullable JsonValue list, String where) {
            List<Glob> out = new ArrayList<>();
            if (list == null) {
                return out;
            }
            if (!list.isArray()) {
                problem(list, where + ": expected an array of file patterns, not " + show(list));
                return out;
            }
            for (JsonValue item : list.items()) {
                if (!item.isString() || text(item).isBlank()) {
                    problem(item, where + ": expected a file pattern, not " + show(item));
                    continue;
                }
                Glob g = glob(item, text(item), where, false);
                if (g != null) {
                    out.add(g);
                }
            }
            return out;
        }

        private @Nullable Glob glob(JsonValue at, String pattern, String where, boolean atKey) {
            try {
                return Glob.of(pattern);
            } catch (IllegalArgumentException e) {
                String message = where + ": invalid pattern '" + pattern + "': " + GLOB_SYNTAX;
                if (atKey) {
                    keyProblem(at, message);
                } else {
                    problem(at, message);
                }
                return null;
            }
        }

        @Nullable Override override(JsonValue item, String where) {
            if (!item.isObject()) {
                problem(item, where + ": expected an object {\"files\": [...], \"rules\": {...}}");
                return null;
            }
            keys(item, where, OVERRIDE);
            List<Glob> globs = new ArrayList<>();
            JsonValue files = item.opt("files");
            if (files == null) {
                problem(item, where + ": \"files\" is required (glob patterns relative to this file's directory)");
            } else if (!files.isArray() || files.items().isEmpty()) {
                problem(files, where + ".files: expected a non-empty array of glob patterns");
            } else {
                for (JsonValue f : files.items()) {
                    if (!f.isString() || Objects.requireNonNull(f.asText(), "a string has text").isBlank()) {
                        problem(f, where + ".files: expected a glob pattern string, not " + show(f));
                        continue;
                    }
                    try {
                        globs.add(Glob.of(f.asText()));
                    } catch (IllegalArgumentException e) {
                        problem(f, where + ".files: invalid pattern '" + f.asText() + "': " + GLOB_SYNTAX);
                    }
                }
            }
            ConfigLayer layer = layer(item, where);
            return new Override(globs, layer);
        }

        /** The "rules" and "thresholds" members of the top level or of an override. */
        ConfigLayer layer(JsonValue obj, String where) {
            String prefix = where.isEmpty() ? "" : where + ".";
            Map<String, Boolean> enabled = new HashMap<>();
            Map<String, Severity> severities = new HashMap<>();
            Set<String> reset = new HashSet<>();
            Map<String, Map<String, Double>> options = new HashMap<>();
            Map<String, Double> thresholds = new HashMap<>();

            JsonValue rules = obj.opt("rules");
            if (rules != null && !rules.isObject()) {
                problem(rules, prefix + "rules: expected an object from rule id or name to " + RULE_VALUES
                        + " or {\"severity\": ..., \"options\": {...}}");
            } else if (rules != null) {
                Map<List<RuleInfo>, String> seen = new HashMap<>();
                // a prefix (GF00) first, the rules it covers after: the more specific key has the last word
                List<Map.Entry<String, JsonValue>> entries = new ArrayList<>(rules.members().entrySet());
                entries.sort(Comparator.comparingInt(e -> -RuleSelector.breadth(e.getKey())));
                for (Map.Entry<String, JsonValue> e : entries) {
                    String key = e.getKey();
                    JsonValue v = e.getValue();
                    List<RuleInfo> picked = RuleSelector.resolve(key);
                    if (picked.isEmpty()) {
                        keyProblem(v, prefix + "rules: " + unknownRule(key));
                        continue;
                    }
                    String before = seen.put(picked, key);
                    if (before != null) {
                        keyProblem(v, prefix + "rules: " + (picked.size() == 1 ? picked.get(0).id() : "'" + key + "'")
                                + " is configured twice ('" + before + "' and '" + key + "')");
                        continue;
                    }
                    String at = prefix + "rules." + key;
                    JsonValue level = v;
                    if (v.isObject()) {
                        keys(v, at, RULE_OBJECT);
                        level = v.opt("severity");
                        JsonValue opts = v.opt("options");
                        if (opts != null && picked.size() > 1) {
                            problem(opts, at + ".options: options belong to one rule, and '" + key + "' picks "
                                    + picked.size() + "; give the rule's id");
                        } else if (opts != null) {
                            options.put(picked.get(0).id(), options(picked.get(0), opts, at + ".options"));
                        }
                    } else if (!v.isString()) {
                        problem(v, at + ": expected " + RULE_VALUES + " or {\"severity\": ..., \"options\": {...}},"
                                + " not " + show(v));
                        continue;
                    }
                    if (level != null) {
                        for (RuleInfo info : picked) {
                            level(info, level, v.isObject() ? at + ".severity" : at, enabled, severities, reset);
                        }
                    }
                }
            }

            JsonValue t = obj.opt("thresholds");
            if (t != null && !t.isObject()) {
                problem(t, prefix + "thresholds: expected an object with " + or(THRESHOLDS));
            } else if (t != null) {
                keys(t, prefix + "thresholds", THRESHOLDS);
                for (Map.Entry<String, JsonValue> e : t.members().entrySet()) {
                    JsonValue v = e.getValue();
                    if (!THRESHOLDS.contains(e.getKey())) {
                        continue;
                    }
                    if (!v.isNumber() || !(v.asDouble() > 0) || Double.isInfinite(v.asDouble())) {
                        problem(v, prefix + "thresholds." + e.getKey() + ": expected a positive number of decades, not "
                                + show(v));
                    } else {
                        thresholds.put(e.getKey(), v.asDouble());
                    }
                }
            }
            return new ConfigLayer(enabled, severities, reset, options, thresholds);
        }

        void level(RuleInfo info, JsonValue v, String at, Map<String, Boolean> enabled,
                   Map<String, Severity> severities, Set<String> reset) {
            String s = v.isString()
                    ? Objects.requireNonNull(v.asText(), "a string has text").toLowerCase(Locale.ROOT) : "";
            switch (s) {
                case "off" -> enabled.put(info.id(), false);
                case "on" -> {
                    enabled.put(info.id(), true);
                    reset.add(info.id());
                }
                case "error", "warning", "info" -> {
                    enabled.put(info.id(), true);
                    severities.put(info.id(), Severity.parse(s));
                }
                default -> {
                    if (problems.stream().noneMatch(p -> p.line() == v.line() && p.column() == v.column())) {
                        problem(v, at + ": expected " + RULE_VALUES + ", not " + show(v));
                    }
                }
            }
        }

        Map<String, Double> options(RuleInfo info, JsonValue opts, String at) {
            Map<String, Double> out = new LinkedHashMap<>();
            if (!opts.isObject()) {
                problem(opts, at + ": expected an object of numeric options");
                return out;
            }
            for (Map.Entry<String, JsonValue> e : opts.members().entrySet()) {
                RuleOption o = info.option(e.getKey()).orElse(null);
                JsonValue v = e.getValue();
                if (o == null) {
                    keyProblem(v, at + ": unknown option '" + e.getKey() + "' (" + info.id()
                            + (info.options().isEmpty() ? " has no options)"
                            : " has " + and(info.options().stream().map(RuleOption::name).toList()) + ")"));
                } else if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                    problem(v, at + "." + o.name() + ": expected a number, not " + show(v));
                } else if (o.integer() && v.asDouble() != Math.rint(v.asDouble())) {
                    problem(v, at + "." + o.name() + ": expected a whole number, not " + show(v));
                } else {
                    out.put(o.name(), v.asDouble());
                }
            }
            return out;
        }
    }

    /** A JSON string's text (the caller checked that it is one). */
    private static String text(JsonValue string) {
        return Objects.requireNonNull(string.asText(), "a string has text");
    }

    /** "unknown rule 'x'" with the closest names, or where the rules are listed. */
    static String unknownRule(String key) {
        // ids a digit off each other are all "close": for an id, point at the list instead
        String hint = key.toUpperCase(Locale.ROOT).startsWith("GF") ? "" : Suggest.hint(key, RuleSelector.words());
        return "unknown rule '" + key + "'" + (hint.isEmpty() ? " ('gradflow rules' lists them)" : hint);
    }

    /** "a, b or c" */
    static String or(List<String> words) {
        return join(words, " or ");
    }

    /** "a, b and c" */
    static String and(List<String> words) {
        return join(words, " and ");
    }

    private static String join(List<String> words, String last) {
        if (words.size() == 1) {
            return words.get(0);
        }
        return String.join(", ", words.subList(0, words.size() - 1)) + last + words.get(words.size() - 1);
    }

    /** A value as the user wrote it, short, for messages. */
    static String show(JsonValue v) {
        // read only where the value is a string, number or boolean, which always have their text
        String text = String.valueOf(v.asText());
        return switch (v.type()) {
            case STRING -> "\"" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "\"";
            case NUMBER, BOOLEAN -> text;
            case NULL -> "null";
            case OBJECT -> "an object";
            case ARRAY -> "an array";
        };
    }
}
