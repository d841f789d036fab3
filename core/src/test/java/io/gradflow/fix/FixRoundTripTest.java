package io.gradflow.fix;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradflow.convert.Dl4jJsonWriter;
import io.gradflow.engine.Pipeline;
import io.gradflow.ingest.keras.KerasFiles;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.report.ModelResult;
import io.gradflow.rules.Finding;
import io.gradflow.rules.RuleConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Each fix kind in each format it writes: the fix clears its finding when the result is read
 * again, and the file changes only where the fix says (every other byte stays).
 */
class FixRoundTripTest {

    /** A model's text before and after one fix, and both lint results. */
    record Fixed(String before, String after, Fix fix, ModelResult was, ModelResult now) {

        /** The lines the fix removed and added (a unified diff's - and + lines). */
        List<String> removed() {
            return Diff.unified(before, after, "a", "b").lines().filter(l -> l.startsWith("-") && !l.startsWith("---"))
                    .toList();
        }

        List<String> added() {
            return Diff.unified(before, after, "a", "b").lines().filter(l -> l.startsWith("+") && !l.startsWith("+++"))
                    .toList();
        }

        boolean reports(String rule) {
            return now.findings().stream().anyMatch(f -> f.rule().equals(rule)
                    || f.related().stream().anyMatch(r -> r.rule().equals(rule)));
        }

        long count(LayerKind kind) {
            return now.model().nodes().stream().filter(n -> n.kind() == kind).count();
        }
    }

    static Fixed fix(String display, String text, String rule, FixKind kind) throws Exception {
        ModelGraph g = Pipeline.readText(display, text);
        ModelResult was = Pipeline.check(g, RuleConfig.DEFAULT);
        Finding f = was.findings().stream().filter(x -> x.rule().equals(rule)
                        || x.related().stream().anyMatch(r -> r.rule().equals(rule))).findFirst()
                .orElseThrow(() -> new AssertionError(display + " has no " + rule + ": " + was.findings()));
        Fixer fixer = Fixer.of(g, text);
        assertThat(fixer).as("fixer for " + display).isNotNull();
        Fix fix = fixer.fixes(f).stream().filter(x -> x.kind() == kind).findFirst()
                .orElseThrow(() -> new AssertionError(display + ": no " + kind + " fix among " + fixer.fixes(f)));
        String after = Edit.apply(text, fix.edits());
        ModelResult now = Pipeline.check(Pipeline.readText(display, after), RuleConfig.DEFAULT);
        return new Fixed(text, after, fix, was, now);
    }

    static String read(String path) throws Exception {
        return Files.readString(Path.of(path), StandardCharsets.UTF_8);
    }

    static Predicate<String> containing(String s) {
        return l -> l.contains(s);
    }

    // ---------------------------------------------------------------- data type

    @Test
    void dataTypeFixInDl4jJsonSetsEveryDataTypeToFloat() throws Exception {
        Fixed x = fix("m.json", read("fixtures/rules/GF014/positive.json"), "GF014", FixKind.DATA_TYPE);
        assertThat(x.reports("GF014")).isFalse();
        assertThat(x.now.model().numberFormat().compute().id()).isEqualTo("float32");
        assertThat(x.fix().safe()).isTrue();
        // the configuration's own and each of the 13 layers' copies
        assertThat(x.removed()).hasSize(14).allMatch(containing("\"dataType\": \"HALF\""));
        assertThat(x.added()).hasSize(14).allMatch(containing("\"dataType\": \"FLOAT\""));
    }

    @Test
    void dataTypeFixInTheDslRewritesThePrecisionStatementOnly() throws Exception {
        Fixed x = fix("m.gflow", read("fixtures/rules/GF014/positive.gflow"), "GF014", FixKind.DATA_TYPE);
        assertThat(x.reports("GF014")).isFalse();
        assertThat(x.removed()).containsExactly("-precision float16");
        assertThat(x.added()).containsExactly("+precision float32");
    }

