package io.gradflow.config;

import io.gradflow.json.JsonParser;
import io.gradflow.json.JsonSyntaxException;
import io.gradflow.json.JsonValue;
import io.gradflow.rules.BuiltInRules;
import io.gradflow.rules.Rule;
import io.gradflow.rules.RuleConfig;
import io.gradflow.rules.RuleInfo;
import io.gradflow.rules.RuleOption;
import io.gradflow.rules.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * A parsed {@code gradflow.json}: rule switches, severities and options, thresholds, and per-path
 * overrides whose patterns are relative to the file's directory. The schema is in the README;
 * anything outside it is an error with its line and column, never ignored.
 */
public final class ConfigFile {

    private static final List<String> TOP = List.of("rules", "thresholds", "overrides");
    private static final List<String> OVERRIDE = List.of("files", "rules", "thresholds");
    private static final List<String> RULE_OBJECT = List.of("severity", "options");
    private static final List<String> THRESHOLDS = List.of(ConfigLayer.VANISHING, ConfigLayer.EXPLODING,
            ConfigLayer.SIGNAL);
    private static final String RULE_VALUES = "\"off\", \"on\", \"error\", \"warning\" or \"info\"";

    private final Path dir;
    private final RuleConfig base;
    private final List<Override> overrides;

    /** One entry of "overrides": the files it applies to and what it changes. */
    private record Override(List<Glob> files, ConfigLayer layer) { }

    private ConfigFile(Path dir, RuleConfig base, List<Override> overrides) {
        this.dir = dir;
        this.base = base;
        this.overrides = List.copyOf(overrides);
    }

    /**
     * Reads a configuration file.
     *
     * @param path    the file
     * @param display how error messages name it
     */
    public static ConfigFile load(Path path, String display) throws ConfigException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new ConfigException(display + ": error: no such file");
        } catch (IOException e) {
            throw new ConfigException(display + ": error: cannot read: " + e.getMessage());
        }
        return parse(bytes, Objects.requireNonNull(path.toAbsolutePath().normalize().getParent(),
                "a file's absolute path has a parent"), display);
    }

    /** Parses configuration text whose override patterns are relative to {@code dir}. */
    public static ConfigFile parse(byte[] bytes, Path dir, String display) throws ConfigException {
        JsonValue root;
        try {
            root = JsonParser.parse(bytes);
        } catch (JsonSyntaxException e) {
            throw ConfigException.of(display, List.of(new ConfigException.Problem(e.line(), e.column(),
                    e.getMessage())));
        }
        Reader r = new Reader();
        RuleConfig base = RuleConfig.DEFAULT;
        List<Override> overrides = new ArrayList<>();
        if (!root.isObject()) {
            r.problem(root, "a configuration is a JSON object with \"rules\", \"thresholds\" and \"overrides\"");
        } else {
            r.keys(root, "", TOP);
            base = r.layer(root, "").over(RuleConfig.DEFAULT);
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
        }
        if (!r.problems.isEmpty()) {
            throw ConfigException.of(display, r.problems);
        }
        return new ConfigFile(dir, base, overrides);
    }

    /** The directory override patterns are relative to. */
    public Path directory() {
        return dir;
    }

    /** The configuration for one file: the top level, then every override that matches, in order. */
    public RuleConfig forFile(Path file) {
        if (overrides.isEmpty()) {
            return base;
        }
        Path rel = dir.relativize(file.toAbsolutePath().normalize());
        RuleConfig c = base;
        for (Override o : overrides) {
            if (o.files().stream().anyMatch(g -> g.matches(rel))) {
                c = o.layer().over(c);
            }
        }
        return c;
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
                    keyProblem(e.getValue(), (where.isEmpty() ? "" : where + ": ") + "unknown key '" + e.getKey()
                            + "' (expected " + or(allowed) + ")");
                }
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
                        problem(f, where + ".files: invalid pattern '" + f.asText() + "': "
                                + Objects.requireNonNull(e.getMessage(), "a bad glob says why").lines().findFirst()
                                .orElse(""));
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
                Map<String, String> seen = new HashMap<>();
                for (Map.Entry<String, JsonValue> e : rules.members().entrySet()) {
                    String key = e.getKey();
                    JsonValue v = e.getValue();
                    Rule rule = BuiltInRules.find(key).orElse(null);
                    if (rule == null) {
                        keyProblem(v, prefix + "rules: unknown rule '" + key + "' ('gradflow rules' lists them)");
                        continue;
                    }
                    RuleInfo info = rule.info();
                    String before = seen.put(info.id(), key);
                    if (before != null) {
                        keyProblem(v, prefix + "rules: " + info.id() + " is configured twice ('" + before + "' and '"
                                + key + "')");
                        continue;
                    }
                    String at = prefix + "rules." + key;
                    JsonValue level = v;
                    if (v.isObject()) {
                        keys(v, at, RULE_OBJECT);
                        level = v.opt("severity");
                        JsonValue opts = v.opt("options");
                        if (opts != null) {
                            options.put(info.id(), options(info, opts, at + ".options"));
                        }
                    } else if (!v.isString()) {
                        problem(v, at + ": expected " + RULE_VALUES + " or {\"severity\": ..., \"options\": {...}},"
                                + " not " + show(v));
                        continue;
                    }
                    if (level != null) {
                        level(info, level, v.isObject() ? at + ".severity" : at, enabled, severities, reset);
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
                default -> problem(v, at + ": expected " + RULE_VALUES + ", not " + show(v));
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
