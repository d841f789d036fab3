package io.gradflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradflow.rules.RuleConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which gradflow.json governs a file: the nearest above it, or the one named, or none. */
class ConfigResolverTest {

    @TempDir
    Path tmp;

    @Test
    void nearestConfigurationAboveTheFileWinsAndFilesAreNotMerged() throws Exception {
        write(tmp.resolve("gradflow.json"), "{\"rules\": {\"GF006\": \"off\", \"GF005\": \"off\"}}");
        write(tmp.resolve("sub/gradflow.json"), "{\"rules\": {\"GF006\": \"error\"}}");
        Files.createDirectories(tmp.resolve("sub/deeper"));
        ConfigResolver r = ConfigResolver.discovering(tmp);

        RuleConfig top = r.forFile(tmp.resolve("a.json"));
        assertThat(top.enabled("GF006")).isFalse();
        RuleConfig sub = r.forFile(tmp.resolve("sub/deeper/b.json"));
        assertThat(sub.enabled("GF006")).isTrue();
        assertThat(sub.enabled("GF005")).as("the parent file is not merged in").isTrue();
    }

    @Test
    void overridePatternsAreRelativeToTheirConfigurationFile() throws Exception {
        write(tmp.resolve("proj/gradflow.json"), "{\"overrides\": [{\"files\": [\"legacy/**\"], \"rules\": {\"GF001\": \"off\"}}]}");
        ConfigResolver r = ConfigResolver.discovering(tmp);
        assertThat(r.forFile(tmp.resolve("proj/legacy/x.json")).enabled("GF001")).isFalse();
        assertThat(r.forFile(tmp.resolve("proj/x.json")).enabled("GF001")).isTrue();
    }

    @Test
    void namedConfigurationGovernsEveryFileAndItsPatternsAreRelativeToIt() throws Exception {
        Path cfg = tmp.resolve("conf/strict.json");
        write(cfg, "{\"rules\": {\"GF005\": \"error\"}, \"overrides\": [{\"files\": [\"old/*\"], \"rules\": {\"GF005\": \"off\"}}]}");
        write(tmp.resolve("models/gradflow.json"), "{\"rules\": {\"GF005\": \"off\"}}");
        ConfigResolver r = ConfigResolver.of(ConfigFile.load(cfg, "conf/strict.json"));
        assertThat(r.forFile(tmp.resolve("models/a.json")).severityOverridden("GF005")).isTrue();
        assertThat(r.forFile(tmp.resolve("conf/old/a.json")).enabled("GF005")).isFalse();
    }

    @Test
    void withoutAConfigurationFileTheDefaultsApply() throws Exception {
        Files.createDirectories(tmp.resolve("a"));
        assertThat(ConfigResolver.discovering(tmp).forFile(tmp.resolve("a/m.json"))).isSameAs(RuleConfig.DEFAULT);
        write(tmp.resolve("gradflow.json"), "{\"rules\": {\"GF006\": \"off\"}}");
        assertThat(ConfigResolver.none().forFile(tmp.resolve("a/m.json"))).isSameAs(RuleConfig.DEFAULT);
    }

    @Test
    void brokenConfigurationIsNamedRelativeToTheWorkingDirectory() throws Exception {
        write(tmp.resolve("p/gradflow.json"), "{\"rulez\": 1}");
        assertThatThrownBy(() -> ConfigResolver.discovering(tmp).forFile(tmp.resolve("p/q/m.json")))
                .hasMessage("p/gradflow.json:1:2: error: unknown key 'rulez' (expected rules, thresholds or overrides)");
    }

    @Test
    void aDirectoryNamedGradflowJsonIsNotAConfiguration() throws Exception {
        Files.createDirectories(tmp.resolve("gradflow.json"));
        assertThat(ConfigResolver.discovering(tmp).forFile(tmp.resolve("m.json"))).isSameAs(RuleConfig.DEFAULT);
    }

    private static void write(Path p, String text) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }
}