    /** {@code depth} Xavier sigmoid layers under one Keras dtype policy, a layer a line. */
    static String kerasSigmoidStack(int depth, String policy) {
        StringBuilder b = new StringBuilder("{\"class_name\": \"Sequential\", \"keras_version\": \"2.4.0\", "
                + "\"config\": {\"name\": \"m\", \"layers\": [\n");
        String dtype = "{\"class_name\": \"Policy\", \"config\": {\"name\": \"" + policy + "\"}}";
        for (int i = 1; i <= depth; i++) {
            b.append("{\"class_name\": \"Dense\", \"config\": {\"name\": \"dense_").append(i)
                    .append("\", \"units\": 64, \"activation\": \"sigmoid\", \"dtype\": ").append(dtype)
                    .append(", \"kernel_initializer\": {\"class_name\": \"GlorotUniform\", \"config\": {}}")
                    .append(i == 1 ? ", \"batch_input_shape\": [null, 64]" : "").append("}},\n");
        }
        return b.append("{\"class_name\": \"Dense\", \"config\": {\"name\": \"out\", \"units\": 10, "
                + "\"activation\": \"softmax\", \"dtype\": ").append(dtype).append("}}\n]}}\n").toString();
    }

    @Test
    void dataTypeFixInKerasJsonRewritesEachLayersPolicy() throws Exception {
        Fixed x = fix("m.json", kerasSigmoidStack(10, "float16"), "GF014", FixKind.DATA_TYPE);
        assertThat(x.reports("GF014")).isFalse();
        assertThat(x.now.model().numberFormat().compute().id()).isEqualTo("float32");
        assertThat(x.added()).hasSize(11).allMatch(containing("\"config\": {\"name\": \"float32\"}"));
        assertThat(x.removed()).hasSize(11);
    }

    @Test
    void dynamicLossScalingThatCopesGetsNoDataTypeFix() throws Exception {
        // mixed_float16: GF014 is informational, the framework's dynamic loss scaling finds the scale
        String text = kerasSigmoidStack(10, "mixed_float16");
        ModelGraph g = Pipeline.readText("m.json", text);
        ModelResult r = Pipeline.check(g, RuleConfig.DEFAULT);
        List<Finding> f = r.findings().stream().filter(x -> x.rule().equals("GF014")).toList();
        assertThat(f).hasSize(1);
        assertThat(f.get(0).severity().id()).isEqualTo("info");
        assertThat(Fixer.of(g, text).fixes(f.get(0))).isEmpty();
        // twelve layers need a scale dynamic scaling reaches late: a warning, and the fix is offered
        String deeper = kerasSigmoidStack(12, "mixed_float16");
        ModelGraph g12 = Pipeline.readText("m.json", deeper);
        Finding w = Pipeline.check(g12, RuleConfig.DEFAULT).findings().stream()
                .filter(x -> x.rule().equals("GF014")).findFirst().orElseThrow();
        assertThat(w.severity().id()).isEqualTo("warning");
        assertThat(Fixer.of(g12, deeper).fixes(w)).extracting(Fix::kind).containsExactly(FixKind.DATA_TYPE);
    }

    // ---------------------------------------------------------------- initialiser swaps

    @Test
    void initSwapInDl4jJsonChangesOnlyTheInitialiserLines() throws Exception {
        Fixed x = fix("m.json", read("fixtures/rules/GF002/positive.json"), "GF002", FixKind.INIT);
        assertThat(x.reports("GF002")).isFalse();
        assertThat(x.removed()).hasSize(32).allMatch(containing("\"@class\" : \"org.deeplearning4j.nn.weights.WeightInitXavier\""));
        assertThat(x.added()).hasSize(32).allMatch(containing("\"@class\" : \"org.deeplearning4j.nn.weights.WeightInitRelu\""));
        assertThat(x.fix().safe()).isTrue();
    }

