package dev.lagwatch.monitor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwatch.client.event.LifecycleEvent;
import dev.lagwatch.monitor.metrics.MetricsServer;
import dev.lagwatch.monitor.testing.FreePort;
import dev.lagwatch.monitor.metrics.Scrape;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

class ManyQueuesExportTest {

    @Test
    void everyQueueExportedPastSdkDefaultLimit() throws Exception {
        // The OpenTelemetry SDK keeps 2,000 series per metric unless configured otherwise.
        int queues = 2_500;
        QueueSnapshots snapshots = new QueueSnapshots();
        long now = System.currentTimeMillis();
        for (int i = 0; i < queues; i++) {
            QueueState state = new QueueState();
            state.apply(LifecycleEvent.enqueued("queue-" + i, null, now), now);
            snapshots.publish(new TaskId(0, 0), QueueSnapshot.of("queue-" + i, state, now));
        }
        int port = FreePort.find();
        MetricsServer server = new MetricsServer("127.0.0.1", port, "many-queues-test", Duration.ofSeconds(15),
                snapshots, new MonitorStats(), Clock.systemUTC());
        try {
            // The first scrape creates every series; on a busy 2-core machine that has taken over 10 s.
            Scrape scrape = Scrape.of(port, Duration.ofSeconds(60));

            assertThat(scrape.find("messaging_queue_depth")).hasSize(queues);
            assertThat(scrape.samples()).noneMatch(sample -> sample.labels().containsKey("otel_metric_overflow"));
        } finally {
            server.close();
        }
    }
}
