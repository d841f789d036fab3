package io.gradflow.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.gradflow.cli.CliRunner;
import io.gradflow.convert.Dl4jJsonWriter;
import io.gradflow.ingest.dsl.DslReader;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Numbers that leave the range (docs/theory.md section 13): overflow is an explosion, not a
 * vanishing; the first layer that leaves the range is named with its decades; no figure in any
 * report is NaN, infinite or null. Each case is written as a gradflow DSL model, as the DL4J JSON
 * gradflow converts it to, and as a Keras {@code to_json()} model. DL4J and the DSL have no
 * exponential activation: there the cube, which overflows as fast, stands in for it.
 */
class NumericRangeTest {

    @TempDir
    Path tmp;

    /** A stack of {@code depth} dense layers of width 64 in one activation and initialiser. */
    record Stack(String activation, String init, int depth, String precision) {

        String dsl() {
            StringBuilder b = new StringBuilder("model stack\n");
            if (precision != null) {
                b.append("precision ").append(precision).append('\n');
            }
            b.append("input 64\ndefaults { activation ").append(activation).append("  init ").append(init)
                    .append(" }\n");
            int left = depth;
            while (left > 0) {
                int n = Math.min(left, 1000);
                b.append("repeat ").append(n).append(" { dense 64 }\n");
                left -= n;
            }
            return b.append("output 10 softmax loss mcxent init xavier\n").toString();
        }

        String dl4j() throws Exception {
            ModelGraph g = DslReader.read("stack.gflow", dsl());
            return Dl4jJsonWriter.write(g);
        }

        /** The same stack as tf.keras 2.x writes it, with {@code kerasActivation} for the DSL's. */
        String keras(String kerasActivation) {
            String kernel = switch (init) {
                case "uniform(0, 1)" -> "{\"class_name\": \"RandomUniform\", \"config\": {\"minval\": 0.0, \"maxval\": 1.0}}";
                case "normal(0, 1)" -> "{\"class_name\": \"RandomNormal\", \"config\": {\"mean\": 0.0, \"stddev\": 1.0}}";
                case "normal(0, 0.001)" ->
                        "{\"class_name\": \"RandomNormal\", \"config\": {\"mean\": 0.0, \"stddev\": 0.001}}";
                default -> "{\"class_name\": \"GlorotUniform\", \"config\": {}}";
            };
            String dtype = precision == null ? "\"float32\""
                    : "{\"class_name\": \"Policy\", \"config\": {\"name\": \"" + precision + "\"}}";
            StringBuilder b = new StringBuilder("{\"class_name\": \"Sequential\", \"keras_version\": \"2.4.0\", "
                    + "\"backend\": \"tensorflow\", \"config\": {\"name\": \"stack\", \"layers\": [");
            for (int i = 1; i <= depth; i++) {
                b.append(String.format(Locale.ROOT, "{\"class_name\": \"Dense\", \"config\": {\"name\": \"dense_%d\", "
                                + "\"units\": 64, \"activation\": \"%s\", \"use_bias\": true, \"dtype\": %s, "
                                + "\"kernel_initializer\": %s, \"bias_initializer\": {\"class_name\": \"Zeros\", "
                                + "\"config\": {}}%s}}, ", i, kerasActivation, dtype, kernel,
                        i == 1 ? ", \"batch_input_shape\": [null, 64]" : ""));
            }
            b.append("{\"class_name\": \"Dense\", \"config\": {\"name\": \"out\", \"units\": 10, "
                    + "\"activation\": \"softmax\", \"dtype\": ").append(dtype).append(", \"kernel_initializer\": "
                    + "{\"class_name\": \"GlorotUniform\", \"config\": {}}}}]}}");
            return b.toString();
        }
    }

    /** The model files of one stack: DSL, DL4J JSON, and Keras JSON where Keras has the activation. */
    private List<Path> write(String name, Stack s, String kerasActivation) throws Exception {
        List<Path> files = new ArrayList<>();
        files.add(Files.writeString(tmp.resolve(name + ".gflow"), s.dsl()));
        files.add(Files.writeString(tmp.resolve(name + "-dl4j.json"), s.dl4j()));
        if (kerasActivation != null) {
            files.add(Files.writeString(tmp.resolve(name + "-keras.json"), s.keras(kerasActivation)));
        }
        return files;
    }

    private static GradientAnalysis analyse(Path f) throws Exception {
        return SignalPropagation.analyse(io.gradflow.ingest.ModelLoader.load(f, f.toString()));
    }

