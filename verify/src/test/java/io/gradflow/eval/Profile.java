package io.gradflow.eval;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.LayerProfile;
import io.gradflow.analysis.SignalPropagation;
import io.gradflow.analysis.Thresholds;
import io.gradflow.ingest.ModelLoader;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.verify.Dl4jNet;
import io.gradflow.verify.LayerMeasurement;
import io.gradflow.verify.Measurement;
import io.gradflow.verify.Measurer;
import io.gradflow.verify.SyntheticData;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Per-layer predicted vs measured numbers for the evaluation cases whose id contains an argument. */
public final class Profile {

    private Profile() {
    }

    public static void main(String[] args) {
        if (args[0].startsWith("spec:")) {
            // spec:KIND:ACTIVATION:INIT:DEPTH[:bn][:res], e.g. spec:mlp:relu:RELU:32:bn
            String[] p = args[0].split(":");
            org.nd4j.linalg.activations.Activation a = org.nd4j.linalg.activations.Activation.valueOf(p[2].toUpperCase(Locale.ROOT));
            org.deeplearning4j.nn.weights.IWeightInit w = Evaluation.inits().stream()
                    .filter(n -> n.name().equals(p[3])).findFirst().orElseThrow().init();
            boolean cnn = p[1].equals("cnn");
            int width = Integer.getInteger("gradflow.eval.width", cnn ? 16 : 64);
            io.gradflow.testing.Dl4jConfigs.Spec s = new io.gradflow.testing.Dl4jConfigs.Spec(cnn, Integer.parseInt(p[4]),
                    width, a, w, args[0].contains(":bn"), args[0].contains(":res"), 0,
                    cnn ? Integer.getInteger("gradflow.eval.side", 8) : width, true);
            show(new Evaluation.Case(args[0], s, p[3]), args.length > 1 ? Integer.parseInt(args[1]) : 4);
            return;
        }
        for (Evaluation.Case c : Evaluation.family(7, Integer.MAX_VALUE)) {
            if (!c.id().contains(args[0])) {
                continue;
            }
            show(c, args.length > 1 ? Integer.parseInt(args[1]) : 4);
        }
    }

    static void show(Evaluation.Case c, int batches) {
        String json = io.gradflow.testing.Dl4jConfigs.json(c.spec());
        try {
            ModelGraph g = ModelLoader.loadJson(c.id(), json.getBytes(StandardCharsets.UTF_8));
            GradientAnalysis a = SignalPropagation.analyse(g, SignalPropagation.Options.DEFAULT.withBatch(Evaluation.BATCH));
            long seed = Long.getLong("gradflow.eval.seed", 42);
            Object net = io.gradflow.verify.NetworkBuilder.fromJson(json, seed);
            Nd4j.getRandom().setSeed(seed);
            ModelGraph sized = g;
            DataType dt = c.spec().doubles() ? DataType.DOUBLE : DataType.FLOAT;
            Measurement m = new Measurer(sized, a, new SyntheticData(sized, dt), Thresholds.DEFAULT)
                    .measure(Dl4jNet.of(net, g), batches, Evaluation.BATCH, 0);
            System.out.printf(Locale.ROOT, "== %s: predicted %+.2f / %+.2f, measured %+.2f / %+.2f%n", c.id(),
                    a.firstToLastDecades(), a.signalDecades(), m.firstToLastDecades(), m.signalDecades());
            System.out.printf(Locale.ROOT, "  %-12s %10s %10s %7s   %10s %10s %7s%n", "layer", "act.pred", "act.meas",
                    "diff", "wg.pred", "wg.meas", "diff");
            for (Node n : g.nodes()) {
                LayerProfile p = a.profile(n.name());
                LayerMeasurement l = m.layer(n.name());
                if (p == null || l == null) {
                    continue;
                }
                System.out.printf(Locale.ROOT, "  %-12s %10.3g %10.3g %+7.2f   %10.3g %10.3g %+7.2f%n", n.name(),
                        p.activationRms(), l.activationRms(), Math.log10(l.activationRms() / p.activationRms()),
                        p.weightGradientRms(), l.weightGradientRms(),
                        Math.log10(l.weightGradientRms() / p.weightGradientRms()));
            }
        } catch (Exception e) {
            System.out.println(c.id() + ": " + e);
        }
    }
}
