package io.gradflow.ingest;

import io.gradflow.json.JsonParser;
import io.gradflow.json.JsonValue;
import io.gradflow.ingest.keras.KerasHdf5;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Imports one Keras file with Deeplearning4j's KerasModelImport and prints one line,
 * {@code RESULT<tab>yes|no<tab>detail}. Run in its own JVM by {@link KerasImportIT}, because some
 * imports never return (ND4J's orthogonal initialiser can spin in native code) and native code
 * cannot be interrupted.
 */
public final class KerasImportProbe {

    private KerasImportProbe() {
    }

    public static void main(String[] args) {
        Path f = Path.of(args[0]);
        String verdict;
        String detail;
        try {
            importOnce(f, true);
            verdict = "yes";
            detail = "imported with its training configuration";
        } catch (Throwable strict) {
            try {
                importOnce(f, false);
                verdict = "yes";
                detail = "imported once its training configuration is ignored: " + why(strict);
            } catch (Throwable e) {
                verdict = "no";
                detail = why(e);
            }
        }
        System.out.println("RESULT\t" + verdict + "\t" + detail);
        System.out.flush();
        // ND4J's native threads would keep the JVM alive
        Runtime.getRuntime().halt(0);
    }

    /** HDF5 files with their weights; JSON files as configurations, then initialised. */
    static void importOnce(Path f, boolean enforceTraining) throws Exception {
        String path = f.toString();
        ModelLoader.Kind kind = ModelLoader.sniff(f);
        if (kind == ModelLoader.Kind.JSON) {
            JsonValue root = JsonParser.parse(Files.readAllBytes(f));
            if ("Sequential".equals(root.str("class_name"))) {
                MultiLayerConfiguration c = KerasModelImport.importKerasSequentialConfiguration(path, enforceTraining);
                new MultiLayerNetwork(c).init();
            } else {
                ComputationGraphConfiguration c = KerasModelImport.importKerasModelConfiguration(path, enforceTraining);
                new ComputationGraph(c).init();
            }
            return;
        }
        boolean sequential = false;
        if (kind == ModelLoader.Kind.HDF5) {
            try {
                JsonValue root = JsonParser.parse(KerasHdf5.read(f).modelConfig());
                sequential = "Sequential".equals(root.str("class_name"));
            } catch (ReadException e) {
                // let DL4J say what it makes of the file
                sequential = false;
            }
        }
        if (sequential) {
            KerasModelImport.importKerasSequentialModelAndWeights(path, enforceTraining);
        } else {
            KerasModelImport.importKerasModelAndWeights(path, enforceTraining);
        }
    }

    /** The exception's class and first message, on one line. */
    static String why(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String msg = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        msg = msg.replaceAll("\\s+", " ");
        return msg.length() > 240 ? msg.substring(0, 240) + "..." : msg;
    }
}
