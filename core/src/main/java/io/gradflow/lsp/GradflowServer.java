package io.gradflow.lsp;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.LayerProfile;
import io.gradflow.config.ConfigException;
import io.gradflow.config.ConfigResolver;
import io.gradflow.engine.Pipeline;
import io.gradflow.fix.Edit;
import io.gradflow.fix.Fix;
import io.gradflow.fix.Fixer;
import io.gradflow.ingest.ReadException;
import io.gradflow.json.JsonParser;
import io.gradflow.json.JsonSyntaxException;
import io.gradflow.json.JsonValue;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.report.Figures;
import io.gradflow.report.ModelResult;
import io.gradflow.rules.BuiltInRules;
import io.gradflow.rules.Finding;
import io.gradflow.rules.RuleConfig;
import io.gradflow.rules.Severity;
import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CodeActionKind;
import org.eclipse.lsp4j.CodeActionOptions;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.Command;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DiagnosticCodeDescription;
import org.eclipse.lsp4j.DiagnosticRelatedInformation;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.DidCloseTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.DidSaveTextDocumentParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.MarkupContent;
import org.eclipse.lsp4j.MarkupKind;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.SaveOptions;
import org.eclipse.lsp4j.ServerCapabilities;
import org.eclipse.lsp4j.ServerInfo;
import org.eclipse.lsp4j.TextDocumentSyncKind;
import org.eclipse.lsp4j.TextDocumentSyncOptions;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageClientAware;
import org.eclipse.lsp4j.services.LanguageServer;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.eclipse.lsp4j.services.WorkspaceService;
import org.jspecify.annotations.Nullable;

/**
 * gradflow as a language server: the findings of an open .gflow, DL4J JSON or Keras JSON document
 * as diagnostics (on open, on each change, on save), its fixes as code actions, and on hover over
 * a layer the scale the analysis predicts for its activation and gradient. Each document gets the
 * configuration of the nearest gradflow.json above it, read again whenever one changes. Documents
 * are linted one at a time, off the message thread; an edit that arrives meanwhile supersedes the
 * older text, which is then not linted at all.
 */
public final class GradflowServer implements LanguageServer, LanguageClientAware {

    /** Code action kind of "apply every safe fix in the document". */
    public static final String FIX_ALL = CodeActionKind.SourceFixAll + ".gradflow";

