package dev.lagwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import dev.lagwatch.monitor.testing.FreePort;
import dev.lagwatch.monitor.testing.JavaProcess;
import dev.lagwatch.monitor.testing.Scrape;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two monitor instances share the events topic, and one of them is killed with SIGKILL: the other
 * takes its queues over, and at no scrape is a queue exported by both.
 */
class MonitorFailoverIT {

    private static final int QUEUES = 8;

    @TempDir
    Path directory;

    private static String queue(int index) {
        return "failover-" + index;
    }

    /** Enqueued count per queue on one instance; queues it does not export are absent. */
    private static Map<String, Double> enqueuedByQueue(int port) {
        Map<String, Double> counts = new HashMap<>();
        Scrape scrape;
        try {
            scrape = Scrape.of(port);
        } catch (RuntimeException e) {
            return counts;
        }
        for (Scrape.Sample sample : scrape.find("messaging_messages_enqueued_total")) {
            counts.put(sample.labels().get("queue"), sample.value());
        }
        return counts;
    }

    /** Asserts that no queue is exported by both instances, and returns the enqueued counts of both together. */
    private static Map<String, Double> together(int firstPort, int secondPort) {
        Map<String, Double> first = enqueuedByQueue(firstPort);
        Map<String, Double> second = enqueuedByQueue(secondPort);
        assertThat(first.keySet()).as("queues exported by both instances").doesNotContainAnyElementsOf(second.keySet());
        Map<String, Double> all = new HashMap<>(first);
        all.putAll(second);
        return all;
    }

    @Test
    void survivorTakesOverTheKilledInstancesQueues() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
                LifecycleRecorder recorder = LifecycleRecorder.builder()
                        .bootstrapServers(broker.bootstrapServers())
                        .heartbeatInterval(Duration.ZERO)
                        .build()) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(MonitorConfig.DEFAULT_EVENTS_TOPIC, 4, (short) 1)))
                        .all().get(30, TimeUnit.SECONDS);
            }
            int firstPort = FreePort.find();
            int secondPort = FreePort.find();
            JavaProcess first = JavaProcess.start(directory.resolve("first.log"),
                    "dev.lagwatch.monitor.cli.MonitorCommand",
                    "--bootstrap-servers", broker.bootstrapServers(), "--application-id", "monitor-failover-it",
                    "--state-dir", directory.resolve("first").toString(), "--metrics-host", "127.0.0.1",
                    "--metrics-port", Integer.toString(firstPort));
            try (Monitor second = Monitor.start(MonitorConfig.builder()
                    .bootstrapServers(broker.bootstrapServers())
                    .applicationId("monitor-failover-it")
                    .stateDirectory(directory.resolve("second"))
                    .metricsHost("127.0.0.1")
                    .metricsPort(secondPort)
                    .build())) {
                assertThat(second.awaitRunning(Duration.ofSeconds(60))).as("second monitor reaches RUNNING").isTrue();
                for (int i = 0; i < QUEUES; i++) {
                    for (int m = 0; m < 10; m++) {
                        recorder.enqueued(queue(i), "m-" + m);
                    }
                }
                await("both instances export a share of the queues").atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> !enqueuedByQueue(firstPort).isEmpty() && !enqueuedByQueue(secondPort).isEmpty()
                                && together(firstPort, secondPort).size() == QUEUES
                                && together(firstPort, secondPort).values().stream().allMatch(v -> v == 10));

                first.sigkill();
                for (int i = 0; i < QUEUES; i++) {
                    for (int m = 10; m < 15; m++) {
                        recorder.enqueued(queue(i), "m-" + m);
                    }
                }

                // The dead member's session times out after 45 s; its queues then move to the survivor.
                await("the survivor exports every queue with every event").atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(() -> {
                            Map<String, Double> survivor = enqueuedByQueue(secondPort);
                            assertThat(survivor).hasSize(QUEUES);
                            assertThat(survivor.values()).allMatch(value -> value == 15);
                        });
            } finally {
                first.sigkill();
            }
        }
    }
}
