package io.gradflow.eval;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.SignalPropagation;
import io.gradflow.analysis.Thresholds;
import io.gradflow.analysis.Verdict;
import io.gradflow.ingest.ModelLoader;
import io.gradflow.model.ModelGraph;
import io.gradflow.testing.Dl4jConfigs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Re-predicts the cases of a measured evaluation (target/accuracy.csv) with the current analysis,
 * without measuring again: measurement takes minutes, prediction milliseconds, so analysis
 * changes can be judged against the same measurements. {@code -Dgradflow.replay.meanField=true}
 * replays mean field alone, without the finite-width simulation, for comparison. The recurrent
 * and transformer families' stored rows (fixtures/accuracy/measured-seq.csv, {@link
 * SequenceEvaluation}) are replayed beside them, their rows printed in the same table.
 */
public final class Replay {

    private Replay() {
    }

    /** The family's cases found in a measured csv, re-predicted with the current analysis. */
    static List<Evaluation.Row> rows(Path csv) throws IOException {
        Map<String, String[]> measured = new HashMap<>();
        List<String> lines = Files.readAllLines(csv);
        for (String l : lines.subList(1, lines.size())) {
            // older files wrote initialiser names with commas: "N(0,1)" is now "N(0;1)"
            String fixed = l.replaceAll("\\((-?[0-9.]+),([0-9.]+)\\)", "($1;$2)");
            String[] f = fixed.split(",", -1);
            measured.put(f[0], f);
        }
        List<Evaluation.Row> rows = new ArrayList<>();
        for (Evaluation.Case c : Evaluation.family(7, Integer.MAX_VALUE)) {
            String[] m = measured.get(c.id());
            if (m == null) {
                continue;
            }
            try {
                String json = Dl4jConfigs.json(c.spec());
                ModelGraph g = ModelLoader.loadJson(c.id(), json.getBytes(StandardCharsets.UTF_8));
                GradientAnalysis a = SignalPropagation.analyse(g,
                        SignalPropagation.Options.DEFAULT.withBatch(Evaluation.BATCH)
                                .withSimulation(!Boolean.getBoolean("gradflow.replay.meanField")));
                double measRatio = Double.parseDouble(m[5]);
                double measSignal = Double.parseDouble(m[6]);
                // the saved verdict is the one of its day: judge the measurement as the prediction is judged
                Verdict saved = Verdict.valueOf(m[7].toUpperCase(Locale.ROOT));
                Verdict meas = Double.isFinite(measRatio) && Double.isFinite(measSignal)
                        ? Thresholds.DEFAULT.verdict(measRatio, measSignal, a.trainability()) : saved;
                rows.add(new Evaluation.Row(c, g.layerCount(), a.firstToLastDecades(), a.signalDecades(), a.verdict(),
                        measRatio, measSignal, meas, 0, m[9].isEmpty() ? null : m[9],
                        -a.trainability().update(0)));
            } catch (Exception e) {
                System.err.println(c.id() + ": " + e);
            }
        }
        return rows;
    }

    public static void main(String[] args) throws IOException {
        List<Evaluation.Row> rows = rows(Path.of(args.length > 0 ? args[0] : "target/accuracy.csv"));
        Path seq = Path.of(args.length > 2 ? args[2] : "fixtures/accuracy/measured-seq.csv");
        List<SequenceEvaluation.Row> seqRows = Files.exists(seq) ? SequenceEvaluation.replay(seq) : List.of();
        Evaluation.printTable(rows, System.out);
        // the recurrent and transformer families (issue 19) go on in the same table, in its columns
        SequenceEvaluation.printTable(seqRows, System.out);
        Evaluation.report(rows, System.out);
        SequenceEvaluation.report(seqRows, System.out);
        if (args.length > 1 && !args[1].isEmpty()) {
            for (SequenceEvaluation.Row r : seqRows) {
                if (r.c().id().contains(args[1])) {
                    System.out.printf(Locale.ROOT, "  %-58s pred %+7.2f / %+6.2f / %+6.2f  meas %+7.2f / %+6.2f / %+6.2f%n",
                            r.c().id(), r.predRatio(), r.predSignal(), r.predTime(), r.measRatio(), r.measSignal(),
                            r.measTime());
                }
            }
            for (Evaluation.Row r : rows) {
                if (r.c().id().contains(args[1])) {
                    System.out.printf(Locale.ROOT, "  %-48s pred %+7.2f / %+6.2f  meas %+7.2f / %+6.2f  err %.2f%n",
                            r.c().id(), r.predRatio(), r.predSignal(), r.measRatio(), r.measSignal(), r.ratioError());
                }
            }
        }
    }
}
