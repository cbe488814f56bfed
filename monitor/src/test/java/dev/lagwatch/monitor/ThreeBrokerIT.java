package dev.lagwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaCluster;
import dev.lagwatch.monitor.testing.FreePort;
import dev.lagwatch.monitor.testing.RecorderAccounting;
import dev.lagwatch.monitor.metrics.Scrape;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-broker cluster, every topic with three replicas, loses one broker while an application
 * records: the monitor's totals still equal what the recorder sent.
 */
class ThreeBrokerIT {

    private static final String QUEUE = "replicated-orders";

    @TempDir
    Path stateDirectory;

    @Test
    void totalsExactAfterLosingOneBroker() throws Exception {
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(3)) {
            int port = FreePort.find();
            try (Monitor monitor = Monitor.start(MonitorConfig.builder()
                    .bootstrapServers(cluster.bootstrapServers())
                    .applicationId("three-broker-it")
                    .eventsTopicPartitions(3)
                    .eventsTopicReplicationFactor((short) 3)
                    .stateDirectory(stateDirectory)
                    .metricsHost("127.0.0.1")
                    .metricsPort(port)
                    .offsetLag(false)
                    .build());
                    LifecycleRecorder recorder = LifecycleRecorder.builder()
                            .bootstrapServers(cluster.bootstrapServers())
                            .heartbeatInterval(Duration.ZERO)
                            .build()) {
                assertThat(monitor.awaitRunning(Duration.ofSeconds(90))).as("monitor reaches RUNNING").isTrue();
                for (int i = 0; i < 200; i++) {
                    recorder.enqueued(QUEUE, "before-" + i);
                }
                await("events before the loss").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                        .until(() -> Scrape.of(port).value("messaging_messages_enqueued_total", "queue", QUEUE) == 200);

                cluster.stopNode(2);
                for (int i = 0; i < 200; i++) {
                    recorder.enqueued(QUEUE, "after-" + i);
                }

                RecorderAccounting.assertEverySentEventCounted(recorder, 400, port, QUEUE);
            }
        }
    }
}
