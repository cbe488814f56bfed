package dev.lagwatch.sim;

import dev.lagwatch.client.event.ErrorCategory;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * Record of what the simulators did to one queue: counts by outcome and category, and every duration they
 * measured, in the milliseconds they also sent in the lifecycle events. Thread-safe.
 */
public final class QueueLedger {

    private long enqueued;
    private long started;
    private long completed;
    private long retries;
    private long finalFailures;
    private final EnumMap<ErrorCategory, Long> failedByCategory = new EnumMap<>(ErrorCategory.class);
    private final LongList processingMillis = new LongList();
    private final LongList waitMillis = new LongList();
    private final LongList endToEndMillis = new LongList();
    /** Enqueue time of each message not finished for good, by message id; only messages enqueued here. */
    private final Map<String, Long> unfinishedEnqueuedAt = new java.util.HashMap<>();

    QueueLedger() {
        for (ErrorCategory category : ErrorCategory.values()) {
            failedByCategory.put(category, 0L);
        }
    }

    /** Counts a message the broker acknowledged, enqueued at {@code enqueuedAt}. */
    public synchronized void enqueued(String messageId, long enqueuedAt) {
        enqueued++;
        unfinishedEnqueuedAt.put(messageId, enqueuedAt);
    }

    /** Marks a message as finished for good: completed, or failed without retry. */
    public synchronized void finished(String messageId) {
        unfinishedEnqueuedAt.remove(messageId);
    }

    /**
     * Enqueue time of the oldest message this ledger saw enqueued and not finished, or -1 when
     * there is none. Producer and consumer must share the ledger for this to be meaningful.
     */
    public synchronized long oldestUnfinishedEnqueuedAt() {
        return unfinishedEnqueuedAt.values().stream().mapToLong(Long::longValue).min().orElse(-1);
    }

    public synchronized void started() {
        started++;
    }

    public synchronized void completed(long processing, long wait, long endToEnd) {
        completed++;
        processingMillis.add(processing);
        waitMillis.add(wait);
        endToEndMillis.add(endToEnd);
    }

    /** Counts a failed attempt. {@code endToEnd} is ignored unless the failure is final. */
    public synchronized void failed(ErrorCategory category, boolean retry, long processing, long wait, long endToEnd) {
        failedByCategory.merge(category, 1L, Long::sum);
        processingMillis.add(processing);
        waitMillis.add(wait);
        if (retry) {
            retries++;
        } else {
            finalFailures++;
            endToEndMillis.add(endToEnd);
        }
    }

    public synchronized long enqueuedCount() {
        return enqueued;
    }

    public synchronized long startedCount() {
        return started;
    }

    public synchronized long completedCount() {
        return completed;
    }

    public synchronized long retryCount() {
        return retries;
    }

    public synchronized long finalFailureCount() {
        return finalFailures;
    }

    /** Failed attempts, retried or final. */
    public synchronized long failedCount() {
        return failedByCategory.values().stream().mapToLong(Long::longValue).sum();
    }

    public synchronized long failedCount(ErrorCategory category) {
        return failedByCategory.get(category);
    }

    /** Messages enqueued and not yet completed or failed for good. */
    public synchronized long unfinishedCount() {
        return enqueued - completed - finalFailures;
    }

    public synchronized long[] processingMillis() {
        return processingMillis.toArray();
    }

    public synchronized long[] waitMillis() {
        return waitMillis.toArray();
    }

    public synchronized long[] endToEndMillis() {
        return endToEndMillis.toArray();
    }

    synchronized Map<String, Object> toReport() {
        Map<String, Long> failed = new java.util.LinkedHashMap<>();
        failedByCategory.forEach((category, count) -> failed.put(category.wireName(), count));
        Map<String, Object> report = new java.util.LinkedHashMap<>();
        report.put("enqueued", enqueued);
        report.put("started", started);
        report.put("completed", completed);
        report.put("failed", failed);
        report.put("retries", retries);
        report.put("final_failures", finalFailures);
        report.put("processing_ms", processingMillis.toArray());
        report.put("wait_ms", waitMillis.toArray());
        report.put("end_to_end_ms", endToEndMillis.toArray());
        return report;
    }

    /**
     * Returns the nearest-rank quantile of {@code values}: the smallest value with at least
     * {@code q * n} values at or below it. Returns {@code -1} for no values.
     */
    public static long quantile(long[] values, double q) {
        if (values.length == 0) {
            return -1;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    /** A growable array of longs, to keep millions of durations without boxing. */
    private static final class LongList {
        private long[] values = new long[256];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
