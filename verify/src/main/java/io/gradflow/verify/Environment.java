package io.gradflow.verify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The hardware a verification ran on, as ND4J reports it.
 *
 * @param backend ND4J backend ("CPU" for nd4j-native, "CUDA")
 * @param device  the CPU model or the GPU name
 * @param cores   CPU cores available to the JVM
 * @param detail  BLAS vendor and threads, or the CUDA devices
 */
public record Environment(String backend, String device, int cores, String detail) {

    public static Environment current() {
        Properties p = Nd4j.getExecutioner().getEnvironmentInformation();
        String backend = String.valueOf(p.getOrDefault("backend", "unknown"));
        int cores = Runtime.getRuntime().availableProcessors();
        Object devices = p.get("cuda.devicesInformation");
        if (devices instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> m) {
            Object name = m.get("cuda.deviceName");
            return new Environment(backend, name == null ? "CUDA device" : name.toString(), cores,
                    list.size() + " CUDA device" + (list.size() == 1 ? "" : "s"));
        }
        String blas = p.getOrDefault("blas.vendor", "?") + " BLAS, " + p.getOrDefault("omp.threads", "?") + " threads";
        return new Environment(backend, cpuName(), cores, blas);
    }

    private static String cpuName() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through to the architecture
        }
        return System.getProperty("os.arch") + " CPU";
    }

    public String label() {
        return backend + " (" + device + ", " + cores + " cores; " + detail + ")";
    }
}
