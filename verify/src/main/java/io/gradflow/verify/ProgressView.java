package io.gradflow.verify;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Shows the verification's progress on standard error. On a terminal, one status line rewritten in
 * place, its clock ticking every half second so nothing is silent for long, cleared before the
 * report; otherwise one line per phase of each model.
 */
final class ProgressView implements AutoCloseable {

    private final PrintWriter err;
    private final boolean terminal;
    private final @Nullable ScheduledExecutorService ticker;
    private String model = "";
    private String counter = "";
    private String phase = "";
    private String step = "";
    private long phaseStart = System.nanoTime();
    private boolean shown;

    ProgressView(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
        if (terminal) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "gradflow-verify-progress");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(this::redraw, 500, 500, TimeUnit.MILLISECONDS);
        } else {
            ticker = null;
        }
    }

    /** Whether standard error looks like a terminal (a console, a terminal type that is not "dumb"). */
    static boolean onTerminal() {
        String term = System.getenv("TERM");
        return System.console() != null && term != null && !term.equals("dumb");
    }

    /** Model {@code i} of {@code n} begins. */
    synchronized void model(String display, int i, int n) {
        model = display;
        counter = n > 1 ? "[" + i + "/" + n + "] " : "";
        phase("starting");
    }

    synchronized void phase(String what) {
        if (what.equals(phase)) {
            return;
        }
        phase = what;
        step = "";
        phaseStart = System.nanoTime();
        if (terminal) {
            redraw();
        } else {
            err.println("gradflow verify: " + counter + model + ": " + what);
            err.flush();
        }
    }

    synchronized void step(String what, int i, int n) {
        phase(what);
        step = " " + i + "/" + n;
        if (terminal) {
            redraw();
        }
    }

    /** Clears the status line (the model is done, a line of the report follows). */
    synchronized void clear() {
        if (terminal && shown) {
            err.print("\r\033[K");
            err.flush();
            shown = false;
        }
    }

    private synchronized void redraw() {
        if (model.isEmpty()) {
            return;
        }
        double s = (System.nanoTime() - phaseStart) / 1e9;
        err.print("\r\033[Kgradflow verify: " + counter + model + ": " + phase + step
                + String.format(Locale.ROOT, " (%.0f s)", s));
        err.flush();
        shown = true;
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        synchronized (this) {
            model = "";
            clear();
        }
    }
}