    @Test
    void initSwapReplacesAFixedDistributionWithItsMembers() throws Exception {
        Fixed x = fix("m.json", read("fixtures/examples/tanh-normal01-mlp-32.json"), "GF004", FixKind.INIT);
        assertThat(x.reports("GF004")).isFalse();
        assertThat(x.now.analysis().verdict().id()).isEqualTo("healthy");
        assertThat(x.added()).hasSize(32).allMatch(containing("WeightInitXavier"));
        // the distribution's five lines go, with the class line
        assertThat(x.removed()).hasSize(32 * 6).anyMatch(containing("NormalDistribution"));
    }

    @Test
    void initSwapInKerasJsonWritesVarianceScaling() throws Exception {
        String text = KerasFiles.sequentialMlp(12, 64, "relu", "GlorotUniform");
        Fixed x = fix("m.json", text, "GF002", FixKind.INIT);
        assertThat(x.reports("GF002")).isFalse();
        assertThat(x.added()).isNotEmpty().allMatch(containing(
                "\"kernel_initializer\": {\"class_name\": \"VarianceScaling\", \"config\": {\"scale\": 2.0, "
                        + "\"mode\": \"fan_in\", \"distribution\": \"uniform\", \"seed\": null}}"));
        assertThat(x.added()).hasSameSizeAs(x.removed());
    }

    @Test
    void initSwapInKerasJsonReplacesANullInitialiserInsteadOfAddingASecondKey() throws Exception {
        String text = KerasFiles.sequentialMlp(12, 64, "relu", "GlorotUniform")
                .replace("{\"class_name\": \"GlorotUniform\", \"config\": {\"seed\": null}}", "null");
        Fixed x = fix("m.json", text, "GF002", FixKind.INIT);
        assertThat(x.reports("GF002")).isFalse();
        assertThat(x.added()).isNotEmpty().allMatch(containing("\"kernel_initializer\": \"he_uniform\""))
                .noneMatch(containing("\"kernel_initializer\": null"));
        assertThat(x.added()).hasSameSizeAs(x.removed());
    }

    @Test
    void initSwapInTheDslEditsTheLayerNotTheSharedDefaultsAndKeepsComments() throws Exception {
        String text = """
                # deep ReLU under Xavier
                model m
                input 64
                defaults { activation relu  init xavier }   # shared by every layer
                repeat 16 {
                  dense 64   # the hidden layers
                }
                output 10
                """;
        Fixed x = fix("m.gflow", text, "GF002", FixKind.INIT);
        assertThat(x.reports("GF002")).isFalse();
        assertThat(x.removed()).containsExactly("-  dense 64   # the hidden layers");
        assertThat(x.added()).containsExactly("+  dense 64 init he   # the hidden layers");
    }

    // ---------------------------------------------------------------- gains

    @Test
    void gainFixKeepsKerasVarianceScalingAndSetsItsScale() throws Exception {
        String text = KerasFiles.sequentialMlp(12, 64, "relu", "VarianceScaling").replace("\"config\": {\"seed\": null}",
                "\"config\": {\"scale\": 1.0, \"mode\": \"fan_in\", \"distribution\": \"normal\", \"seed\": null}");
        Fixed x = fix("m.json", text, "GF002", FixKind.GAIN);
        assertThat(x.reports("GF002")).isFalse();
        assertThat(x.added()).isNotEmpty().allMatch(containing("\"scale\": 2.0, \"mode\": \"fan_in\", "
                + "\"distribution\": \"normal\""));
    }

    static final String ORTHOGONAL_RELU = """
            model m
            input 64
            defaults { activation relu  init orthogonal(1) }
            repeat 24 {
              dense 64
            }
            output 10 init xavier
            """;

    @Test
    void gainFixSetsTheOrthogonalGainInTheDsl() throws Exception {
        Fixed x = fix("m.gflow", ORTHOGONAL_RELU, "GF010", FixKind.GAIN);
        assertThat(x.was.analysis().verdict().id()).isEqualTo("vanishing");
        assertThat(x.now.analysis().verdict().id()).isEqualTo("healthy");
        assertThat(x.added()).containsExactly("+  dense 64 init orthogonal(1.414)");
        assertThat(x.fix().kind()).isEqualTo(FixKind.GAIN);
    }

