package io.gradflow.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradflow.ingest.dsl.DslReader;
import io.gradflow.model.ModelGraph;
import org.junit.jupiter.api.Test;

/** verify refuses, before Deeplearning4j allocates anything, a network that would not fit. */
class MemoryBudgetTest {

    @Test
    void aTenMillionUnitDenseLayerIsRefusedWithItsEstimate() throws Exception {
        // issue 16: `input 16 / dense 10000000 / output 10` grew to 24 GB until the kernel killed it
        ModelGraph g = DslReader.read("huge.gflow", "input 16\ndense 10000000\noutput 10\n");
        assertThatThrownBy(() -> MemoryBudget.check(g, 32, MemoryBudget.parse("8g")))
                .isInstanceOf(VerifyException.class)
                .hasMessageStartingWith("the network needs about ")
                .hasMessageContaining("(270.0 million parameters: ")
                .hasMessageContaining("more than the 8.0 GiB it may use (--max-memory)");
    }

    @Test
    void aSmallNetworkFits() throws Exception {
        ModelGraph g = DslReader.read("small.gflow", "input 784\ndense 100\noutput 10\n");
        MemoryBudget.check(g, 32, MemoryBudget.parse("512m"));
    }

    @Test
    void sizesReadAsTheJvmWritesThem() {
        assertThat(MemoryBudget.parse("512m")).isEqualTo(512.0 * 1024 * 1024);
        assertThat(MemoryBudget.parse("1.5G")).isEqualTo(1.5 * 1024 * 1024 * 1024);
        assertThat(MemoryBudget.parse("4096")).isEqualTo(4096);
        assertThatThrownBy(() -> MemoryBudget.parse("lots")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> MemoryBudget.parse("0g")).isInstanceOf(NumberFormatException.class);
    }
}
