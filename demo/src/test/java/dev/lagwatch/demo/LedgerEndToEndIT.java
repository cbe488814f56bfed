package dev.lagwatch.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lagwatch.client.RecorderStats;
import dev.lagwatch.client.event.ErrorCategory;
import dev.lagwatch.demo.DemoScenario.QueueSpec;
import dev.lagwatch.monitor.Monitor;
import dev.lagwatch.monitor.MonitorConfig;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import dev.lagwatch.monitor.testing.FreePort;
import dev.lagwatch.monitor.testing.Scrape;
import dev.lagwatch.monitor.topology.DurationHistogram;
import dev.lagwatch.sim.QueueLedger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo scenario on a real broker, with a message limit per queue, compared line by line with
 * the simulators' ledger once the monitor is quiet. The backlogged queue still contains messages when
 * the consumers stop, so its depth is checked at a value other than zero.
 */
class LedgerEndToEndIT {

    private static final long MESSAGES_PER_QUEUE = 150;

    @TempDir
    Path stateDirectory;

    @Test
    void metricsEqualLedger() throws Exception {
        int metricsPort = FreePort.find();
        List<QueueSpec> scenario = DemoScenario.queues(MESSAGES_PER_QUEUE);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
                Monitor monitor = Monitor.start(MonitorConfig.builder()
                        .bootstrapServers(broker.bootstrapServers())
                        .applicationId("ledger-e2e")
                        .stateDirectory(stateDirectory)
                        .metricsHost("127.0.0.1")
                        .metricsPort(metricsPort)
                        .build())) {
            assertThat(monitor.awaitRunning(Duration.ofSeconds(60))).as("monitor reaches RUNNING").isTrue();

            DemoRun run = new DemoRun(broker.bootstrapServers(), Map.of(), MonitorConfig.DEFAULT_EVENTS_TOPIC,
                    scenario);
            assertThat(run.awaitProduced(Duration.ofSeconds(90))).as("producers send every message").isTrue();
            QueueLedger orders = run.ledger().queue(DemoScenario.HEALTHY);
            QueueLedger payments = run.ledger().queue(DemoScenario.FAILING);
            await("healthy and failing queues drain").atMost(Duration.ofSeconds(60))
                    .until(() -> orders.unfinishedCount() == 0 && payments.unfinishedCount() == 0);
            run.close();

            RecorderStats recorded = run.recorder().stats();
            assertThat(recorded.dropped()).as("events dropped by the recorder").isZero();
            Scrape quiet = awaitQuiet(metricsPort, recorded.sent());

            for (QueueSpec spec : scenario) {
                assertQueueMatchesLedger(quiet, spec.queue(), run.ledger().queue(spec.queue()));
            }
            assertThat(run.ledger().queue(DemoScenario.BACKLOGGED).unfinishedCount())
                    .as("the backlogged queue still holds messages").isPositive();

            // The simulators closed their consumers, and each closing heartbeat takes a consumer out at once.
            String emails = DemoScenario.BACKLOGGED;
            assertThat(quiet.value("messaging_active_consumers", "queue", emails)).as("emails consumers").isZero();
            assertThat(quiet.value("messaging_queue_status", "queue", emails, "status", "STOP"))
                    .as("messages wait and no consumer is alive").isEqualTo(1);
            assertThat(quiet.value("messaging_consumer_lag_seconds", "queue", emails)).as("emails lag").isPositive();
            assertThat(quiet.value("messaging_queue_status", "queue", DemoScenario.HEALTHY, "status", "OK"))
                    .as("drained queue").isEqualTo(1);
            assertThat(quiet.value("messaging_consumer_lag_seconds", "queue", DemoScenario.HEALTHY)).isZero();
            assertThat(quiet.value("messaging_oldest_message_age_seconds", "queue", emails)).as("emails oldest age")
                    .isPositive();
            assertThat(quiet.value("messaging_oldest_message_age_seconds", "queue", DemoScenario.HEALTHY)).isZero();
            assertThat(payments.retryCount()).as("the failing queue retried").isPositive();
        }
    }

    /** Waits until the monitor has read every event sent and two scrapes a publish interval apart agree. */
    private static Scrape awaitQuiet(int metricsPort, long eventsSent) {
        AtomicReference<Scrape> last = new AtomicReference<>(Scrape.of(metricsPort));
        await("monitor consumed every event and stopped changing").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(600))
                .until(() -> {
                    Scrape previous = last.get();
                    Scrape current = Scrape.of(metricsPort);
                    last.set(current);
                    return current.value("lagwatch_events_consumed_total") == eventsSent
                            && lifecycleSamples(current).equals(lifecycleSamples(previous));
                });
        return last.get();
    }

    /** Counters, histograms, depth and in-flight: the series that change only when events arrive. */
    private static List<Scrape.Sample> lifecycleSamples(Scrape scrape) {
        return scrape.samples().stream()
                .filter(sample -> sample.name().startsWith("messaging_"))
                .filter(sample -> sample.name().endsWith("_total") || sample.name().endsWith("_bucket")
                        || sample.name().endsWith("_count") || sample.name().endsWith("_sum")
                        || sample.name().equals("messaging_queue_depth")
                        || sample.name().equals("messaging_queue_in_flight"))
                .toList();
    }

    private static void assertQueueMatchesLedger(Scrape scrape, String queue, QueueLedger ledger) {
        assertThat(scrape.value("messaging_messages_enqueued_total", "queue", queue)).as("%s enqueued", queue)
                .isEqualTo(ledger.enqueuedCount());
        assertThat(scrape.value("messaging_queue_depth", "queue", queue)).as("%s depth", queue)
                .isEqualTo(ledger.unfinishedCount());
        assertThat(scrape.value("messaging_queue_in_flight", "queue", queue)).as("%s in flight", queue).isZero();
        assertThat(scrape.value("messaging_messages_processed_total", "queue", queue, "status", "success"))
                .as("%s completed", queue).isEqualTo(ledger.completedCount());
        assertThat(scrape.value("messaging_messages_processed_total", "queue", queue, "status", "failure"))
                .as("%s failed attempts", queue).isEqualTo(ledger.failedCount());
        for (ErrorCategory category : ErrorCategory.values()) {
            assertThat(scrape.value("messaging_messages_failed_total", "queue", queue, "error_type",
                    category.wireName())).as("%s failed with %s", queue, category.wireName())
                    .isEqualTo(ledger.failedCount(category));
        }
        assertThat(scrape.value("messaging_retries_total", "queue", queue)).as("%s retries", queue)
                .isEqualTo(ledger.retryCount());

        assertHistogramMatches(scrape, "messaging_processing_duration_seconds", queue, ledger.processingMillis());
        assertHistogramMatches(scrape, "messaging_wait_time_seconds", queue, ledger.waitMillis());
        assertHistogramMatches(scrape, "messaging_end_to_end_latency_seconds", queue, ledger.endToEndMillis());
    }

    private static void assertHistogramMatches(Scrape scrape, String histogram, String queue, long[] observedMillis) {
        assertThat(scrape.value(histogram + "_count", "queue", queue)).as("%s count of %s", histogram, queue)
                .isEqualTo(observedMillis.length);
        for (double q : new double[] {0.5, 0.95}) {
            double trueQuantileSeconds = QueueLedger.quantile(observedMillis, q) / 1000.0;
            assertThat(bucketOfQuantile(scrape, histogram, queue, q))
                    .as("%s p%d of %s: bucket upper bound, ledger's true value %.3f s", histogram, (int) (q * 100),
                            queue, trueQuantileSeconds)
                    .isEqualTo(bucketUpperBound(trueQuantileSeconds));
        }
    }

    /** Returns the upper bound of the first bucket whose cumulative count reaches {@code q} of all observations. */
    private static double bucketOfQuantile(Scrape scrape, String histogram, String queue, double q) {
        double count = scrape.value(histogram + "_count", "queue", queue);
        for (double bound : DurationHistogram.BOUNDARIES_SECONDS) {
            double cumulative = scrape.value(histogram + "_bucket", "queue", queue, "le", Double.toString(bound));
            if (cumulative >= q * count) {
                return bound;
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    private static double bucketUpperBound(double seconds) {
        long millis = Math.round(seconds * 1000);
        for (double bound : DurationHistogram.BOUNDARIES_SECONDS) {
            // Observations are whole milliseconds; a small tolerance keeps 0.001 * 1000 from missing 1.
            if (millis <= bound * 1000 + 1e-9) {
                return bound;
            }
        }
        return Double.POSITIVE_INFINITY;
    }
}
