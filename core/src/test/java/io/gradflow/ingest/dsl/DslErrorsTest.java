package io.gradflow.ingest.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradflow.cli.CliRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed DSL files as a user meets them through the CLI: every problem of the file on its own
 * {@code path:line:col: error: message} line, in file order, exit code 2, no stack trace.
 */
class DslErrorsTest {

    @TempDir
    Path tmp;

    /** A file's text and the error lines it must give, as "line:col: message". */
    static Stream<Arguments> malformed() {
        return Stream.of(
                // ------------------------------------------------ syntax
                bad("truncated inside a block", """
                        input 64
                        repeat 20 {
                          dense 64
                        """,
                        "2:11: this '{' is never closed: the file ends before its '}'"),
                bad("truncated inside a statement", "input 64\ndense 64 activation",
                        "2:20: activation needs a function, e.g. `activation relu`; found end of file"),
                bad("a layer without its width", """
                        input 64
                        dense
                        output 10
                        """,
                        "2:6: dense needs a width, e.g. `dense 64`; found end of line"),
                bad("conv without filters", """
                        input 3x32x32
                        conv 3x3
                        output 10
                        """,
                        "2:9: conv needs a kernel size and a number of filters, e.g. `conv 3x3 32`; found end of line"),
                bad("a '}' with no '{'", """
                        input 64
                        dense 64 }
                        output 10
                        """,
                        "2:10: unexpected '}': no '{' is open"),
                bad("an unclosed nested block", """
                        input 64
                        repeat 2 {
                          residual {
                            dense 64
                        }
                        output 10
                        """,
                        "2:10: this '{' is never closed: the file ends before its '}'"),
                bad("misspelt and unknown statements, each on its line", """
                        input 64
                        dens 64
                        foo 3
                        output 10
                        """,
                        "2:1: unknown statement 'dens' (did you mean 'dense'?)",
                        "3:1: unknown statement 'foo': a statement starts with a layer (dense, conv, pool, lstm, "
                                + "output...) or with model, input, defaults, repeat, residual, branch or join"),
                bad("an error on the first line does not hide later ones", """
                        lstn 64
                        input 64
                        dense 64 activaton relu
                        output 10
                        """,
                        "1:1: unknown statement 'lstn' (did you mean 'lstm'?)",
                        "3:10: unknown option 'activaton' for dense (did you mean 'activation'?)"),
                bad("names without their keyword", """
                        input 64
                        dense 64 relu
                        dense 64 he
                        output 10
                        """,
                        "2:10: 'relu' needs its keyword: `activation relu`",
                        "3:10: 'he' needs its keyword: `init he`"),
                bad("an unknown option lists the layer's options", """
                        input 64
                        dense 64 width 3
                        output 10
                        """,
                        "2:10: unknown option 'width' for dense: dense takes activation, init, bias, dropout, "
                                + "layernorm, precision, as"),
                bad("an option on its own line", """
                        input 64
                        dense 64
                        init he
                        output 10
                        """,
                        "3:1: 'init' is an option, not a statement: put it on the layer's line (`dense 64 init ...`) "
                                + "or in `defaults { }`"),
                bad("two statements on a line", """
                        input 64
                        dense 64 dense 32
                        repeat 2 { dense 8 } dense 4
                        output 10
                        """,
                        "2:10: missing ';' or line break before 'dense'",
                        "3:22: missing ';' or line break before 'dense'"),
                bad("key=value", """
                        input 64
                        dense 64 activation=relu
                        output 10
                        """,
                        "2:20: unexpected character '=': write options as `activation relu`, with no '='"),
                bad("an unclosed argument list", """
                        input 64
                        dense 64 init normal(0, 0.01
                        output 10
                        """,
                        "2:29: missing ')' after the arguments of 'normal('"),
                bad("a word among the arguments", """
                        input 64
                        dense 64 init normal(0, std)
                        output 10
                        """,
                        "2:25: the arguments of 'normal' are numbers separated by ',', e.g. normal(0, 0.01); "
                                + "found 'std'"),
                bad("a keyword as a name", """
                        model input
                        input 64
                        branch dense { dense 64 }
                        output 10
                        """,
                        "1:7: 'input' is a keyword and cannot be a name: choose another, e.g. 'input_1'",
                        "3:8: 'dense' is a keyword and cannot be a name: choose another, e.g. 'dense_1'"),
                bad("words after a complete statement", """
                        input 64 relu
                        model a b
                        output 10
                        """,
                        "1:10: unexpected 'relu': input takes only a shape: `input 64`, `input 3x32x32` or "
                                + "`input 77 x 50 steps`",
                        "2:9: unexpected 'b': model takes only a name"),
                bad("join without branches", """
                        input 64
                        join add
                        output 10
                        """,
                        "2:9: join needs an operation and two or more branches, e.g. `join add a b`; found end of line"),
                bad("an unknown setting in defaults", """
                        input 64
                        defaults { activaton relu }
                        output 10
                        """,
                        "2:12: unknown setting 'activaton' in defaults (did you mean 'activation'?): defaults take "
                                + "activation, init, bias and updater"),

                // ------------------------------------------------ numbers
                bad("malformed numbers", """
                        input 64
                        dense 6.4.3
                        dense 64abc
                        dropout 1e
                        output 10
                        """,
                        "2:7: '6.4.3' is not a number",
                        "3:7: '64abc' is not a number",
                        "4:9: '1e' is not a number"),
                bad("widths that are not whole and positive", """
                        input 64
                        dense 64.5
                        dense 0
                        dense -3
                        output 10
                        """,
                        "2:7: the width of dense must be a whole number, got 64.5",
                        "3:7: the width of dense must be at least 1, got 0",
                        "4:7: the width of dense must not be negative, got -3"),
                bad("repeat counts out of range", """
                        input 64
                        repeat 0 { dense 64 }
                        repeat 2.5 { dense 64 }
                        repeat 5000 { dense 64 }
                        repeat 3 { }
                        output 10
                        """,
                        "2:8: the repeat count must be between 1 and 1000, got 0",
                        "3:8: the repeat count must be a whole number, got 2.5",
                        "4:8: the repeat count must be between 1 and 1000, got 5000",
                        "5:10: empty repeat block: put the layers to repeat inside, e.g. `repeat 20 { dense 64 }`"),
                bad("nested repeats past the layer limit", """
                        input 8
                        repeat 1000 {
                          repeat 1000 { dense 8 }
                        }
                        output 10
                        """,
                        "2:1: this repeat expands to more than 200,000 layers (1000 times a block of 1,000), over the "
                                + "limit: lower the repeat counts"),
                bad("rates and values out of range", """
                        input 64
                        dropout 1.5
                        dense 64 bias foo
                        output 10
                        """,
                        "2:9: a dropout rate is the probability of dropping a unit, from 0 up to (not including) 1; "
                                + "got 1.5",
                        "3:15: bias takes a number or `none`, not 'foo'"),

                // ------------------------------------------------ names
                bad("unknown names with hints", """
                        input 64
                        dense 64 activation relux
                        dense 64 init xavir
                        dense 64 init glorot_unform
                        output 10 softmax loss mcxnt
                        """,
                        "2:21: unknown activation 'relux' (did you mean 'relu'?)",
                        "3:15: unknown initialiser 'xavir' (did you mean 'xavier'?)",
                        "4:15: unknown initialiser 'glorot_unform'",
                        "5:24: unknown loss 'mcxnt' (did you mean 'mcxent'?)"),
                bad("arguments that do not fit", """
                        input 64
                        dense 64 init normal(0)
                        dense 64 init uniform(0.1, -0.1)
                        dense 64 activation leakyrelu(0.1, 2)
                        dense 64 init he(2)
                        output 10
                        """,
                        "2:15: normal(mean, std) takes 2 arguments, got 1",
                        "3:15: uniform(lower, upper) needs lower <= upper, got uniform(0.1, -0.1)",
                        "4:21: leakyrelu(alpha) takes at most 1 argument, got 2",
                        "5:15: he takes no arguments, got 1"),
                bad("pooling, join and updater names", """
                        input 3x8x8
                        defaults { updater adamm(0.1) }
                        pool maxx 2x2
                        branch a { }
                        branch b { }
                        join sum2 a b
                        output 10
                        """,
                        "2:20: unknown updater 'adamm' (did you mean 'adam'?)",
                        "3:6: unknown pooling type 'maxx' (did you mean 'max'?): use max, avg or sum",
                        "6:6: unknown join 'sum2': use one of add, concat, multiply, average, max"),

                // ------------------------------------------------ options
                bad("options a layer does not take", """
                        input 3x8x8
                        defaults { stride 2 }
                        pool max 2x2 activation relu
                        dense 64 stride 2
                        dense 8 updater adam
                        dense 8 init he init xavier
                        output 10
                        """,
                        "2:12: 'stride' cannot be a default: defaults take activation, init, bias and updater",
                        "3:14: 'activation' is not an option of pool: pool takes stride, padding, precision, as",
                        "4:10: 'stride' is not an option of dense: dense takes activation, init, bias, dropout, "
                                + "layernorm, precision, as",
                        "5:9: the updater is set for the whole model, in `defaults { updater adam(0.001) }`",
                        "6:17: 'init' is given twice"),
                bad("sizes that do not fit", """
                        input 3x8x8
                        conv 3 16
                        pool max 2x2x2
                        conv 3x3 8 padding full stride 1x2x3
                        output 10
                        """,
                        "2:6: conv takes a 2-D kernel, height x width, e.g. `conv 3x3 32`",
                        "3:10: pool takes a 2-D kernel, height x width, e.g. `pool 3x3`",
                        "4:20: padding is `same`, `valid` or a size, not 'full'",
                        "4:25: a stride has one or two sizes, e.g. `stride 2` or `stride 2x1`"),

                // ------------------------------------------------ structure
                bad("an empty model", "# just a comment\n",
                        "1:1: the model has no input: declare it first, e.g. `input 64`"),
                bad("an input and nothing else", "model lonely\ninput 64\n",
                        "2:1: the model has no layers: add some after the input, e.g. `dense 64`, and end with an "
                                + "output layer"),
                bad("a missing output layer", """
                        input 64
                        dense 64
                        """,
                        "2:1: the model has no output layer: end it with one, e.g. `output 10 softmax loss mcxent`"),
                bad("a layer after the output", """
                        input 64
                        output 10
                        dense 5
                        """,
                        "3:1: 'dense' comes after the output layer (line 2): the output must be the last layer"),
                bad("an output inside a block", """
                        input 64
                        repeat 2 { output 10 }
                        """,
                        "2:12: the output layer belongs at the top level, after the last layer, not inside a repeat "
                                + "block"),
                bad("a layer before the input", """
                        dense 64
                        input 64
                        output 10
                        """,
                        "1:1: a layer before the input: declare the input first, e.g. `input 64`"),
                bad("model, input and defaults out of place", """
                        model a
                        model b
                        input 64
                        input 32
                        repeat 2 { input 8 }
                        output 10
                        """,
                        "2:1: the model is named twice (first at line 1)",
                        "4:1: the input is declared twice (first at line 3)",
                        "5:12: input belongs at the top level, not inside a repeat block"),
                bad("input shapes", """
                        input 77x50
                        output 10
                        """,
                        "1:7: `input 77x50` is ambiguous: write `input 77 x 50 steps` for sequences of width 77 and "
                                + "length 50, or `input CxHxW` for images"),
                bad("a sequence input needs its length", "input 64 steps\noutput 10\n",
                        "1:7: a sequence input has a width and a length: `input 77 x 50 steps`"),
                bad("an image size of zero", "input 3x0x32\noutput 10\n",
                        "1:7: input size must be at least 1, got 3x0x32"),
                bad("duplicate layer names", """
                        input 64
                        dense 64 as encoder
                        dense 64 as encoder
                        repeat 2 { dense 3 as block }
                        output 10
                        """,
                        "3:13: duplicate layer name 'encoder' (first at line 2)",
                        "4:23: layer name 'block' is used once per repetition: a named layer cannot be inside "
                                + "`repeat` (drop `as block` to get numbered names)"),

                // ------------------------------------------------ shapes
                bad("a residual block that changes the width", """
                        input 64
                        residual {
                          dense 32
                        }
                        output 10
                        """,
                        "2:1: residual block changes the width from 64 to 32: y = x + F(x) needs F(x) as wide as x "
                                + "(make the block's last layer 64 wide, or use branches with a projection)"),
                bad("the same mismatch in every repetition is reported once", """
                        input 3x16x16
                        repeat 4 {
                          residual { conv 3x3 3 stride 2 padding same }
                        }
                        output 10
                        """,
                        "3:3: residual block changes the shape from images 3x16x16 to images 3x8x8: y = x + F(x) "
                                + "needs F(x) shaped like x"),
                bad("joins of branches that do not agree", """
                        input 3x16x16
                        branch a { conv 3x3 8 }
                        branch b { conv 3x3 8 padding same }
                        join concat a b
                        branch c { conv 1x1 4 }
                        branch d { conv 1x1 8 }
                        join add c d
                        output 10
                        """,
                        "4:1: join concat needs branches that differ only in width: branch 'a' gives images 8x14x14, "
                                + "branch 'b' gives images 8x16x16",
                        // c and d fork from the concat, which keeps the first branch's 14x14
                        "7:1: join add needs branches of the same shape: branch 'c' gives images 4x14x14, branch 'd' "
                                + "gives images 8x14x14"),
                bad("undefined and duplicate branches", """
                        input 64
                        branch a { dense 64 }
                        branch bb { dense 64 }
                        branch a { dense 8 }
                        branch c { dense 8 }
                        join add a b
                        join concat a x
                        output 10
                        """,
                        // bb and c are unjoined too, but after a misspelt join that is likely its echo
                        "4:8: branch 'a' is already defined in this block (line 2) and not joined yet",
                        "6:12: undefined branch 'b': this block defines 'a', 'bb', 'c'",
                        "7:15: undefined branch 'x': this block defines 'a', 'bb', 'c'"),
                bad("a branch never joined", """
                        input 64
                        branch a { dense 64 }
                        branch b { dense 64 }
                        branch c { dense 8 }
                        join add a b
                        output 10
                        """,
                        "4:8: branch 'c' is never joined: combine it with others, e.g. `join add c ...` or "
                                + "`join concat c ...`"),
                bad("a join with one branch", """
                        input 64
                        branch a { dense 8 }
                        join add a
                        output 10
                        """,
                        "3:1: join needs two or more branches, e.g. `join add a b`"),
                bad("layers that need images or sequences", """
                        input 64
                        globalpool avg
                        conv 3x3 16
                        lstm 32
                        output 10
                        """,
                        "2:1: globalpool needs images or sequences, but the input gives width 64",
                        "3:1: conv needs images (declare `input CxHxW`), but 'globalpool_0' gives width 64",
                        "4:1: lstm needs sequences (declare `input N x T steps`), but 'conv_0' gives images with 16 "
                                + "channels"),
                bad("a kernel larger than its input", """
                        input 1x4x4
                        conv 5x5 16
                        output 10
                        """,
                        "2:1: conv kernel 5x5 does not fit images 1x4x4 from the input"),
                bad("a recurrent layer after one that kept only the last step", """
                        input 8 x 20 steps
                        lstm 16 last
                        lstm 16
                        output 10
                        """,
                        "3:1: lstm needs sequences (declare `input N x T steps`), but 'lstm_0' gives width 16 (drop "
                                + "`last` there to pass the whole sequence on)"),
                bad("what DL4J refuses at init", """
                        input 64 x 10 steps
                        dense 32 init identity
                        lstm 8 bias none
                        output 10
                        """,
                        "2:1: identity init needs as many inputs as outputs, but 'dense_0' maps 64 to 32",
                        "3:8: lstm always has a bias (as in DL4J): `bias none` is for dense, conv and output"),
                bad("a forget bias on a layer without a forget gate", """
                        input 8 x 10 steps
                        gru 16 forgetbias 1
                        output 10
                        """,
                        "2:8: 'forgetbias' is not an option of gru: gru takes activation, init, bias, dropout, last, "
                                + "precision, as"),
                bad("output activations that do not fit the loss", """
                        input 64
                        output 1 softmax
                        """,
                        "2:1: softmax over a single output is always 1: use `output 1 sigmoid loss xent` for a binary "
                                + "output, or two or more outputs"),
                bad("sigmoid with mcxent", "input 64\noutput 10 sigmoid loss mcxent\n",
                        "2:1: sigmoid with loss mcxent (multi-class cross-entropy): use softmax with mcxent for one "
                                + "class per example, or sigmoid with xent for independent labels"),
                bad("tanh with a probability loss", "input 64\noutput 10 tanh\n",
                        "2:1: loss mcxent expects probabilities, but tanh does not give values in 0..1: use softmax "
                                + "(or sigmoid with xent), or a regression loss such as mse"),

                // ------------------------------------------------ suppressions
                bad("suppressions that are wrong", """
                        input 64
                        dense 64   # gradflow: ignore[GF999]
                        # gradflow: ignore[GF001]
                        dense 64   # gradflow: ignor[GF001]
                        dense 64   # gradflow: ignore GF001
                        dense 64   # gradflow: ignore[GF001,,GF005]
                        output 10
                        """,
                        "2:31: unknown rule 'GF999' in the suppression",
                        "3:1: this suppression is on a line with no layer: put it at the end of the line that defines "
                                + "the layer (or opens the block)",
                        "4:24: unknown gradflow directive 'ignor' (did you mean 'ignore'?): write `# gradflow: "
                                + "ignore[GF001]`, `ignore[GF001, GF005]` or `ignore[*]`",
                        "5:24: malformed suppression: write `# gradflow: ignore[GF001]`, `ignore[GF001, GF005]` or "
                                + "`ignore[*]`",
                        "6:37: empty rule id in the suppression: write `# gradflow: ignore[GF001]`, "
                                + "`ignore[GF001, GF005]` or `ignore[*]`"));
    }

