package dev.lagwatch.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwatch.client.event.ErrorCategory;
import dev.lagwatch.monitor.metrics.Scrape;
import dev.lagwatch.monitor.topology.DurationHistogram;
import dev.lagwatch.sim.QueueLedger;
import java.util.List;

/** Comparison of a monitor's scrape with the simulators' ledger, the ground truth of a run. */
final class LedgerComparison {

    private LedgerComparison() {
    }

    /** Counters, histograms, depth and in-flight: the series that change only when events arrive. */
    static List<Scrape.Sample> lifecycleSamples(Scrape scrape) {
        return scrape.samples().stream()
                .filter(sample -> sample.name().startsWith("messaging_"))
                .filter(sample -> sample.name().endsWith("_total") || sample.name().endsWith("_bucket")
                        || sample.name().endsWith("_count") || sample.name().endsWith("_sum")
                        || sample.name().equals("messaging_queue_depth")
                        || sample.name().equals("messaging_queue_in_flight"))
                .toList();
    }

    /**
     * Asserts that the queue's counters and histograms equal the ledger's: counts exactly, and the
     * p50 and p95 of each histogram in the bucket of the ledger's true value. Depth and in-flight
     * are left to the caller, because what they should be depends on how the run ended.
     */
    static void assertCountsMatch(Scrape scrape, String queue, QueueLedger ledger) {
        assertThat(scrape.value("messaging_messages_enqueued_total", "queue", queue)).as("%s enqueued", queue)
                .isEqualTo(ledger.enqueuedCount());
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
