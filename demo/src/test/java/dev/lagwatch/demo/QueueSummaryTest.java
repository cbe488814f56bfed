package dev.lagwatch.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lagwatch.monitor.topology.DurationHistogram;
import org.junit.jupiter.api.Test;

class QueueSummaryTest {

    private static long[] buckets() {
        return new long[DurationHistogram.BUCKETS];
    }

    @Test
    void quantileInterpolatesInsideItsBucket() {
        long[] counts = buckets();
        // 100 observations in (0.025, 0.05]: p95 is 95 % of the way through that bucket.
        counts[DurationHistogram.BOUNDARIES_SECONDS.indexOf(0.05)] = 100;

        assertThat(QueueSummary.quantile(counts, 0.95)).isCloseTo(0.025 + 0.025 * 0.95, within(1e-12));
    }

    @Test
    void quantileSkipsEmptyBuckets() {
        long[] counts = buckets();
        counts[0] = 90;
        counts[DurationHistogram.BOUNDARIES_SECONDS.indexOf(1.0)] = 10;

        assertThat(QueueSummary.quantile(counts, 0.95)).isCloseTo(0.5 + 0.5 * 0.5, within(1e-12));
        assertThat(QueueSummary.quantile(counts, 0.5)).isLessThanOrEqualTo(0.001);
    }

    @Test
    void quantileOfNothingIsNaN() {
        assertThat(QueueSummary.quantile(buckets(), 0.95)).isNaN();
    }

    @Test
    void overflowBucketReportsTheLargestBoundary() {
        long[] counts = buckets();
        counts[DurationHistogram.BUCKETS - 1] = 3;

        assertThat(QueueSummary.quantile(counts, 0.5)).isEqualTo(600.0);
    }
}