    @Test
    void gainFixSetsTheOrthogonalDistributionsGainInDl4jJson() throws Exception {
        String json = Dl4jJsonWriter.write(Pipeline.readText("m.gflow", ORTHOGONAL_RELU));
        Fixed x = fix("m.json", json, "GF010", FixKind.GAIN);
        assertThat(x.now.analysis().verdict().id()).isEqualTo("healthy");
        assertThat(x.removed()).hasSize(24).allMatch(containing("\"gain\""));
        assertThat(x.added()).hasSize(24).allMatch(containing("\"gain\": 1.4142135623730951"));
    }

    // ---------------------------------------------------------------- biases

    @Test
    void biasFixInDl4jJson() throws Exception {
        Fixed x = fix("m.json", read("fixtures/rules/GF007/positive.json"), "GF007", FixKind.BIAS);
        assertThat(x.removed()).containsExactly("-      \"biasInit\" : -3.0,");
        assertThat(x.added()).containsExactly("+      \"biasInit\" : 0.0,");
    }

    @Test
    void biasFixInTheDsl() throws Exception {
        Fixed x = fix("m.gflow", read("fixtures/rules/GF007/positive.gflow"), "GF007", FixKind.BIAS);
        assertThat(x.removed()).containsExactly("-dense 64 bias -3    # expect: GF007 warning");
        assertThat(x.added()).containsExactly("+dense 64 bias 0    # expect: GF007 warning");
    }

    @Test
    void biasFixInKerasJson() throws Exception {
        String text = KerasFiles.sequentialMlp(4, 64, "relu", "HeNormal").replace("\"use_bias\": true",
                "\"use_bias\": true, \"bias_initializer\": {\"class_name\": \"Constant\", \"config\": {\"value\": -3.0}}");
        Fixed x = fix("m.json", text, "GF007", FixKind.BIAS);
        assertThat(x.added()).hasSize(1).allMatch(containing("\"bias_initializer\": {\"class_name\": \"Zeros\", "
                + "\"config\": {}}"));
    }

    // ---------------------------------------------------------------- forget-gate bias

    /** An LSTM over 20 steps whose forget gate starts half closed: the gradient through time vanishes. */
    static final String LSTM_FORGET_0 = """
            model m
            input 8 x 20 steps
            lstm 32 last forgetbias 0   # half-closed gate
            output 5 softmax loss mcxent
            """;

    /** The same LSTM as Keras writes it, with unit_forget_bias off and the bias initialiser given. */
    static String kerasLstm(String bias, String unit) {
        return "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"m\", \"layers\": [\n"
                + "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, 20, 8], \"name\": \"in\"}},\n"
                + "{\"class_name\": \"LSTM\", \"config\": {\"name\": \"lstm\", \"units\": 32, \"activation\": \"tanh\", "
                + "\"recurrent_activation\": \"sigmoid\", \"use_bias\": true, \"return_sequences\": false, "
                + "\"kernel_initializer\": {\"class_name\": \"GlorotUniform\", \"config\": {\"seed\": null}}, "
                + "\"recurrent_initializer\": {\"class_name\": \"Orthogonal\", \"config\": {\"gain\": 1.0, \"seed\": null}}, "
                + "\"bias_initializer\": " + bias + ", \"unit_forget_bias\": " + unit + "}},\n"
                + "{\"class_name\": \"Dense\", \"config\": {\"name\": \"out\", \"units\": 5, \"activation\": \"softmax\"}}\n"
                + "]}, \"keras_version\": \"2.12.0\", \"backend\": \"tensorflow\"}\n";
    }

    static final String ZEROS = "{\"class_name\": \"Zeros\", \"config\": {}}";

