package dev.lagwatch.demo.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lagwatch.monitor.cli.MonitorCommand;
import dev.lagwatch.monitor.testing.Promtool;
import dev.lagwatch.sim.SimulatorCommandLine;
import dev.lagwatch.sim.consumer.ConsumerSimCommand;
import dev.lagwatch.sim.producer.ProducerSimCommand;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compose stack's files agree with each other and with the programs they start. Every mounted
 * file exists, and names and ports match across compose, Prometheus and Grafana. Every option
 * given to the monitor and the simulators is one they accept. No Docker engine is needed, and
 * Debian's {@code docker-compose config} validates the file where it is installed.
 */
class ComposeTest {

    static final Path COMPOSE_DIRECTORY = Path.of("..", "compose").toAbsolutePath().normalize();
    static final Path COMPOSE_FILE = COMPOSE_DIRECTORY.resolve("compose.yaml");
    private static final Path DOCKER_COMPOSE = Path.of("/usr/bin/docker-compose");

    private static JsonNode compose;

    @BeforeAll
    static void read() throws IOException {
        compose = DeployFiles.YAML.readTree(COMPOSE_FILE.toFile());
    }

    private static JsonNode service(String name) {
        JsonNode service = compose.path("services").path(name);
        assertThat(service.isMissingNode()).as("service %s", name).isFalse();
        return service;
    }

    private static Map<String, String> environment(String service) {
        Map<String, String> environment = new LinkedHashMap<>();
        service(service).path("environment").properties()
                .forEach(entry -> environment.put(entry.getKey(), entry.getValue().asText()));
        return environment;
    }

    /** Returns the host path of the volume of {@code service} mounted at {@code target}. */
    private static Path volumeSource(String service, String target) {
        for (JsonNode volume : service(service).path("volumes")) {
            String[] parts = volume.asText().split(":");
            if (parts[1].equals(target)) {
                return COMPOSE_DIRECTORY.resolve(parts[0]).normalize();
            }
        }
        throw new AssertionError("No volume of " + service + " is mounted at " + target);
    }

    @Test
    void everyMountedFileExists() {
        for (JsonNode service : compose.path("services")) {
            for (JsonNode volume : service.path("volumes")) {
                Path source = COMPOSE_DIRECTORY.resolve(volume.asText().split(":")[0]).normalize();
                assertThat(source).as("mounted %s", volume.asText()).exists();
            }
            JsonNode build = service.path("build");
            if (!build.isMissingNode()) {
                Path context = COMPOSE_DIRECTORY.resolve(build.path("context").asText()).normalize();
                assertThat(context.resolve(build.path("dockerfile").asText())).exists();
            }
        }
    }

    @Test
    void prometheusConfigMatchesStack(@TempDir Path directory) throws Exception {
        Path prometheusConfig = volumeSource("prometheus", "/etc/prometheus/prometheus.yml");
        JsonNode config = DeployFiles.YAML.readTree(prometheusConfig.toFile());

        String rulesInContainer = config.path("rule_files").get(0).asText();
        assertThat(volumeSource("prometheus", rulesInContainer)).isEqualTo(PrometheusRulesTest.RULES);
        JsonNode job = config.path("scrape_configs").get(0);
        assertThat(job.path("job_name").asText()).as("the job the alert rules expect").isEqualTo("lagwatch");
        String target = job.path("static_configs").get(0).path("targets").get(0).asText();
        assertThat(target).isEqualTo("monitor:" + environment("monitor").get("LAGWATCH_METRICS_PORT"));
        assertThat(environment("monitor")).containsEntry("LAGWATCH_METRICS_HOST", "0.0.0.0");

        // promtool checks the configuration with the rules at their path in the repository.
        Path local = directory.resolve("prometheus.yml");
        Files.writeString(local, Files.readString(prometheusConfig).replace(rulesInContainer,
                PrometheusRulesTest.RULES.toString()));
        Promtool.Result result = Promtool.run("check", "config", local.toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void grafanaFindsPrometheusAndTheDashboard() throws Exception {
        Path datasources = volumeSource("grafana", "/etc/grafana/provisioning/datasources");
        JsonNode datasource = DeployFiles.YAML.readTree(datasources.resolve("prometheus.yml").toFile())
                .path("datasources").get(0);
        URI url = URI.create(datasource.path("url").asText());
        assertThat(url.getHost()).isEqualTo("prometheus");
        assertThat(service("prometheus").path("ports").get(0).asText()).endsWith(":" + url.getPort());
        assertThat(datasource.path("type").asText()).isEqualTo("prometheus");

        Path providers = volumeSource("grafana", "/etc/grafana/provisioning/dashboards");
        String dashboardPath = DeployFiles.YAML.readTree(providers.resolve("lagwatch.yml").toFile())
                .path("providers").get(0).path("options").path("path").asText();
        assertThat(volumeSource("grafana", dashboardPath)).isEqualTo(DashboardTest.DASHBOARD.getParent());
        String home = environment("grafana").get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        assertThat(home).isEqualTo(dashboardPath + "/" + DashboardTest.DASHBOARD.getFileName());
    }

    @Test
    void programsAcceptTheirSettings() throws IOException {
        MonitorCommand monitor = new MonitorCommand(environment("monitor"));
        MonitorCommand.commandLine(monitor).parseArgs();
        assertThat(monitor.toConfig().bootstrapServers()).isEqualTo("kafka:9092");

        ProducerSimCommand producer = new ProducerSimCommand();
        SimulatorCommandLine.create(producer, environment("producer-sim")).parseArgs();
        assertThat(producer.loads()).hasSize(2);

        for (String name : new String[] {"consumer-orders", "consumer-emails"}) {
            ConsumerSimCommand consumer = new ConsumerSimCommand();
            SimulatorCommandLine.create(consumer, environment(name)).parseArgs();
            assertThat(consumer.behaviour().concurrency()).as("concurrency of %s", name).isPositive();
        }

        for (String name : new String[] {"monitor", "producer-sim", "consumer-orders", "consumer-emails"}) {
            JsonNode service = service(name);
            String jar = service.path("command").get(0).asText();
            assertThat(Files.readAllLines(COMPOSE_DIRECTORY.resolve("Dockerfile"), StandardCharsets.UTF_8))
                    .as("%s's jar is in the image", name).anyMatch(line -> line.startsWith("COPY") && line.endsWith(jar));
        }
    }

    @Test
    void dockerComposeAcceptsTheFile() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(DOCKER_COMPOSE),
                "docker-compose is not installed (apt-get install docker-compose); .ci/run installs it");
        Process process = new ProcessBuilder(DOCKER_COMPOSE.toString(), "-f", COMPOSE_FILE.toString(), "config", "-q")
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }
}
