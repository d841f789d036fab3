package io.gradflow.eval;

import io.gradflow.testing.Dl4jConfigs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the accuracy family's DL4J configurations (every activation x initialiser pair, as
 * {@link Evaluation} builds them) into a folder, one JSON file each: scripts/bench-lint.sh's
 * many-files set. {@code FamilyConfigs DIR [SEED]}; prints how many it wrote.
 */
public final class FamilyConfigs {

    private FamilyConfigs() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/bench/family");
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 7;
        Files.createDirectories(dir);
        int n = 0;
        for (Evaluation.Case c : Evaluation.family(seed, Integer.MAX_VALUE)) {
            Files.writeString(dir.resolve(c.id() + ".json"), Dl4jConfigs.json(c.spec()), StandardCharsets.UTF_8);
            n++;
        }
        System.out.println(n);
    }
}
