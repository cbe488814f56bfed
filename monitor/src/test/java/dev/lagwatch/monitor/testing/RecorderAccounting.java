package dev.lagwatch.monitor.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.client.RecorderStats;
import dev.lagwatch.monitor.metrics.Scrape;
import java.time.Duration;

/** Checks, after a fault, that a recorder accounted for every event and the monitor counted every one sent. */
public final class RecorderAccounting {

    private RecorderAccounting() {
    }

    /**
     * Waits until {@code recorder} has sent or dropped all {@code recorded} events, then until the
     * monitor on {@code port} counts as many enqueued events on {@code queue} as were sent, and
     * asserts that none was dropped.
     */
    public static void assertEverySentEventCounted(LifecycleRecorder recorder, long recorded, int port, String queue) {
        await("the recorder sends or drops everything").atMost(Duration.ofSeconds(150))
                .until(() -> recorder.stats().pending() == 0);
        RecorderStats stats = recorder.stats();
        assertThat(stats.recorded()).as("events recorded").isEqualTo(recorded);
        assertThat(stats.sent() + stats.dropped()).as("sent + dropped").isEqualTo(stats.recorded());
        await("the monitor counts every event sent").atMost(Duration.ofSeconds(120)).ignoreExceptions()
                .untilAsserted(() -> assertThat(Scrape.of(port)
                        .value("messaging_messages_enqueued_total", "queue", queue)).isEqualTo(stats.sent()));
        assertThat(stats.dropped()).as("events dropped").isZero();
    }
}