    @Test
    void anExponentialStackUnderUniformWeightsOverflowsAndExplodes() throws Exception {
        Path keras = Files.writeString(tmp.resolve("exp.json"),
                new Stack("cube", "uniform(0, 1)", 4, null).keras("exponential"));
        GradientAnalysis a = analyse(keras);
        assertThat(a.verdict()).isEqualTo(Verdict.EXPLODING);
        NumericRange.Event e = a.range().forward();
        assertThat(e).isNotNull();
        assertThat(e.direction()).isEqualTo(NumericRange.Direction.OVERFLOW);
        // dense_1 reaches about 10^9; dense_2's pre-activation mean is 10^6, its e^h far past float32
        assertThat(e.layer()).isEqualTo("dense_2");
        assertThat(e.precision()).isEqualTo(Precision.FLOAT32);
        assertThat(e.decades()).isFinite().isGreaterThan(1e6);
        assertThat(a.firstToLastDecades()).isNaN();
        assertThat(a.profile("dense_1").logActivation()).isBetween(8.0, 10.0);
        assertThat(a.profile("dense_3").logs().range()).isEqualTo(NumericRange.Direction.OVERFLOW);
    }

    @Test
    void theCubeStandsInForTheExponentialInDl4jAndTheDsl() throws Exception {
        for (Path f : write("cube", new Stack("cube", "uniform(0, 1)", 4, null), null)) {
            GradientAnalysis a = analyse(f);
            assertThat(a.verdict()).as("%s", f).isEqualTo(Verdict.EXPLODING);
            assertThat(a.range().forward()).as("%s", f).isNotNull();
            assertThat(a.range().forward().direction()).isEqualTo(NumericRange.Direction.OVERFLOW);
        }
        CliRunner.Result r = CliRunner.run("lint", tmp.resolve("cube.gflow").toString());
        assertThat(r.out()).contains("[GF014]").contains("past float32's largest value");
    }

    @Test
    void tanhUnderUnitNormalWeightsAtDepth64ExplodesInEveryFormat() throws Exception {
        for (Path f : write("tanh", new Stack("tanh", "normal(0, 1)", 64, null), "tanh")) {
            GradientAnalysis a = analyse(f);
            assertThat(a.verdict()).as("%s", f).isEqualTo(Verdict.EXPLODING);
            // the chaotic regime: bounded activations, a gradient that grows 17 decades
            assertThat(a.firstToLastGradientDecades()).as("%s", f).isBetween(16.0, 19.0);
            assertThat(a.range().forward()).as("%s: float32 holds it", f).isNull();
        }
    }

    @Test
    void inFloat16TheTanhStacksGradientOverflows() throws Exception {
        for (Path f : write("tanh16", new Stack("tanh", "normal(0, 1)", 64, "float16"), "tanh")) {
            GradientAnalysis a = analyse(f);
            assertThat(a.verdict()).as("%s", f).isEqualTo(Verdict.EXPLODING);
            assertThat(a.range().gradients()).as("%s", f)
                    .anyMatch(e -> e.direction() == NumericRange.Direction.OVERFLOW
                            && e.precision() == Precision.FLOAT16);
        }
    }

    @Test
    void reluUnderUnitNormalWeightsExplodesAtDepth50AndOverflowsFloat32Past52() throws Exception {
        for (Path f : write("relu50", new Stack("relu", "normal(0, 1)", 50, null), "relu")) {
            GradientAnalysis a = analyse(f);
            assertThat(a.verdict()).as("%s", f).isEqualTo(Verdict.EXPLODING);
            assertThat(a.signalDecades()).as("%s", f).isBetween(36.0, 39.0);
        }
        for (Path f : write("relu60", new Stack("relu", "normal(0, 1)", 60, null), "relu")) {
            GradientAnalysis a = analyse(f);
            assertThat(a.verdict()).as("%s", f).isEqualTo(Verdict.EXPLODING);
            NumericRange.Event e = a.range().forward();
            assertThat(e).as("%s", f).isNotNull();
            // about 0.75 decades a layer: 10^38.5 (float32's maximum, over the peak factor 4) near layer 51
            assertThat(e.log10Rms()).isBetween(37.5, 39.5);
        }
    }

    @Test
    void aSignalThatRoundsToZeroVanishes() throws Exception {
        // N(0, 0.001) under ReLU: 2.2 decades lost per layer, past float32's 1.4e-45 by layer 21
        for (Path f : write("tiny", new Stack("relu", "normal(0, 0.001)", 30, null), "relu")) {
            GradientAnalysis a = analyse(f);
            assertThat(a.verdict()).as("%s", f).isEqualTo(Verdict.VANISHING);
            assertThat(a.range().forwardUnderflows()).as("%s", f).isTrue();
        }
    }

    @Test
    void aVeryDeepStacksFiguresStayFinite() throws Exception {
        Path f = Files.writeString(tmp.resolve("deep.gflow"),
                new Stack("sigmoid", "xavier", 2000, "float64").dsl());
        GradientAnalysis a = analyse(f);
        assertThat(a.verdict()).isEqualTo(Verdict.VANISHING);
        // about 0.63 decades a layer, far past a double's 308
        assertThat(a.firstToLastDecades()).isFinite().isBetween(-1300.0, -1200.0);
        assertThat(a.range().gradients()).anyMatch(e -> e.direction() == NumericRange.Direction.UNDERFLOW
                && e.precision() == Precision.FLOAT64);
    }

