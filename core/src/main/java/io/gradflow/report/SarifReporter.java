package io.gradflow.report;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonWriter;
import io.gradflow.rules.BuiltInRules;
import io.gradflow.rules.Finding;
import io.gradflow.rules.Rule;
import io.gradflow.rules.RuleInfo;
import io.gradflow.rules.RulePages;
import io.gradflow.rules.Severity;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.jspecify.annotations.Nullable;

/**
 * SARIF 2.1.0, as GitHub code scanning and other code-scanning services ingest it: the rules
 * with their pages as help, one result per finding with a physical location (line 1 where the
 * format has no lines, as GitHub requires a region) and the layer as a logical location, and a
 * partial fingerprint from rule, file and layer (not the line), so alerts survive edits elsewhere
 * in the file. Unreadable inputs are tool execution notifications.
 */
public final class SarifReporter implements Reporter {

    /** The OASIS final schema, which GitHub's ingestion rules require. */
    static final String SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
    /** The partial fingerprint's key; bump the version if what it hashes changes. */
    static final String FINGERPRINT = "gradflow/v1";
    /** The base id relative locations hang from: the directory gradflow ran in. */
    static final String SRCROOT = "%SRCROOT%";
    /** The rules array's lines in the log: inside root, runs, the run, tool and driver. */
    private static final String RULES_INDENT = " ".repeat(10);
    /** A result's lines in the log: inside root, runs, the run and its results array. */
    private static final String RESULT_INDENT = " ".repeat(8);

    private final String version;
    private final String informationUri;
    private final String rulesUri;
    private final Path base;
    private final Map<String, Integer> ruleIndex = new HashMap<>();
    /**
     * The rules' descriptors as printed, made once per reporter (the rule pages are read from the
     * jar, most of a small log's time): by the first lint worker done with a model where the models
     * are rendered ahead, else when the log is written.
     */
    private final FutureTask<String> rules = new FutureTask<>(this::renderRules);
    private final @Nullable Parts parts;

    /**
     * @param version        gradflow's version
     * @param informationUri the project's home page
     * @param rulesUri       base address of the rule pages (a page is this plus "GF001-name.md")
     * @param base           the directory locations are relative to (where gradflow runs: the checkout)
     */
    public SarifReporter(String version, String informationUri, String rulesUri, Path base) {
        this(version, informationUri, rulesUri, base, false);
    }

    /** As above; with {@code ahead}, {@link #parts()} renders the models' results as they are linted. */
    public SarifReporter(String version, String informationUri, String rulesUri, Path base, boolean ahead) {
        this.version = version;
        this.informationUri = informationUri;
        this.rulesUri = rulesUri.endsWith("/") ? rulesUri : rulesUri + "/";
        this.base = base.toAbsolutePath().normalize();
        List<Rule> all = BuiltInRules.all();
        for (int i = 0; i < all.size(); i++) {
            ruleIndex.put(all.get(i).info().id(), i);
        }
        this.parts = ahead ? new Parts() : null;
    }

    /** What renders the models' results ahead, or null when this reporter renders them as it writes. */
    public @Nullable Parts parts() {
        return parts;
    }

    /**
     * The models' results, each rendered on the thread that linted its model, side by side with the
     * other files, with the rules' descriptors: after the last file the log only copies them, where
     * it had built and printed the whole log on one thread while the other cores had nothing left
     * to do (issue 17). A model the log holds in another form (a baseline took findings away), or
     * whose findings share a fingerprint's key with an earlier model's (the same file twice), so that
     * their occurrence numbers run on, is rendered when the log is written.
     */
    public final class Parts {
        private final Map<ModelResult, Part> rendered = Collections.synchronizedMap(new IdentityHashMap<>());

        private Parts() {
        }

        /** Renders {@code m}'s results; safe to call from several threads at once. */
        public void render(ModelResult m) {
            // one worker renders the descriptors; another that comes meanwhile goes on without waiting
            rules.run();
            List<Finding> findings = m.findings();
            String[] results = new String[findings.size()];
            String[] keys = new String[findings.size()];
            Map<String, Integer> occurrences = new HashMap<>();
            for (int i = 0; i < findings.size(); i++) {
                Finding f = findings.get(i);
                String rel = Locations.relative(f.source(), base);
                String key = key(f, rel);
                int occurrence = occurrences.merge(key, 1, Integer::sum);
                keys[i] = key;
                results[i] = Printable.rendered(w -> result(f, rel, key, occurrence, w), RESULT_INDENT);
            }
            rendered.put(m, new Part(results, keys));
        }

        @Nullable Part get(ModelResult m) {
            return rendered.get(m);
        }
    }

