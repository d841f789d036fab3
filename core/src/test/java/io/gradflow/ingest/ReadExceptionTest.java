package io.gradflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradflow.model.SourcePos;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadExceptionTest {

    @Test
    void aSingleProblemIsItsOwnList() {
        ReadException e = new ReadException("bad", SourcePos.of(3, 4));
        assertThat(e.problems()).containsExactly(new ReadException.Problem(SourcePos.of(3, 4), "bad"));
    }

    @Test
    void severalProblemsKeepTheirOrderAndTheFirstIsTheMessage() {
        List<ReadException.Problem> ps = List.of(new ReadException.Problem(SourcePos.of(1, 2), "first"),
                new ReadException.Problem(SourcePos.of(5, 1), "second"));
        ReadException e = ReadException.of(ps);
        assertThat(e.getMessage()).isEqualTo("first");
        assertThat(e.pos()).isEqualTo(SourcePos.of(1, 2));
        assertThat(e.problems()).isEqualTo(ps);
        assertThat(e.isNotAModel()).isFalse();
        assertThatThrownBy(() -> ReadException.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
