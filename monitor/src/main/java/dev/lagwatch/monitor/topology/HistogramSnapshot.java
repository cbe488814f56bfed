package dev.lagwatch.monitor.topology;

import java.util.ArrayList;
import java.util.List;

/**
 * Immutable copy of a {@link DurationHistogram}.
 *
 * @param bucketCounts per-bucket (not cumulative) counts, one per boundary plus the overflow bucket
 * @param sumMillis sum of all observations in milliseconds
 */
public record HistogramSnapshot(List<Long> bucketCounts, long sumMillis) {

    public HistogramSnapshot {
        bucketCounts = List.copyOf(bucketCounts);
    }

    static HistogramSnapshot of(DurationHistogram histogram) {
        long[] counts = histogram.countsView();
        Long[] boxed = new Long[counts.length];
        for (int i = 0; i < counts.length; i++) {
            boxed[i] = counts[i];
        }
        return new HistogramSnapshot(List.of(boxed), histogram.sumMillis());
    }

    /** Returns {@code next} with every bucket and the sum raised to at least their values in {@code previous}. */
    static HistogramSnapshot holdingCumulative(HistogramSnapshot previous, HistogramSnapshot next) {
        List<Long> counts = new ArrayList<>(next.bucketCounts.size());
        for (int i = 0; i < next.bucketCounts.size(); i++) {
            counts.add(Math.max(previous.bucketCounts.get(i), next.bucketCounts.get(i)));
        }
        return new HistogramSnapshot(counts, Math.max(previous.sumMillis, next.sumMillis));
    }

    public long count() {
        long total = 0;
        for (long c : bucketCounts) {
            total += c;
        }
        return total;
    }

    public double sumSeconds() {
        return sumMillis / 1000.0;
    }
}