    /** A model's results as printed, numbered as if it were the first model, and each one's fingerprint key. */
    record Part(String[] results, String[] keys) {

        /** Whether no key is one of {@code occurrences}': then the numbers are those the log gives. */
        boolean numberedAsIn(Map<String, Integer> occurrences) {
            for (String k : keys) {
                if (occurrences.containsKey(k)) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Writes the log field by field to a Gson JsonWriter, not built as a tree first (issue 17): the
     * bytes are those Gson printed the tree as, pretty-printed with no HTML escapes.
     */
    @Override
    public void write(LintReport report, PrintWriter out) {
        Printable.printJson(out, w -> write(report, w));
    }

    /** The log as a Gson tree: the streamed log read back. */
    public JsonObject toJson(LintReport report) {
        return Printable.readBack(w -> write(report, w));
    }

    private void write(LintReport report, JsonWriter w) throws IOException {
        w.beginObject();
        w.name("$schema").value(SCHEMA);
        w.name("version").value("2.1.0");
        w.name("runs").beginArray();
        w.beginObject();
        w.name("tool").beginObject();
        w.name("driver").beginObject();
        w.name("name").value("gradflow");
        w.name("version").value(version);
        w.name("semanticVersion").value(version);
        w.name("informationUri").value(informationUri);
        w.name("rules").jsonValue(rules());
        w.endObject();
        w.endObject();

        w.name("invocations").beginArray();
        w.beginObject();
        w.name("executionSuccessful").value(report.errors().isEmpty());
        w.name("toolExecutionNotifications").beginArray();
        for (InputError e : report.errors()) {
            notification(e, w);
        }
        w.endArray();
        w.name("workingDirectory");
        uri(baseUri(), w);
        w.endObject();
        w.endArray();

        w.name("originalUriBaseIds").beginObject();
        w.name(SRCROOT);
        uri(baseUri(), w);
        w.endObject();
        w.name("columnKind").value("utf16CodeUnits");

        w.name("results").beginArray();
        Map<String, Integer> occurrences = new HashMap<>();
        for (ModelResult m : report.models()) {
            Part part = parts == null ? null : parts.get(m);
            if (part != null && part.numberedAsIn(occurrences)) {
                for (int i = 0; i < part.results().length; i++) {
                    w.jsonValue(part.results()[i]);
                    occurrences.merge(part.keys()[i], 1, Integer::sum);
                }
            } else {
                for (Finding f : m.findings()) {
                    String rel = Locations.relative(f.source(), base);
                    String key = key(f, rel);
                    result(f, rel, key, occurrences.merge(key, 1, Integer::sum), w);
                }
            }
        }
        w.endArray();
        w.name("properties").beginObject();
        w.name("baselined").value(report.baselined());
        w.endObject();
        w.endObject();
        w.endArray();
        w.endObject();
    }

    /** The descriptors as printed: made ahead, or now when none was. */
    private String rules() {
        rules.run();
        try {
            return rules.get();
        } catch (ExecutionException e) {
            // what failed on a worker (out of memory beside another file) is tried again here
            return renderRules();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return renderRules();
        }
    }

    private String renderRules() {
        return Printable.rendered(w -> {
            w.beginArray();
            for (Rule r : BuiltInRules.all()) {
                descriptor(r.info(), w);
            }
            w.endArray();
        }, RULES_INDENT);
    }

    private void descriptor(RuleInfo info, JsonWriter w) throws IOException {
        String page = RulePages.text(info).orElse(null);
        String what = page == null ? "" : RulePages.section(page, "What it does");
        w.beginObject();
        w.name("id").value(info.id());
        w.name("name").value(info.name());
        w.name("shortDescription");
        text(sentence(info.summary()), w);
        w.name("fullDescription");
        text(sentence(what.isEmpty() ? info.summary() : what), w);
        w.name("help").beginObject();
        w.name("text").value(page == null ? sentence(info.summary()) + " See " + helpUri(info) : page);
        w.name("markdown").value(page == null ? sentence(info.summary()) : page);
        w.endObject();
        w.name("helpUri").value(helpUri(info));
        w.name("defaultConfiguration").beginObject();
        w.name("level").value(level(info.severity()));
        w.endObject();
        w.name("properties").beginObject();
        w.name("tags").beginArray();
        w.value(info.category().id());
        w.endArray();
        w.endObject();
        w.endObject();
    }

    private String helpUri(RuleInfo info) {
        return rulesUri + info.page().substring(info.page().lastIndexOf('/') + 1);
    }

    /** A finding's fingerprint key (as {@link Locations#key}), its file already made relative. */
    private static String key(Finding f, String rel) {
        return f.rule() + "\n" + rel + "\n" + (f.layer() == null ? "" : f.layer());
    }

    /** One result; {@code rel} is its file relative to the base, {@code occurrence} its key's count so far. */
    private void result(Finding f, String rel, String key, int occurrence, JsonWriter w) throws IOException {
        w.beginObject();
        w.name("ruleId").value(f.rule());
        Integer index = ruleIndex.get(f.rule());
        if (index != null) {
            w.name("ruleIndex").value(index);
        }
        w.name("level").value(level(f.severity()));
        // the fix in the message: code scanning shows the message, and SARIF's own "fixes" need
        // a concrete edit of the file, which advice such as "use He initialisation" is not
        w.name("message");
        text(sentence(Locations.message(f)) + (f.fix() == null || f.fix().isBlank() ? ""
                : " Fix: " + sentence(f.fix())), w);
        w.name("locations").beginArray();
        w.beginObject();
        physical(rel, f.line(), f.column(), w);
        if (f.layer() != null) {
            w.name("logicalLocations").beginArray();
            w.beginObject();
            w.name("name").value(f.layer());
            w.name("fullyQualifiedName").value(f.pointer() == null || f.pointer().isEmpty() ? f.layer() : f.pointer());
            w.name("kind").value("member");
            w.endObject();
            w.endArray();
        }
        w.endObject();
        w.endArray();
        if (!f.related().isEmpty()) {
            // the other rules that said the same about the same layers: notes at the same place
            w.name("relatedLocations").beginArray();
            for (int i = 0; i < f.related().size(); i++) {
                Finding.Related rf = f.related().get(i);
                w.beginObject();
                physical(rel, f.line(), f.column(), w);
                w.name("id").value(i + 1);
                w.name("message");
                text(sentence("[" + rf.rule() + "] " + rf.message()), w);
                w.endObject();
            }
            w.endArray();
        }
        w.name("partialFingerprints").beginObject();
        w.name(FINGERPRINT).value(Locations.sha256(key).substring(0, 32) + ":" + occurrence);
        w.endObject();
        w.name("properties").beginObject();
        w.name("category").value(f.category().id());
        if (f.fix() != null) {
            w.name("fix").value(f.fix());
        }
        w.endObject();
        w.endObject();
    }

    private void notification(InputError e, JsonWriter w) throws IOException {
        w.beginObject();
        w.name("level").value("error");
        w.name("message");
        text(sentence(Locations.message(e)), w);
        w.name("locations").beginArray();
        w.beginObject();
        physical(Locations.relative(e.source(), base), e.line(), e.column(), w);
        w.endObject();
        w.endArray();
        w.name("descriptor").beginObject();
        w.name("id").value("unreadable-input");
        w.endObject();
        w.endObject();
    }

    /**
     * A location's physical location, its file {@code rel} relative to the base (or absolute
     * outside it); where the format has no lines, line 1 (GitHub requires a region).
     */
    private static void physical(String rel, int line, int column, JsonWriter w) throws IOException {
        w.name("physicalLocation").beginObject();
        w.name("artifactLocation").beginObject();
        if (Locations.isAbsolute(rel)) {
            // by the name's characters, not Path.toUri: under LANG=C a non-ASCII name is no Path
            w.name("uri").value("file://" + encode(rel));
        } else {
            w.name("uri").value(encode(rel));
            w.name("uriBaseId").value(SRCROOT);
        }
        w.endObject();
        w.name("region").beginObject();
        w.name("startLine").value(Math.max(line, 1));
        if (line > 0) {
            w.name("startColumn").value(Math.max(column, 1));
        }
        w.endObject();
        w.endObject();
    }

    private String baseUri() {
        String u = base.toUri().toASCIIString();
        return u.endsWith("/") ? u : u + "/";
    }

    /** A relative path as a URI reference: spaces, '#', '%' and non-ASCII percent-encoded. */
    static String encode(String relative) {
        try {
            return new URI(null, null, relative, null).toASCIIString();
        } catch (URISyntaxException e) {
            return relative;
        }
    }

    static String level(Severity s) {
        return switch (s) {
            case ERROR -> "error";
            case WARNING -> "warning";
            case INFO -> "note";
        };
    }

    /** SARIF asks that messages be complete sentences ending in a period. */
    static String sentence(String s) {
        String t = s.strip();
        return t.endsWith(".") || t.endsWith("!") || t.endsWith("?") ? t : t + ".";
    }

    private static void text(String s, JsonWriter w) throws IOException {
        w.beginObject();
        w.name("text").value(s);
        w.endObject();
    }

    private static void uri(String u, JsonWriter w) throws IOException {
        w.beginObject();
        w.name("uri").value(u);
        w.endObject();
    }
}
