package io.gradflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file a one-file lint reads and analyses beside the command line's parse (engine.Prefetch,
 * started by Main.main) gives the report and exit code the lint gives without it. With the file
 * last and a flag before it, the start-up thread fetches it; with the flag last, nothing is
 * fetched (Main.likelyFile): the two runs must print the same bytes.
 */
class PrefetchProcessIT {

    @TempDir
    Path tmp;

    @Test
    void aFetchedFileLintsAsOneThatIsNot() throws Exception {
        Path broken = tmp.resolve("broken.json");
        Files.writeString(broken, "{\"confs\": [ {\"layer\": ");
        for (String file : new String[] {"fixtures/examples/sigmoid-mlp-20.json", "fixtures/examples/sigmoid-mlp-20.h5",
            "fixtures/examples/tanh-normal01-mlp-32.json", "fixtures/examples/cnn-batchnorm-relu.gflow",
            broken.toString()}) {
            for (String format : new String[] {"text", "json"}) {
                HostileProcessIT.Result fetched = HostileProcessIT.run(Map.of(), "./gradflow", "lint", "--profile",
                        "--format=" + format, file);
                HostileProcessIT.Result plain = HostileProcessIT.run(Map.of(), "./gradflow", "lint", "--format=" + format,
                        file, "--profile");
                assertThat(fetched.out()).as(file + " " + format).isEqualTo(plain.out()).isNotBlank();
                assertThat(fetched.code()).as(file).isEqualTo(plain.code());
            }
        }
    }
}
