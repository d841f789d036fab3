package io.gradflow.lsp;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;

/**
 * An LSP client and gradflow's server talking JSON-RPC over piped streams, as an editor and
 * {@code gradflow lsp} do over a process's standard input and output.
 */
public final class LspClient extends QueueingLanguageClient implements AutoCloseable {

    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "lsp-test");
        t.setDaemon(true);
        return t;
    });
    private final LanguageServer server;
    private final PipedOutputStream toServer;
    private final PipedOutputStream toClient;

    public LspClient() throws IOException {
        PipedInputStream serverIn = new PipedInputStream(1 << 16);
        toServer = new PipedOutputStream(serverIn);
        PipedInputStream clientIn = new PipedInputStream(1 << 16);
        toClient = new PipedOutputStream(clientIn);
        GradflowServer impl = new GradflowServer("test", "https://example.org/rules/", code -> { });
        Launcher<LanguageClient> serverSide = LSPLauncher.createServerLauncher(impl, serverIn, toClient, threads, null);
        impl.connect(serverSide.getRemoteProxy());
        serverSide.startListening();
        Launcher<LanguageServer> clientSide = LSPLauncher.createClientLauncher(this, clientIn, toServer, threads, null);
        clientSide.startListening();
        server = clientSide.getRemoteProxy();
    }

    public LanguageServer server() {
        return server;
    }

    public InitializeResult initialize(String rootUri) throws Exception {
        InitializeParams p = new InitializeParams();
        p.setRootUri(rootUri);
        InitializeResult r = server.initialize(p).get(30, TimeUnit.SECONDS);
        server.initialized(new InitializedParams());
        return r;
    }

    public void open(String uri, String languageId, String text) {
        server.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, languageId, 1, text)));
    }

    public void change(String uri, int version, String text) {
        server.getTextDocumentService().didChange(new DidChangeTextDocumentParams(
                new VersionedTextDocumentIdentifier(uri, version), List.of(new TextDocumentContentChangeEvent(text))));
    }

    /** The next diagnostics published for {@code uri} (others are skipped), waiting up to 30 s. */
    public PublishDiagnosticsParams diagnostics(String uri) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            PublishDiagnosticsParams p = published.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (p != null && p.getUri().equals(uri)) {
                return p;
            }
        }
        throw new AssertionError("no diagnostics for " + uri + " within 30 s");
    }

    @Override
    public void close() throws Exception {
        server.shutdown().get(10, TimeUnit.SECONDS);
        server.exit();
        toServer.close();
        toClient.close();
        threads.shutdownNow();
    }
}
