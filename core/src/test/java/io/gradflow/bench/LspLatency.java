package io.gradflow.bench;

import io.gradflow.lsp.QueueingLanguageClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageServer;

/**
 * How long `gradflow lsp` takes to answer an edit: the launcher started as an editor starts it,
 * a 100-layer DSL model opened, then one line changed at a time; each round trip is from sending
 * the change to receiving its diagnostics. Prints the figures (the target: 200 ms warm).
 * Usage: LspLatency [WARMUP] [RUNS]
 */
public final class LspLatency extends QueueingLanguageClient {


    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        Path dir = Files.createTempDirectory("gradflow-lsp-bench");
        Path file = dir.resolve("deep.gflow");
        List<String> lines = model();
        Files.write(file, lines);
        String uri = file.toUri().toString();

        Process p = new ProcessBuilder("./gradflow", "lsp").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        LspLatency client = new LspLatency();
        Launcher<LanguageServer> l = LSPLauncher.createClientLauncher(client, p.getInputStream(), p.getOutputStream());
        l.startListening();
        LanguageServer server = l.getRemoteProxy();
        long t0 = System.nanoTime();
        InitializeParams init = new InitializeParams();
        init.setRootUri(dir.toUri().toString());
        server.initialize(init).get(60, TimeUnit.SECONDS);
        server.initialized(new InitializedParams());
        server.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(
                new TextDocumentItem(uri, "gradflow", 1, String.join("\n", lines) + "\n")));
        PublishDiagnosticsParams first = client.next();
        double startup = (System.nanoTime() - t0) / 1e6;

        List<Double> times = new ArrayList<>();
        for (int i = 0; i < warmup + runs; i++) {
            // an edit a person makes: one layer's initialiser toggled
            int at = 3 + (i * 7) % 100;
            List<String> edited = new ArrayList<>(lines);
            edited.set(at, edited.get(at).replace("init he", "init xavier"));
            long s = System.nanoTime();
            server.getTextDocumentService().didChange(new DidChangeTextDocumentParams(
                    new VersionedTextDocumentIdentifier(uri, i + 2),
                    List.of(new TextDocumentContentChangeEvent(String.join("\n", edited) + "\n"))));
            PublishDiagnosticsParams d = client.next();
            if (d.getVersion() != i + 2) {
                throw new IllegalStateException("diagnostics for version " + d.getVersion() + ", expected " + (i + 2));
            }
            if (i >= warmup) {
                times.add((System.nanoTime() - s) / 1e6);
            }
        }
        server.shutdown().get(10, TimeUnit.SECONDS);
        server.exit();
        p.waitFor(10, TimeUnit.SECONDS);
        Collections.sort(times);
        System.out.printf(Locale.ROOT, "gradflow lsp, 100-layer DSL model (%d diagnostics when opened)%n",
                first.getDiagnostics().size());
        System.out.printf(Locale.ROOT, "  start, initialize, open and first diagnostics: %.0f ms%n", startup);
        System.out.printf(Locale.ROOT, "  change -> diagnostics, warm (%d edits after %d): median %.1f ms, p90 %.1f ms, "
                + "max %.1f ms%n", runs, warmup, times.get(times.size() / 2), times.get((int) (times.size() * 0.9)),
                times.get(times.size() - 1));
    }

    /** 100 layers: dense layers of varying width, batch normalisation and activations. */
    static List<String> model() {
        List<String> l = new ArrayList<>(List.of("model deep", "input 128", "defaults { updater adam(0.001) }"));
        for (int i = 0; i < 100; i++) {
            l.add(switch (i % 4) {
                case 0 -> "dense 128 activation identity init he";
                case 1 -> "batchnorm";
                case 2 -> "activation relu";
                default -> "dense 128 activation relu init he   # layer " + i;
            });
        }
        l.add("output 10 softmax loss mcxent init xavier");
        return l;
    }

    PublishDiagnosticsParams next() throws InterruptedException {
        PublishDiagnosticsParams p = published.poll(60, TimeUnit.SECONDS);
        if (p == null) {
            throw new IllegalStateException("no diagnostics within 60 s");
        }
        return p;
    }
}
