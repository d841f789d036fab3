package io.gradflow.verify;

import io.gradflow.convert.ConvertException;
import io.gradflow.convert.Dl4jJsonWriter;
import io.gradflow.model.ModelGraph;
import java.nio.file.Path;

/** DSL models become DL4J networks through the DL4J JSON converter (the same as gradflow convert). */
final class DslBuild {

    private DslBuild() {
    }

    static NetworkBuilder.Built build(Path file, ModelGraph graph, long seed) throws VerifyException {
        String json;
        try {
            json = Dl4jJsonWriter.write(graph);
        } catch (ConvertException e) {
            ConvertException.Problem p = e.problems().get(0);
            throw new VerifyException("the model cannot be expressed in DL4J (line " + p.pos().line() + "): "
                    + p.message());
        }
        NetworkBuilder.refuseBrokenSamplers(json);
        return new NetworkBuilder.Built(NetworkBuilder.fromJson(json, seed), "initialised (seed " + seed + ")");
    }
}
