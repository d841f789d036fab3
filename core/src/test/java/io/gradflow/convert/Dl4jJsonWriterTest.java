package io.gradflow.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gradflow.ingest.ModelLoader;
import io.gradflow.ingest.dsl.DslReader;
import io.gradflow.model.ModelGraph;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The DL4J JSON the converter writes, field by field where DL4J is particular (no DL4J needed). */
class Dl4jJsonWriterTest {

    static JsonObject convert(String dsl) throws Exception {
        return JsonParser.parseString(Dl4jJsonWriter.write(DslReader.read("m.gflow", dsl))).getAsJsonObject();
    }

    static JsonObject layer(JsonObject multiLayer, int i) {
        return multiLayer.getAsJsonArray("confs").get(i).getAsJsonObject().getAsJsonObject("layer");
    }

    static String cls(JsonObject o) {
        String c = o.get("@class").getAsString();
        return c.substring(c.lastIndexOf('.') + 1);
    }

    @Test
    void aPlainStackIsAMultiLayerConfigurationWithEveryLayerSpelledOut() throws Exception {
        JsonObject root = convert("""
                input 64
                defaults { activation relu init he bias 0.1 updater adam(0.01) }
                dense 32 dropout 0.2 as encoder
                output 10 softmax loss mcxent init xavier
                """);
        assertThat(root.has("confs")).isTrue();
        JsonObject dense = layer(root, 0);
        assertThat(cls(dense)).isEqualTo("DenseLayer");
        assertThat(dense.get("layerName").getAsString()).isEqualTo("encoder");
        assertThat(dense.get("nin").getAsLong()).isEqualTo(64);
        assertThat(dense.get("nout").getAsLong()).isEqualTo(32);
        assertThat(dense.get("biasInit").getAsDouble()).isEqualTo(0.1);
        assertThat(cls(dense.getAsJsonObject("activationFn"))).isEqualTo("ActivationReLU");
        assertThat(cls(dense.getAsJsonObject("weightInitFn"))).isEqualTo("WeightInitRelu");
        assertThat(cls(dense.getAsJsonObject("iupdater"))).isEqualTo("Adam");
        assertThat(dense.getAsJsonObject("iupdater").get("learningRate").getAsDouble()).isEqualTo(0.01);
        // DL4J's Dropout takes the probability of keeping a unit
        assertThat(dense.getAsJsonObject("idropout").get("p").getAsDouble()).isCloseTo(0.8, within(1e-12));
        JsonObject out = layer(root, 1);
        assertThat(cls(out)).isEqualTo("OutputLayer");
        assertThat(cls(out.getAsJsonObject("lossFn"))).isEqualTo("LossMCXENT");
        assertThat(cls(out.getAsJsonObject("weightInitFn"))).isEqualTo("WeightInitXavier");
        assertThat(root.getAsJsonObject("inputPreProcessors").size()).isZero();
    }

    @Test
    void initialisersKeepTheirVariance() throws Exception {
        JsonObject root = convert("""
                input 16
                dense 16 init lecun_uniform
                dense 16 init lecun
                dense 16 init he_uniform
                dense 16 init normal(0.1, 0.01)
                dense 16 init truncated_normal(0, 0.5)
                dense 16 init uniform(-0.2, 0.2)
                dense 16 init orthogonal(1.5)
                dense 16 init identity
                dense 16 init constant(0.5)
                output 2
                """);
        JsonObject lecunUniform = layer(root, 0).getAsJsonObject("weightInitFn");
        // DL4J's LECUN_UNIFORM has variance 3/fanIn; VarScalingUniformFanIn(s) has 3 s^2/fanIn: s^2 = 1/3
        assertThat(cls(lecunUniform)).isEqualTo("WeightInitVarScalingUniformFanIn");
        assertThat(lecunUniform.get("scale").getAsDouble()).isCloseTo(Math.sqrt(1.0 / 3), within(1e-15));
        assertThat(cls(layer(root, 1).getAsJsonObject("weightInitFn"))).isEqualTo("WeightInitNormal");
        assertThat(cls(layer(root, 2).getAsJsonObject("weightInitFn"))).isEqualTo("WeightInitReluUniform");
        JsonObject normal = layer(root, 3).getAsJsonObject("weightInitFn").getAsJsonObject("distribution");
        assertThat(normal.get("type").getAsString()).endsWith(".NormalDistribution");
        assertThat(normal.get("mean").getAsDouble()).isEqualTo(0.1);
        assertThat(normal.get("std").getAsDouble()).isEqualTo(0.01);
        assertThat(layer(root, 4).getAsJsonObject("weightInitFn").getAsJsonObject("distribution").get("type")
                .getAsString()).endsWith(".TruncatedNormalDistribution");
        assertThat(layer(root, 5).getAsJsonObject("weightInitFn").getAsJsonObject("distribution").get("lower")
                .getAsDouble()).isEqualTo(-0.2);
        assertThat(layer(root, 6).getAsJsonObject("weightInitFn").getAsJsonObject("distribution").get("gain")
                .getAsDouble()).isEqualTo(1.5);
        assertThat(cls(layer(root, 7).getAsJsonObject("weightInitFn"))).isEqualTo("WeightInitIdentity");
        assertThat(layer(root, 8).getAsJsonObject("weightInitFn").get("value").getAsDouble()).isEqualTo(0.5);
    }

