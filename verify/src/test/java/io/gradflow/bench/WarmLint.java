package io.gradflow.bench;

import io.gradflow.engine.Pipeline;
import io.gradflow.ingest.ModelLoader;
import io.gradflow.model.ModelGraph;
import io.gradflow.rules.RuleConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Warm read-analyse-check time of one model file: runs the whole static pipeline until the JIT
 * has settled, then reports the median and the 90th percentile of further runs, and the median of
 * the lint thread's CPU time (on a loaded machine the wall time measures the other processes too).
 */
public final class WarmLint {

    private WarmLint() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int warm = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        for (int i = 0; i < warm; i++) {
            once(file);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] ms = new double[runs];
        double[] cpu = new double[runs];
        for (int i = 0; i < runs; i++) {
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            once(file);
            ms[i] = (System.nanoTime() - t0) / 1e6;
            cpu[i] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
        }
        Arrays.sort(ms);
        Arrays.sort(cpu);
        ModelGraph g = ModelLoader.load(file, file.toString());
        System.out.printf(Locale.ROOT, "%s: %d layers, warm read+analyse+rules: median %.1f ms, p90 %.1f ms,"
                + " lint thread's CPU median %.1f ms (%d runs)%n",
                file.getFileName(), g.layerCount(), ms[runs / 2], ms[(int) (runs * 0.9)], cpu[runs / 2], runs);
    }

    private static void once(Path file) throws Exception {
        Pipeline.lint(file, file.toString(), RuleConfig.DEFAULT);
    }
}