    private static Arguments bad(String what, String text, String... errors) {
        return Arguments.of(what, text, List.of(errors));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void everyProblemIsOneLineWithItsPositionAndExitIsTwo(String what, String text, List<String> errors)
            throws IOException {
        Path file = tmp.resolve("model.gflow");
        Files.writeString(file, text);
        CliRunner.Result r = CliRunner.run("lint", file.toString());
        List<String> lines = Arrays.asList(r.out().split("\n"));
        List<String> want = errors.stream().map(e -> file + ":" + e.replaceFirst("^(\\d+:\\d+): ", "$1: error: "))
                .toList();
        assertThat(lines.subList(0, lines.size() - 1)).as(what).containsExactlyElementsOf(want);
        assertThat(lines.get(lines.size() - 1)).isEqualTo(
                "gradflow: 0 models, 1 file not readable: 0 errors, 0 warnings, 0 info");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void aBrokenDslFileDoesNotStopTheOthers() throws IOException {
        Path bad = tmp.resolve("bad.gflow");
        Files.writeString(bad, "input 64\ndense 64 activation relux\noutput 10\n");
        CliRunner.Result r = CliRunner.run("lint", bad.toString(), "fixtures/examples/sigmoid-mlp-20.gflow");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains(bad + ":2:21: error: unknown activation 'relux' (did you mean 'relu'?)")
                .contains("fixtures/examples/sigmoid-mlp-20.gflow:8:3: error: ")
                .endsWith("gradflow: 1 model (1 vanishing), 1 file not readable: 1 error, 0 warnings, 0 info\n");
    }

    @Test
    void syntaxErrorsComeAloneBecauseRulesAndChecksNeedAParse() throws IOException {
        // the second line is a semantic error, but the file did not parse: only the syntax error is reported
        Path f = tmp.resolve("m.gflow");
        Files.writeString(f, "input 64\ndense 64 activation relux\ndense 64 )\noutput 10\n");
        CliRunner.Result r = CliRunner.run("lint", "--format", "json", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains("\"line\": 3").doesNotContain("relux").contains("\"models\": []");
    }
}
