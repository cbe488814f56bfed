package dev.lagwatch.demo;

import dev.lagwatch.monitor.health.QueueHealth;
import dev.lagwatch.monitor.topology.DurationHistogram;
import dev.lagwatch.monitor.topology.GroupSnapshot;
import dev.lagwatch.monitor.topology.QueueSnapshot;
import java.util.List;

/**
 * One line of the demo's summary: depth and in-flight now, and throughput, p95 processing time and
 * error rate over the interval between two snapshots of the same queue.
 *
 * @param throughputPerSecond messages finished for good per second (completed, or failed without retry)
 * @param p95ProcessingSeconds 95th percentile of processing time in the interval, {@code NaN} without attempts
 * @param errorRate failed attempts divided by all finished attempts in the interval, {@code NaN} without attempts
 * @param health lag, saturation, live consumers and status now
 */
public record QueueSummary(String queue, long depth, long inFlight, double throughputPerSecond,
        double p95ProcessingSeconds, double errorRate, QueueHealth health) {

    /**
     * Computes the summary of {@code current} against {@code previous}, taken {@code seconds}
     * earlier; {@code previous} is {@code null} for a queue seen for the first time.
     */
    public static QueueSummary between(QueueSnapshot previous, QueueSnapshot current, double seconds,
            QueueHealth health) {
        long finishedNow = finished(current.groups());
        long finishedBefore = previous == null ? 0 : finished(previous.groups());
        long attemptsNow = attempts(current.groups());
        long attemptsBefore = previous == null ? 0 : attempts(previous.groups());
        long failedNow = failed(current.groups());
        long failedBefore = previous == null ? 0 : failed(previous.groups());

        long[] bucketDelta = processingBuckets(current.groups());
        if (previous != null) {
            long[] before = processingBuckets(previous.groups());
            for (int i = 0; i < bucketDelta.length; i++) {
                bucketDelta[i] -= before[i];
            }
        }
        long attempts = attemptsNow - attemptsBefore;
        return new QueueSummary(current.queue(), current.depth(), current.inFlight(),
                previous != null && seconds > 0 ? (finishedNow - finishedBefore) / seconds : Double.NaN,
                quantile(bucketDelta, 0.95),
                attempts > 0 ? (double) (failedNow - failedBefore) / attempts : Double.NaN, health);
    }

    private static long finished(List<GroupSnapshot> groups) {
        return groups.stream().mapToLong(g -> g.completed() + g.failed() - g.retries()).sum();
    }

    private static long attempts(List<GroupSnapshot> groups) {
        return groups.stream().mapToLong(g -> g.completed() + g.failed()).sum();
    }

    private static long failed(List<GroupSnapshot> groups) {
        return groups.stream().mapToLong(GroupSnapshot::failed).sum();
    }

    private static long[] processingBuckets(List<GroupSnapshot> groups) {
        long[] sum = new long[DurationHistogram.BUCKETS];
        for (GroupSnapshot group : groups) {
            List<Long> counts = group.processing().bucketCounts();
            for (int i = 0; i < sum.length; i++) {
                sum[i] += counts.get(i);
            }
        }
        return sum;
    }

    /**
     * Estimates a quantile from per-bucket counts by linear interpolation inside the bucket that
     * contains it, the way Prometheus' {@code histogram_quantile} does. Returns {@code NaN} for no counts.
     */
    static double quantile(long[] bucketCounts, double q) {
        long total = 0;
        for (long count : bucketCounts) {
            total += count;
        }
        if (total <= 0) {
            return Double.NaN;
        }
        List<Double> bounds = DurationHistogram.BOUNDARIES_SECONDS;
        double rank = q * total;
        long cumulative = 0;
        for (int i = 0; i < bucketCounts.length; i++) {
            long before = cumulative;
            cumulative += bucketCounts[i];
            if (cumulative >= rank && bucketCounts[i] > 0) {
                if (i == bounds.size()) {
                    // Above the largest boundary nothing is known but the boundary itself.
                    return bounds.get(bounds.size() - 1);
                }
                double lower = i == 0 ? 0 : bounds.get(i - 1);
                double upper = bounds.get(i);
                return lower + (upper - lower) * (rank - before) / bucketCounts[i];
            }
        }
        return bounds.get(bounds.size() - 1);
    }
}
