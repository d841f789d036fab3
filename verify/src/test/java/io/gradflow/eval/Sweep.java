package io.gradflow.eval;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.cli.FileWalker;
import io.gradflow.engine.Pipeline;
import io.gradflow.ingest.ReadException;
import io.gradflow.report.ModelResult;
import io.gradflow.rules.RuleConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The verifier over a folder of real models, summarised: which models lint analyses without an
 * unsupported layer on the measured path (GF012/GF013 cut it), how many of those {@code gradflow
 * verify} built and measured, whether predicted and measured verdicts agree, what the findings'
 * checks came to, and each failure by cause. Reads the folder (lint, in this process) and the JSON
 * report of a {@code gradflow verify --format json} run over it ({@code scripts/verify-sweep.sh}).
 * Usage: Sweep FOLDER VERIFY_JSON
 */
public final class Sweep {

    /** One file's outcome. */
    record Row(String file, String format, String predicted, boolean opaque, String measured, String error) {

        boolean analysable() {
            return format != null && !opaque;
        }
    }

    private Sweep() {
    }

    public static void main(String[] args) throws IOException {
        List<Row> rows = rows(Path.of(args[0]), Path.of(args[1]));
        print(rows, Path.of(args[1]), System.out);
    }

    static List<Row> rows(Path folder, Path report) throws IOException {
        JsonObject root = JsonParser.parseString(Files.readString(report)).getAsJsonObject();
        Map<String, String> measured = new HashMap<>();
        for (JsonElement m : root.getAsJsonArray("models")) {
            JsonObject o = m.getAsJsonObject();
            measured.put(o.get("source").getAsString(), o.getAsJsonObject("measured").get("verdict").getAsString());
        }
        Map<String, String> errors = new HashMap<>();
        for (JsonElement e : root.getAsJsonArray("errors")) {
            JsonObject o = e.getAsJsonObject();
            errors.putIfAbsent(o.get("source").getAsString(), o.get("message").getAsString());
        }
        List<Row> rows = new ArrayList<>();
        for (FileWalker.Input in : FileWalker.expand(List.of(folder.toString()))) {
            String src = in.display();
            String format = null;
            String predicted = null;
            boolean opaque = false;
            try {
                ModelResult r = Pipeline.lint(in.path(), src, RuleConfig.DEFAULT);
                GradientAnalysis a = r.analysis();
                format = r.model().format().id();
                predicted = a.verdict().id();
                opaque = !a.cuts().isEmpty();
            } catch (ReadException e) {
                if (e.isNotAModel()) {
                    continue;
                }
            }
            rows.add(new Row(src, format, predicted, opaque, measured.get(src), errors.get(src)));
        }
        return rows;
    }

    /** Failure causes without the names that differ from file to file. */
    static String cause(String error) {
        if (error == null) {
            return "no result";
        }
        String e = error.replaceFirst("^cannot verify: ", "");
        if (e.contains("time budget")) {
            return "over the time budget";
        }
        if (e.contains("process died")) {
            return "the verifying process crashed";
        }
        if (e.contains("Deeplearning4j cannot run it")) {
            String type = e.replaceFirst("^layer '[^']*' \\(([^)]*)\\).*", "$1");
            return "a layer DL4J cannot run: " + type.replaceAll("\\(.*", "");
        }
        return e.replaceAll("'[^']*'", "'...'").replaceAll("\\[[^\\]]*\\]", "[...]").replaceAll("\\d+", "N");
    }

    static void print(List<Row> rows, Path report, PrintStream out) throws IOException {
        out.println("| file | format | predicted | measured | result |");
        out.println("| --- | --- | --- | --- | --- |");
        for (Row r : rows) {
            String result = r.format() == null ? "not read: " + cause(r.error())
                    : r.measured() != null ? (r.opaque() ? "measured (GF012/GF013 on the path)"
                    : r.measured().equals(r.predicted()) ? "agrees" : "differs")
                    : (r.opaque() ? "not built (GF012/GF013 on the path): " : "not built: ") + cause(r.error());
            out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", Path.of(r.file()).getFileName(),
                    r.format() == null ? "-" : r.format(), r.predicted() == null ? "-" : r.predicted(),
                    r.measured() == null ? "-" : r.measured(), result);
        }
        List<Row> analysable = rows.stream().filter(Row::analysable).toList();
        List<Row> built = analysable.stream().filter(r -> r.measured() != null).toList();
        long agree = built.stream().filter(r -> r.measured().equals(r.predicted())).count();
        out.println();
        out.printf(Locale.ROOT, "files: %d; read by lint: %d; analysable without GF012/GF013 on the measured path: %d%n",
                rows.size(), rows.stream().filter(r -> r.format() != null).count(), analysable.size());
        out.printf(Locale.ROOT, "built and measured: %d of %d (%.1f%%)%n", built.size(), analysable.size(),
                analysable.isEmpty() ? 100.0 : 100.0 * built.size() / analysable.size());
        out.printf(Locale.ROOT, "predicted and measured verdicts agree: %d of %d (%.1f%%)%n", agree, built.size(),
                built.isEmpty() ? 100.0 : 100.0 * agree / built.size());
        JsonObject s = JsonParser.parseString(Files.readString(report)).getAsJsonObject().getAsJsonObject("verifySummary");
        if (s != null) {
            out.printf(Locale.ROOT, "findings: %d confirmed, %d contradicted, %d unchecked%n", s.get("confirmed").getAsInt(),
                    s.get("contradicted").getAsInt(), s.get("unchecked").getAsInt());
        }
        Map<String, Integer> causes = new TreeMap<>();
        rows.stream().filter(r -> r.measured() == null).forEach(r -> causes.merge(
                (r.format() == null ? "not read by lint: " : r.opaque() ? "GF012/GF013 on the path: " : "")
                        + cause(r.error()), 1, Integer::sum));
        out.println("not measured, by cause:");
        causes.forEach((c, n) -> out.printf(Locale.ROOT, "  %3d  %s%n", n, c));
        out.println("differing verdicts:");
        built.stream().filter(r -> !r.measured().equals(r.predicted())).forEach(r -> out.printf(Locale.ROOT,
                "  %s: predicted %s, measured %s%n", Path.of(r.file()).getFileName(), r.predicted(), r.measured()));
    }
}