    @Test
    void forgetBiasFixInTheDslSetsTheLayersForgetBias() throws Exception {
        Fixed x = fix("m.gflow", LSTM_FORGET_0, "GF017", FixKind.FORGET_BIAS);
        assertThat(x.was.analysis().verdict().id()).isEqualTo("vanishing");
        assertThat(x.reports("GF017")).isFalse();
        assertThat(x.now.model().node("lstm_0").forgetGateBias()).isEqualTo(1.0);
        assertThat(x.removed()).containsExactly("-lstm 32 last forgetbias 0   # half-closed gate");
        assertThat(x.added()).containsExactly("+lstm 32 last forgetbias 1   # half-closed gate");
        assertThat(x.fix().safe()).isTrue();
        assertThat(x.fix().title()).isEqualTo("start the forget-gate bias of layer 'lstm_0' at 1 instead of 0.00");
    }

    @Test
    void forgetBiasFixInDl4jJsonSetsForgetGateBiasInsideTheLastTimeStepWrapper() throws Exception {
        String json = Dl4jJsonWriter.write(Pipeline.readText("m.gflow", LSTM_FORGET_0));
        assertThat(json).contains("\"underlying\"");
        Fixed x = fix("m.json", json, "GF017", FixKind.FORGET_BIAS);
        assertThat(x.reports("GF017")).isFalse();
        assertThat(x.now.analysis().verdict().id()).isEqualTo("healthy");
        assertThat(x.removed()).containsExactly("-          \"forgetGateBiasInit\": 0.0,");
        assertThat(x.added()).containsExactly("+          \"forgetGateBiasInit\": 1.0,");
    }

    @Test
    void forgetBiasFixInDl4jJsonReplacesANegativeBiasAndALayerWithoutTheKeyNeedsNone() throws Exception {
        String negative = Dl4jJsonWriter.write(Pipeline.readText("m.gflow", LSTM_FORGET_0.replace("forgetbias 0",
                "forgetbias -1")));
        Fixed x = fix("m.json", negative, "GF017", FixKind.FORGET_BIAS);
        assertThat(x.removed()).containsExactly("-          \"forgetGateBiasInit\": -1.0,");
        assertThat(x.added()).containsExactly("+          \"forgetGateBiasInit\": 1.0,");
        // without the key DL4J starts the gate at 1 (its default): no finding, nothing to add
        String absent = negative.replace("          \"forgetGateBiasInit\": -1.0,\n", "");
        ModelResult r = Pipeline.check(Pipeline.readText("m.json", absent), RuleConfig.DEFAULT);
        assertThat(r.model().node("lstm_0").core().forgetGateBias()).isEqualTo(1.0);
        assertThat(r.findings()).noneMatch(f -> f.rule().equals("GF017"));
    }

    @Test
    void forgetBiasFixInKerasJsonTurnsUnitForgetBiasOn() throws Exception {
        Fixed x = fix("m.json", kerasLstm(ZEROS, "false"), "GF017", FixKind.FORGET_BIAS);
        assertThat(x.reports("GF017")).isFalse();
        assertThat(x.now.model().node("lstm").forgetGateBias()).isEqualTo(1.0);
        assertThat(x.removed()).hasSize(1).allMatch(containing("\"unit_forget_bias\": false}}"));
        assertThat(x.added()).hasSize(1).allMatch(containing("\"unit_forget_bias\": true}}"));
    }

    @Test
    void forgetBiasFixInKerasJsonLeavesANonZeroBiasInitialiserToTheOtherGates() throws Exception {
        // Keras starts the forget slice at ones under unit_forget_bias and draws the rest as before
        String constant = "{\"class_name\": \"Constant\", \"config\": {\"value\": -0.5}}";
        Fixed x = fix("m.json", kerasLstm(constant, "false"), "GF017", FixKind.FORGET_BIAS);
        assertThat(x.reports("GF017")).isFalse();
        assertThat(x.now.model().node("lstm").forgetGateBias()).isEqualTo(1.0);
        assertThat(x.now.model().node("lstm").biasInit()).isEqualTo(-0.5);
        assertThat(x.added()).hasSize(1).allMatch(containing("\"bias_initializer\": " + constant
                + ", \"unit_forget_bias\": true"));
    }

