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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A monitor killed with SIGKILL, then another started with empty local state. */
class MonitorCrashIT {

    /**
     * A minute ago. Events keep their own timestamps as record timestamps, so events stamped long
     * ago would be deleted by the topic's retention (7 days) at the broker's first retention check.
     */
    private static final long T0 = System.currentTimeMillis() - 60_000;

    @TempDir
    Path directory;

    private static void record(LifecycleRecorder recorder, int from, int to) {
        for (int i = from; i < to; i++) {
            recorder.enqueued("crash-orders", "m-" + i, T0 + i);
            recorder.record(LifecycleEvent.started("crash-orders", "billing", "c-1", "m-" + i, 1, T0 + i + 10,
                    LifecycleEvent.NOT_SET));
            recorder.record(LifecycleEvent.completed("crash-orders", "billing", "c-1", "m-" + i, 1, T0 + i + 30,
                    T0 + i, LifecycleEvent.NOT_SET, T0 + i + 10));
        }
    }

    @Test
    void countersContinueAfterSigkill() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
                LifecycleRecorder recorder = LifecycleRecorder.builder()
                        .bootstrapServers(broker.bootstrapServers())
                        .heartbeatInterval(Duration.ZERO)
                        .build()) {
            int firstPort = FreePort.find();
            JavaProcess first = JavaProcess.start(directory.resolve("first.log"),
                    "dev.lagwatch.monitor.cli.MonitorCommand",
                    "--bootstrap-servers", broker.bootstrapServers(), "--application-id", "monitor-crash-it",
                    "--state-dir", directory.resolve("first").toString(), "--metrics-host", "127.0.0.1",
                    "--metrics-port", Integer.toString(firstPort),
                    // Commits every 15 s, so that the events it counted last are not committed when it is killed.
                    "--kafka-property", "commit.interval.ms=15000",
                    "--kafka-property", "producer.transaction.timeout.ms=15000",
                    "--kafka-property", "session.timeout.ms=10000");
            Scrape beforeKill;
            try {
                record(recorder, 0, 20);
                // Both: the offsets alone read "nothing uncommitted" before the events reach the topic.
                await("first monitor counts and commits 20").atMost(Duration.ofSeconds(90)).ignoreExceptions()
                        .until(() -> Scrape.of(firstPort).value("messaging_messages_enqueued_total", "queue",
                                "crash-orders") == 20
                                && GroupOffsets.uncommitted(broker.bootstrapServers(), "monitor-crash-it",
                                        MonitorConfig.DEFAULT_EVENTS_TOPIC) == 0);
                record(recorder, 20, 50);
                await("first monitor counts 50").atMost(Duration.ofSeconds(10)).ignoreExceptions()
                        .untilAsserted(() -> assertThat(Scrape.of(firstPort)
                                .value("messaging_messages_enqueued_total", "queue", "crash-orders")).isEqualTo(50));
                beforeKill = Scrape.of(firstPort);
                assertThat(GroupOffsets.uncommitted(broker.bootstrapServers(), "monitor-crash-it",
                        MonitorConfig.DEFAULT_EVENTS_TOPIC)).as("events counted but not committed at the kill").isPositive();
            } finally {
                first.sigkill();
            }

            record(recorder, 50, 80);

            int secondPort = FreePort.find();
            try (Monitor second = Monitor.start(MonitorConfig.builder()
                    .bootstrapServers(broker.bootstrapServers())
                    .applicationId("monitor-crash-it")
                    .stateDirectory(directory.resolve("second"))
                    .metricsHost("127.0.0.1")
                    .metricsPort(secondPort)
                    .build())) {
                assertThat(second.awaitRunning(Duration.ofSeconds(120))).as("second monitor reaches RUNNING").isTrue();
                // The second monitor restores the 20 committed events. Until it has read the 30 the first one
                // counted without committing, it must not show fewer than 50.
                Scrape lastBeforeKill = beforeKill;
                List<String> dips = new ArrayList<>();
                await("second monitor reaches 80 after the dead member's session expires")
                        .atMost(Duration.ofSeconds(150))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            Scrape scrape = Scrape.of(secondPort);
                            if (!scrape.find("messaging_messages_enqueued_total", "queue", "crash-orders").isEmpty()) {
                                dips.addAll(seriesBelow(lastBeforeKill, scrape));
                            }
                            return scrape.value("messaging_messages_enqueued_total", "queue", "crash-orders") == 80;
                        });
                assertThat(dips).as("series lower than before the kill, in any scrape").isEmpty();
                Scrape scrape = Scrape.of(secondPort);
                assertThat(scrape.value("messaging_messages_processed_total", "queue", "crash-orders", "status",
                        "success")).isEqualTo(80);
                assertThat(scrape.value("messaging_processing_duration_seconds_count", "queue", "crash-orders"))
                        .isEqualTo(80);
                assertNoCumulativeSeriesWentBack(beforeKill, scrape);
            }
        }
    }

    /** Asserts that every counter and histogram series of the queue before the kill is at least as high after it. */
    private static void assertNoCumulativeSeriesWentBack(Scrape before, Scrape after) {
        assertThat(seriesBelow(before, after)).as("series lower than before the kill").isEmpty();
    }

    /** Returns the counter and histogram series of the queue that are lower, or missing, in {@code after}. */
    private static List<String> seriesBelow(Scrape before, Scrape after) {
        List<Scrape.Sample> cumulative = before.samples().stream()
                .filter(sample -> sample.has("queue", "crash-orders"))
                .filter(sample -> sample.name().endsWith("_total") || sample.name().endsWith("_bucket")
                        || sample.name().endsWith("_count") || sample.name().endsWith("_sum"))
                .toList();
        assertThat(cumulative).as("cumulative series before the kill").hasSizeGreaterThan(10);
        List<String> below = new ArrayList<>();
        for (Scrape.Sample sample : cumulative) {
            List<Scrape.Sample> later = after.find(sample.name()).stream()
                    .filter(candidate -> candidate.labels().equals(sample.labels()))
                    .toList();
            if (later.size() != 1 || later.get(0).value() < sample.value()) {
                below.add(sample.name() + sample.labels() + " " + sample.value() + " -> "
                        + (later.isEmpty() ? "missing" : later.get(0).value()));
            }
        }
        return below;
    }
}