    /** A family of models that overflow and underflow, in every format and number format. */
    static List<Object[]> family() {
        List<Object[]> out = new ArrayList<>();
        Map<String, String> keras = Map.of("cube", "exponential", "relu", "relu", "tanh", "tanh", "sigmoid",
                "sigmoid", "selu", "selu");
        for (String act : List.of("cube", "relu", "tanh", "sigmoid", "selu")) {
            for (String init : List.of("uniform(0, 1)", "normal(0, 1)", "normal(0, 0.001)")) {
                for (int depth : List.of(3, 40)) {
                    for (String p : new String[] {null, "float16", "mixed_float16", "float64"}) {
                        out.add(new Object[] {new Stack(act, init, depth, p), keras.get(act)});
                    }
                }
                // past a double's range, where only the analysis's own scaling keeps it finite
                out.add(new Object[] {new Stack(act, init, 400, "float64"), keras.get(act)});
            }
        }
        return out;
    }

    @Test
    void noReportOfTheFamilyCarriesANonFiniteOrNullFigure() throws Exception {
        List<Path> all = new ArrayList<>();
        for (Object[] c : family()) {
            Stack s = (Stack) c[0];
            String name = String.format(Locale.ROOT, "%s-%s-%d-%s", s.activation(),
                    s.init().replaceAll("\\W", ""), s.depth(), s.precision());
            for (Path f : write(name, s, (String) c[1])) {
                GradientAnalysis a = analyse(f);
                if (a.range().forwardOverflows()) {
                    assertThat(a.verdict()).as("%s overflows", f).isEqualTo(Verdict.EXPLODING);
                }
                if (a.range().forwardUnderflows() && a.verdict() != Verdict.UNKNOWN) {
                    assertThat(a.verdict()).as("%s underflows", f).isEqualTo(Verdict.VANISHING);
                }
                all.add(f);
            }
        }
        assertThat(all).hasSizeGreaterThan(300);
        ReportChecks.assertFinite(List.of(tmp.toString()));
    }

    @Test
    void noReportOfTheFixturesCarriesANonFiniteOrNullFigure() {
        ReportChecks.assertFinite(List.of("fixtures"));
    }

    @Test
    void noReportOfTheSharedCorpusCarriesANonFiniteOrNullFigure() {
        Path corpus = Path.of("..", "shared", "corpus");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(corpus),
                "../shared/corpus is not beside the checkout: the corpus part of this check is skipped");
        ReportChecks.assertFinite(List.of(corpus.toString()));
    }

    /** Checks every report format of a lint run for NaN, infinity and null figures. */
    static final class ReportChecks {

        private ReportChecks() {
        }

        /** Keys whose value may be null in the JSON contract: names, not figures. */
        static final List<String> NULLABLE = List.of("layer", "firstHidden", "lastHidden");

        static void assertFinite(List<String> paths) {
            for (String format : List.of("text", "json", "sarif")) {
                List<String> args = new ArrayList<>(List.of("lint", "--format", format, "--fail-on", "never"));
                if (format.equals("text")) {
                    args.add("--profile");
                }
                args.addAll(paths);
                CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
                assertThat(r.code()).as("%s %s: %s", format, paths, r.err()).isIn(0, 2);
                String findings = r.out();
                if (format.equals("json") || format.equals("sarif")) {
                    JsonElement root = JsonParser.parseString(r.out());
                    checkNulls(root, "$", format + " " + paths);
                    if (format.equals("sarif")) {
                        // the rules' help is prose (it may say NaN); the results are what a run found
                        findings = root.getAsJsonObject().getAsJsonArray("runs").get(0).getAsJsonObject()
                                .get("results").toString();
                    }
                }
                // Java writes a non-finite double as NaN, Infinity or -Infinity (prose says "infinity")
                assertThat(findings).as("%s output of %s", format, paths)
                        .doesNotContain("NaN").doesNotContain("Infinity");
            }
        }

        private static void checkNulls(JsonElement e, String path, String what) {
            if (e.isJsonObject()) {
                for (Map.Entry<String, JsonElement> m : e.getAsJsonObject().entrySet()) {
                    if (m.getValue().isJsonNull()) {
                        assertThat(NULLABLE).as("%s: null at %s.%s", what, path, m.getKey()).contains(m.getKey());
                    } else {
                        checkNulls(m.getValue(), path + "." + m.getKey(), what);
                    }
                }
            } else if (e.isJsonArray()) {
                int i = 0;
                for (JsonElement x : e.getAsJsonArray()) {
                    assertThat(x.isJsonNull()).as("%s: null at %s[%d]", what, path, i).isFalse();
                    checkNulls(x, path + "[" + i++ + "]", what);
                }
            } else if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
                assertThat(e.getAsDouble()).as("%s: %s", what, path).isFinite();
            }
        }

        /** Every model file under {@code dir} that gradflow reads. */
        static List<String> models(Path dir) throws IOException {
            try (Stream<Path> s = Files.walk(dir)) {
                return s.filter(Files::isRegularFile).map(Path::toString)
                        .filter(p -> p.endsWith(".json") || p.endsWith(".h5") || p.endsWith(".keras")
                                || p.endsWith(".gflow"))
                        .sorted().toList();
            }
        }
    }
}
