package io.gradflow.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gradflow.cli.Linter;
import io.gradflow.ingest.ModelLoader;
import io.gradflow.ingest.dsl.DslReader;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.report.ModelResult;
import io.gradflow.rules.Finding;
import io.gradflow.rules.RuleConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every DSL example through DL4J and back: convert, load with DL4J 1.0.0-M2.1's own fromJson,
 * build the network, write it out again with DL4J's toJson, and lint that. The layers must be the
 * ones the DSL described (kinds, widths, activations, initialiser variances, dropout, losses) and
 * the lint must agree with the DSL's: same layer count, verdict, rules and decades.
 */
@Tag("slow")
class Dl4jRoundTripIT {

    private static final Linter LINTER = new Linter(RuleConfig.DEFAULT);

    static List<Path> dslFiles() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String dir : List.of("fixtures/examples", "fixtures/rules")) {
            try (Stream<Path> s = Files.walk(Path.of(dir))) {
                s.filter(p -> p.toString().endsWith(ModelLoader.DSL_EXTENSION)).sorted().forEach(out::add);
            }
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyDslFileSurvivesTheRoundTripThroughDl4j() throws IOException {
        List<Path> files = dslFiles();
        assertThat(files).hasSizeGreaterThanOrEqualTo(8);
        return files.stream().map(p -> DynamicTest.dynamicTest(p.toString(), () -> {
            ModelGraph dsl = ModelLoader.load(p, p.toString());
            String json;
            try {
                json = Dl4jJsonWriter.write(dsl);
            } catch (ConvertException e) {
                // a post-LN stack (GF016's fixtures) needs a stand-alone layer norm, which DL4J
                // 1.0.0-M2.1 lacks: the converter refuses it with this message, and that is all
                // there is to check
                if (!e.getMessage().contains("no stand-alone layer normalisation")) {
                    throw e;
                }
                assumeTrue(false, p + ": DL4J 1.0.0-M2.1 cannot express it: " + e.getMessage());
                return;
            }
            String again = throughDl4j(json, true);
            ModelGraph back = ModelLoader.loadJson(p + ".json", again.getBytes(StandardCharsets.UTF_8));
            assertSameLayers(dsl, back);
            assertSameVerdict(dsl, back);
        }));
    }

    @Test
    void theClassicExamplesHaveExactlyTheParametersOfTheirDl4jBuiltTwins() throws Exception {
        for (String name : List.of("sigmoid-mlp-20", "relu-he-mlp-20", "sigmoid-batchnorm-mlp-20",
                "tanh-normal01-mlp-32", "relu-residual-batchnorm-mlp-33")) {
            Path dsl = Path.of("fixtures/examples", name + ".gflow");
            String converted = Dl4jJsonWriter.write(ModelLoader.load(dsl, dsl.toString()));
            String twin = Files.readString(Path.of("fixtures/examples", name + ".json"));
            assertThat(parameters(converted)).as(name).isEqualTo(parameters(twin));
        }
    }

    @Test
    void everyActivationInitialiserLossAndUpdaterMeansTheSameToDl4j() throws Exception {
        List<String> models = new ArrayList<>();
        StringBuilder acts = new StringBuilder("input 8\ndefaults { updater nesterovs(0.05) }\n");
        String[] inits = {"xavier", "xavier_uniform", "he", "he_uniform", "lecun", "lecun_uniform",
            "normal(0.01, 0.2)", "uniform(-0.3, 0.3)", "truncated_normal(0, 0.3)", "orthogonal(1.2)", "identity",
            "ones", "constant(0.1)", "zeros"};
        String[] activations = {"relu", "leakyrelu(0.3)", "elu(0.5)", "selu", "gelu", "swish", "mish", "softplus",
            "softsign", "sigmoid", "hardsigmoid", "tanh", "hardtanh", "rationaltanh", "rectifiedtanh", "relu6",
            "rrelu(0.1, 0.3)", "thresholdedrelu(0.5)", "cube", "identity", "linear"};
        for (int i = 0; i < activations.length; i++) {
            acts.append("dense 8 activation ").append(activations[i]).append(" init ")
                    .append(inits[i % inits.length]).append(i % 3 == 0 ? " bias 0.2 dropout 0.1\n" : "\n");
        }
        models.add(acts.append("output 3 softmax loss mcxent\n").toString());
        for (String u : List.of("sgd(0.1)", "adam(0.002)", "nesterovs", "rmsprop(0.01)", "adagrad", "adamax",
                "nadam", "amsgrad", "adadelta", "noop")) {
            models.add("input 4\ndefaults { updater " + u + " }\ndense 4 activation relu init he\noutput 2\n");
        }
        for (String loss : List.of("mcxent", "xent", "mse", "mae", "l1", "l2", "mape", "msle", "kld",
                "negativeloglikelihood", "sparse_mcxent", "hinge", "squared_hinge", "poisson", "cosine_proximity",
                "wasserstein")) {
            String act = switch (loss) {
                case "mcxent", "negativeloglikelihood", "sparse_mcxent" -> "softmax";
                case "xent", "kld", "poisson" -> "sigmoid";
                default -> "identity";
            };
            models.add("input 4\noutput 3 " + act + " loss " + loss + " bias none\n");
        }
        // identity first: DL4J 1.0.0-M2.1's identity init fails (NPE in ND4J) on a convolution whose
        // parameters do not start the network's parameter vector, whether built from JSON or a builder
        models.add("""
                input 4x12x12
                conv 3x3 4 padding same init identity activation identity
                conv 3x3 4 stride 2 padding 1 init he_uniform activation relu bias none
                pool sum 2x2 padding 1
                pool avg 2x2 stride 1
                globalpool max
                output 2
                """);
        models.add("""
                input 6 x 20 steps
                simplernn 6 init identity layernorm activation relu
                dropout 0.3
                lstm 5 init lecun_uniform
                batchnorm
                dense 4 activation elu
                activation tanh
                lstm 3 last
                output 2 sigmoid loss xent
                """);
        models.add("""
                input 4 x 20 steps
                lstm 4
                output 2 softmax loss mcxent
                """);
        for (String text : models) {
            ModelGraph dsl = DslReader.read("m.gflow", text);
            String again = throughDl4j(Dl4jJsonWriter.write(dsl), true);
            ModelGraph back = ModelLoader.loadJson("m.json", again.getBytes(StandardCharsets.UTF_8));
            assertSameLayers(dsl, back);
            assertSameVerdict(dsl, back);
        }
    }

    @Test
    void sequenceLengthIsTheOneThingDl4jJsonCannotCarry() throws Exception {
        // DL4J stores no input type: linting the converted file assumes its own sequence length
        ModelGraph dsl = DslReader.read("m.gflow", "input 8 x 50 steps\nsimplernn 8 activation tanh\noutput 2\n");
        ModelGraph back = ModelLoader.loadJson("m.json", Dl4jJsonWriter.write(dsl).getBytes(StandardCharsets.UTF_8));
        assertSameLayers(dsl, back);
        assertThat(LINTER.analyse(back).analysis().assumptions())
                .anySatisfy(a -> assertThat(a).contains("sequence length not given"));
        assertThat(LINTER.analyse(dsl).analysis().assumptions()).noneMatch(a -> a.contains("sequence length"));
    }

    // ---------------------------------------------------------------- helpers

    /** DL4J reads the JSON, builds the network, and writes its configuration back. */
    static String throughDl4j(String json, boolean init) {
        if (json.contains("\"confs\"")) {
            MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(json);
            if (init) {
                new MultiLayerNetwork(conf).init();
            }
            return conf.toJson();
        }
        ComputationGraphConfiguration conf = ComputationGraphConfiguration.fromJson(json);
        if (init) {
            new ComputationGraph(conf).init();
        }
        return conf.toJson();
    }

    static long parameters(String json) {
        if (json.contains("\"confs\"")) {
            MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(json));
            net.init();
            return net.numParams();
        }
        ComputationGraph net = new ComputationGraph(ComputationGraphConfiguration.fromJson(json));
        net.init();
        return net.numParams();
    }

    /** The layers DL4J built are the layers the DSL described, as far as the analysis can tell. */
    static void assertSameLayers(ModelGraph dsl, ModelGraph back) {
        assertThat(back.layerCount()).isEqualTo(dsl.layerCount());
        for (Node n : dsl.nodes()) {
            if (n.kind() == LayerKind.INPUT) {
                continue;
            }
            Node m = back.node(n.name());
            assertThat(m).as("layer %s", n.name()).isNotNull();
            String at = n.name() + " in\n" + dsl.source();
            assertThat(m.kind()).as(at).isEqualTo(n.kind());
            assertThat(m.inputs()).as(at).isEqualTo(n.inputs());
            assertThat(back.shape(n.name()).size()).as(at).isEqualTo(dsl.shape(n.name()).size());
            assertThat(m.returnSequences()).as(at).isEqualTo(n.returnSequences());
            assertThat(m.dropRate()).as(at).isCloseTo(n.dropRate(), within(1e-9));
            assertThat(m.merge()).as(at).isEqualTo(n.merge());
            if (n.activation() != null) {
                assertThat(m.activation().fn()).as(at).isEqualTo(n.activation().fn());
                // parameters are NaN where the activation has none
                assertThat(Double.compare(m.activation().alpha(), n.activation().alpha())).as(at + ": alpha").isZero();
                assertThat(Double.compare(m.activation().beta(), n.activation().beta())).as(at + ": beta").isZero();
            }
            if (n.hasWeights()) {
                assertThat(m.nIn()).as(at).isEqualTo(n.nIn());
                assertThat(m.nOut()).as(at).isEqualTo(n.nOut());
                assertThat(m.hasBias()).as(at).isEqualTo(n.hasBias());
                assertThat(m.biasInit()).as(at).isEqualTo(n.biasInit());
                assertThat(m.layerNorm()).as(at).isEqualTo(n.layerNorm());
                double want = n.weightInit().variance(n.nIn(), n.nOut(), n.nIn() + n.nOut());
                double got = m.weightInit().variance(n.nIn(), n.nOut(), n.nIn() + n.nOut());
                assertThat(got).as(at + ": variance of " + n.weightInit().label()).isCloseTo(want,
                        within(1e-12 + 1e-9 * Math.abs(want)));
                assertThat(m.weightInit().mean()).as(at).isEqualTo(n.weightInit().mean());
                assertThat(m.weightInit().family()).as(at).isEqualTo(n.weightInit().family());
                assertThat(m.updater()).as(at).isEqualTo(n.updater());
            }
            if (n.kind() == LayerKind.OUTPUT) {
                assertThat(m.loss()).as(at).isEqualTo(n.loss());
            }
            if (n.kind() == LayerKind.CONV || n.kind() == LayerKind.POOLING) {
                assertThat(m.kernel()).as(at).isEqualTo(n.kernel());
                assertThat(m.stride()).as(at).isEqualTo(n.stride());
                assertThat(m.padding()).as(at).isEqualTo(n.padding());
                assertThat(m.paddingMode()).as(at).isEqualTo(n.paddingMode());
                assertThat(m.pooling()).as(at).isEqualTo(n.pooling());
            }
        }
    }

    /** Linting the DSL and linting what DL4J wrote back say the same. */
    static void assertSameVerdict(ModelGraph dsl, ModelGraph back) {
        // convert does not carry inline suppressions (DL4J's toJson would drop them anyway): compare
        // the DSL model's findings without them, or a suppression would look like a lost finding
        ModelResult a = LINTER.analyse(dsl.withSuppressions(List.of()));
        ModelResult b = LINTER.analyse(back);
        String at = dsl.source();
        assertThat(b.analysis().verdict()).as(at).isEqualTo(a.analysis().verdict());
        assertThat(b.analysis().firstToLastDecades()).as(at)
                .isCloseTo(a.analysis().firstToLastDecades(), within(0.02));
        assertThat(b.analysis().signalDecades()).as(at).isCloseTo(a.analysis().signalDecades(), within(0.02));
        assertThat(rules(b.findings())).as(at).isEqualTo(rules(a.findings()));
    }

    private static Set<String> rules(List<Finding> findings) {
        return findings.stream().map(f -> f.rule() + " " + f.severity().id() + " " + f.layer())
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
