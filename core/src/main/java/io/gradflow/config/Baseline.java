package io.gradflow.config;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.gradflow.json.JsonParser;
import io.gradflow.json.JsonSyntaxException;
import io.gradflow.json.JsonValue;
import io.gradflow.report.LintReport;
import io.gradflow.report.ModelResult;
import io.gradflow.report.ReportFile;
import io.gradflow.rules.Finding;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Findings accepted as they are, so that only new ones fail a build. A finding is matched by rule
 * id, file (relative to the baseline file's directory) and layer, never by line, so edits that
 * move a layer keep it matched; a count per key lets two identical findings on one layer be told
 * from three. The file format is in the README.
 */
public final class Baseline {

    /** The format's version, and the marker that tells a baseline from other JSON. */
    static final String MARKER = "gradflowBaseline";
    static final int FORMAT = 1;
    private static final List<String> TOP = List.of(MARKER, "findings");
    private static final List<String> ENTRY = List.of("file", "rule", "name", "layer", "count");

    /** What a finding is matched by; {@code layer} is null for a finding about the whole model. */
    record Key(String file, String rule, @Nullable String layer) { }

    private final Path dir;
    private final Map<Key, Integer> counts;
    private final Map<String, String> names;

    private Baseline(Path dir, Map<Key, Integer> counts, Map<String, String> names) {
        this.dir = dir.toAbsolutePath().normalize();
        this.counts = Map.copyOf(counts);
        this.names = Map.copyOf(names);
    }

    /** Today's findings, to be written to a baseline file in {@code dir}. */
    public static Baseline of(LintReport report, Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        Map<Key, Integer> counts = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        for (ModelResult m : report.models()) {
            for (Finding f : m.findings()) {
                counts.merge(key(f, d), 1, Integer::sum);
                names.put(f.rule(), f.name());
            }
        }
        return new Baseline(d, counts, names);
    }

    /** How many findings it holds. */
    public int size() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The report without the findings this baseline holds; {@link LintReport#baselined()} counts them. */
    public LintReport apply(LintReport report) {
        Map<Key, Integer> left = new HashMap<>(counts);
        List<ModelResult> models = new ArrayList<>();
        int held = 0;
        for (ModelResult m : report.models()) {
            List<Finding> kept = new ArrayList<>();
            for (Finding f : m.findings()) {
                Key k = key(f, dir);
                int n = left.getOrDefault(k, 0);
                if (n > 0) {
                    left.put(k, n - 1);
                    held++;
                } else {
                    kept.add(f);
                }
            }
            models.add(new ModelResult(m.model(), m.analysis(), kept));
        }
        return report.withModels(models, held);
    }

    private static Key key(Finding f, Path dir) {
        Path abs = Path.of(f.source()).toAbsolutePath().normalize();
        return new Key(dir.relativize(abs).toString().replace('\\', '/'), f.rule(), f.layer());
    }

    /**
     * Writes the baseline: one finding a line, sorted by file, rule and layer, so that a change
     * to it reads well in a diff.
     */
    public void write(Path file) throws IOException {
        ReportFile.write(file, this::write);
    }

    /** The baseline's text, one finding a line. */
    public void write(PrintWriter out) {
        List<Map.Entry<Key, Integer>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(Map.Entry.comparingByKey(Comparator.comparing(Key::file).thenComparing(Key::rule)
                .thenComparing(k -> k.layer() == null ? "" : k.layer())));
        Gson gson = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
        StringBuilder b = new StringBuilder("{\n  \"" + MARKER + "\": " + FORMAT + ",\n  \"findings\": [");
        for (int i = 0; i < entries.size(); i++) {
            Key k = entries.get(i).getKey();
            b.append(i == 0 ? "\n" : ",\n").append("    {\"file\": ").append(gson.toJson(k.file()))
                    .append(", \"rule\": ").append(gson.toJson(k.rule()));
            if (names.containsKey(k.rule())) {
                b.append(", \"name\": ").append(gson.toJson(names.get(k.rule())));
            }
            b.append(", \"layer\": ").append(gson.toJson(k.layer()))
                    .append(", \"count\": ").append(entries.get(i).getValue()).append('}');
        }
        b.append(entries.isEmpty() ? "]\n}\n" : "\n  ]\n}\n");
        out.print(b);
    }

    /**
     * Reads a baseline file.
     *
     * @param display how error messages name it
     */
    public static Baseline load(Path file, String display) throws ConfigException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(display + ": error: no such baseline file (write one with --write-baseline)");
        } catch (IOException e) {
            throw new ConfigException(display + ": error: cannot read: " + e.getMessage());
        }
        JsonValue root;
        try {
            root = JsonParser.parse(bytes);
        } catch (JsonSyntaxException e) {
            throw ConfigException.of(display, List.of(new ConfigException.Problem(e.line(), e.column(),
                    e.getMessage())));
        }
        List<ConfigException.Problem> problems = new ArrayList<>();
        JsonValue marker = root.isObject() ? root.opt(MARKER) : null;
        if (marker == null) {
            problems.add(new ConfigException.Problem(root.line(), root.column(),
                    "not a gradflow baseline (no \"" + MARKER + "\": " + FORMAT
                            + "; write one with --write-baseline)"));
            throw ConfigException.of(display, problems);
        }
        if (!marker.isNumber() || marker.asDouble() != FORMAT) {
            problems.add(new ConfigException.Problem(marker.line(), marker.column(), "baseline format "
                    + marker.asText() + " is not one this gradflow reads (" + FORMAT + ")"));
            throw ConfigException.of(display, problems);
        }
        Map<Key, Integer> counts = new HashMap<>();
        for (Map.Entry<String, JsonValue> e : root.members().entrySet()) {
            if (!TOP.contains(e.getKey())) {
                problems.add(new ConfigException.Problem(e.getValue().keyLine(), e.getValue().keyColumn(),
                        "unknown key '" + e.getKey() + "' (expected " + ConfigFile.or(TOP) + ")"));
            }
        }
        JsonValue findings = root.opt("findings");
        if (findings == null || !findings.isArray()) {
            JsonValue at = findings == null ? root : findings;
            problems.add(new ConfigException.Problem(at.line(), at.column(), "\"findings\" must be an array"));
        } else {
            for (JsonValue item : findings.items()) {
                Key k = entry(item, problems);
                if (k != null) {
                    JsonValue c = item.opt("count");
                    counts.merge(k, c == null ? 1 : (int) c.asDouble(), Integer::sum);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw ConfigException.of(display, problems);
        }
        return new Baseline(Objects.requireNonNull(file.toAbsolutePath().normalize().getParent(),
                "a file's absolute path has a parent"), counts, Map.of());
    }

    private static @Nullable Key entry(JsonValue item, List<ConfigException.Problem> problems) {
        int before = problems.size();
        if (!item.isObject()) {
            problems.add(new ConfigException.Problem(item.line(), item.column(),
                    "findings: expected an object {\"file\", \"rule\", \"layer\", \"count\"}"));
            return null;
        }
        for (Map.Entry<String, JsonValue> e : item.members().entrySet()) {
            if (!ENTRY.contains(e.getKey())) {
                problems.add(new ConfigException.Problem(e.getValue().keyLine(), e.getValue().keyColumn(),
                        "findings: unknown key '" + e.getKey() + "' (expected " + ConfigFile.or(ENTRY) + ")"));
            }
        }
        for (String required : List.of("file", "rule")) {
            JsonValue v = item.opt(required);
            if (v == null || !v.isString()) {
                JsonValue at = v == null ? item : v;
                problems.add(new ConfigException.Problem(at.line(), at.column(),
                        "findings: \"" + required + "\" must be a string"));
            }
        }
        JsonValue layer = item.get("layer");
        if (layer != null && !layer.isNull() && !layer.isString()) {
            problems.add(new ConfigException.Problem(layer.line(), layer.column(),
                    "findings: \"layer\" must be a layer name, or null for the whole model"));
        }
        JsonValue count = item.opt("count");
        double n = count == null ? 1 : count.asDouble();
        if (count != null && (!count.isNumber() || n < 1 || n != Math.rint(n))) {
            problems.add(new ConfigException.Problem(count.line(), count.column(),
                    "findings: \"count\" must be a whole number of at least 1"));
        }
        if (problems.size() > before) {
            return null;
        }
        // written by hand or on another system: "./models/a.json" and "models\\a.json" mean models/a.json
        String file = Path.of(Objects.requireNonNull(item.str("file"), "checked above").replace('\\', '/')).normalize()
                .toString().replace('\\', '/');
        return new Key(file, Objects.requireNonNull(item.str("rule"), "checked above"),
                layer == null || layer.isNull() ? null : layer.asText());
    }
}