    @Test
    void forgetBiasFixInKerasJsonReachesTheLstmInsideBidirectional() throws Exception {
        String text = kerasLstm(ZEROS, "false").replace("{\"class_name\": \"LSTM\", \"config\": {",
                "{\"class_name\": \"Bidirectional\", \"config\": {\"name\": \"bi\", \"merge_mode\": \"concat\", "
                        + "\"layer\": {\"class_name\": \"LSTM\", \"config\": {").replace("\"unit_forget_bias\": false}}",
                "\"unit_forget_bias\": false}}}}")
                // the middle step of 40 is 20 steps from either end
                .replace("[null, 20, 8]", "[null, 40, 8]");
        Fixed x = fix("m.json", text, "GF017", FixKind.FORGET_BIAS);
        assertThat(x.reports("GF017")).isFalse();
        assertThat(x.now.model().node("bi").core().forgetGateBias()).isEqualTo(1.0);
        assertThat(x.added()).hasSize(1).allMatch(containing("\"unit_forget_bias\": true}}}}"));
    }

    @Test
    void noForgetBiasFixWhereTheGateIsAlreadyOpenOrThereIsNone() throws Exception {
        // 60 steps vanish even with the forget gate at 1 (the Keras default): the fix would change nothing
        String open = kerasLstm(ZEROS, "true").replace("[null, 20, 8]", "[null, 60, 8]");
        // a GRU has no forget gate; its finding offers no fix of this kind
        String gru = LSTM_FORGET_0.replace("lstm 32 last forgetbias 0", "gru 32 last init normal(0, 0.01)");
        // without a bias (use_bias false) there is nothing for unit_forget_bias to start at 1
        String noBias = kerasLstm(ZEROS, "false").replace("\"use_bias\": true", "\"use_bias\": false");
        for (String[] c : new String[][] {{"open.json", open}, {"gru.gflow", gru}, {"nobias.json", noBias}}) {
            ModelGraph g = Pipeline.readText(c[0], c[1]);
            List<Finding> f = Pipeline.check(g, RuleConfig.DEFAULT).findings().stream()
                    .filter(x -> x.rule().equals("GF017")).toList();
            assertThat(f).as(c[0]).hasSize(1);
            assertThat(Fixer.of(g, c[1]).fixes(f.get(0))).as(c[0]).isEmpty();
        }
    }

    // ---------------------------------------------------------------- batch normalisation

    @Test
    void batchNormInADl4jMultiLayerKeepsEveryOriginalLineButTheActivations() throws Exception {
        Fixed x = fix("m.json", read("fixtures/examples/sigmoid-mlp-20.json"), "GF001", FixKind.BATCH_NORM);
        assertThat(x.reports("GF001")).isFalse();
        assertThat(x.now.analysis().verdict().id()).isEqualTo("healthy");
        assertThat(x.count(LayerKind.BATCH_NORM)).isEqualTo(20);
        assertThat(x.count(LayerKind.ACTIVATION)).isEqualTo(20);
        // the new layers are insertions; the only text replaced is each dense layer's activation
        assertThat(x.fix().edits()).filteredOn(e -> e.end() > e.start()).hasSize(20)
                .allMatch(e -> x.before().substring(e.start(), e.end()).contains("ActivationSigmoid"));
        assertThat(x.fix().safe()).isFalse();
    }