    @Test
    void imagesReachADenseLayerThroughTheFlatteningPreprocessor() throws Exception {
        JsonObject root = convert("""
                input 3x32x32
                conv 3x3 8 stride 2 padding same
                pool avg 2x2
                output 10
                """);
        JsonObject conv = layer(root, 0);
        assertThat(conv.get("convolutionMode").getAsString()).isEqualTo("Same");
        assertThat(conv.getAsJsonArray("stride").toString()).isEqualTo("[2,2]");
        assertThat(conv.get("nin").getAsLong()).isEqualTo(3);
        assertThat(layer(root, 1).get("poolingType").getAsString()).isEqualTo("AVG");
        assertThat(layer(root, 2).get("nin").getAsLong()).isEqualTo(8 * 8 * 8);
        JsonObject pre = root.getAsJsonObject("inputPreProcessors").getAsJsonObject("2");
        assertThat(cls(pre)).isEqualTo("CnnToFeedForwardPreProcessor");
        assertThat(pre.get("inputHeight").getAsLong()).isEqualTo(8);
        assertThat(pre.get("numChannels").getAsLong()).isEqualTo(8);
    }

    @Test
    void sequencesGetDl4jsRecurrentLayersAndPreprocessors() throws Exception {
        JsonObject root = convert("""
                input 10 x 20 steps
                lstm 16
                dense 8
                simplernn 8
                lstm 4 last
                output 3
                """);
        assertThat(cls(layer(root, 0))).isEqualTo("LSTM");
        assertThat(layer(root, 0).get("forgetGateBiasInit").getAsDouble()).isEqualTo(1.0);
        JsonObject pre = root.getAsJsonObject("inputPreProcessors");
        assertThat(cls(pre.getAsJsonObject("1"))).isEqualTo("RnnToFeedForwardPreProcessor");
        assertThat(cls(pre.getAsJsonObject("2"))).isEqualTo("FeedForwardToRnnPreProcessor");
        assertThat(cls(layer(root, 2))).isEqualTo("SimpleRnn");
        JsonObject last = layer(root, 3);
        assertThat(cls(last)).isEqualTo("LastTimeStep");
        assertThat(cls(last.getAsJsonObject("underlying"))).isEqualTo("LSTM");
        assertThat(cls(layer(root, 4))).isEqualTo("OutputLayer");

        JsonObject seqOut = convert("input 10 x 20 steps\nlstm 16\noutput 3\n");
        assertThat(cls(layer(seqOut, 1))).isEqualTo("RnnOutputLayer");
    }

    @Test
    void residualBlocksAndBranchesMakeAComputationGraph() throws Exception {
        JsonObject root = convert("""
                input 16
                residual { dense 16; dense 16 }
                branch a { dense 4 }
                branch b { }
                join concat a b
                output 2
                """);
        assertThat(root.has("vertices")).isTrue();
        assertThat(root.getAsJsonArray("networkInputs").toString()).isEqualTo("[\"input\"]");
        assertThat(root.getAsJsonArray("networkOutputs").toString()).isEqualTo("[\"output\"]");
        JsonObject v = root.getAsJsonObject("vertices");
        assertThat(v.getAsJsonObject("add_0").get("op").getAsString()).isEqualTo("Add");
        assertThat(cls(v.getAsJsonObject("concat_0"))).isEqualTo("MergeVertex");
        assertThat(root.getAsJsonObject("vertexInputs").getAsJsonArray("concat_0").toString())
                .isEqualTo("[\"dense_2\",\"add_0\"]");
        assertThat(v.getAsJsonObject("output").getAsJsonObject("layerConf").getAsJsonObject("layer")
                .get("nin").getAsLong()).isEqualTo(20);
    }

    @Test
    void whatDl4jCannotExpressIsReportedAtEachLayer() {
        assertThatThrownBy(() -> convert("input 8 x 5 steps\ngru 8\nlayernorm\noutput 2\n"))
                .isInstanceOfSatisfying(ConvertException.class, e -> {
                    assertThat(e.problems()).hasSize(2);
                    assertThat(e.problems().get(0).pos().line()).isEqualTo(2);
                    assertThat(e.problems().get(0).message()).isEqualTo("cannot convert layer 'gru_0' to DL4J "
                            + "1.0.0-M2.1: DL4J 1.0.0-M2.1 has no GRU layer; use lstm");
                    assertThat(e.problems().get(1).message()).contains("'ln_0'").contains("`dense N layernorm`");
                });
    }

    @Test
    void conversionIsDeterministic() throws Exception {
        ModelGraph g = ModelLoader.load(java.nio.file.Path.of("fixtures/examples/branches-concat.gflow"), "b.gflow");
        assertThat(Dl4jJsonWriter.write(g)).isEqualTo(Dl4jJsonWriter.write(g));
        assertThat(Dl4jJsonWriter.write(g).getBytes(StandardCharsets.UTF_8)).isNotEmpty();
    }
}
