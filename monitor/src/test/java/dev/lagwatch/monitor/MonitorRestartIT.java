package dev.lagwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.client.event.ErrorCategory;
import dev.lagwatch.client.event.LifecycleEvent;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import dev.lagwatch.monitor.testing.FreePort;
import dev.lagwatch.monitor.metrics.Scrape;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A monitor stopped and started again with empty local state: the queue's counters and histograms
 * are restored from the store's changelog topic and continue from where they were.
 */
class MonitorRestartIT {

    /**
     * A minute ago. Events keep their own timestamps as record timestamps, so events stamped long
     * ago would be deleted by the topic's retention (7 days) at the broker's first retention check.
     */
    private static final long T0 = System.currentTimeMillis() - 60_000;

    @TempDir
    Path firstStateDirectory;

    @TempDir
    Path secondStateDirectory;

    private static MonitorConfig config(EmbeddedKafkaBroker broker, Path stateDirectory, int port) {
        return MonitorConfig.builder()
                .bootstrapServers(broker.bootstrapServers())
                .applicationId("monitor-restart-it")
                .stateDirectory(stateDirectory)
                .metricsHost("127.0.0.1")
                .metricsPort(port)
                .build();
    }

    private static void recordMessages(LifecycleRecorder recorder, int from, int to) {
        for (int i = from; i < to; i++) {
            String id = "m-" + i;
            recorder.enqueued("restart-orders", id, T0 + i);
            recorder.record(LifecycleEvent.started("restart-orders", "billing", "c-1", id, 1, T0 + i + 10,
                    LifecycleEvent.NOT_SET));
            if (i % 5 == 0) {
                recorder.record(LifecycleEvent.failed("restart-orders", "billing", "c-1", id, 1, T0 + i + 30, T0 + i,
                        LifecycleEvent.NOT_SET, T0 + i + 10, ErrorCategory.TIMEOUT, false));
            } else {
                recorder.record(LifecycleEvent.completed("restart-orders", "billing", "c-1", id, 1, T0 + i + 30,
                        T0 + i, LifecycleEvent.NOT_SET, T0 + i + 10));
            }
        }
    }

    @Test
    void countersContinueAfterRestoreFromChangelog() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
                LifecycleRecorder recorder = LifecycleRecorder.builder()
                        .bootstrapServers(broker.bootstrapServers())
                        .heartbeatInterval(Duration.ZERO)
                        .build()) {
            int firstPort = FreePort.find();
            try (Monitor first = Monitor.start(config(broker, firstStateDirectory, firstPort))) {
                assertThat(first.awaitRunning(Duration.ofSeconds(60))).isTrue();
                recordMessages(recorder, 0, 50);
                await("first monitor counts 50 messages").atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThat(Scrape.of(firstPort)
                                .value("messaging_messages_enqueued_total", "queue", "restart-orders")).isEqualTo(50));
            }

            recordMessages(recorder, 50, 80);

            // A different state directory: nothing local survives, everything comes from the changelog.
            int secondPort = FreePort.find();
            try (Monitor second = Monitor.start(config(broker, secondStateDirectory, secondPort))) {
                assertThat(second.awaitRunning(Duration.ofSeconds(60))).isTrue();
                await("second monitor continues to 80 messages").atMost(Duration.ofSeconds(60))
                        .untilAsserted(() -> assertThat(Scrape.of(secondPort)
                                .value("messaging_messages_enqueued_total", "queue", "restart-orders")).isEqualTo(80));
                Scrape scrape = Scrape.of(secondPort);
                assertThat(scrape.value("messaging_messages_processed_total", "queue", "restart-orders", "status",
                        "success")).isEqualTo(64);
                assertThat(scrape.value("messaging_messages_failed_total", "queue", "restart-orders", "error_type",
                        "TimeoutError")).isEqualTo(16);
                assertThat(scrape.value("messaging_processing_duration_seconds_count", "queue", "restart-orders"))
                        .isEqualTo(80);
                assertThat(scrape.value("messaging_queue_depth", "queue", "restart-orders")).isZero();
            }
        }
    }
}
