package dev.lagwatch.testkit;

import dev.lagwatch.client.event.ErrorCategory;
import dev.lagwatch.monitor.metrics.Scrape;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Measurements of one queue, read from the monitor's {@code /metrics}. Every reading first
 * waits until the monitor has processed every lifecycle event written before the call (see
 * {@link LagwatchExtension#awaitCaughtUp(Duration)}), so counts compare exactly with the
 * application's own. Counts are summed over the queue's consumer groups.
 */
public final class QueueMetrics {

    /** How long a reading waits for the monitor to catch up. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    private final LagwatchExtension lagwatch;
    private final String queue;

    QueueMetrics(LagwatchExtension lagwatch, String queue) {
        this.lagwatch = lagwatch;
        this.queue = queue;
    }

    /** Messages enqueued and not finished for good: waiting plus in flight. */
    public long depth() {
        return count(read(), "messaging_queue_depth");
    }

    /** Attempts started and not finished. */
    public long inFlight() {
        return count(read(), "messaging_queue_in_flight");
    }

    /** Messages enqueued. */
    public long enqueued() {
        return count(read(), "messaging_messages_enqueued_total");
    }

    /** Attempts that completed. */
    public long completed() {
        return count(read(), "messaging_messages_processed_total", "status", "success");
    }

    /** Failed attempts, retried or final. */
    public long failed() {
        return count(read(), "messaging_messages_processed_total", "status", "failure");
    }

    /** Failed attempts of {@code category}, retried or final. */
    public long failed(ErrorCategory category) {
        return count(read(), "messaging_messages_failed_total", "error_type", category.wireName());
    }

    /** Failed attempts whose message was to be delivered again. */
    public long retries() {
        return count(read(), "messaging_retries_total");
    }

    /** Consumers alive now, over every consumer group. */
    public long activeConsumers() {
        return count(read(), "messaging_active_consumers");
    }

    /** Processing time of every finished attempt. */
    public Histogram processingTime() {
        return Histogram.of(read(), "messaging_processing_duration_seconds", "queue", queue);
    }

    /** Time every finished attempt waited for a consumer. */
    public Histogram waitTime() {
        return Histogram.of(read(), "messaging_wait_time_seconds", "queue", queue);
    }

    /** Time from enqueue to the final outcome of every message finished for good. */
    public Histogram endToEndLatency() {
        return Histogram.of(read(), "messaging_end_to_end_latency_seconds", "queue", queue);
    }

    /**
     * Asserts that the queue's depth is 0 at some moment within {@code timeout}, measured after the
     * monitor processed every event written before that moment. Nothing may be in flight then,
     * and every message finished must have been enqueued: a depth of 0 from outcomes without
     * enqueued events means the producer records none, not that the queue drained.
     *
     * @throws AssertionError naming the last depth and the counts behind it
     */
    public void assertDrainsWithin(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Long> depths = new ArrayList<>();
        Scrape last = null;
        while (true) {
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            if (left.isNegative() || left.isZero()) {
                break;
            }
            try {
                lagwatch.awaitCaughtUp(left);
            } catch (AssertionError e) {
                break;
            }
            last = lagwatch.scrape();
            if (known(last)) {
                long depth = count(last, "messaging_queue_depth");
                if (depth == 0 && count(last, "messaging_queue_in_flight") == 0 && missingEnqueued(last) == 0) {
                    return;
                }
                if (depths.isEmpty() || depths.get(depths.size() - 1) != depth) {
                    depths.add(depth);
                }
            }
            pause();
        }
        if (last == null) {
            last = lagwatch.scrape();
        }
        if (!known(last)) {
            throw unknownQueue(last);
        }
        long missing = missingEnqueued(last);
        if (missing > 0) {
            throw new AssertionError(String.format(Locale.ROOT,
                    "Queue %s has %d message(s) finished for good with no enqueued event (enqueued %d, completed %d,"
                            + " failed for good %d). Check that the producer records enqueued events: the"
                            + " LagwatchProducerInterceptor in its settings, with no misspelt lagwatch. setting"
                            + " (it logs an error), or LifecycleRecorder.enqueued()",
                    quoted(), missing, count(last, "messaging_messages_enqueued_total"),
                    count(last, "messaging_messages_processed_total", "status", "success"),
                    count(last, "messaging_messages_processed_total", "status", "failure")
                            - count(last, "messaging_retries_total")));
        }
        throw new AssertionError(String.format(Locale.ROOT,
                "Queue %s did not drain to 0 within %s: depth %d (enqueued %d, completed %d, failed %d of which"
                        + " %d to be retried, in flight %d, active consumers %d). Depths seen: %s",
                quoted(), human(timeout), count(last, "messaging_queue_depth"),
                count(last, "messaging_messages_enqueued_total"),
                count(last, "messaging_messages_processed_total", "status", "success"),
                count(last, "messaging_messages_processed_total", "status", "failure"),
                count(last, "messaging_retries_total"), count(last, "messaging_queue_in_flight"),
                count(last, "messaging_active_consumers"), depths));
    }

    /**
     * Asserts that no attempt failed with any of {@code categories}, or with any category when none
     * is given.
     *
     * @throws AssertionError naming the failures by category
     */
    public void assertNoFailures(ErrorCategory... categories) {
        Scrape scrape = read();
        Map<String, Long> byCategory = new LinkedHashMap<>();
        for (ErrorCategory category : ErrorCategory.values()) {
            long failures = count(scrape, "messaging_messages_failed_total", "error_type", category.wireName());
            if (failures > 0) {
                byCategory.put(category.wireName(), failures);
            }
        }
        List<ErrorCategory> checked = categories.length == 0 ? Arrays.asList(ErrorCategory.values())
                : Arrays.asList(categories);
        long found = checked.stream().mapToLong(category -> byCategory.getOrDefault(category.wireName(), 0L)).sum();
        if (found > 0) {
            throw new AssertionError(String.format(Locale.ROOT,
                    "Queue %s has %d failed attempt(s) of %s; failed attempts by category: %s (completed %d)",
                    quoted(), found, checked.stream().map(ErrorCategory::wireName).toList(), byCategory,
                    count(scrape, "messaging_messages_processed_total", "status", "success")));
        }
    }

    /**
     * Asserts that the {@code quantile} (such as 0.95) of the queue's processing time is under
     * {@code limit}, estimated from the histogram buckets as {@code histogram_quantile()} does.
     *
     * @throws AssertionError naming the estimate and the buckets it came from
     */
    public void assertProcessingTimeBelow(double quantile, Duration limit) {
        Scrape scrape = read();
        Histogram histogram = Histogram.of(scrape, "messaging_processing_duration_seconds", "queue", queue);
        if (histogram.count() == 0) {
            throw new AssertionError("Queue " + quoted() + " has no finished attempt, so it has no processing time");
        }
        Duration estimate = histogram.quantile(quantile);
        if (estimate.compareTo(limit) >= 0) {
            throw new AssertionError(String.format(Locale.ROOT,
                    "p%s processing time of queue %s is %s, expected under %s (estimated from %d attempts: %s)",
                    percentile(quantile), quoted(), human(estimate), human(limit), histogram.count(), histogram));
        }
    }

    /**
     * Returns how many more messages finished for good (completed, or failed without retry) than
     * were enqueued. More than 0 means that the producer side records too few enqueued events.
     */
    private long missingEnqueued(Scrape scrape) {
        long finished = count(scrape, "messaging_messages_processed_total", "status", "success")
                + count(scrape, "messaging_messages_processed_total", "status", "failure")
                - count(scrape, "messaging_retries_total");
        return Math.max(0, finished - count(scrape, "messaging_messages_enqueued_total"));
    }

    /** Waits for the monitor to catch up, then scrapes it; fails when it has never seen the queue. */
    private Scrape read() {
        lagwatch.awaitCaughtUp(READ_TIMEOUT);
        Scrape scrape = lagwatch.scrape();
        if (!known(scrape)) {
            throw unknownQueue(scrape);
        }
        return scrape;
    }

    private boolean known(Scrape scrape) {
        return !scrape.find("messaging_messages_enqueued_total", "queue", queue).isEmpty();
    }

    private AssertionError unknownQueue(Scrape scrape) {
        TreeSet<String> queues = new TreeSet<>();
        scrape.find("messaging_messages_enqueued_total").forEach(sample -> queues.add(sample.labels().get("queue")));
        return new AssertionError("The lagwatch monitor has no lifecycle event of queue " + quoted()
                + "; the queues it has: " + queues + ". Check that the application records its events to "
                + lagwatch.eventsTopic() + " on " + lagwatch.bootstrapServers() + ", and that its recorders have sent their"
                + " events: closing a recorder, or a producer with the interceptor, sends what they buffer");
    }

    private long count(Scrape scrape, String name, String... labelPairs) {
        String[] pairs = Arrays.copyOf(labelPairs, labelPairs.length + 2);
        pairs[labelPairs.length] = "queue";
        pairs[labelPairs.length + 1] = queue;
        double sum = scrape.sum(name, pairs);
        return Double.isNaN(sum) ? 0 : Math.round(sum);
    }

    private String quoted() {
        return "'" + queue + "'";
    }

    private static String percentile(double quantile) {
        double percent = quantile * 100;
        return percent == Math.rint(percent) ? String.valueOf((long) percent) : String.valueOf(percent);
    }

    static String human(Duration duration) {
        if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
            return String.format(Locale.ROOT, "%.1f ms", duration.toNanos() / 1e6);
        }
        return String.format(Locale.ROOT, "%.3f s", duration.toNanos() / 1e9);
    }

    static void pause() {
        try {
            Thread.sleep(POLL_INTERVAL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for the lagwatch monitor", e);
        }
    }
}
