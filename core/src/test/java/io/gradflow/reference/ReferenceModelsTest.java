package io.gradflow.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradflow.engine.Pipeline;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import io.gradflow.reference.ReferenceModels.Reference;
import io.gradflow.report.ModelResult;
import io.gradflow.rules.Finding;
import io.gradflow.rules.RuleConfig;
import io.gradflow.rules.Severity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference architectures of {@code fixtures/reference/}: the files are what the generator
 * writes (regenerate with {@code -Dgradflow.regenerate=true}), the generator counts the
 * parameters their reference implementation counts, and gradflow reads every layer of them with
 * the structure their paper states. What gradflow concludes about them is recorded in
 * fixtures/reference/README.md, not here: the verdict logic is changing.
 */
class ReferenceModelsTest {

    static final Path DIR = Path.of("fixtures", "reference");

    /**
     * What each file holds, from its paper (and, for the parameters, from the count its reference
     * implementation prints).
     *
     * @param keras  the parameters {@code model.summary()} prints for this file: the reference's
     *               figure, or that figure adjusted by a difference the file explains
     * @param layers weighted layers of each kind (the classifier counted as an OUTPUT layer)
     * @param merges Add and Multiply layers
     * @param concat Concatenate layers
     * @param width  the output's channels or classes
     * @param noScale channels of batch norms without a scale (gradflow's model cannot tell them)
     */
    record Facts(long keras, Map<LayerKind, Integer> layers, int merges, int concat, long width, long noScale) {

        Facts(long keras, Map<LayerKind, Integer> layers, int merges, int concat, long width) {
            this(keras, layers, merges, concat, width, 0);
        }
    }

