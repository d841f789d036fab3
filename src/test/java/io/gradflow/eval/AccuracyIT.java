package io.gradflow.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradflow.analysis.Thresholds;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A fast slice of the accuracy evaluation (the whole family runs with scripts/accuracy.sh): on
 * evenly spread configurations the measured verdicts agree with the prediction on clear cases and
 * the first-to-last error stays within the targets.
 */
@Tag("slow")
class AccuracyIT {

    @Test
    void predictionMatchesMeasurementOnASliceOfTheFamily() {
        List<Evaluation.Row> rows = new ArrayList<>();
        for (Evaluation.Case c : Evaluation.family(7, Integer.getInteger("gradflow.accuracy.cases", 30))) {
            if (c.spec().cnn() && c.spec().depth() > 8) {
                continue;
            }
            rows.add(Evaluation.evaluate(c, 7));
        }
        Evaluation.printTable(rows, System.out);
        Evaluation.Summary s = Evaluation.summarize(rows, r -> true);
        assertThat(rows).allSatisfy(r -> assertThat(r.error()).as(r.c().id()).isNull());
        List<String> disagree = rows.stream().filter(r -> r.clear(Thresholds.DEFAULT) && r.pred() != r.meas())
                .map(r -> r.c().id() + " predicted " + r.pred() + " measured " + r.meas()).toList();
        assertThat(disagree).as("clear cases whose verdicts differ").isEmpty();
        assertThat(s.median()).as("median first-to-last error (decades)").isLessThanOrEqualTo(0.15);
        assertThat(s.p90()).as("90th percentile first-to-last error (decades)").isLessThanOrEqualTo(0.5);
    }
}
