package dev.lagwatch.demo.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lagwatch.monitor.testing.Promtool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard's structure, checked without Grafana. It uses the classic JSON model that
 * Grafana 11 and 12 import. Its grid, units, descriptions, variables and panel data sources are
 * checked, and its queries against the rules of Grafana's dashboard linter and through promtool.
 * Its threshold lines equal the alert thresholds.
 */
class DashboardTest {

    static final Path DASHBOARD = Path.of("..", "grafana", "dashboards", "lagwatch-overview.json").toAbsolutePath()
            .normalize();

    /** Grafana unit ids the dashboard may use. */
    private static final Set<String> UNITS = Set.of("s", "short", "none", "percentunit", "mps");
    private static final Set<String> VARIABLES = Set.of("datasource", "cluster", "queue", "consumer_group", "group");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)");
    private static final Pattern RANGE_FUNCTION = Pattern.compile("\\b(rate|irate|increase)\\(");

    private static final JsonNode dashboard = read();

    private static JsonNode read() {
        try {
            return new ObjectMapper().readTree(DASHBOARD.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + DASHBOARD, e);
        }
    }

    /** Returns every panel that is not a row. */
    static List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            if (!panel.path("type").asText().equals("row")) {
                panels.add(panel);
            }
        }
        return panels;
    }

    /** Returns every query expression of the panels, as written, with {@code $variables} in place. */
    static List<String> expressions() {
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                expressions.add(target.path("expr").asText());
            }
        }
        return expressions;
    }

    @Test
    void usesTheClassicModelGrafanaImports() {
        assertThat(dashboard.has("__inputs")).as("__inputs only works with the import wizard").isFalse();
        assertThat(dashboard.has("apiVersion") || dashboard.has("spec") || dashboard.has("elements"))
                .as("a v2 dashboard resource").isFalse();
        assertThat(dashboard.path("schemaVersion").asInt()).isBetween(36, 41);
        assertThat(dashboard.path("id").isNull()).as("id is null, so provisioning assigns one").isTrue();
        assertThat(dashboard.path("uid").asText()).isEqualTo("lagwatch-overview").hasSizeLessThanOrEqualTo(40);
        assertThat(dashboard.path("title").asText()).isNotBlank();
    }

    @Test
    void panelsFillTheGridWithoutOverlapping() {
        Set<Integer> ids = new HashSet<>();
        List<int[]> cells = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("unique id %s", panel.path("id")).isTrue();
            JsonNode grid = panel.path("gridPos");
            int x = grid.path("x").asInt();
            int y = grid.path("y").asInt();
            int w = grid.path("w").asInt();
            int h = grid.path("h").asInt();
            assertThat(w).as("width of %s", panel.path("title")).isPositive();
            assertThat(h).as("height of %s", panel.path("title")).isPositive();
            assertThat(x + w).as("right edge of %s", panel.path("title")).isLessThanOrEqualTo(24);
            for (int[] other : cells) {
                boolean overlaps = x < other[0] + other[2] && other[0] < x + w && y < other[1] + other[3]
                        && other[1] < y + h;
                assertThat(overlaps).as("%s overlaps another panel", panel.path("title")).isFalse();
            }
            cells.add(new int[] {x, y, w, h});
        }
    }

    @Test
    void panelsHaveDescriptionAndUnit() {
        for (JsonNode panel : panels()) {
            String title = panel.path("title").asText();
            assertThat(title).isNotBlank();
            assertThat(panel.path("description").asText()).as("description of %s", title).hasSizeGreaterThan(40);
            assertThat(UNITS).as("unit of %s", title).contains(panel.path("fieldConfig").path("defaults").path("unit")
                    .asText());
            assertThat(panel.path("datasource").path("uid").asText()).as("data source of %s", title)
                    .isEqualTo("${datasource}");
            assertThat(panel.path("targets").size()).as("queries of %s", title).isPositive();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("refId").asText()).as("refId in %s", title).isNotBlank();
                assertThat(target.path("expr").asText()).as("query in %s", title).isNotBlank();
                assertThat(target.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
            }
        }
    }

    @Test
    void variablesAreDefinedAndReloadOnTimeChange() {
        Set<String> defined = new HashSet<>();
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            defined.add(variable.path("name").asText());
            if (variable.path("type").asText().equals("query")) {
                assertThat(variable.path("refresh").asInt()).as("refresh of $%s", variable.path("name")).isEqualTo(2);
                assertThat(variable.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
            }
        }
        assertThat(defined).containsExactlyInAnyOrderElementsOf(VARIABLES);
        List<String> used = new ArrayList<>(expressions());
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            used.add(variable.path("definition").asText());
        }
        for (String expression : used) {
            Matcher matcher = VARIABLE.matcher(expression);
            while (matcher.find()) {
                String name = matcher.group(1);
                assertThat(name.equals("__rate_interval") || defined.contains(name))
                        .as("variable $%s in %s", name, expression).isTrue();
            }
        }
    }

    @Test
    void queriesFollowTheDashboardLinterRules() {
        for (String expression : expressions()) {
            Matcher range = RANGE_FUNCTION.matcher(expression);
            while (range.find()) {
                int close = expression.indexOf(']', range.end());
                assertThat(expression.substring(range.end(), close + 1)).as("range of %s", expression)
                        .endsWith("[$__rate_interval]");
            }
            for (String counter : counters(expression)) {
                int at = expression.indexOf(counter);
                String before = expression.substring(0, at);
                assertThat(before).as("counter %s outside rate or increase in %s", counter, expression)
                        .containsPattern("(rate|increase)\\($");
            }
            if (expression.contains("histogram_quantile")) {
                assertThat(expression).as(expression).containsPattern("by \\([^)]*\\ble\\b");
            }
        }
    }

    private static List<String> counters(String expression) {
        List<String> names = new ArrayList<>();
        Matcher matcher = Pattern.compile("\\b\\w+_total\\b").matcher(expression);
        while (matcher.find()) {
            names.add(matcher.group());
        }
        return names;
    }

    @Test
    void everyQueryParses(@TempDir Path directory) throws Exception {
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        List<String> all = new ArrayList<>(expressions());
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            String definition = variable.path("definition").asText();
            Matcher labelValues = Pattern.compile("label_values\\((.*), \\w+\\)").matcher(definition);
            if (labelValues.matches()) {
                all.add(labelValues.group(1));
            }
        }
        for (int i = 0; i < all.size(); i++) {
            String expression = all.get(i)
                    .replace("$__rate_interval", "1m")
                    .replaceAll("\\$\\{?\\w+\\}?", ".*");
            rules.append("      - record: dashboard_query_").append(i).append("\n        expr: ")
                    .append(DeployFiles.YAML.writeValueAsString(expression).replaceFirst("^---\\s*", "").trim())
                    .append('\n');
        }
        Path file = directory.resolve("dashboard-queries.yml");
        Files.writeString(file, rules);

        Promtool.Result result = Promtool.run("check", "rules", file.toString());

        assertThat(result.exitCode()).as(result.output() + "\n" + rules).isZero();
    }

    @Test
    void thresholdLinesEqualTheAlertThresholds() throws Exception {
        DeployFiles.Rules rules = DeployFiles.rules(PrometheusRulesTest.RULES);
        double lagWarning = constant(rules, "lagwatch:threshold:lag_warning_seconds");
        double lagCritical = constant(rules, "lagwatch:threshold:lag_critical_seconds");
        double saturation = constant(rules, "lagwatch:threshold:saturation_high");
        double errorRatio = constant(rules, "lagwatch:threshold:error_ratio_high");
        double backlog = constant(rules, "lagwatch:threshold:backlog_min_messages");

        assertThat(thresholdSteps("Worst time to drain")).containsExactly(lagWarning, lagCritical);
        assertThat(thresholdSteps("Time to drain")).containsExactly(lagWarning, lagCritical);
        assertThat(thresholdSteps("Time lag per group")).containsExactly(lagWarning, lagCritical);
        assertThat(thresholdSteps("Saturation")).containsExactly(saturation);
        assertThat(thresholdSteps("Worst failure ratio")).containsExactly(errorRatio);
        assertThat(thresholdSteps("Deepest backlog")).containsExactly(backlog);
        assertThat(thresholdSteps("Failed and retried attempts")).containsExactly(errorRatio);
    }

    private static double constant(DeployFiles.Rules rules, String record) {
        Matcher matcher = Pattern.compile("vector\\(([0-9.]+)\\)").matcher(rules.recorded().get(record));
        assertThat(matcher.matches()).as("%s is a constant", record).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    /** Values of the panel's threshold steps after the base step. */
    private static List<Double> thresholdSteps(String title) {
        for (JsonNode panel : panels()) {
            if (panel.path("title").asText().equals(title)) {
                List<Double> values = new ArrayList<>();
                for (JsonNode step : panel.path("fieldConfig").path("defaults").path("thresholds").path("steps")) {
                    if (!step.path("value").isNull()) {
                        values.add(step.path("value").asDouble());
                    }
                }
                return values;
            }
        }
        throw new AssertionError("No panel titled " + title);
    }
}
