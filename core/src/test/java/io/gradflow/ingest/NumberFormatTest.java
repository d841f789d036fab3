package io.gradflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradflow.cli.CliRunner;
import io.gradflow.convert.Dl4jJsonWriter;
import io.gradflow.ingest.dsl.DslReader;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.NumberFormat;
import io.gradflow.model.Precision;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where each reader finds the number format: DL4J's dataType, Keras dtype policies, the DSL. */
class NumberFormatTest {

    @TempDir
    Path tmp;

    private static ModelGraph keras(String dtype, String lastDtype) throws ReadException {
        String json = """
                {"class_name": "Sequential", "keras_version": "2.4.0", "backend": "tensorflow", "config": {
                  "name": "m", "layers": [
                    {"class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": [null, 8],
                     "dtype": "float32"}},
                    {"class_name": "Dense", "config": {"name": "d1", "units": 8, "activation": "relu", "dtype": %s}},
                    {"class_name": "Dense", "config": {"name": "d2", "units": 8, "activation": "relu", "dtype": %s}},
                    {"class_name": "Dense", "config": {"name": "out", "units": 2, "activation": "softmax",
                     "dtype": %s}}]}}
                """.formatted(dtype, dtype, lastDtype);
        return ModelLoader.loadJson("m.json", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aKerasModelWithoutAPolicyIsFloat32() throws Exception {
        ModelGraph g = keras("\"float32\"", "\"float32\"");
        assertThat(g.numberFormat().compute()).isEqualTo(Precision.FLOAT32);
        assertThat(g.numberFormat().perExampleGradients()).isFalse();
        assertThat(g.numberFormat().dynamicLossScaling()).isFalse();
    }

    @Test
    void tfKerasMixedFloat16PolicyComputesInHalfWithFloat32WeightsAndLossScaling() throws Exception {
        String policy = "{\"class_name\": \"Policy\", \"config\": {\"name\": \"mixed_float16\"}}";
        ModelGraph g = keras(policy, "\"float32\"");
        NumberFormat f = g.numberFormat();
        assertThat(f.compute()).isEqualTo(Precision.FLOAT16);
        assertThat(f.variables()).isEqualTo(Precision.FLOAT32);
        assertThat(f.dynamicLossScaling()).isTrue();
        assertThat(f.declared()).isEqualTo("mixed_float16");
        // the usual float32 softmax at the end of a mixed model computes in its own format
        assertThat(g.precision(g.node("out"))).isEqualTo(Precision.FLOAT32);
        assertThat(g.precision(g.node("d1"))).isEqualTo(Precision.FLOAT16);
    }

    @Test
    void keras3DTypePolicyMixedBfloat16() throws Exception {
        String policy = "{\"module\": \"keras\", \"class_name\": \"DTypePolicy\", \"config\": {\"name\": "
                + "\"mixed_bfloat16\"}, \"registered_name\": null}";
        ModelGraph g = keras(policy, policy);
        assertThat(g.numberFormat().compute()).isEqualTo(Precision.BFLOAT16);
        assertThat(g.numberFormat().variables()).isEqualTo(Precision.FLOAT32);
        assertThat(g.numberFormat().dynamicLossScaling()).isFalse();
    }

    @Test
    void aPlainFloat16KerasModelHasNoLossScaling() throws Exception {
        ModelGraph g = keras("\"float16\"", "\"float16\"");
        assertThat(g.numberFormat().compute()).isEqualTo(Precision.FLOAT16);
        assertThat(g.numberFormat().variables()).isEqualTo(Precision.FLOAT16);
        assertThat(g.numberFormat().dynamicLossScaling()).isFalse();
    }

    @Test
    void dl4jHalfIsFloat16ThroughoutWithPerExampleGradients() throws Exception {
        ModelGraph g = ModelLoader.load(Path.of("fixtures/rules/GF014/positive.json"), "positive.json");
        assertThat(g.numberFormat().compute()).isEqualTo(Precision.FLOAT16);
        assertThat(g.numberFormat().variables()).isEqualTo(Precision.FLOAT16);
        assertThat(g.numberFormat().perExampleGradients()).isTrue();
        assertThat(g.numberFormat().declared()).isEqualTo("HALF");
    }

    @Test
    void theSharedCorpusHalfConfigurationReadsAsFloat16() throws Exception {
        Path f = Path.of("..", "shared", "corpus", "dl4j-json",
                "dl4j-1.0.0-beta6_CustomLayerExample_half.configuration.json");
        Assumptions.assumeTrue(Files.exists(f), "../shared/corpus is not beside the checkout");
        ModelGraph g = ModelLoader.load(f, f.toString());
        assertThat(g.numberFormat().compute()).isEqualTo(Precision.FLOAT16);
    }

    @Test
    void theDslSetsTheModelsAndALayersPrecision() throws Exception {
        ModelGraph g = DslReader.read("m.gflow", """
                model m
                precision mixed_float16
                input 8
                dense 8 activation relu init he
                output 2 softmax loss mcxent precision float32
                """);
        assertThat(g.numberFormat().compute()).isEqualTo(Precision.FLOAT16);
        assertThat(g.numberFormat().variables()).isEqualTo(Precision.FLOAT32);
        assertThat(g.numberFormat().dynamicLossScaling()).isTrue();
        // the DSL's models are DL4J networks: per-example gradients in the backward pass
        assertThat(g.numberFormat().perExampleGradients()).isTrue();
        assertThat(g.precision(g.node("output"))).isEqualTo(Precision.FLOAT32);
        assertThat(g.precision(g.node("dense_0"))).isEqualTo(Precision.FLOAT16);
    }

    @Test
    void aDslModelWithoutPrecisionIsFloat32() throws Exception {
        ModelGraph g = DslReader.read("m.gflow", "input 8\ndense 8\noutput 2 softmax\n");
        assertThat(g.numberFormat().compute()).isEqualTo(Precision.FLOAT32);
        assertThat(g.numberFormat().declared()).isNull();
    }

    @Test
    void aMisspelledPrecisionIsOneLineWithAHint() throws Exception {
        Path f = Files.writeString(tmp.resolve("m.gflow"), "precision flaot16\ninput 8\ndense 8\noutput 2 softmax\n");
        CliRunner.Result r = CliRunner.run("lint", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains(f + ":1:11: error: unknown precision 'flaot16' (did you mean 'float16'?)");
        assertThat(r.out()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void thePrecisionIsSetOnce() {
        assertThatThrownBy(() -> DslReader.read("m.gflow",
                "precision float16\nprecision float32\ninput 8\ndense 8\noutput 2 softmax\n"))
                .isInstanceOf(ReadException.class).hasMessageContaining("the precision is set twice");
    }

    @Test
    void convertingAHalfModelToDl4jKeepsItsDataType() throws Exception {
        ModelGraph g = DslReader.read("m.gflow", "precision float16\ninput 8\ndense 8\noutput 2 softmax\n");
        String json = Dl4jJsonWriter.write(g);
        assertThat(json).contains("\"dataType\": \"HALF\"").doesNotContain("\"dataType\": \"FLOAT\"");
        ModelGraph back = ModelLoader.loadJson("m.json", json.getBytes(StandardCharsets.UTF_8));
        assertThat(back.numberFormat().compute()).isEqualTo(Precision.FLOAT16);
    }
}
