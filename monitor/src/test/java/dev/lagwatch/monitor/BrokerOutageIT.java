package dev.lagwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import dev.lagwatch.monitor.testing.FreePort;
import dev.lagwatch.monitor.testing.RecorderAccounting;
import dev.lagwatch.monitor.metrics.Scrape;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The only broker stops for 30 seconds while an application keeps recording, then comes back: the
 * recorder never blocks, buffers and resends, and the monitor resumes on its own and counts every
 * event the recorder did not count as dropped.
 */
class BrokerOutageIT {

    private static final String QUEUE = "outage-orders";
    private static final Duration OUTAGE = Duration.ofSeconds(30);

    @TempDir
    Path stateDirectory;

    private static double enqueued(int port) {
        return Scrape.of(port).value("messaging_messages_enqueued_total", "queue", QUEUE);
    }

    @Test
    void monitorAndRecorderRideOutABrokerOutage() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            int port = FreePort.find();
            try (Monitor monitor = Monitor.start(MonitorConfig.builder()
                    .bootstrapServers(broker.bootstrapServers())
                    .applicationId("broker-outage-it")
                    .eventsTopicPartitions(2)
                    .stateDirectory(stateDirectory)
                    .metricsHost("127.0.0.1")
                    .metricsPort(port)
                    .offsetLag(false)
                    .build());
                    LifecycleRecorder recorder = LifecycleRecorder.builder()
                            .bootstrapServers(broker.bootstrapServers())
                            .heartbeatInterval(Duration.ZERO)
                            .build()) {
                assertThat(monitor.awaitRunning(Duration.ofSeconds(60))).as("monitor reaches RUNNING").isTrue();
                for (int i = 0; i < 100; i++) {
                    recorder.enqueued(QUEUE, "before-" + i);
                }
                await("100 events before the outage").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> enqueued(port) == 100);

                broker.stop();
                long outageEnds = System.nanoTime() + OUTAGE.toNanos();
                long slowestCallNanos = 0;
                int during = 0;
                while (System.nanoTime() < outageEnds) {
                    for (int i = 0; i < 10; i++) {
                        long start = System.nanoTime();
                        recorder.enqueued(QUEUE, "during-" + during++);
                        slowestCallNanos = Math.max(slowestCallNanos, System.nanoTime() - start);
                    }
                    await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
                }
                broker.restart();
                for (int i = 0; i < 100; i++) {
                    recorder.enqueued(QUEUE, "after-" + i);
                }

                assertThat(Duration.ofNanos(slowestCallNanos)).as("slowest record call during the outage")
                        .isLessThan(Duration.ofMillis(100));
                // The outage's events fit in the recorder's buffer, so none has to be dropped.
                RecorderAccounting.assertEverySentEventCounted(recorder, 200 + during, port, QUEUE);
            }
        }
    }
}
