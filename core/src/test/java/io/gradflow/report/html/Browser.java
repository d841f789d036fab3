package io.gradflow.report.html;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Opens a page in headless Chromium (Debian's {@code chromium}, which scripts/install-test-tools.sh
 * installs): the DOM after its scripts ran, every console message it logged, and a screenshot.
 * Nothing is fetched: the flags turn off Chromium's own network traffic.
 */
public final class Browser {

    /** The DOM after the page's scripts ran and the console messages (uncaught errors included) it produced. */
    public record Page(String dom, List<String> console) { }

    private Browser() {
    }

    /** The Chromium binary on the PATH; a clear failure when it is not installed. */
    public static Path chromium() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        throw new AssertionError("headless Chromium is needed to render the HTML report: run "
                + "scripts/install-test-tools.sh as root, or 'sudo apt-get install chromium'");
    }

    /** Loads a page and returns its DOM and console messages. */
    public static Page load(Path html) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("gradflow-chromium");
        Path err = Files.createTempFile("gradflow-chromium", ".log");
        List<String> cmd = command(profile);
        cmd.addAll(List.of("--enable-logging=stderr", "--v=0", "--dump-dom", html.toUri().toString()));
        String dom = new String(run(cmd, err), StandardCharsets.UTF_8);
        List<String> console = new ArrayList<>();
        for (String line : Files.readAllLines(err, StandardCharsets.UTF_8)) {
            // Chromium logs every console message and uncaught error as ...:CONSOLE:<line>] "text", source: ...
            if (line.contains(":CONSOLE") || line.contains("Uncaught")) {
                console.add(line);
            }
        }
        Files.deleteIfExists(err);
        return new Page(dom, console);
    }

    /** Saves a screenshot of the page at the given window size. */
    public static void screenshot(Path html, Path png, int width, int height) throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        Path profile = Files.createTempDirectory("gradflow-chromium");
        Path err = Files.createTempFile("gradflow-chromium", ".log");
        List<String> cmd = command(profile);
        cmd.addAll(List.of("--hide-scrollbars", "--window-size=" + width + "," + height,
                "--screenshot=" + png.toAbsolutePath(), html.toUri().toString()));
        run(cmd, err);
        Files.deleteIfExists(err);
        if (!Files.exists(png)) {
            throw new AssertionError("Chromium wrote no screenshot to " + png);
        }
    }

    private static List<String> command(Path profile) {
        return new ArrayList<>(List.of(chromium().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-extensions", "--user-data-dir=" + profile));
    }

    private static byte[] run(List<String> cmd, Path err) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("Chromium did not finish within 120 s: " + cmd);
        }
        return out;
    }
}