    private final String version;
    private final String rulesUrl;
    private final IntConsumer exit;
    private volatile boolean shutdown;
    private final Map<String, Document> documents = new ConcurrentHashMap<>();
    private final Map<String, Linted> results = new ConcurrentHashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gradflow-lsp-lint");
        t.setDaemon(true);
        return t;
    });
    private volatile @Nullable LanguageClient client;
    private volatile Path root = Path.of("").toAbsolutePath();

    /** An open document: its text at a version. */
    record Document(String uri, String languageId, String text, int version) { }

    /**
     * A document linted: the model and result where it read, the diagnostics published, and each
     * finding's range.
     */
    record Linted(Document doc, @Nullable ModelGraph model, @Nullable ModelResult result, List<Diagnostic> diagnostics,
                  List<Range> ranges, Lines lines, @Nullable JsonValue json) { }

    /**
     * @param version  gradflow's version, for the client's log
     * @param rulesUrl the base address of the rule pages, linked from each diagnostic's code
     * @param exit     what the "exit" notification does with the exit code LSP asks for (0 after a
     *                 shutdown request, 1 without): ends the process, outside tests
     */
    public GradflowServer(String version, String rulesUrl, IntConsumer exit) {
        this.version = version;
        this.rulesUrl = rulesUrl;
        this.exit = exit;
    }

    @Override
    public void connect(LanguageClient languageClient) {
        this.client = languageClient;
    }

    @Override
    @SuppressWarnings("deprecation")
    public CompletableFuture<InitializeResult> initialize(InitializeParams params) {
        String uri = params.getWorkspaceFolders() != null && !params.getWorkspaceFolders().isEmpty()
                ? params.getWorkspaceFolders().get(0).getUri() : params.getRootUri();
        Path p = uri == null ? null : path(uri);
        if (p != null) {
            root = p;
        }
        ServerCapabilities caps = new ServerCapabilities();
        TextDocumentSyncOptions sync = new TextDocumentSyncOptions();
        sync.setOpenClose(true);
        sync.setChange(TextDocumentSyncKind.Full);
        sync.setSave(new SaveOptions(false));
        caps.setTextDocumentSync(sync);
        caps.setHoverProvider(true);
        caps.setCodeActionProvider(new CodeActionOptions(List.of(CodeActionKind.QuickFix, FIX_ALL)));
        return CompletableFuture.completedFuture(new InitializeResult(caps, new ServerInfo("gradflow", version)));
    }

    @Override
    public CompletableFuture<Object> shutdown() {
        shutdown = true;
        worker.shutdownNow();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void exit() {
        exit.accept(shutdown ? 0 : 1);
    }

    @Override
    public TextDocumentService getTextDocumentService() {
        return documentsService;
    }

    @Override
    public WorkspaceService getWorkspaceService() {
        return workspaceService;
    }

    // ---------------------------------------------------------------- documents

    private final TextDocumentService documentsService = new TextDocumentService() {
        @Override
        public void didOpen(DidOpenTextDocumentParams p) {
            var d = p.getTextDocument();
            update(new Document(d.getUri(), d.getLanguageId(), d.getText(), d.getVersion()));
        }

        @Override
        public void didChange(DidChangeTextDocumentParams p) {
            Document old = documents.get(p.getTextDocument().getUri());
            if (old == null || p.getContentChanges().isEmpty()) {
                return;
            }
            // full synchronisation: the last change is the whole text
            String text = p.getContentChanges().get(p.getContentChanges().size() - 1).getText();
            update(new Document(old.uri(), old.languageId(), text, p.getTextDocument().getVersion()));
        }

        @Override
        public void didSave(DidSaveTextDocumentParams p) {
            Document d = documents.get(p.getTextDocument().getUri());
            if (d != null) {
                schedule(d);
            }
        }

        @Override
        public void didClose(DidCloseTextDocumentParams p) {
            String uri = p.getTextDocument().getUri();
            documents.remove(uri);
            results.remove(uri);
            LanguageClient c = client;
            if (c != null) {
                c.publishDiagnostics(new PublishDiagnosticsParams(uri, List.of()));
            }
        }

        @Override
        public CompletableFuture<List<Either<Command, CodeAction>>> codeAction(CodeActionParams p) {
            return CompletableFuture.supplyAsync(() -> codeActions(p), worker);
        }

        @Override
        public CompletableFuture<Hover> hover(HoverParams p) {
            return CompletableFuture.supplyAsync(() -> hoverAt(p.getTextDocument().getUri(), p.getPosition()), worker);
        }
    };

    private final WorkspaceService workspaceService = new WorkspaceService() {
        @Override
        public void didChangeConfiguration(DidChangeConfigurationParams p) {
            documents.values().forEach(GradflowServer.this::schedule);
        }

        @Override
        public void didChangeWatchedFiles(DidChangeWatchedFilesParams p) {
            // a gradflow.json changed: every document may now have another configuration
            documents.values().forEach(GradflowServer.this::schedule);
        }
    };

    private void update(Document d) {
        if (!handled(d)) {
            return;
        }
        documents.put(d.uri(), d);
        schedule(d);
    }

    /** gradflow DSL files and JSON files (which may or may not be models). */
    private static boolean handled(Document d) {
        String u = d.uri().toLowerCase(Locale.ROOT);
        return u.endsWith(".gflow") || u.endsWith(".json") || "gradflow".equals(d.languageId());
    }

    private Future<?> schedule(Document d) {
        return worker.submit(() -> {
            Document latest = documents.get(d.uri());
            if (latest == null || latest.version() != d.version()) {
                return;   // a newer text is queued behind this one
            }
            Linted l = lint(latest);
            results.put(d.uri(), l);
            LanguageClient c = client;
            if (c != null) {
                c.publishDiagnostics(new PublishDiagnosticsParams(d.uri(), l.diagnostics(), d.version()));
            }
        });
    }

    /** The current result for a document, linted now if its latest text has not been. */
    private @Nullable Linted current(String uri) {
        Document d = documents.get(uri);
        if (d == null) {
            return null;
        }
        Linted l = results.get(uri);
        if (l == null || l.doc().version() != d.version()) {
            l = lint(d);
            results.put(uri, l);
        }
        return l;
    }

    // ---------------------------------------------------------------- lint

    Linted lint(Document d) {
        Lines lines = new Lines(d.text());
        Path file = path(d.uri());
        String display = file != null ? file.toString() : d.uri();
        if ("gradflow".equals(d.languageId()) && !display.toLowerCase(Locale.ROOT).endsWith(".gflow")) {
            display = display + ".gflow";
        }
        boolean dsl = display.toLowerCase(Locale.ROOT).endsWith(".gflow");
        List<Diagnostic> diagnostics = new ArrayList<>();
        RuleConfig config = RuleConfig.DEFAULT;
        if (file != null) {
            try {
                config = ConfigResolver.discovering(root).forFile(file);
            } catch (ConfigException e) {
                Diagnostic cd = new Diagnostic(new Range(new Position(0, 0), new Position(0, 0)),
                        "the configuration for this file has errors, so gradflow uses its defaults:\n" + e.getMessage(),
                        DiagnosticSeverity.Warning, "gradflow");
                diagnostics.add(cd);
            }
        }
        ModelGraph g;
        try {
            g = Pipeline.readText(display, d.text());
        } catch (ReadException e) {
            if (!e.isNotAModel()) {
                for (ReadException.Problem p : e.problems()) {
                    diagnostics.add(new Diagnostic(lines.at(p.pos().line(), p.pos().column(), dsl), p.message(),
                            DiagnosticSeverity.Error, "gradflow"));
                }
            }
            return new Linted(d, null, null, diagnostics, List.of(), lines, null);
        } catch (RuntimeException | StackOverflowError e) {
            diagnostics.add(new Diagnostic(lines.at(1, 1, dsl), "gradflow could not analyse this file (internal "
                    + "error: " + e + "); please report it", DiagnosticSeverity.Error, "gradflow"));
            return new Linted(d, null, null, diagnostics, List.of(), lines, null);
        }
        ModelResult r = Pipeline.check(g, config);
        JsonValue json = null;
        if (!dsl) {
            try {
                json = JsonParser.parse(d.text());
            } catch (JsonSyntaxException e) {
                json = null;
            }
        }
        List<Range> ranges = new ArrayList<>();
        for (Finding f : r.findings()) {
            Range range = range(f, lines, json, dsl);
            ranges.add(range);
            Diagnostic diag = new Diagnostic(range, f.message(), severity(f.severity()), "gradflow", f.rule());
            BuiltInRules.find(f.rule()).ifPresent(rule -> diag.setCodeDescription(
                    new DiagnosticCodeDescription(rulesUrl + rule.info().id() + "-"
                            + rule.info().name() + ".md")));
            List<DiagnosticRelatedInformation> related = new ArrayList<>();
            for (Finding.Related rel : f.related()) {
                related.add(new DiagnosticRelatedInformation(new Location(d.uri(), range),
                        rel.message() + " [" + rel.rule() + "]"));
            }
            if (!related.isEmpty()) {
                diag.setRelatedInformation(related);
            }
            diagnostics.add(diag);
        }
        return new Linted(d, g, r, diagnostics, ranges, lines, json);
    }

    /** Where a finding is: a JSON layer's type member ("@class", "class_name"), else its line from its column. */
    private static Range range(Finding f, Lines lines, @Nullable JsonValue json, boolean dsl) {
        if (json != null && f.pointer() != null && !f.pointer().isEmpty()) {
            JsonValue layer = json.at(f.pointer());
            if (layer != null && layer.isObject()) {
                for (String key : List.of("@class", "class_name")) {
                    JsonValue t = layer.get(key);
                    if (t != null && t.keyStart() >= 0) {
                        return new Range(lines.position(t.keyStart()), lines.position(t.end()));
                    }
                }
            }
        }
        return lines.at(f.line(), f.column(), dsl);
    }

    private static DiagnosticSeverity severity(Severity s) {
        return switch (s) {
            case ERROR -> DiagnosticSeverity.Error;
            case WARNING -> DiagnosticSeverity.Warning;
            case INFO -> DiagnosticSeverity.Information;
        };
    }

    // ---------------------------------------------------------------- code actions

    private List<Either<Command, CodeAction>> codeActions(CodeActionParams p) {
        String uri = p.getTextDocument().getUri();
        Linted l = current(uri);
        List<Either<Command, CodeAction>> out = new ArrayList<>();
        if (l == null || l.result() == null || l.model() == null) {
            return out;
        }
        Fixer fixer = Fixer.of(l.model(), l.doc().text());
        if (fixer == null) {
            return out;
        }
        List<String> only = p.getContext() == null ? null : p.getContext().getOnly();
        boolean quickFixes = only == null || only.stream().anyMatch(k -> CodeActionKind.QuickFix.startsWith(k)
                || k.startsWith(CodeActionKind.QuickFix));
        boolean fixAll = only == null || only.stream().anyMatch(k -> FIX_ALL.startsWith(k));
        List<Finding> findings = l.result().findings();
        // the diagnostics published carry the configuration's problem first, when there is one
        int offset = l.diagnostics().size() - findings.size();
        if (quickFixes) {
            for (int i = 0; i < findings.size(); i++) {
                Range r = l.ranges().get(i);
                if (!overlaps(r, p.getRange())) {
                    continue;
                }
                boolean preferred = true;
                for (Fix fix : fixer.fixes(findings.get(i))) {
                    CodeAction a = new CodeAction(fix.title() + (fix.safe() ? "" : " (unsafe: changes the network)")
                            + " [" + fix.rule() + "]");
                    a.setKind(CodeActionKind.QuickFix);
                    a.setDiagnostics(List.of(l.diagnostics().get(offset + i)));
                    a.setEdit(edit(uri, l.lines(), fix.edits()));
                    if (fix.safe() && preferred) {
                        a.setIsPreferred(true);
                        preferred = false;
                    }
                    out.add(Either.forRight(a));
                }
            }
        }
        if (fixAll) {
            List<Fix> all = fixer.choose(findings, false);
            if (!all.isEmpty()) {
                List<Edit> edits = new ArrayList<>();
                all.forEach(f -> edits.addAll(f.edits()));
                CodeAction a = new CodeAction("Apply every safe gradflow fix in this file (" + all.size()
                        + (all.size() == 1 ? " fix)" : " fixes)"));
                a.setKind(FIX_ALL);
                a.setEdit(edit(uri, l.lines(), edits));
                out.add(Either.forRight(a));
            }
        }
        return out;
    }

    private static WorkspaceEdit edit(String uri, Lines lines, List<Edit> edits) {
        List<TextEdit> text = new ArrayList<>();
        for (Edit e : edits) {
            text.add(new TextEdit(new Range(lines.position(e.start()), lines.position(e.end())), e.text()));
        }
        return new WorkspaceEdit(Map.of(uri, text));
    }

    private static boolean overlaps(Range a, Range b) {
        return !(before(a.getEnd(), b.getStart()) || before(b.getEnd(), a.getStart()));
    }

    private static boolean before(Position x, Position y) {
        return x.getLine() < y.getLine() || x.getLine() == y.getLine() && x.getCharacter() < y.getCharacter();
    }

    // ---------------------------------------------------------------- hover

    private @Nullable Hover hoverAt(String uri, Position at) {
        Linted l = current(uri);
        if (l == null || l.result() == null || l.model() == null) {
            return null;
        }
        List<Node> nodes = new ArrayList<>();
        int offset = l.lines().offset(at);
        if (l.json() != null) {
            // the innermost layer object around the cursor
            Node best = null;
            int bestSize = Integer.MAX_VALUE;
            for (Node n : l.model().nodes()) {
                JsonValue v = n.kind() == LayerKind.INPUT ? null : l.json().at(n.pos().pointer());
                if (v != null && v.start() <= offset && offset < v.end() && v.end() - v.start() < bestSize) {
                    best = n;
                    bestSize = v.end() - v.start();
                }
            }
            if (best != null) {
                nodes.add(best);
            }
        } else {
            // a DSL statement's layers (several for a repeated statement)
            for (Node n : l.model().nodes()) {
                if (n.kind() != LayerKind.INPUT && n.pos().line() == at.getLine() + 1) {
                    nodes.add(n);
                }
            }
        }
        if (nodes.isEmpty()) {
            return null;
        }
        GradientAnalysis a = l.result().analysis();
        StringBuilder b = new StringBuilder();
        Node first = nodes.get(0);
        Node last = nodes.get(nodes.size() - 1);
        b.append(nodes.size() == 1 ? "**" + first.name() + "**" : "**" + nodes.size() + " layers** `" + first.name()
                + "`..`" + last.name() + "`").append(" (").append(first.kind().name().toLowerCase(Locale.ROOT))
                .append("): predicted at initialisation\n\n| | ").append(nodes.size() == 1 ? "" : "`" + first.name()
                + "` | `" + last.name() + "` ").append("|\n|---|---|").append(nodes.size() == 1 ? "" : "---|").append('\n');
        // figures from the analysis's logs: an RMS past a double's range is still written
        row(b, "activation RMS", a.profile(first.name()), a.profile(last.name()), nodes.size() > 1,
                p -> Figures.rms(p.logActivation()));
        row(b, "gradient RMS", a.profile(first.name()), a.profile(last.name()), nodes.size() > 1,
                p -> Figures.rms(p.logGradient()));
        row(b, "weight-gradient RMS", a.profile(first.name()), a.profile(last.name()), nodes.size() > 1,
                p -> Figures.rms(p.logWeightGradient()));
        row(b, "gain (decades)", a.profile(first.name()), a.profile(last.name()), nodes.size() > 1,
                p -> Double.isFinite(p.gainDecades()) ? Figures.decades(p.gainDecades()) : "-");
        b.append(String.format(Locale.US, "%nModel: **%s** (%s, %s). Gain: the decades by which the gradient "
                + "changes passing back through the layer.", a.verdict().id(), Figures.reason(a), a.method()));
        Range range = new Range(new Position(at.getLine(), 0), new Position(at.getLine(),
                l.lines().lineEnd(at.getLine()) - l.lines().offset(new Position(at.getLine(), 0))));
        return new Hover(new MarkupContent(MarkupKind.MARKDOWN, b.toString()), range);
    }

    private static void row(StringBuilder b, String name, @Nullable LayerProfile first, @Nullable LayerProfile last,
                            boolean two,
                            Function<LayerProfile, String> value) {
        b.append("| ").append(name).append(" | ").append(first == null ? "-" : value.apply(first)).append(" |");
        if (two) {
            b.append(' ').append(last == null ? "-" : value.apply(last)).append(" |");
        }
        b.append('\n');
    }

    // ---------------------------------------------------------------- paths

    private static @Nullable Path path(String uri) {
        try {
            URI u = URI.create(uri);
            return "file".equalsIgnoreCase(u.getScheme()) ? Path.of(u) : null;
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            return null;
        }
    }
}
