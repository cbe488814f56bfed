package dev.lagwatch.demo.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lagwatch.demo.DemoRun;
import dev.lagwatch.demo.DemoScenario;
import dev.lagwatch.monitor.Monitor;
import dev.lagwatch.monitor.MonitorConfig;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import dev.lagwatch.monitor.testing.FreePort;
import dev.lagwatch.monitor.metrics.Scrape;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo scraped by a real Prometheus server (Debian's package, on loopback) with the shipped
 * rules loaded. Every dashboard query returns finite data, and every metric the dashboard names
 * is in the monitor's scrape. The backlogged queue's backlog alert goes pending and then firing,
 * and the healthy queue fires nothing.
 *
 * <p>The rules are loaded with their {@code for} and {@code keep_firing_for} durations shortened
 * to 20 s and evaluated every 2 s, so that the alert's whole life fits in the test; the
 * expressions and thresholds are the shipped ones. promtool's unit tests cover the real durations.
 */
class DashboardPrometheusIT {

    private static final Logger log = LoggerFactory.getLogger(DashboardPrometheusIT.class);
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The consumer group of the healthy queue, which the offset-lag alerts name. */
    private static final String HEALTHY_GROUP = "order-service";
    private static final Pattern SELECTOR = Pattern.compile("\\b([a-zA-Z_:][a-zA-Z0-9_:]*)\\{");

    @TempDir
    Path directory;

    @Test
    void dashboardAndAlertsWorkOnTheDemo() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PROMETHEUS),
                "prometheus is not installed (apt-get install prometheus); .ci/run installs it");
        int metricsPort = FreePort.find();
        int prometheusPort = FreePort.find();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
                Monitor monitor = Monitor.start(MonitorConfig.builder()
                        .bootstrapServers(broker.bootstrapServers())
                        .applicationId("dashboard-e2e")
                        .stateDirectory(directory.resolve("state"))
                        .metricsHost("127.0.0.1")
                        .metricsPort(metricsPort)
                        .offsetPollInterval(Duration.ofSeconds(5))
                        .build());
                DemoRun demo = new DemoRun(broker.bootstrapServers(), Map.of(), MonitorConfig.DEFAULT_EVENTS_TOPIC,
                        DemoScenario.queues(0));
                PrometheusServer prometheus = PrometheusServer.start(directory, prometheusPort, metricsPort)) {
            assertThat(monitor.awaitRunning(Duration.ofSeconds(60))).as("monitor reaches RUNNING").isTrue();
            await("Prometheus scrapes the monitor").atMost(Duration.ofSeconds(90)).ignoreExceptions()
                    .until(() -> values(prometheus.query("up{job=\"lagwatch\"}")).equals(List.of(1.0)));

            watchBacklogAlert(prometheus);
            assertThat(demo.ledger().queue(DemoScenario.BACKLOGGED).unfinishedCount()).as("messages waiting in %s",
                    DemoScenario.BACKLOGGED).isGreaterThan(100);

            await("offset lag of the demo's groups").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> !values(prometheus.query("kafka_consumergroup_group_max_lag_seconds")).isEmpty());
            Map<String, String> all = Map.of("cluster", ".*", "queue", ".*", "consumer_group", ".*", "group", ".*");
            Map<String, String> backlogged = Map.of("cluster", "demo", "queue", DemoScenario.BACKLOGGED,
                    "consumer_group", "mailer", "group", "mailer");
            for (Map<String, String> variables : List.of(all, backlogged)) {
                for (String expression : DashboardTest.expressions()) {
                    String query = fill(expression, variables);
                    List<Double> result = values(prometheus.query(query));
                    assertThat(result).as("result of %s", query).isNotEmpty();
                    assertThat(result).as("result of %s", query).allMatch(Double::isFinite);
                }
            }

            Set<String> scraped = new TreeSet<>();
            Scrape.of(metricsPort).samples().forEach(sample -> scraped.add(sample.name()));
            for (String expression : DashboardTest.expressions()) {
                Matcher selector = SELECTOR.matcher(expression);
                while (selector.find()) {
                    String metric = selector.group(1);
                    assertThat(metric.equals("up") || scraped.contains(metric))
                            .as("metric %s of the dashboard in the monitor's scrape", metric).isTrue();
                }
            }
        }
    }

    /**
     * Follows the alerts until LagwatchBacklogGrowing fires for the backlogged queue, having been
     * pending first, and checks that no alert fires for the healthy queue meanwhile.
     */
    private static void watchBacklogAlert(PrometheusServer prometheus) {
        List<String> backlogStates = new ArrayList<>();
        await("backlog alert of " + DemoScenario.BACKLOGGED + " fires").atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> {
                    for (JsonNode alert : prometheus.get("/api/v1/alerts").path("data").path("alerts")) {
                        JsonNode labels = alert.path("labels");
                        String state = alert.path("state").asText();
                        if (DemoScenario.HEALTHY.equals(labels.path("queue").asText())
                                || HEALTHY_GROUP.equals(labels.path("group").asText())) {
                            log.info("Alert {} is {} for the healthy queue", labels.path("alertname").asText(), state);
                            assertThat(state).as("%s for the healthy queue", labels).isNotEqualTo("firing");
                        }
                        if ("LagwatchBacklogGrowing".equals(labels.path("alertname").asText())
                                && DemoScenario.BACKLOGGED.equals(labels.path("queue").asText())
                                && (backlogStates.isEmpty() || !backlogStates.get(backlogStates.size() - 1).equals(state))) {
                            backlogStates.add(state);
                        }
                    }
                    return backlogStates.contains("firing");
                });
        assertThat(backlogStates).as("states of the backlog alert").startsWith("pending").contains("firing");
    }

    /** Fills in the dashboard's variables as Grafana does, with a 30 s rate interval. */
    private static String fill(String expression, Map<String, String> variables) {
        String filled = expression.replace("$__rate_interval", "30s");
        for (Map.Entry<String, String> variable : variables.entrySet()) {
            filled = filled.replace("$" + variable.getKey(), variable.getValue());
        }
        return filled;
    }

    private static List<Double> values(JsonNode response) {
        assertThat(response.path("status").asText()).as(response.toString()).isEqualTo("success");
        List<Double> values = new ArrayList<>();
        for (JsonNode sample : response.path("data").path("result")) {
            values.add(Double.parseDouble(sample.path("value").get(1).asText()));
        }
        return values;
    }

    /** A Prometheus server in a child process, scraping the monitor with the shipped rules. */
    private record PrometheusServer(Process process, int port) implements AutoCloseable {

        static PrometheusServer start(Path directory, int port, int metricsPort) throws IOException {
            String rules = Files.readString(PrometheusRulesTest.RULES)
                    .replaceAll("(?m)^(\\s+)(for|keep_firing_for): \\d+m$", "$1$2: 20s")
                    .replaceAll("(?m)^(\\s+)interval: 1m$", "$1interval: 2s");
            Path rulesFile = directory.resolve("lagwatch-rules.yml");
            Files.writeString(rulesFile, rules);
            Path config = directory.resolve("prometheus.yml");
            Files.writeString(config, String.join("\n",
                    "global:",
                    "  scrape_interval: 2s",
                    "  evaluation_interval: 2s",
                    "rule_files:",
                    "  - " + rulesFile,
                    "scrape_configs:",
                    "  - job_name: lagwatch",
                    "    static_configs:",
                    "      - targets: ['127.0.0.1:" + metricsPort + "']",
                    "        labels:",
                    "          cluster: demo",
                    ""));
            Process process = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + directory.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port,
                    "--log.level=warn")
                    .redirectErrorStream(true)
                    .redirectOutput(directory.resolve("prometheus.log").toFile())
                    .start();
            return new PrometheusServer(process, port);
        }

        JsonNode query(String expression) throws IOException, InterruptedException {
            return get("/api/v1/query?query=" + URLEncoder.encode(expression, StandardCharsets.UTF_8));
        }

        JsonNode get(String path) throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10))
                    .build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
