package dev.lagwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.client.event.LifecycleEvent;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import dev.lagwatch.monitor.testing.FreePort;
import dev.lagwatch.monitor.testing.GroupOffsets;
import dev.lagwatch.monitor.testing.JavaProcess;
import dev.lagwatch.monitor.metrics.Scrape;
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
        return byQueue(port, "messaging_messages_enqueued_total");
    }

    /** Values of a metric per queue on one instance; queues it does not export are absent. */
    private static Map<String, Double> byQueue(int port, String metric, String... labelPairs) {
        Map<String, Double> values = new HashMap<>();
        Scrape scrape;
        try {
            scrape = Scrape.of(port);
        } catch (RuntimeException e) {
            return values;
        }
        for (Scrape.Sample sample : scrape.find(metric, labelPairs)) {
            values.put(sample.labels().get("queue"), sample.value());
        }
        return values;
    }

    /** Asserts that no queue is exported by both instances, and returns the enqueued counts of both together. */
    private static Map<String, Double> together(int firstPort, int secondPort) {
        return together(firstPort, secondPort, "messaging_messages_enqueued_total");
    }

    /** Asserts that no queue is exported by both instances, and returns the metric's values of both together. */
    private static Map<String, Double> together(int firstPort, int secondPort, String metric, String... labelPairs) {
        Map<String, Double> first = byQueue(firstPort, metric, labelPairs);
        Map<String, Double> second = byQueue(secondPort, metric, labelPairs);
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

    /**
     * A second instance joins while the first has processed events it has not committed, and the first
     * is then killed before it commits again: each completion is still counted once. Lifecycle
     * consumers that reprocess uncommitted records on a rebalance have been seen to double such counts.
     */
    @Test
    void scaleOutThenCrashCountsEachCompletionOnce() throws Exception {
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
            // Commits every 30 s, or when a rebalance moves tasks, so that its latest work is still uncommitted
            // when it is killed. Its session ends 10 s after the kill instead of 45 s, and its open transaction,
            // which holds back what the survivor may read, is aborted within 30 s.
            JavaProcess first = JavaProcess.start(directory.resolve("first.log"),
                    "dev.lagwatch.monitor.cli.MonitorCommand",
                    "--bootstrap-servers", broker.bootstrapServers(), "--application-id", "monitor-scale-out-it",
                    "--state-dir", directory.resolve("first").toString(), "--metrics-host", "127.0.0.1",
                    "--metrics-port", Integer.toString(firstPort),
                    "--kafka-property", "commit.interval.ms=30000",
                    "--kafka-property", "producer.transaction.timeout.ms=30000",
                    "--kafka-property", "session.timeout.ms=10000");
            try {
                completeMessages(recorder, 0, 3);
                await("the first instance counts 3 completions per queue").atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> completedByQueue(firstPort).size() == QUEUES
                                && completedByQueue(firstPort).values().stream().allMatch(v -> v == 3));

                try (Monitor second = Monitor.start(MonitorConfig.builder()
                        .bootstrapServers(broker.bootstrapServers())
                        .applicationId("monitor-scale-out-it")
                        .stateDirectory(directory.resolve("second"))
                        .metricsHost("127.0.0.1")
                        .metricsPort(secondPort)
                        .build())) {
                    assertThat(second.awaitRunning(Duration.ofSeconds(90))).as("second instance joins").isTrue();
                    await("after the scale-out each instance exports a share, each queue at 3")
                            .atMost(Duration.ofSeconds(90))
                            .pollInterval(Duration.ofMillis(500))
                            .untilAsserted(() -> {
                                assertThat(completedByQueue(secondPort)).isNotEmpty();
                                Map<String, Double> all = together(firstPort, secondPort, COMPLETED, SUCCESS);
                                assertThat(all).hasSize(QUEUES);
                                assertThat(all.values()).allMatch(value -> value == 3);
                            });

                    completeMessages(recorder, 3, 6);
                    await("each queue at 6").atMost(Duration.ofSeconds(30))
                            .pollInterval(Duration.ofMillis(500))
                            .until(() -> together(firstPort, secondPort, COMPLETED, SUCCESS).values().stream()
                                    .filter(value -> value == 6).count() == QUEUES);
                    assertThat(GroupOffsets.uncommitted(broker.bootstrapServers(), "monitor-scale-out-it",
                            MonitorConfig.DEFAULT_EVENTS_TOPIC))
                            .as("events processed by the first instance and not committed").isPositive();
                    first.sigkill();

                    await("the survivor exports every queue at 6, not 9").atMost(Duration.ofSeconds(90))
                            .pollInterval(Duration.ofSeconds(1))
                            .untilAsserted(() -> assertThat(completedByQueue(secondPort)).hasSize(QUEUES));
                    Scrape survivor = Scrape.of(secondPort);
                    for (int i = 0; i < QUEUES; i++) {
                        assertThat(survivor.value(COMPLETED, "queue", queue(i), SUCCESS[0], SUCCESS[1]))
                                .as("completions of %s", queue(i)).isEqualTo(6);
                        assertThat(survivor.value("messaging_processing_duration_seconds_count", "queue", queue(i)))
                                .as("processing times of %s", queue(i)).isEqualTo(6);
                    }
                }
            } finally {
                first.sigkill();
            }
        }
    }

    private static final String COMPLETED = "messaging_messages_processed_total";
    private static final String[] SUCCESS = {"status", "success"};

    private static Map<String, Double> completedByQueue(int port) {
        return byQueue(port, COMPLETED, SUCCESS);
    }

    /** Records messages {@code from} to {@code to} of every queue as enqueued, started and completed. */
    private static void completeMessages(LifecycleRecorder recorder, int from, int to) {
        long now = System.currentTimeMillis();
        for (int i = 0; i < QUEUES; i++) {
            for (int m = from; m < to; m++) {
                String id = "m-" + m;
                recorder.enqueued(queue(i), id, now);
                recorder.record(LifecycleEvent.started(queue(i), "billing", "c-1", id, 1, now + 10,
                        LifecycleEvent.NOT_SET));
                recorder.record(LifecycleEvent.completed(queue(i), "billing", "c-1", id, 1, now + 30, now,
                        LifecycleEvent.NOT_SET, now + 10));
            }
        }
    }
}
