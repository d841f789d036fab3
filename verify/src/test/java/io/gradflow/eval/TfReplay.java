package io.gradflow.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Prints predicted against measured first-to-last per stored sequence row, the errors' median, p90. */
public final class TfReplay {

    private TfReplay() {
    }

    public static void main(String[] args) throws IOException {
        List<SequenceEvaluation.Row> rows = SequenceEvaluation.replay(Path.of(args[0]));
        double[] err = new double[rows.size()];
        int i = 0;
        for (SequenceEvaluation.Row r : rows) {
            err[i++] = Math.abs(r.predRatio() - r.measRatio());
            System.out.printf(Locale.ROOT, "%-52s pred %+6.3f meas %+6.3f err %.3f%n", r.c().id(),
                    r.predRatio(), r.measRatio(), err[i - 1]);
        }
        Arrays.sort(err);
        if (err.length > 0) {
            double median = (err[(err.length - 1) / 2] + err[err.length / 2]) / 2;
            System.out.printf(Locale.ROOT, "median %.3f p90 %.3f%n", median, err[(int) Math.ceil(0.9 * err.length) - 1]);
        }
    }
}
