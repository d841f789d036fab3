package io.gradflow.lsp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CodeActionContext;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.Command;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The language server end to end, over JSON-RPC on piped streams: open a document, receive its
 * diagnostics, apply a code action, receive the cleared diagnostics; hover; configuration.
 */
class LanguageServerTest {

    @TempDir
    Path tmp;

    static String read(String path) throws Exception {
        return Files.readString(Path.of(path), StandardCharsets.UTF_8);
    }

    /** The text with an editor's edits applied (as a client applies a workspace edit). */
    static String apply(String text, List<TextEdit> edits) {
        List<TextEdit> sorted = new ArrayList<>(edits);
        sorted.sort(Comparator.comparingInt((TextEdit e) -> e.getRange().getStart().getLine())
                .thenComparingInt(e -> e.getRange().getStart().getCharacter()).reversed());
        String out = text;
        for (TextEdit e : sorted) {
            Lines lines = new Lines(out);
            out = out.substring(0, lines.offset(e.getRange().getStart())) + e.getNewText()
                    + out.substring(lines.offset(e.getRange().getEnd()));
        }
        return out;
    }

    static List<CodeAction> actions(LspClient c, String uri, Diagnostic d) throws Exception {
        CodeActionParams p = new CodeActionParams(new TextDocumentIdentifier(uri), d.getRange(),
                new CodeActionContext(List.of(d)));
        List<CodeAction> out = new ArrayList<>();
        for (Either<Command, CodeAction> e : c.server().getTextDocumentService().codeAction(p).get(30, TimeUnit.SECONDS)) {
            out.add(e.getRight());
        }
        return out;
    }

    @Test
    void aCodeActionFixesTheDocumentAndItsDiagnosticsClear() throws Exception {
        Path file = Files.writeString(tmp.resolve("tanh.gflow"), read("fixtures/examples/tanh-normal01-mlp-32.gflow"));
        String uri = file.toUri().toString();
        try (LspClient c = new LspClient()) {
            InitializeResult init = c.initialize(tmp.toUri().toString());
            assertThat(init.getCapabilities().getHoverProvider().getLeft()).isTrue();
            assertThat(init.getCapabilities().getCodeActionProvider().getRight().getCodeActionKinds())
                    .contains("quickfix");
            String text = Files.readString(file);
            c.open(uri, "gradflow", text);
            PublishDiagnosticsParams opened = c.diagnostics(uri);
            assertThat(opened.getDiagnostics()).hasSize(1);
            Diagnostic d = opened.getDiagnostics().get(0);
            assertThat(d.getCode().getLeft()).isEqualTo("GF004");
            assertThat(d.getSeverity()).isEqualTo(DiagnosticSeverity.Error);
            assertThat(d.getSource()).isEqualTo("gradflow");
            // the statement `dense 64` on line 9 (0-based 8), from its column
            assertThat(d.getRange().getStart()).isEqualTo(new Position(8, 2));
            assertThat(d.getRange().getEnd()).isEqualTo(new Position(8, 10));
            assertThat(d.getCodeDescription().getHref()).isEqualTo("https://example.org/rules/GF004-unscaled-init.md");

            List<CodeAction> actions = actions(c, uri, d);
            assertThat(actions).isNotEmpty();
            CodeAction fix = actions.get(0);
            assertThat(fix.getTitle()).isEqualTo("use Xavier init in layers 'dense_0'..'dense_31' [GF004]");
            assertThat(fix.getIsPreferred()).isTrue();
            String fixed = apply(text, fix.getEdit().getChanges().get(uri));
            assertThat(fixed).contains("  dense 64 init xavier\n");

            c.change(uri, 2, fixed);
            PublishDiagnosticsParams after = c.diagnostics(uri);
            assertThat(after.getVersion()).isEqualTo(2);
            assertThat(after.getDiagnostics()).noneMatch(x -> x.getCode().getLeft().equals("GF004"))
                    .noneMatch(x -> x.getSeverity() == DiagnosticSeverity.Error);
        }
    }

    @Test
    void theForgetGateBiasFixIsACodeAction() throws Exception {
        // an LSTM over 20 steps whose forget gate starts half closed
        Path file = Files.writeString(tmp.resolve("lstm.gflow"), """
                model m
                input 8 x 20 steps
                lstm 32 last forgetbias 0   # half-closed gate
                output 5 softmax loss mcxent
                """);
        String uri = file.toUri().toString();
        try (LspClient c = new LspClient()) {
            c.initialize(tmp.toUri().toString());
            String text = Files.readString(file);
            c.open(uri, "gradflow", text);
            Diagnostic d = c.diagnostics(uri).getDiagnostics().get(0);
            assertThat(d.getCode().getLeft()).isEqualTo("GF017");
            List<CodeAction> actions = actions(c, uri, d);
            assertThat(actions).extracting(CodeAction::getTitle)
                    .containsExactly("start the forget-gate bias of layer 'lstm_0' at 1 instead of 0.00 [GF017]",
                            "Apply every safe gradflow fix in this file (1 fix)");
            String fixed = apply(text, actions.get(0).getEdit().getChanges().get(uri));
            assertThat(fixed).contains("lstm 32 last forgetbias 1   # half-closed gate\n");
            c.change(uri, 2, fixed);
            assertThat(c.diagnostics(uri).getDiagnostics()).noneMatch(x -> x.getCode().getLeft().equals("GF017"));
        }
    }

