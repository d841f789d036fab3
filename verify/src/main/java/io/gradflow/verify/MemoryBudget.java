package io.gradflow.verify;

import com.sun.management.OperatingSystemMXBean;
import io.gradflow.analysis.MemoryEstimate;
import io.gradflow.model.ModelGraph;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import org.bytedeco.javacpp.Pointer;

/**
 * Refuses, before Deeplearning4j allocates anything, a network whose training needs more memory
 * than it may use: ND4J keeps parameters, gradients, updater state and activations off the Java
 * heap, up to JavaCPP's limit (org.bytedeco.javacpp.maxbytes, by default the heap's size), and
 * never more than the machine has. A network past that used to grow until the kernel killed it.
 */
final class MemoryBudget {

    /**
     * Peak resident memory of a verify run over the estimate of the network's own arrays,
     * measured with DL4J 1.0.0-M2.1 on CPU (the verifier's own copies, ND4J's workspaces and
     * initialisation temporaries): 5.1x for the parameters of a 33-million-parameter MLP (1.36 GB
     * against 268 MB), more than 9x for the activations of a convolution with 2.9 million values per
     * example (7.2 GB and growing against 735 MB for a batch of 32). Re-measure when the verifier changes.
     */
    static final double PARAMETER_OVERHEAD = 5;
    static final double ACTIVATION_OVERHEAD = 10;

    private MemoryBudget() {
    }

    /** Throws with the estimate when training {@code g} with batches of {@code batch} would not fit. */
    static void check(ModelGraph g, int batch, double maxMemory) throws VerifyException {
        MemoryEstimate m = MemoryEstimate.of(g);
        int states = MemoryEstimate.updaterStates(g.nodes());
        double need = PARAMETER_OVERHEAD * m.parameterBytes(states) + ACTIVATION_OVERHEAD * m.activationBytes(batch);
        double limit = maxMemory > 0 ? maxMemory : available();
        if (need > limit) {
            throw new VerifyException(String.format(Locale.ROOT, "the network needs about %s to train here (%s "
                            + "parameters: %s for them, their gradients and the updater's state; %s of activations for "
                            + "a batch of %d; Deeplearning4j and the verifier take %.0f and %.0f times these), more than "
                            + "the %s it may use%s", MemoryEstimate.bytes(need),
                    MemoryEstimate.count(m.parameters()), MemoryEstimate.bytes(m.parameterBytes(states)),
                    MemoryEstimate.bytes(m.activationBytes(batch)), batch, PARAMETER_OVERHEAD, ACTIVATION_OVERHEAD,
                    MemoryEstimate.bytes(limit),
                    maxMemory > 0 ? " (--max-memory)" : " (ND4J's limit and the machine's memory; raise the first with "
                            + "GRADFLOW_JAVA_OPTS=\"-Xmx.. -Dorg.bytedeco.javacpp.maxbytes=..\" or pass --max-memory, "
                            + "or lower --batch)"));
        }
    }

    /** What ND4J may allocate here: JavaCPP's limits, and no more than the machine's memory. */
    static double available() {
        double limit = Double.MAX_VALUE;
        long bytes = Pointer.maxBytes();
        if (bytes > 0) {
            limit = Math.min(limit, bytes);
        }
        long physical = Pointer.maxPhysicalBytes();
        if (physical > 0) {
            limit = Math.min(limit, physical);
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            limit = Math.min(limit, os.getTotalMemorySize());
        }
        return limit;
    }

    /** A size as --max-memory takes it: bytes, or with k, m, g or t (powers of 1024): 512m, 8g, 1.5g. */
    static double parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        double unit = 1;
        if (t.endsWith("b")) {
            t = t.substring(0, t.length() - 1);
        }
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'k' -> unit = 1024.0;
                case 'm' -> unit = 1024.0 * 1024;
                case 'g' -> unit = 1024.0 * 1024 * 1024;
                case 't' -> unit = 1024.0 * 1024 * 1024 * 1024;
                default -> { }
            }
            if (unit > 1) {
                t = t.substring(0, t.length() - 1);
            }
        }
        double v = Double.parseDouble(t);
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new NumberFormatException(s);
        }
        return v * unit;
    }
}
