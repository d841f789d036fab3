package io.gradflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradflow.rules.RuleConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which gradflow.json files govern a file: the nearest above it over those above that, or the one named, or none. */
class ConfigResolverTest {

    @TempDir
    Path tmp;

    @Test
    void aNestedConfigurationExtendsTheOneAboveIt() throws Exception {
        write(tmp.resolve("gradflow.json"), "{\"rules\": {\"GF006\": \"off\", \"GF005\": \"off\"}}");
        write(tmp.resolve("sub/gradflow.json"), "{\"rules\": {\"GF006\": \"error\"}}");
        Files.createDirectories(tmp.resolve("sub/deeper"));
        ConfigResolver r = ConfigResolver.discovering(tmp);

        RuleConfig top = r.forFile(tmp.resolve("a.json"));
        assertThat(top.enabled("GF006")).isFalse();
        RuleConfig sub = r.forFile(tmp.resolve("sub/deeper/b.json"));
        assertThat(sub.enabled("GF006")).as("the nearer file wins").isTrue();
        assertThat(sub.enabled("GF005")).as("what it does not say comes from the parent").isFalse();
        assertThat(r.chainFor(tmp.resolve("sub/deeper/b.json"))).extracting(ConfigFile::display)
                .containsExactly("gradflow.json", "sub/gradflow.json");
    }

    @Test
    void rootTrueStopsTheInheritanceAndExtendNamesAnotherBase() throws Exception {
        write(tmp.resolve("gradflow.json"), "{\"rules\": {\"GF005\": \"off\"}}");
        write(tmp.resolve("alone/gradflow.json"), "{\"root\": true, \"rules\": {\"GF006\": \"off\"}}");
        write(tmp.resolve("shared/strict.json"), "{\"select\": [\"GF00\"]}");
        write(tmp.resolve("team/gradflow.json"), "{\"extend\": \"../shared/strict.json\", \"ignore\": [\"GF003\"]}");
        ConfigResolver r = ConfigResolver.discovering(tmp);
        RuleConfig alone = r.forFile(tmp.resolve("alone/m.json"));
        assertThat(alone.enabled("GF005")).isTrue();
        assertThat(alone.enabled("GF006")).isFalse();
        RuleConfig team = r.forFile(tmp.resolve("team/m.json"));
        assertThat(team.enabled("GF005")).as("an explicit base replaces the directory above").isTrue();
        assertThat(team.enabled("GF010")).as("strict.json selects GF001..GF007 only").isFalse();
        assertThat(team.enabled("GF003")).isFalse();
        assertThat(team.enabled("GF001")).isTrue();
        assertThat(r.chainFor(tmp.resolve("team/m.json"))).extracting(ConfigFile::display)
                .containsExactly("shared/strict.json", "team/gradflow.json");
    }

    @Test
    void anExtendCycleIsAnErrorAtTheExtend() throws Exception {
        write(tmp.resolve("a.json"), "{\"extend\": \"b.json\"}");
        write(tmp.resolve("b.json"), "{\n  \"extend\": \"a.json\"\n}");
        assertThatThrownBy(() -> ConfigFile.load(tmp.resolve("a.json"), "a.json"))
                .hasMessage("b.json:2:13: error: extend: a.json extends this file again (a cycle)");
        write(tmp.resolve("c.json"), "{\"extend\": \"missing.json\"}");
        assertThatThrownBy(() -> ConfigFile.load(tmp.resolve("c.json"), "c.json"))
                .hasMessage("c.json:1:12: error: extend: no such configuration file: missing.json (relative to this file)");
    }

    @Test
    void theCommandLineSelectionComesLastButPerFileIgnoresStillApply() throws Exception {
        write(tmp.resolve("gradflow.json"), "{\"ignore\": [\"GF006\"], \"per-file-ignores\": {\"legacy/*\": [\"GF001\"]}}");
        ConfigResolver r = ConfigResolver.discovering(tmp)
                .withSelection(new RuleSelection(List.of("GF001", "GF006"), List.of(), List.of()));
        RuleConfig m = r.forFile(tmp.resolve("m.json"));
        assertThat(m.enabled("GF006")).isTrue();
        assertThat(m.enabled("GF005")).isFalse();
        assertThat(r.forFile(tmp.resolve("legacy/old.json")).enabled("GF001")).isFalse();
    }

    @Test
    void excludesFollowTheConfigurationsAndTheBuiltInList() throws Exception {
        write(tmp.resolve("gradflow.json"), "{\"extend-exclude\": [\"scratch/\", \"*.tmp.json\"]}");
        write(tmp.resolve("keep/gradflow.json"), "{\"exclude\": [\"old\"]}");
        Exclusions x = Exclusions.of(ConfigResolver.discovering(tmp), tmp, null, List.of());
        assertThat(x.excludesDirectory(tmp.resolve("venv"))).isTrue();
        assertThat(x.excludesDirectory(tmp.resolve("a/node_modules"))).isTrue();
        assertThat(x.excludesDirectory(tmp.resolve("scratch"))).isTrue();
        assertThat(x.excludesWalkedFile(tmp.resolve("a/m.tmp.json"))).isTrue();
        assertThat(x.excludesWalkedFile(tmp.resolve("a/m.json"))).isFalse();
        // keep/ replaces the list: its venv is walked, its old/ is not, the parent's patterns are gone
        assertThat(x.excludesDirectory(tmp.resolve("keep/venv"))).isFalse();
        assertThat(x.excludesDirectory(tmp.resolve("keep/old"))).isTrue();
        assertThat(x.excludesWalkedFile(tmp.resolve("keep/m.tmp.json"))).isFalse();
        assertThat(x.excludesFile(tmp.resolve("scratch/deep/m.json"))).as("below an excluded directory").isTrue();
        Exclusions cli = Exclusions.of(ConfigResolver.discovering(tmp), tmp, List.of("other"), List.of("more/"));
        assertThat(cli.excludesDirectory(tmp.resolve("venv"))).isFalse();
        assertThat(cli.excludesDirectory(tmp.resolve("other"))).isTrue();
        assertThat(cli.excludesDirectory(tmp.resolve("more"))).isTrue();
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
                .hasMessage("p/gradflow.json:1:2: error: unknown key 'rulez' (did you mean 'rules'?)");
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
