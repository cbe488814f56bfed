package dev.lagwatch.monitor.topology;

import java.util.Arrays;
import java.util.List;

/**
 * Cumulative histogram of durations in whole milliseconds with fixed boundaries in seconds, kept
 * in state stores so that its counts survive restarts. Counts are per bucket (not cumulative);
 * bucket {@code i} holds observations {@code <= BOUNDARIES_SECONDS[i]} and above the previous
 * boundary, the last bucket everything above the largest boundary.
 */
public final class DurationHistogram {

    /**
     * Upper bounds in seconds, from 1 ms to 10 minutes. They include the thresholds the shipped
     * alert rules use (1 s, 5 s, 30 s, 60 s, 300 s) so that those quantiles are exact at the edges.
     */
    public static final List<Double> BOUNDARIES_SECONDS = List.of(
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0,
            300.0, 600.0);

    public static final int BUCKETS = BOUNDARIES_SECONDS.size() + 1;

    private static final double[] BOUNDARIES_MILLIS = BOUNDARIES_SECONDS.stream()
            .mapToDouble(seconds -> seconds * 1000.0)
            .toArray();

    private final long[] counts;
    private long sumMillis;

    public DurationHistogram() {
        this(new long[BUCKETS], 0);
    }

    DurationHistogram(long[] counts, long sumMillis) {
        if (counts.length != BUCKETS) {
            throw new IllegalArgumentException("expected " + BUCKETS + " bucket counts, got " + counts.length);
        }
        this.counts = counts;
        this.sumMillis = sumMillis;
    }

    /** Adds one observation; negative durations count as 0. */
    public void record(long millis) {
        long value = Math.max(0, millis);
        counts[bucketIndex(value)]++;
        sumMillis += value;
    }

    static int bucketIndex(long millis) {
        // Linear search: 19 buckets, and most observations fall in the first few.
        for (int i = 0; i < BOUNDARIES_MILLIS.length; i++) {
            if (millis <= BOUNDARIES_MILLIS[i]) {
                return i;
            }
        }
        return BOUNDARIES_MILLIS.length;
    }

    public long count() {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        return total;
    }

    public long sumMillis() {
        return sumMillis;
    }

    /** Returns a copy of the per-bucket counts. */
    public long[] bucketCounts() {
        return counts.clone();
    }

    long[] countsView() {
        return counts;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DurationHistogram that && sumMillis == that.sumMillis
                && Arrays.equals(counts, that.counts);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(counts) + Long.hashCode(sumMillis);
    }
}
