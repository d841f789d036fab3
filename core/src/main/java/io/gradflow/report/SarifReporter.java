package io.gradflow.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.gradflow.rules.BuiltInRules;
import io.gradflow.rules.Finding;
import io.gradflow.rules.Rule;
import io.gradflow.rules.RuleInfo;
import io.gradflow.rules.RulePages;
import io.gradflow.rules.Severity;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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

    private final String version;
    private final String informationUri;
    private final String rulesUri;
    private final Path base;
    /** {@link #descriptors}'s, once made. */
    private @Nullable JsonArray descriptors;

    /**
     * @param version        gradflow's version
     * @param informationUri the project's home page
     * @param rulesUri       base address of the rule pages (a page is this plus "GF001-name.md")
     * @param base           the directory locations are relative to (where gradflow runs: the checkout)
     */
    public SarifReporter(String version, String informationUri, String rulesUri, Path base) {
        this.version = version;
        this.informationUri = informationUri;
        this.rulesUri = rulesUri.endsWith("/") ? rulesUri : rulesUri + "/";
        this.base = base.toAbsolutePath().normalize();
    }

    @Override
    public void write(LintReport report, PrintWriter out) {
        Printable.printJson(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create(), toJson(report), out);
    }

    public JsonObject toJson(LintReport report) {
        List<Rule> rules = BuiltInRules.all();
        Map<String, Integer> ruleIndex = new HashMap<>();
        for (int i = 0; i < rules.size(); i++) {
            ruleIndex.put(rules.get(i).info().id(), i);
        }
        JsonArray descriptors = descriptors(rules);
        JsonObject driver = new JsonObject();
        driver.addProperty("name", "gradflow");
        driver.addProperty("version", version);
        driver.addProperty("semanticVersion", version);
        driver.addProperty("informationUri", informationUri);
        driver.add("rules", descriptors);
        JsonObject tool = new JsonObject();
        tool.add("driver", driver);

        JsonArray results = new JsonArray();
        Map<String, Integer> occurrences = new HashMap<>();
        for (ModelResult m : report.models()) {
            for (Finding f : m.findings()) {
                results.add(result(f, ruleIndex.get(f.rule()), occurrences));
            }
        }

        JsonArray notifications = new JsonArray();
        for (InputError e : report.errors()) {
            notifications.add(notification(e));
        }
        JsonObject invocation = new JsonObject();
        invocation.addProperty("executionSuccessful", report.errors().isEmpty());
        invocation.add("toolExecutionNotifications", notifications);
        invocation.add("workingDirectory", uri(baseUri()));
        JsonArray invocations = new JsonArray();
        invocations.add(invocation);

        JsonObject srcroot = new JsonObject();
        srcroot.add(SRCROOT, uri(baseUri()));

        JsonObject run = new JsonObject();
        run.add("tool", tool);
        run.add("invocations", invocations);
        run.add("originalUriBaseIds", srcroot);
        run.addProperty("columnKind", "utf16CodeUnits");
        run.add("results", results);
        JsonObject properties = new JsonObject();
        properties.addProperty("baselined", report.baselined());
        run.add("properties", properties);

        JsonArray runs = new JsonArray();
        runs.add(run);
        JsonObject root = new JsonObject();
        root.addProperty("$schema", SCHEMA);
        root.addProperty("version", "2.1.0");
        root.add("runs", runs);
        return root;
    }

    /**
     * The rules' descriptors, in the rules' order: made from the rule pages once per reporter (the
     * pages are read from the jar, most of a small report's time) and copied for each report.
     */
    private synchronized JsonArray descriptors(List<Rule> rules) {
        if (descriptors == null) {
            JsonArray all = new JsonArray();
            for (Rule r : rules) {
                all.add(descriptor(r.info()));
            }
            descriptors = all;
        }
        return descriptors.deepCopy();
    }

    private JsonObject descriptor(RuleInfo info) {
        String page = RulePages.text(info).orElse(null);
        String what = page == null ? "" : RulePages.section(page, "What it does");
        JsonObject d = new JsonObject();
        d.addProperty("id", info.id());
        d.addProperty("name", info.name());
        d.add("shortDescription", text(sentence(info.summary())));
        d.add("fullDescription", text(sentence(what.isEmpty() ? info.summary() : what)));
        JsonObject help = new JsonObject();
        help.addProperty("text", page == null ? sentence(info.summary()) + " See " + helpUri(info) : page);
        help.addProperty("markdown", page == null ? sentence(info.summary()) : page);
        d.add("help", help);
        d.addProperty("helpUri", helpUri(info));
        JsonObject conf = new JsonObject();
        conf.addProperty("level", level(info.severity()));
        d.add("defaultConfiguration", conf);
        JsonObject props = new JsonObject();
        JsonArray tags = new JsonArray();
        tags.add(info.category().id());
        props.add("tags", tags);
        d.add("properties", props);
        return d;
    }

    private String helpUri(RuleInfo info) {
        return rulesUri + info.page().substring(info.page().lastIndexOf('/') + 1);
    }

    private JsonObject result(Finding f, @Nullable Integer index, Map<String, Integer> occurrences) {
        JsonObject r = new JsonObject();
        r.addProperty("ruleId", f.rule());
        if (index != null) {
            r.addProperty("ruleIndex", index);
        }
        r.addProperty("level", level(f.severity()));
        // the fix in the message: code scanning shows the message, and SARIF's own "fixes" need
        // a concrete edit of the file, which advice such as "use He initialisation" is not
        r.add("message", text(sentence(Locations.message(f)) + (f.fix() == null || f.fix().isBlank() ? ""
                : " Fix: " + sentence(f.fix()))));
        JsonObject location = location(f.source(), f.line(), f.column());
        if (f.layer() != null) {
            JsonObject logical = new JsonObject();
            logical.addProperty("name", f.layer());
            logical.addProperty("fullyQualifiedName", f.pointer() == null || f.pointer().isEmpty()
                    ? f.layer() : f.pointer());
            logical.addProperty("kind", "member");
            JsonArray logicals = new JsonArray();
            logicals.add(logical);
            location.add("logicalLocations", logicals);
        }
        JsonArray locations = new JsonArray();
        locations.add(location);
        r.add("locations", locations);
        if (!f.related().isEmpty()) {
            // the other rules that said the same about the same layers: notes at the same place
            JsonArray related = new JsonArray();
            for (int i = 0; i < f.related().size(); i++) {
                Finding.Related rf = f.related().get(i);
                JsonObject rl = location(f.source(), f.line(), f.column());
                rl.addProperty("id", i + 1);
                rl.add("message", text(sentence("[" + rf.rule() + "] " + rf.message())));
                related.add(rl);
            }
            r.add("relatedLocations", related);
        }
        String key = f.rule() + "\n" + Locations.relative(f.source(), base) + "\n"
                + (f.layer() == null ? "" : f.layer());
        int n = occurrences.merge(key, 1, Integer::sum);
        JsonObject fp = new JsonObject();
        fp.addProperty(FINGERPRINT, sha256(key).substring(0, 32) + ":" + n);
        r.add("partialFingerprints", fp);
        JsonObject props = new JsonObject();
        props.addProperty("category", f.category().id());
        if (f.fix() != null) {
            props.addProperty("fix", f.fix());
        }
        r.add("properties", props);
        return r;
    }

    private JsonObject notification(InputError e) {
        JsonObject n = new JsonObject();
        n.addProperty("level", "error");
        n.add("message", text(sentence(Locations.message(e))));
        JsonArray locations = new JsonArray();
        locations.add(location(e.source(), e.line(), e.column()));
        n.add("locations", locations);
        JsonObject descriptor = new JsonObject();
        descriptor.addProperty("id", "unreadable-input");
        n.add("descriptor", descriptor);
        return n;
    }

    /** A physical location; where the format has no lines, line 1 (GitHub requires a region). */
    private JsonObject location(String source, int line, int column) {
        String rel = Locations.relative(source, base);
        JsonObject artifact = new JsonObject();
        if (Locations.isAbsolute(rel)) {
            // by the name's characters, not Path.toUri: under LANG=C a non-ASCII name is no Path
            artifact.addProperty("uri", "file://" + encode(rel));
        } else {
            artifact.addProperty("uri", encode(rel));
            artifact.addProperty("uriBaseId", SRCROOT);
        }
        JsonObject region = new JsonObject();
        region.addProperty("startLine", Math.max(line, 1));
        if (line > 0) {
            region.addProperty("startColumn", Math.max(column, 1));
        }
        JsonObject physical = new JsonObject();
        physical.add("artifactLocation", artifact);
        physical.add("region", region);
        JsonObject location = new JsonObject();
        location.add("physicalLocation", physical);
        return location;
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

    private static JsonObject text(String s) {
        JsonObject o = new JsonObject();
        o.addProperty("text", s);
        return o;
    }

    private static JsonObject uri(String u) {
        JsonObject o = new JsonObject();
        o.addProperty("uri", u);
        return o;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