    static Map<LayerKind, Integer> kinds(Object... kv) {
        Map<LayerKind, Integer> m = new EnumMap<>(LayerKind.class);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((LayerKind) kv[i], (Integer) kv[i + 1]);
        }
        return m;
    }

    static final Map<String, Facts> FACTS = Map.ofEntries(
            // "Counting depthwise and pointwise convolutions as separate layers, MobileNet has 28
            // layers": 1 full convolution, 13 depthwise, 13 pointwise, the classifier (a 1x1 conv)
            Map.entry("mobilenet_v1.json", new Facts(4_253_864,
                    kinds(LayerKind.CONV, 14, LayerKind.DEPTHWISE_CONV, 13, LayerKind.OUTPUT, 1), 0, 0, 1000)),
            // Table 2: a first convolution, 17 bottlenecks (the first without expansion), a 1x1 to
            // 1280; residual connections where a block keeps its size: 10
            Map.entry("mobilenet_v2.json", new Facts(3_538_984,
                    kinds(LayerKind.CONV, 1 + 1 + 16 * 2 + 1, LayerKind.DEPTHWISE_CONV, 17, LayerKind.OUTPUT, 1),
                    10, 0, 1000)),
            // Table 1, 18-layer: 17 convolutions and the classifier on the main path, 3 projection
            // shortcuts, 8 blocks. Keras counts torchvision's 11,689,512 plus each convolution's
            // bias (4,800) and each batch norm's moving mean and variance (9,600)
            Map.entry("resnet18.json", new Facts(11_689_512 + 4_800 + 9_600,
                    kinds(LayerKind.CONV, 17 + 3, LayerKind.OUTPUT, 1), 8, 0, 1000)),
            // Table 1, 50-layer: 49 convolutions and the classifier, 4 projections, 16 blocks
            Map.entry("resnet50.json", new Facts(25_636_712,
                    kinds(LayerKind.CONV, 49 + 4, LayerKind.OUTPUT, 1), 16, 0, 1000)),
            Map.entry("resnet50_v2.json", new Facts(25_613_800,
                    kinds(LayerKind.CONV, 49 + 4, LayerKind.OUTPUT, 1), 16, 0, 1000)),
            // configuration D: 13 convolutions, 3 fully connected; torchvision's 138,365,992 plus
            // the moving mean and variance of 13 batch norms over 4,224 channels
            Map.entry("vgg16_bn.json", new Facts(138_365_992 + 2 * 4_224,
                    kinds(LayerKind.CONV, 13, LayerKind.DENSE, 2, LayerKind.OUTPUT, 1), 0, 0, 1000)),
            // Table 1: a 7x7 convolution, 58 dense layers of two convolutions, 3 transitions, the
            // classifier (121 layers); each dense layer concatenates its output to its input
            Map.entry("densenet121.json", new Facts(8_062_504,
                    kinds(LayerKind.CONV, 1 + 58 * 2 + 3, LayerKind.OUTPUT, 1), 0, 58, 1000)),
            // Table 1: 16 MBConv blocks, each with a depthwise convolution and squeeze-and-excitation
            // (two 1x1 convolutions and a Multiply), 15 with an expansion; 9 keep their size and add
            // their input. Keras's 5,330,571 less the 7 of the Normalization layer left out
            Map.entry("efficientnet_b0.json", new Facts(5_330_571 - 7,
                    kinds(LayerKind.CONV, 1 + 15 + 16 * 3 + 1, LayerKind.DEPTHWISE_CONV, 16, LayerKind.OUTPUT, 1),
                    16 + 9, 0, 1000)),
            // 94 convolutions in keras.applications' figure-5/6/7 modules; 11 mixed blocks, the
            // last two with two inner concatenations each; its 94 batch norms (17,216 channels)
            // have no scale
            Map.entry("inception_v3.json", new Facts(23_851_784,
                    kinds(LayerKind.CONV, 94, LayerKind.OUTPUT, 1), 0, 11 + 4, 1000, 17_216)),
            // "36 convolutional layers forming the feature extraction base": 2 convolutions and 34
            // separable ones, plus 4 strided 1x1 residual convolutions; 12 residual additions
            Map.entry("xception.json", new Facts(22_910_480,
                    kinds(LayerKind.CONV, 2 + 4, LayerKind.SEPARABLE_CONV, 34, LayerKind.OUTPUT, 1), 12, 0, 1000)),
            // "In total the network has 23 convolutional layers": 18 3x3, 4 up-convolutions, the
            // final 1x1; no parameter count is published: 31,030,658 for Figure 1 (counted by hand)
            // and 4 per channel for the 18 batch norms (5,888 channels)
            Map.entry("unet.json", new Facts(31_030_658 + 4 * 5_888,
                    kinds(LayerKind.CONV, 18, LayerKind.DECONV, 4, LayerKind.OUTPUT, 1), 0, 4, 2)),
            Map.entry("unet_paper.json", new Facts(31_030_658,
                    kinds(LayerKind.CONV, 18, LayerKind.DECONV, 4, LayerKind.OUTPUT, 1), 0, 4, 2)));

    @Test
    void everyReferenceHasFacts() {
        assertThat(ReferenceModels.ALL.stream().map(Reference::file)).containsExactlyInAnyOrderElementsOf(FACTS.keySet());
    }

    @Test
    void filesAreWhatTheGeneratorWrites(@TempDir Path tmp) throws IOException {
        if (Boolean.getBoolean("gradflow.regenerate")) {
            ReferenceModels.writeAll(DIR);
        }
        ReferenceModels.writeAll(tmp);
        for (Reference r : ReferenceModels.all()) {
            Path file = DIR.resolve(r.file());
            assertThat(file).as("%s (regenerate with -Dgradflow.regenerate=true)", file).exists();
            List<String> have = Files.readAllLines(file, StandardCharsets.UTF_8);
            List<String> want = Files.readAllLines(tmp.resolve(r.file()), StandardCharsets.UTF_8);
            int line = 0;
            while (line < Math.min(have.size(), want.size()) && have.get(line).equals(want.get(line))) {
                line++;
            }
            // the first differing line, not the whole file: these files run to 200 kB
            assertThat(line < have.size() ? have.get(line) : "<end of file>")
                    .as("%s:%d differs from the generator's (regenerate with -Dgradflow.regenerate=true and read the diff)",
                            file, line + 1)
                    .isEqualTo(line < want.size() ? want.get(line) : "<end of file>");
        }
        try (Stream<Path> files = Files.list(DIR)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json")))
                    .as("JSON files in %s that no reference writes", DIR)
                    .containsExactlyInAnyOrderElementsOf(ReferenceModels.all().stream().map(Reference::file).toList());
        }
    }

    @TestFactory
    Stream<DynamicTest> generatorCountsTheReferenceParameters() {
        return ReferenceModels.ALL.stream().map(r -> DynamicTest.dynamicTest(r.file(), () -> {
            Facts f = FACTS.get(r.file());
            KerasFunctional m = r.build().get();
            assertThat(m.params()).as("%s: parameters as model.summary() counts them", r.file()).isEqualTo(f.keras());
            if (r.publishedParams() > 0) {
                assertThat((double) m.params()).as("%s: within 1%% of the published %,d", r.file(), r.publishedParams())
                        .isCloseTo(r.publishedParams(), within(0.01 * r.publishedParams()));
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> gradflowReadsEveryLayerWithThePapersStructure() {
        return ReferenceModels.ALL.stream().map(r -> DynamicTest.dynamicTest(r.file(), () -> {
            Facts f = FACTS.get(r.file());
            Path file = DIR.resolve(r.file());
            ModelResult res = Pipeline.lint(file, file.toString(), RuleConfig.DEFAULT);
            ModelGraph g = res.model();

            assertThat(g.nodes().stream().filter(n -> n.kind() == LayerKind.OPAQUE).map(Node::name))
                    .as("%s: layers gradflow cannot model", r.file()).isEmpty();
            assertThat(allFindings(res.findings()).filter(x -> x.startsWith("GF012") || x.startsWith("GF013")))
                    .as("%s: unsupported layers or activations", r.file()).isEmpty();

            Map<LayerKind, Integer> weighted = new EnumMap<>(LayerKind.class);
            g.nodes().stream().filter(Node::hasWeights).forEach(n -> weighted.merge(n.kind(), 1, Integer::sum));
            assertThat(weighted).as("%s: weighted layers by kind", r.file()).isEqualTo(f.layers());
            assertThat(count(g, LayerKind.ELEMENTWISE)).as("%s: Add and Multiply layers", r.file()).isEqualTo(f.merges());
            assertThat(count(g, LayerKind.CONCAT)).as("%s: Concatenate layers", r.file()).isEqualTo(f.concat());

            assertThat(g.outputs()).hasSize(1);
            TensorShape out = g.shape(g.outputs().get(0));
            assertThat(out.size()).as("%s: output width", r.file()).isEqualTo(f.width());

            long counted = params(g);
            assertThat(counted).as("%s: parameters counted from gradflow's model", r.file())
                    .isEqualTo(f.keras() + f.noScale());
            long reference = r.publishedParams() > 0 ? r.publishedParams() : f.keras();
            assertThat((double) counted).as("%s: parameters counted from gradflow's model, against %,d", r.file(),
                    reference).isCloseTo(reference, within(0.01 * reference));
        }));
    }

    /**
     * Issue 19: the sequence references (a Keras transformer block, BERT-base, ViT-Base, an LSTM
     * language model) are read without an opaque layer, have the parameters their paper states,
     * and get no warning or error: each trains as published.
     */
    @TestFactory
    Stream<DynamicTest> sequenceReferencesLintQuietly() {
        return ReferenceModels.SEQUENCE.stream().map(r -> DynamicTest.dynamicTest(r.file(), () -> {
            if (r.publishedParams() > 0) {
                assertThat((double) r.build().get().params()).as("%s: within 2%% of the published %,d", r.file(),
                        r.publishedParams()).isCloseTo(r.publishedParams(), within(0.02 * r.publishedParams()));
            }
            Path file = DIR.resolve(r.file());
            ModelResult res = Pipeline.lint(file, file.toString(), RuleConfig.DEFAULT);
            assertThat(res.model().nodes().stream().filter(n -> n.kind() == LayerKind.OPAQUE).map(Node::name))
                    .as("%s: layers gradflow cannot model", r.file()).isEmpty();
            assertThat(res.findings().stream().filter(f -> f.severity() != Severity.INFO)
                    .map(f -> f.rule() + " " + f.severity() + ": " + f.message()))
                    .as("%s: warnings and errors on a reference that trains", r.file()).isEmpty();
        }));
    }

    /** Every finding and every note folded into one, as "GFnnn: message". */
    private static Stream<String> allFindings(List<Finding> findings) {
        return findings.stream().flatMap(f -> Stream.concat(Stream.of(f.rule() + ": " + f.message()),
                f.related().stream().map(rel -> rel.rule() + ": " + rel.message())));
    }

    private static long count(ModelGraph g, LayerKind k) {
        return g.nodes().stream().filter(n -> n.kind() == k).count();
    }

    /**
     * Parameters of gradflow's model, counted as Keras counts them from each node's kernel, bias
     * and the widths of its input and output. gradflow's model does not say whether a batch norm
     * has a scale: each is counted with one (beta, gamma, moving mean and variance), which puts
     * InceptionV3 (scale=False) one parameter per channel over Keras's count ({@link Facts#noScale}).
     */
    static long params(ModelGraph g) {
        long total = 0;
        for (Node n : g.nodes()) {
            if (n.inputs().isEmpty()) {
                continue;
            }
            long in = g.shape(n.inputs().get(0)).size();
            long out = g.shape(n.name()).size();
            long bias = n.hasBias() ? out : 0;
            LayerKind kind = n.kind() == LayerKind.OUTPUT ? (n.kernel().length > 0 ? LayerKind.CONV : LayerKind.DENSE)
                    : n.kind();
            total += switch (kind) {
                case CONV, DECONV -> n.kernelArea() * in * out + bias;
                case DEPTHWISE_CONV -> n.kernelArea() * in * n.depthMultiplier() + bias;
                case SEPARABLE_CONV -> n.kernelArea() * in * n.depthMultiplier() + in * n.depthMultiplier() * out + bias;
                case DENSE -> in * out + bias;
                case BATCH_NORM -> 4 * out;
                default -> 0;
            };
        }
        return total;
    }
}
