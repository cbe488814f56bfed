package dev.lagwatch.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lagwatch.monitor.Monitor;
import dev.lagwatch.monitor.MonitorConfig;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import dev.lagwatch.monitor.testing.FreePort;
import dev.lagwatch.monitor.testing.JavaProcess;
import dev.lagwatch.monitor.metrics.Scrape;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor and both simulators, each in its own JVM, stopped with SIGTERM as an operator or a
 * container runtime stops them. Each exits within its bound and logs what it did. Nothing is left
 * behind that a restart would count twice or miss.
 */
class GracefulShutdownIT {

    private static final String QUEUE = "shutdown-orders";
    private static final String WORKERS = "shutdown-workers";
    private static final String MONITOR_GROUP = "shutdown-monitor";
    /** The exit code of a JVM that ran its shutdown hooks after SIGTERM. */
    private static final int SIGTERM_EXIT = 128 + 15;

    @TempDir
    Path directory;

    @Test
    void everyProcessStopsCleanlyOnSigterm() throws Exception {
        Path producerLedger = directory.resolve("producer.json");
        Path consumerLedger = directory.resolve("consumer.json");
        int monitorPort = FreePort.find();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
                JavaProcess monitor = JavaProcess.start(directory.resolve("monitor.log"),
                        "dev.lagwatch.monitor.cli.MonitorCommand", "--bootstrap-servers", broker.bootstrapServers(),
                        "--application-id", MONITOR_GROUP, "--state-dir", directory.resolve("state").toString(),
                        "--metrics-host", "127.0.0.1", "--metrics-port", Integer.toString(monitorPort));
                JavaProcess producer = JavaProcess.start(directory.resolve("producer.log"),
                        "dev.lagwatch.sim.producer.ProducerSimCommand", "--bootstrap-servers",
                        broker.bootstrapServers(), "--queue", QUEUE, "--rate", "40", "--ledger",
                        producerLedger.toString());
                JavaProcess consumer = JavaProcess.start(directory.resolve("consumer.log"),
                        "dev.lagwatch.sim.consumer.ConsumerSimCommand", "--bootstrap-servers",
                        broker.bootstrapServers(), "--queue", QUEUE, "--group", WORKERS, "--processing-time",
                        "fixed:5ms", "--ledger", consumerLedger.toString())) {
            await("the monitor counts completed messages").atMost(Duration.ofSeconds(90)).ignoreExceptions()
                    .until(() -> processed(Scrape.of(monitorPort)) >= 100);

            producer.sigterm();
            assertThat(producer.awaitExit(Duration.ofSeconds(20))).as("producer-sim exit code").isEqualTo(SIGTERM_EXIT);
            assertThat(producer.output()).contains("Stopping producer-sim", "producer-sim stopped in",
                    "Ledger written to " + producerLedger);
            long enqueued = ledgerCount(producerLedger, "enqueued");

            await("the consumers finish the backlog").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> processed(Scrape.of(monitorPort)) == enqueued);
            consumer.sigterm();
            assertThat(consumer.awaitExit(Duration.ofSeconds(40))).as("consumer-sim exit code").isEqualTo(SIGTERM_EXIT);
            assertThat(consumer.output()).contains("Stopping consumer-sim", "offsets committed",
                    "consumer-sim stopped in", "Ledger written to " + consumerLedger);
            assertThat(ledgerCount(consumerLedger, "completed")).as("completed in the consumer's ledger")
                    .isEqualTo(enqueued);

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers()))) {
                assertThat(committedSum(admin, WORKERS)).as("offsets the consumers committed on the way out")
                        .isEqualTo(enqueued);

                long eventsWritten = endOffsetSum(admin, MonitorConfig.DEFAULT_EVENTS_TOPIC);
                await("the monitor reads every event").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> Scrape.of(monitorPort).value("lagwatch_events_consumed_total") == eventsWritten);
                monitor.sigterm();
                long stoppingAt = System.nanoTime();
                assertThat(monitor.awaitExit(Duration.ofSeconds(45))).as("monitor exit code").isEqualTo(SIGTERM_EXIT);
                assertThat(monitor.output()).contains("Stopping the monitor", "Monitor stopped in",
                        "every processed event is committed");
                // Leaving the group: a crashed member would still be listed until its session timeout (45 s).
                assertThat(group(admin, MONITOR_GROUP).members()).as("monitor group members after the stop").isEmpty();
                assertThat(Duration.ofNanos(System.nanoTime() - stoppingAt)).isLessThan(Duration.ofSeconds(45));
                assertThat(committedSum(admin, MONITOR_GROUP, MonitorConfig.DEFAULT_EVENTS_TOPIC))
                        .as("events the monitor committed").isEqualTo(eventsWritten);
            }

            // A monitor started afterwards, with no local state, continues from the committed totals.
            int restartedPort = FreePort.find();
            try (Monitor restarted = Monitor.start(MonitorConfig.builder()
                    .bootstrapServers(broker.bootstrapServers())
                    .applicationId(MONITOR_GROUP)
                    .stateDirectory(directory.resolve("restarted"))
                    .metricsHost("127.0.0.1")
                    .metricsPort(restartedPort)
                    .build())) {
                assertThat(restarted.awaitRunning(Duration.ofSeconds(60))).as("restarted monitor runs").isTrue();
                await("restarted monitor restores the totals").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                        .untilAsserted(() -> {
                            Scrape scrape = Scrape.of(restartedPort);
                            assertThat(scrape.value("messaging_messages_enqueued_total", "queue", QUEUE))
                                    .isEqualTo(enqueued);
                            assertThat(processed(scrape)).isEqualTo(enqueued);
                        });
            }
        }
    }

    private static double processed(Scrape scrape) {
        return scrape.value("messaging_messages_processed_total", "queue", QUEUE, "status", "success");
    }

    private static long ledgerCount(Path ledger, String field) throws Exception {
        JsonNode queue = new ObjectMapper().readTree(ledger.toFile()).path("queues").path(QUEUE);
        assertThat(queue.has(field)).as("%s in %s", field, ledger).isTrue();
        return queue.path(field).asLong();
    }

    private static ConsumerGroupDescription group(Admin admin, String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
    }

    private static long committedSum(Admin admin, String group) throws Exception {
        return committedSum(admin, group, null);
    }

    /** Sum of {@code group}'s committed offsets, on {@code topic} only unless it is null. */
    private static long committedSum(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        return offsets.entrySet().stream()
                .filter(entry -> topic == null || entry.getKey().topic().equals(topic))
                .mapToLong(entry -> entry.getValue().offset())
                .sum();
    }

    private static long endOffsetSum(Admin admin, String topic) throws Exception {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                .partitions().size();
        Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
        for (int partition = 0; partition < partitions; partition++) {
            request.put(new TopicPartition(topic, partition), OffsetSpec.latest());
        }
        return admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).values().stream()
                .mapToLong(info -> info.offset())
                .sum();
    }
}
