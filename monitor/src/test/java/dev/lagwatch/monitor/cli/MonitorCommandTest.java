package dev.lagwatch.monitor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwatch.monitor.MonitorConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MonitorCommandTest {

    private static int execute(ByteArrayOutputStream errors, String... args) {
        PrintStream originalErr = System.err;
        try (PrintStream captured = new PrintStream(errors, true, StandardCharsets.UTF_8)) {
            System.setErr(captured);
            CommandLine commandLine = new CommandLine(new MonitorCommand());
            commandLine.setErr(new java.io.PrintWriter(captured, true));
            return commandLine.execute(args);
        } finally {
            System.setErr(originalErr);
        }
    }

    @Test
    void invalidValuesExitWithUsageErrorBeforeConnecting() {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();

        int exitCode = execute(errors, "--bootstrap-servers", "127.0.0.1:1", "--metrics-port", "0",
                "--processing-guarantee", "maybe");

        assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
        String output = errors.toString(StandardCharsets.UTF_8);
        assertThat(output).contains("metrics port (--metrics-port) must be between 1 and 65535, got 0");
        assertThat(output).contains("processing guarantee (--processing-guarantee) must be exactly_once_v2 or at_least_once, got 'maybe'");
    }

    @Test
    void missingBootstrapServersIsReported() {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();

        int exitCode = execute(errors);

        assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains("--bootstrap-servers");
    }

    @Test
    void commandConfigAndKafkaPropertiesAreMerged(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("client.properties");
        Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n");
        MonitorCommand command = new MonitorCommand();
        new CommandLine(command).parseArgs("--bootstrap-servers", "kafka:9093", "--command-config", file.toString(),
                "--kafka-property", "sasl.mechanism=PLAIN");

        assertThat(command.toConfig().kafkaProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN");
    }

    @Test
    void publishIntervalTakesUnitSuffixes() {
        MonitorCommand command = new MonitorCommand();
        new CommandLine(command).parseArgs("--bootstrap-servers", "kafka:9092", "--publish-interval", "500ms");

        assertThat(command.toConfig().publishInterval()).isEqualTo(java.time.Duration.ofMillis(500));
    }

    @Test
    void invalidPublishIntervalNamesTheForm() {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();

        int exitCode = execute(errors, "--bootstrap-servers", "kafka:9092", "--publish-interval", "soon");

        assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains("invalid duration 'soon'");
    }

    @Test
    void unreadableCommandConfigIsAUsageError(@TempDir Path directory) {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();

        int exitCode = execute(errors, "--bootstrap-servers", "kafka:9092", "--command-config",
                directory.resolve("missing.properties").toString(), "--metrics-port", "0");

        assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains("Cannot read Kafka client properties from");
        assertThat(errors.toString(StandardCharsets.UTF_8)).as("reported with the other errors")
                .contains("metrics port (--metrics-port) must be between 1 and 65535, got 0");
    }

    @Test
    void invalidEnvironmentValueNamesVariable() {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        CommandLine commandLine = MonitorCommand.commandLine(new MonitorCommand(Map.of("LAGWATCH_MAX_QUEUES", "abc")));
        commandLine.setErr(new java.io.PrintWriter(new PrintStream(errors, true, StandardCharsets.UTF_8), true));

        int exitCode = commandLine.execute("--bootstrap-servers", "kafka:9092");

        assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(errors.toString(StandardCharsets.UTF_8))
                .contains("'abc' is not an int (the value comes from the environment variable LAGWATCH_MAX_QUEUES)");
    }

    @Test
    void environmentSetsOptionsAndKafkaSettings(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("client.properties");
        Files.writeString(file, "security.protocol=SSL\nsasl.mechanism=PLAIN\nssl.truststore.type=JKS\n");
        MonitorCommand command = new MonitorCommand(Map.of(
                "LAGWATCH_BOOTSTRAP_SERVERS", "kafka:9093",
                "LAGWATCH_MAX_QUEUES", "5000",
                "LAGWATCH_QUEUE_EXPIRY", "2h",
                "LAGWATCH_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "LAGWATCH_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "PATH", "/usr/bin"));
        MonitorCommand.commandLine(command).parseArgs("--command-config", file.toString(), "--max-queues", "7000",
                "--kafka-property", "sasl.mechanism=SCRAM-SHA-256");

        MonitorConfig config = command.toConfig();

        assertThat(config.bootstrapServers()).isEqualTo("kafka:9093");
        assertThat(config.cardinalityLimits().maxQueues()).as("the command line wins").isEqualTo(7000);
        assertThat(config.cardinalityLimits().queueExpiry()).isEqualTo(Duration.ofHours(2));
        assertThat(config.kafkaProperties())
                .containsEntry("ssl.truststore.type", "JKS")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-256");
    }

    @Test
    void unknownLagwatchNamesListedWithOtherErrors() {
        MonitorCommand command = new MonitorCommand(Map.of("LAGWATCH_MAX_QUEUE", "5000",
                "LAGWATCH_KAFKA_CLIENT_ID", "monitor-1"));
        MonitorCommand.commandLine(command).parseArgs("--bootstrap-servers", "kafka:9092", "--metrics-port", "0",
                "--kafka-property", "lagwatch.max.queues=5000");

        assertThatThrownBy(command::toConfig)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("metrics port (--metrics-port) must be between 1 and 65535, got 0")
                .hasMessageContaining("unknown environment variable(s) LAGWATCH_MAX_QUEUE. Valid ones are")
                .hasMessageContaining("LAGWATCH_MAX_GROUPS_PER_QUEUE, LAGWATCH_MAX_QUEUES, LAGWATCH_METRICS_HOST")
                .hasMessageNotContaining("LAGWATCH_KAFKA_PROPERTY")
                .hasMessageContaining("unknown Kafka client setting(s) lagwatch.max.queues")
                .hasMessageNotContaining("LAGWATCH_KAFKA_CLIENT_ID,");
    }
}
