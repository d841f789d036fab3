package io.gradflow.cli;

import io.gradflow.lsp.GradflowServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ExecutionException;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;

/** Starts the language server on two streams; a class of its own so that LSP4J loads only for {@code lsp}. */
final class LspLauncher {

    private LspLauncher() {
    }

    /**
     * Serves until the client's exit notification (which ends the process, with 0 when a shutdown
     * request came first, as LSP asks) or the end of the input (1: the editor went away).
     */
    static int run(InputStream in, OutputStream out, String version, String rulesUrl) throws InterruptedException {
        GradflowServer server = new GradflowServer(version, rulesUrl, System::exit);
        Launcher<LanguageClient> launcher = LSPLauncher.createServerLauncher(server, in, out);
        server.connect(launcher.getRemoteProxy());
        try {
            launcher.startListening().get();
        } catch (ExecutionException e) {
            return Main.USAGE;
        }
        return Main.FINDINGS;
    }
}
