package dev.lagwatch.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lagwatch.client.ClientProperties;
import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.monitor.Monitor;
import dev.lagwatch.monitor.MonitorConfig;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker.Listener;
import dev.lagwatch.monitor.testing.FreePort;
import dev.lagwatch.monitor.testing.JavaProcess;
import dev.lagwatch.monitor.metrics.Scrape;
import dev.lagwatch.monitor.testing.TestCertificates;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor, the simulators and the client library against a broker that authenticates with
 * SCRAM-SHA-512 over TLS (SASL_SSL) and one that requires client certificates (mutual TLS), with
 * certificates the test creates. With the right settings everything is counted; with a wrong
 * password each process exits with one message naming the failure. No secret reaches a log or
 * {@code /metrics}.
 */
class SecureClusterIT {

    private static final String USER = "lagwatch-user";
    private static final String PLAIN_USER = "plain-user";
    private static final String PASSWORD = "scram-" + UUID.randomUUID();
    private static final String WRONG_PASSWORD = "wrong-" + UUID.randomUUID();
    private static final String QUEUE = "secure-orders";
    private static final int MESSAGES = 40;

    @TempDir
    static Path directory;

    private static TestCertificates certificates;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        certificates = TestCertificates.create(directory);
        Map<String, String> overrides = new HashMap<>(certificates.brokerSettings());
        overrides.put("sasl.enabled.mechanisms", "SCRAM-SHA-512,PLAIN");
        overrides.put("listener.name.secure.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        overrides.put("listener.name.secure.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required user_" + PLAIN_USER + "=\""
                        + PASSWORD + "\";");
        overrides.put("listener.name.mtls.ssl.client.auth", "required");
        broker = EmbeddedKafkaBroker.start(overrides,
                List.of(new Listener("SECURE", "SASL_SSL"), new Listener("MTLS", "SSL")));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(USER,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), PASSWORD)))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static Map<String, String> scramSettings(String password) {
        Map<String, String> settings = new HashMap<>(certificates.trustSettings());
        settings.put("security.protocol", "SASL_SSL");
        settings.put("sasl.mechanism", "SCRAM-SHA-512");
        settings.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"" + USER + "\" password=\"" + password + "\";");
        return settings;
    }

    private static Map<String, String> plainSettings() {
        Map<String, String> settings = new HashMap<>(certificates.trustSettings());
        settings.put("security.protocol", "SASL_SSL");
        settings.put("sasl.mechanism", "PLAIN");
        settings.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"" + PLAIN_USER + "\" password=\"" + PASSWORD + "\";");
        return settings;
    }

    private static Path propertiesFile(String name, Map<String, String> settings) throws IOException {
        Properties properties = new Properties();
        properties.putAll(settings);
        Path file = directory.resolve(name);
        try (Writer writer = Files.newBufferedWriter(file)) {
            properties.store(writer, null);
        }
        return file;
    }

    /** Converts Kafka settings to the {@code LAGWATCH_KAFKA_*} environment variables that set them. */
    private static Map<String, String> environment(Map<String, String> settings) {
        Map<String, String> environment = new HashMap<>();
        settings.forEach((key, value) -> environment.put(ClientProperties.ENVIRONMENT_PREFIX
                + key.toUpperCase(Locale.ROOT).replace('.', '_'), value));
        return environment;
    }

    @Test
    void componentsWorkOverSaslSslAndMtls() throws Exception {
        String secure = broker.bootstrapServers("SECURE");
        Path settingsFile = propertiesFile("secure.properties", scramSettings(PASSWORD));
        Path producerLedger = directory.resolve("producer.json");
        int port = FreePort.find();
        try (JavaProcess monitor = JavaProcess.start(directory.resolve("monitor.log"),
                        "dev.lagwatch.monitor.cli.MonitorCommand", "--bootstrap-servers", secure,
                        "--command-config", settingsFile.toString(), "--application-id", "secure-monitor",
                        "--state-dir", directory.resolve("state").toString(), "--metrics-host", "127.0.0.1",
                        "--metrics-port", Integer.toString(port));
                JavaProcess producer = JavaProcess.start(directory.resolve("producer.log"),
                        "dev.lagwatch.sim.producer.ProducerSimCommand", "--bootstrap-servers", secure,
                        "--command-config", settingsFile.toString(), "--queue", QUEUE, "--rate", "20",
                        "--count", Integer.toString(MESSAGES), "--ledger", producerLedger.toString());
                JavaProcess consumer = JavaProcess.start("512m", environment(scramSettings(PASSWORD)),
                        directory.resolve("consumer.log"), "dev.lagwatch.sim.consumer.ConsumerSimCommand",
                        "--bootstrap-servers", secure, "--queue", QUEUE, "--group", "secure-workers",
                        "--processing-time", "fixed:5ms")) {
            assertThat(producer.awaitExit(Duration.ofSeconds(90))).as("producer-sim exit code").isZero();
            long enqueued = new ObjectMapper().readTree(producerLedger.toFile()).path("queues").path(QUEUE)
                    .path("enqueued").asLong();
            assertThat(enqueued).isEqualTo(MESSAGES);

            // The client library itself, over SASL_SSL with SCRAM and with PLAIN, and over mutual TLS.
            recordWith(secure, scramSettings(PASSWORD), "secure-direct", 7);
            recordWith(secure, plainSettings(), "plain-direct", 3);
            recordWith(broker.bootstrapServers("MTLS"), certificates.mutualTlsSettings(), "mtls-direct", 5);

            await("the monitor counts what was sent").atMost(Duration.ofSeconds(120)).ignoreExceptions()
                    .untilAsserted(() -> {
                        Scrape scrape = Scrape.of(port);
                        assertThat(scrape.value("messaging_messages_enqueued_total", "queue", QUEUE)).isEqualTo(enqueued);
                        assertThat(scrape.value("messaging_messages_processed_total", "queue", QUEUE,
                                "status", "success")).isEqualTo(enqueued);
                        assertThat(scrape.value("messaging_messages_enqueued_total", "queue", "secure-direct"))
                                .isEqualTo(7);
                        assertThat(scrape.value("messaging_messages_enqueued_total", "queue", "plain-direct"))
                                .isEqualTo(3);
                        assertThat(scrape.value("messaging_messages_enqueued_total", "queue", "mtls-direct"))
                                .isEqualTo(5);
                        assertThat(scrape.value("kafka_consumergroup_group_lag", "group", "secure-workers",
                                "topic", QUEUE, "partition", "0")).isZero();
                    });

            // A second monitor, authenticated by its client certificate, counts the same events.
            int mtlsPort = FreePort.find();
            try (Monitor mtlsMonitor = Monitor.start(MonitorConfig.builder()
                    .bootstrapServers(broker.bootstrapServers("MTLS"))
                    .kafkaProperties(certificates.mutualTlsSettings())
                    .applicationId("mtls-monitor")
                    .stateDirectory(directory.resolve("mtls-state"))
                    .metricsHost("127.0.0.1")
                    .metricsPort(mtlsPort)
                    .build())) {
                assertThat(mtlsMonitor.awaitRunning(Duration.ofSeconds(60))).as("mutual TLS monitor runs").isTrue();
                await("the mutual TLS monitor counts what was sent").atMost(Duration.ofSeconds(120)).ignoreExceptions()
                        .untilAsserted(() -> {
                            Scrape scrape = Scrape.of(mtlsPort);
                            assertThat(scrape.value("messaging_messages_enqueued_total", "queue", QUEUE))
                                    .isEqualTo(enqueued);
                            assertThat(scrape.value("messaging_messages_enqueued_total", "queue", "mtls-direct"))
                                    .isEqualTo(5);
                        });
            }

            String metrics = Scrape.of(port).text();
            for (String output : List.of(monitor.output(), producer.output(), consumer.output(), metrics)) {
                assertThat(output).doesNotContain(PASSWORD).doesNotContain(certificates.password());
            }
        }
    }

    private static void recordWith(String bootstrapServers, Map<String, String> settings, String queue, int count) {
        LifecycleRecorder recorder = LifecycleRecorder.builder()
                .bootstrapServers(bootstrapServers)
                .producerProperties(settings)
                .heartbeatInterval(Duration.ZERO)
                .closeTimeout(Duration.ofSeconds(30))
                .build();
        for (int i = 0; i < count; i++) {
            recorder.enqueued(queue, "m-" + i);
        }
        recorder.close();
        assertThat(recorder.stats().sent()).as("events sent to %s", queue).isEqualTo(count);
    }

    @Test
    void wrongPasswordStopsEachProcess() throws Exception {
        String secure = broker.bootstrapServers("SECURE");
        Path wrong = propertiesFile("wrong.properties", scramSettings(WRONG_PASSWORD));
        List<JavaProcess> processes = List.of(
                JavaProcess.start(directory.resolve("wrong-monitor.log"), "dev.lagwatch.monitor.cli.MonitorCommand",
                        "--bootstrap-servers", secure, "--command-config", wrong.toString(),
                        "--application-id", "wrong-monitor", "--state-dir", directory.resolve("wrong-state").toString(),
                        "--metrics-host", "127.0.0.1", "--metrics-port", Integer.toString(FreePort.find())),
                JavaProcess.start(directory.resolve("wrong-producer.log"), "dev.lagwatch.sim.producer.ProducerSimCommand",
                        "--bootstrap-servers", secure, "--command-config", wrong.toString(), "--queue", QUEUE,
                        "--count", "5"),
                JavaProcess.start("512m", environment(scramSettings(WRONG_PASSWORD)),
                        directory.resolve("wrong-consumer.log"), "dev.lagwatch.sim.consumer.ConsumerSimCommand",
                        "--bootstrap-servers", secure, "--queue", QUEUE, "--group", "wrong-workers"));
        try {
            for (JavaProcess process : processes) {
                int exitCode = process.awaitExit(Duration.ofSeconds(60));
                String output = process.output();
                assertThat(exitCode).as("exit code; output:%n%s", output).isEqualTo(1);
                assertThat(output.lines().filter(line -> line.contains("Authentication with Kafka at " + secure
                        + " failed: Authentication failed during authentication due to invalid credentials with SASL"
                        + " mechanism SCRAM-SHA-512. Check")).count()).as("lagwatch's message in%n%s", output).isOne();
                assertThat(output)
                        .doesNotContain(WRONG_PASSWORD)
                        .doesNotContain(certificates.password());
                assertThat(output.lines().filter(line -> line.startsWith("\tat ")).count())
                        .as("stack trace lines in%n%s", output).isZero();
            }
        } finally {
            processes.forEach(JavaProcess::close);
        }

        // The client library drops and counts what it cannot send, and never throws.
        LifecycleRecorder recorder = LifecycleRecorder.builder()
                .bootstrapServers(secure)
                .producerProperties(scramSettings(WRONG_PASSWORD))
                .heartbeatInterval(Duration.ZERO)
                .closeTimeout(Duration.ofSeconds(10))
                .build();
        for (int i = 0; i < 3; i++) {
            recorder.enqueued(QUEUE, "m-" + i);
        }
        recorder.close();
        assertThat(recorder.stats().recorded()).isEqualTo(3);
        assertThat(recorder.stats().sent()).isZero();
        assertThat(recorder.stats().droppedByReason().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(3);
    }

    /**
     * A SASL mechanism the brokers do not enable, and SASL without TLS against the TLS listener:
     * the monitor names the first at once, and the second after its 30 s bound.
     */
    @Test
    void mechanismOrTlsMismatchNamed() throws Exception {
        String secure = broker.bootstrapServers("SECURE");
        Map<String, String> wrongMechanism = new HashMap<>(scramSettings(PASSWORD));
        wrongMechanism.put("sasl.mechanism", "SCRAM-SHA-256");
        Map<String, String> noTls = new HashMap<>(scramSettings(PASSWORD));
        noTls.put("security.protocol", "SASL_PLAINTEXT");
        try (JavaProcess mechanism = startMonitor("mechanism", secure, wrongMechanism);
                JavaProcess plaintext = startMonitor("plaintext", secure, noTls)) {
            assertThat(mechanism.awaitExit(Duration.ofSeconds(60))).isNotZero();
            assertThat(mechanism.output()).contains("Monitor failed to start: Authentication with Kafka at " + secure
                    + " failed: Client SASL mechanism 'SCRAM-SHA-256' not enabled in the server, enabled mechanisms are"
                    + " [SCRAM-SHA-512, PLAIN]");
            assertThat(plaintext.awaitExit(Duration.ofSeconds(90))).isNotZero();
            assertThat(plaintext.output()).contains("Monitor failed to start: Kafka at " + secure
                    + " did not respond within 30 s. Check --bootstrap-servers, and that security.protocol matches"
                    + " the listener");
            for (JavaProcess process : List.of(mechanism, plaintext)) {
                assertThat(process.output()).doesNotContain(PASSWORD);
            }
        }
    }

    /** SASL without its JAAS settings: Kafka cannot even create a client, and one line gives the reason. */
    @Test
    void missingJaasSettingsNamedWithoutStackTrace() throws Exception {
        String secure = broker.bootstrapServers("SECURE");
        Map<String, String> noJaas = new HashMap<>(scramSettings(PASSWORD));
        noJaas.remove("sasl.jaas.config");
        Path settings = propertiesFile("no-jaas.properties", noJaas);
        try (JavaProcess monitor = startMonitor("no-jaas", secure, noJaas);
                JavaProcess producer = JavaProcess.start(directory.resolve("no-jaas-producer.log"),
                        "dev.lagwatch.sim.producer.ProducerSimCommand", "--bootstrap-servers", secure,
                        "--command-config", settings.toString(), "--queue", QUEUE, "--count", "5")) {
            for (JavaProcess process : List.of(monitor, producer)) {
                assertThat(process.awaitExit(Duration.ofSeconds(60))).as(process.output()).isEqualTo(1);
                String output = process.output();
                assertThat(output).contains("Cannot create the Kafka")
                        .contains("Could not find a 'KafkaClient' entry in the JAAS configuration");
                assertThat(output.lines().filter(line -> line.startsWith("\tat ")).count())
                        .as("stack trace lines in%n%s", output).isZero();
            }
        }
    }

    private JavaProcess startMonitor(String name, String bootstrapServers, Map<String, String> settings)
            throws IOException {
        return JavaProcess.start(directory.resolve(name + ".log"), "dev.lagwatch.monitor.cli.MonitorCommand",
                "--bootstrap-servers", bootstrapServers, "--command-config",
                propertiesFile(name + ".properties", settings).toString(), "--application-id", name + "-monitor",
                "--state-dir", directory.resolve(name + "-state").toString(), "--metrics-host", "127.0.0.1",
                "--metrics-port", Integer.toString(FreePort.find()));
    }
}
