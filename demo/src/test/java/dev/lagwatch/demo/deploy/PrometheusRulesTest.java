package dev.lagwatch.demo.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwatch.monitor.testing.Promtool;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The shipped recording and alert rules, checked and unit-tested by Prometheus's own promtool. */
class PrometheusRulesTest {

    static final Path RULES = Path.of("..", "prometheus", "lagwatch-rules.yml").toAbsolutePath().normalize();
    static final Path RULE_TESTS = Path.of("..", "prometheus", "tests", "lagwatch-rules-test.yml").toAbsolutePath()
            .normalize();

    @Test
    void rulesPassPromtoolCheck() throws Exception {
        Promtool.Result result = Promtool.run("check", "rules", RULES.toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertHasAPassingUnitTest() throws Exception {
        Promtool.Result result = Promtool.run("test", "rules", RULE_TESTS.toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
        DeployFiles.Rules rules = DeployFiles.rules(RULES);
        String tests = Files.readString(RULE_TESTS);
        for (String alert : rules.alertNames()) {
            assertThat(tests).as("a test of alert %s", alert).contains("alertname: " + alert + "\n");
        }
    }

    @Test
    void everyAlertHasSeverityAndRunbook() throws Exception {
        for (DeployFiles.Alert alert : DeployFiles.rules(RULES).alerts()) {
            assertThat(alert.labels()).as(alert.name()).containsKey("severity");
            assertThat(alert.labels().get("severity")).as(alert.name()).isIn("warning", "critical");
            assertThat(alert.annotations()).as(alert.name()).containsKeys("summary", "description", "runbook");
        }
    }
}
