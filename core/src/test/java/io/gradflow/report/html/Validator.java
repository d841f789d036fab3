package io.gradflow.report.html;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The Nu Html Checker (vnu.jar, npm vnu-jar, which scripts/install-test-tools.sh installs): HTML5 errors in a page. */
public final class Validator {

    private Validator() {
    }

    /** Where install-test-tools.sh put vnu.jar. */
    public static Path jar() {
        Path tools = Path.of(System.getProperty("gradflow.tools", ".tools"));
        Path jar = tools.resolve("vnu/node_modules/vnu-jar/build/dist/vnu.jar");
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("the Nu Html Checker is not installed at " + jar
                    + ": run scripts/install-test-tools.sh");
        }
        return jar;
    }

    /** Every error (and fatal error) the checker reports, as "line:column: message". */
    public static List<String> errors(Path html) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-jar", jar().toString(), "--format", "json", "--exit-zero-always",
                html.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String report = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("vnu did not finish");
        }
        List<String> errors = new ArrayList<>();
        for (JsonElement e : JsonParser.parseString(report).getAsJsonObject().getAsJsonArray("messages")) {
            JsonObject m = e.getAsJsonObject();
            String type = m.get("type").getAsString();
            String sub = m.has("subType") ? m.get("subType").getAsString() : "";
            if (type.equals("error") || type.equals("non-document-error") || sub.equals("fatal")) {
                errors.add((m.has("lastLine") ? m.get("lastLine").getAsInt() : 0) + ":"
                        + (m.has("lastColumn") ? m.get("lastColumn").getAsInt() : 0) + ": " + m.get("message").getAsString());
            }
        }
        return errors;
    }
}
