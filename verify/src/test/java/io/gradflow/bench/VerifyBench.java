package io.gradflow.bench;

import io.gradflow.ingest.ModelLoader;
import io.gradflow.model.ModelGraph;
import io.gradflow.rules.RuleConfig;
import io.gradflow.verify.Dl4jNet;
import io.gradflow.verify.NetworkBuilder;
import io.gradflow.verify.Progress;
import io.gradflow.verify.SyntheticData;
import io.gradflow.verify.VerifyReport;
import io.gradflow.verify.Verifier;
import java.nio.file.Path;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The verifier's cost: its training steps against plain Deeplearning4j fit for the same steps on
 * the same network (built from the graph, weights drawn as the verifier draws them) and batches,
 * and the whole time to a verdict.
 * Usage: VerifyBench MODEL [STEPS] [BATCH]
 */
public final class VerifyBench {

    private VerifyBench() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        ModelGraph g = ModelLoader.load(file, file.toString());

        // plain DL4J: build, then fit `steps` synthetic batches (labels made once per step, no probes)
        NetworkBuilder.Built built = NetworkBuilder.fromGraph(g, 42, Progress.NONE);
        Dl4jNet net = built.net();
        net.watch(false);
        Nd4j.getRandom().setSeed(42);
        SyntheticData data = new SyntheticData(g, net.params().dataType());
        INDArray[] x0 = data.features(batch);
        long[][] shapes = shapes(net.outputs(x0));
        net.fit(x0, data.labels(shapes)); // warm-up step
        long t0 = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            net.fit(data.features(batch), data.labels(shapes));
        }
        double plain = (System.nanoTime() - t0) / 1e9;

        // gradflow verify: the same steps plus its measurements at initialisation and after
        Verifier v = new Verifier(new Verifier.Options(steps, batch, 42, 4, 0, false,
                Verifier.Options.DEFAULT.timeSteps()), Progress.NONE);
        long t1 = System.nanoTime();
        VerifyReport r = v.verify(file, file.toString(), RuleConfig.DEFAULT);
        double total = (System.nanoTime() - t1) / 1e9;
        double train = r.run().trainSeconds();
        System.out.printf(Locale.ROOT, "%s: %d steps of batch %d%n", file.getFileName(), steps, batch);
        System.out.printf(Locale.ROOT, "  plain DL4J fit:          %.2f s (%.0f ms a step)%n", plain, 1000 * plain / steps);
        System.out.printf(Locale.ROOT, "  gradflow verify's steps: %.2f s: %.2fx plain fit%n", train, train / plain);
        System.out.printf(Locale.ROOT, "  gradflow verify, total:  %.2f s to a verdict (build, 2 measurements of 4 "
                + "batches, %d steps)%n", total, steps);
        System.out.printf(Locale.ROOT, "  verdict: predicted %s, measured %s%n", r.lint().analysis().verdict().id(),
                r.atInit().verdict().id());
    }

    private static long[][] shapes(INDArray[] o) {
        long[][] s = new long[o.length][];
        for (int i = 0; i < o.length; i++) {
            s[i] = o[i].shape();
        }
        return s;
    }
}
