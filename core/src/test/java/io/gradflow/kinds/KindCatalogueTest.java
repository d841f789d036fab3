package io.gradflow.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradflow.math.Moments;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every layer kind has every part, and a kind that lacks one is caught. */
class KindCatalogueTest {

    @Test
    void everyModelTagHasOneKindWithEveryPart() {
        assertThat(KindCatalogue.problems(Kinds.all())).isEmpty();
        for (LayerKind tag : LayerKind.values()) {
            assertThat(Kinds.of(tag).tag()).isEqualTo(tag);
        }
    }

    @Test
    void dl4jClassNamesReadAsTheKindThatWritesThem() {
        assertThat(Kinds.byDl4jClass("DenseLayer")).map(Kind::tag).contains(LayerKind.DENSE);
        assertThat(Kinds.byDl4jClass("ElementWiseVertex")).map(Kind::tag).contains(LayerKind.ELEMENTWISE);
        assertThat(Kinds.byDl4jClass("GravesLSTM")).map(Kind::tag).contains(LayerKind.LSTM);
        assertThat(Kinds.byDl4jClass("NoSuchLayer")).isEmpty();
    }

    /** A kind written in a hurry: its shape and mean-field parts are there, its other parts are not. */
    private static final class Throwaway implements Kind {
        private final Simulation simulation;
        private final Dl4jPart dl4j;

        Throwaway(Simulation simulation, Dl4jPart dl4j) {
            this.simulation = simulation;
            this.dl4j = dl4j;
        }

        @Override
        public LayerKind tag() {
            return LayerKind.LOCAL_RESPONSE_NORM;
        }

        @Override
        public TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all) {
            return in;
        }

        @Override
        public LayerState forward(Node n, Moments x, Forward f) {
            return LayerState.of(x, x);
        }

        @Override
        public Back backward(Node n, LayerState s, Grad out, Backward b) {
            return Back.of(out);
        }

        @Override
        public Simulation simulation() {
            return simulation;
        }

        @Override
        public Dl4jPart dl4j() {
            return dl4j;
        }
    }

    private static List<Kind> withThrowaway(Kind k) {
        List<Kind> kinds = new ArrayList<>();
        for (Kind existing : Kinds.all()) {
            if (existing.tag() != k.tag()) {
                kinds.add(existing);
            }
        }
        kinds.add(k);
        return kinds;
    }

    @Test
    void aKindWithoutASimulationPartFailsTheCatalogue() {
        List<String> problems = KindCatalogue.problems(withThrowaway(
                new Throwaway(null, Dl4jPart.unsupported("no DL4J layer"))));
        assertThat(problems).singleElement().asString().contains("Throwaway: no finite-width part");
    }

    @Test
    void aKindWithoutADl4jPartFailsTheCatalogue() {
        List<String> problems = KindCatalogue.problems(withThrowaway(
                new Throwaway(Simulation.unsupported("not simulated"), null)));
        assertThat(problems).singleElement().asString().contains("Throwaway: no Deeplearning4j part");
    }

    @Test
    void aCompleteThrowawayKindPassesAndAMissingTagIsNamed() {
        assertThat(KindCatalogue.problems(withThrowaway(new Throwaway(Simulation.unsupported("not simulated"),
                Dl4jPart.unsupported("no DL4J layer"))))).isEmpty();
        List<Kind> without = new ArrayList<>(Kinds.all());
        without.removeIf(k -> k.tag() == LayerKind.SCALE);
        assertThat(KindCatalogue.problems(without)).containsExactly("SCALE: no kind implements it");
    }

    @Test
    void aDl4jClassClaimedTwiceIsNamed() {
        Throwaway twice = new Throwaway(Simulation.unsupported("not simulated"), new Dl4jPart() {
            @Override
            public List<String> classes() {
                return List.of("DenseLayer");
            }

            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                return new Dl4jConfig.Unsupported();
            }
        });
        assertThat(KindCatalogue.problems(withThrowaway(twice)))
                .containsExactly("DL4J class DenseLayer is claimed by DenseKind and Throwaway");
    }
}