    @Test
    void dl4jJsonDiagnosticsPointAtTheLayersClassAndUnsafeFixesSaySo() throws Exception {
        Path file = Files.writeString(tmp.resolve("sigmoid.json"), read("fixtures/examples/sigmoid-mlp-20.json"));
        String uri = file.toUri().toString();
        try (LspClient c = new LspClient()) {
            c.initialize(tmp.toUri().toString());
            c.open(uri, "json", Files.readString(file));
            Diagnostic d = c.diagnostics(uri).getDiagnostics().get(0);
            assertThat(d.getCode().getLeft()).isEqualTo("GF001");
            // "@class" : "org.deeplearning4j.nn.conf.layers.DenseLayer" on line 10
            assertThat(d.getRange().getStart()).isEqualTo(new Position(9, 6));
            assertThat(d.getRange().getEnd()).isEqualTo(new Position(9, 63));
            assertThat(d.getRelatedInformation()).extracting(r -> r.getMessage().substring(r.getMessage().lastIndexOf('[')))
                    .containsExactly("[GF005]", "[GF006]");
            assertThat(actions(c, uri, d)).extracting(CodeAction::getTitle).containsExactly(
                    "insert batch normalisation before the nonlinearity of layers 'dense_0'..'dense_19' (unsafe: changes "
                            + "the network) [GF001]",
                    "use ReLU with He init instead of sigmoid in layers 'dense_0'..'dense_19' (unsafe: changes the "
                            + "network) [GF001]");
        }
    }

    @Test
    void hoverOnALayerShowsItsPredictedScale() throws Exception {
        Path file = Files.writeString(tmp.resolve("sigmoid.gflow"), read("fixtures/examples/sigmoid-mlp-20.gflow"));
        String uri = file.toUri().toString();
        try (LspClient c = new LspClient()) {
            c.initialize(tmp.toUri().toString());
            c.open(uri, "gradflow", Files.readString(file));
            c.diagnostics(uri);
            // line 8: `  dense 64`, repeated 20 times
            Hover h = c.server().getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(uri),
                    new Position(7, 4))).get(30, TimeUnit.SECONDS);
            String md = h.getContents().getRight().getValue();
            assertThat(md).startsWith("**20 layers** `dense_0`..`dense_19` (dense)")
                    .contains("| activation RMS | 0.542 | 0.514 |").contains("Model: **vanishing**");
            Hover none = c.server().getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(uri),
                    new Position(0, 0))).get(30, TimeUnit.SECONDS);
            assertThat(none).isNull();
        }
    }

    @Test
    void theNearestGradflowJsonConfiguresTheDocument() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("quiet"));
        Files.writeString(dir.resolve("gradflow.json"), "{\"rules\": {\"GF004\": \"off\", \"GF011\": \"off\"}}");
        Path file = Files.writeString(dir.resolve("tanh.gflow"), read("fixtures/examples/tanh-normal01-mlp-32.gflow"));
        String uri = file.toUri().toString();
        try (LspClient c = new LspClient()) {
            c.initialize(tmp.toUri().toString());
            c.open(uri, "gradflow", Files.readString(file));
            assertThat(c.diagnostics(uri).getDiagnostics()).extracting(x -> x.getCode().getLeft())
                    .doesNotContain("GF004", "GF011");
        }
    }

    @Test
    void aSyntaxErrorIsADiagnosticAtItsPlaceAndAJsonThatIsNoModelIsLeftAlone() throws Exception {
        try (LspClient c = new LspClient()) {
            c.initialize(tmp.toUri().toString());
            String bad = tmp.resolve("bad.gflow").toUri().toString();
            c.open(bad, "gradflow", "input 64\ndense 64 activation sigmoidd\noutput 10\n");
            Diagnostic d = c.diagnostics(bad).getDiagnostics().get(0);
            assertThat(d.getSeverity()).isEqualTo(DiagnosticSeverity.Error);
            assertThat(d.getRange().getStart().getLine()).isEqualTo(1);
            assertThat(d.getMessage()).contains("sigmoid");
            String pkg = tmp.resolve("package.json").toUri().toString();
            c.open(pkg, "json", "{\"name\": \"x\", \"version\": \"1.0.0\"}");
            assertThat(c.diagnostics(pkg).getDiagnostics()).isEmpty();
        }
    }
}
