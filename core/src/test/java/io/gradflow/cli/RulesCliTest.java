package io.gradflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gradflow.rules.BuiltInRules;
import io.gradflow.rules.Rule;
import io.gradflow.rules.PageText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** gradflow rules and gradflow explain. */
class RulesCliTest {

    @Test
    void rulesListsEveryRuleWithItsDefaultSeverityAndCategory() {
        CliRunner.Result r = CliRunner.run("rules");
        assertThat(r.code()).isZero();
        assertThat(r.out().lines().findFirst().orElseThrow()).matches("ID +NAME +DEFAULT +CATEGORY +SUMMARY");
        for (Rule rule : BuiltInRules.all()) {
            assertThat(r.out()).containsPattern("(?m)^" + rule.info().id() + " +" + rule.info().name() + " +"
                    + rule.info().severity().id() + " +" + rule.info().category().id() + " +"
                    + java.util.regex.Pattern.quote(rule.info().summary()) + "$");
        }
    }

    @Test
    void rulesAsJsonCarriesOptionsAndPages() {
        JsonArray rules = JsonParser.parseString(CliRunner.run("rules", "--format", "json").out()).getAsJsonObject()
                .getAsJsonArray("rules");
        assertThat(rules).hasSize(BuiltInRules.all().size());
        JsonObject gf001 = rules.get(0).getAsJsonObject();
        assertThat(gf001.get("id").getAsString()).isEqualTo("GF001");
        assertThat(gf001.get("page").getAsString()).isEqualTo("rules/GF001-deep-saturating-stack.md");
        JsonObject option = gf001.getAsJsonArray("options").get(0).getAsJsonObject();
        assertThat(option.get("name").getAsString()).isEqualTo("minLayers");
        assertThat(option.get("default").getAsString()).isEqualTo("3");
        assertThat(option.get("type").getAsString()).isEqualTo("integer");
    }

    @Test
    void explainPrintsTheRulePageByIdOrName() throws IOException {
        String page = PageText.read(Path.of("rules/GF001-deep-saturating-stack.md"));
        CliRunner.Result byId = CliRunner.run("explain", "GF001");
        assertThat(byId.code()).isZero();
        assertThat(byId.out()).isEqualTo(page);
        assertThat(CliRunner.run("explain", "deep-saturating-stack").out()).isEqualTo(page);
        assertThat(CliRunner.run("explain", "gf001").out()).isEqualTo(page);
    }

    @Test
    void explainOfAnUnknownRuleIsOneLineAndExitTwo() {
        CliRunner.Result r = CliRunner.run("explain", "GF999");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("gradflow: explain: unknown rule 'GF999' ('gradflow rules' lists them)\n");
        assertThat(r.out()).isEmpty();
        assertThat(CliRunner.run("explain").code()).isEqualTo(2);
        assertThat(CliRunner.run("rules", "--format", "xml").code()).isEqualTo(2);
    }

    @Test
    void helpListsTheNewCommands() {
        assertThat(CliRunner.run("--help").out()).contains("  rules ").contains("  explain ");
    }
}