    @Test
    void batchNormInADl4jGraphRewiresTheConsumers() throws Exception {
        String json = Dl4jJsonWriter.write(Pipeline.readText("m.gflow", read("fixtures/rules/GF011/positive.gflow")));
        Fixed x = fix("m.json", json, "GF011", FixKind.BATCH_NORM);
        assertThat(x.reports("GF011")).isFalse();
        assertThat(x.count(LayerKind.BATCH_NORM)).isEqualTo(33);
        // a branch's second layer now feeds its normalisation, which feeds the merge
        assertThat(x.now.model().node("dense_2_bn").inputs()).containsExactly("dense_2");
    }

    @Test
    void batchNormInAKerasSequentialModel() throws Exception {
        Fixed x = fix("m.json", KerasFiles.sequentialMlp(12, 64, "sigmoid", "GlorotUniform"), "GF001",
                FixKind.BATCH_NORM);
        assertThat(x.reports("GF001")).isFalse();
        assertThat(x.count(LayerKind.BATCH_NORM)).isGreaterThanOrEqualTo(11);
        assertThat(x.removed()).allMatch(containing("\"activation\": \"sigmoid\""));
    }

    @Test
    void batchNormInTheDslGoesOnLinesOfItsOwn() throws Exception {
        Fixed x = fix("m.gflow", read("fixtures/examples/sigmoid-mlp-20.gflow"), "GF001", FixKind.BATCH_NORM);
        assertThat(x.reports("GF001")).isFalse();
        assertThat(x.removed()).containsExactly("-  dense 64");
        assertThat(x.added()).containsExactly("+  dense 64 activation identity", "+  batchnorm", "+  activation sigmoid");
    }

    // ---------------------------------------------------------------- activations

    @Test
    void reluReplacesSigmoidWithHeInitInDl4jJson() throws Exception {
        Fixed x = fix("m.json", read("fixtures/examples/sigmoid-mlp-20.json"), "GF001", FixKind.ACTIVATION);
        assertThat(x.reports("GF001")).isFalse();
        assertThat(x.added()).hasSize(40).allMatch(containing("ActivationReLU").or(containing("WeightInitRelu")));
    }

    @Test
    void reluReplacesSigmoidInKerasJson() throws Exception {
        Fixed x = fix("m.json", KerasFiles.sequentialMlp(12, 64, "sigmoid", "GlorotUniform"), "GF001",
                FixKind.ACTIVATION);
        assertThat(x.reports("GF001")).isFalse();
        assertThat(x.added()).isNotEmpty().allMatch(containing("\"activation\": \"relu\"")
                .and(containing("\"scale\": 2.0")));
    }

    @Test
    void reluReplacesSigmoidInTheDsl() throws Exception {
        Fixed x = fix("m.gflow", read("fixtures/examples/sigmoid-mlp-20.gflow"), "GF001", FixKind.ACTIVATION);
        assertThat(x.added()).containsExactly("+  dense 64 activation relu init he");
    }

    // ---------------------------------------------------------------- residual blocks

    @Test
    void residualBlocksWrapTheDslLayersWithANormalisedBranch() throws Exception {
        Fixed x = fix("m.gflow", read("fixtures/examples/sigmoid-mlp-20.gflow"), "GF006", FixKind.RESIDUAL);
        assertThat(x.reports("GF001")).isFalse();
        assertThat(x.now.analysis().verdict().id()).isEqualTo("healthy");
        assertThat(x.count(LayerKind.ELEMENTWISE)).isEqualTo(20);
        assertThat(x.added()).containsExactly(
                "+  residual { dense 64 activation identity; batchnorm; activation sigmoid }");
    }

    @Test
    void jsonFormatsOfferNoResidualFix() throws Exception {
        ModelGraph g = Pipeline.readText("m.json", read("fixtures/examples/sigmoid-mlp-20.json"));
        ModelResult r = Pipeline.check(g, RuleConfig.DEFAULT);
        assertThat(Fixer.of(g, read("fixtures/examples/sigmoid-mlp-20.json")).fixes(r.findings().get(0)))
                .extracting(Fix::kind).containsExactly(FixKind.BATCH_NORM, FixKind.ACTIVATION);
    }
}
