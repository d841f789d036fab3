package io.gradflow.fix;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradflow.rules.BuiltInRules;
import io.gradflow.rules.RuleInfo;
import org.junit.jupiter.api.Test;

/** The one place rules and fixes meet names rules that exist, and never offers an unsafe fix before a safe one. */
class FixCatalogueTest {

    @Test
    void everyRuleOfferingAFixExists() {
        assertThat(FixCatalogue.all().keySet()).allSatisfy(id ->
                assertThat(BuiltInRules.find(id)).as(id).isPresent());
    }

    @Test
    void safeFixesComeFirst() {
        FixCatalogue.all().forEach((rule, kinds) -> {
            for (int i = 1; i < kinds.size(); i++) {
                assertThat(kinds.get(i - 1).safe() || !kinds.get(i).safe()).as(rule + " " + kinds).isTrue();
            }
        });
    }

    @Test
    void rulesThatOnlyReportWhatGradflowCannotSeeOfferNoFix() {
        for (var r : BuiltInRules.all()) {
            if (r.info().category().name().equals("UNSUPPORTED")) {
                assertThat(FixCatalogue.offered(r.info().id())).as(r.info().id()).isEmpty();
            }
            if (r.info().role() == RuleInfo.Role.VERDICT) {
                assertThat(FixCatalogue.offered(r.info().id())).as(r.info().id()).isNotEmpty();
            }
        }
    }
}
