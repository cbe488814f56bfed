package dev.lagwatch.testkit;

import dev.lagwatch.monitor.metrics.Scrape;
import dev.lagwatch.monitor.metrics.Scrape.Sample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One histogram the monitor exports, such as the processing time of a queue, summed over the
 * queue's consumer groups: cumulative bucket counts by upper bound, in seconds.
 */
public final class Histogram {

    private final String name;
    /** Cumulative count by upper bound, the last bound being positive infinity. */
    private final TreeMap<Double, Double> buckets;
    private final double sum;

    private Histogram(String name, TreeMap<Double, Double> buckets, double sum) {
        this.name = name;
        this.buckets = buckets;
        this.sum = sum;
    }

    /** Reads histogram {@code name} (without {@code _bucket}) from {@code scrape}, summing the matching series. */
    static Histogram of(Scrape scrape, String name, String... labelPairs) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        for (Sample sample : scrape.find(name + "_bucket", labelPairs)) {
            String le = sample.labels().get("le");
            double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
            buckets.merge(bound, sample.value(), Double::sum);
        }
        double sum = scrape.find(name + "_sum", labelPairs).stream().mapToDouble(Sample::value).sum();
        return new Histogram(name, buckets, sum);
    }

    /** Returns the name of the histogram, as exported. */
    public String name() {
        return name;
    }

    /** Returns the number of observations. */
    public long count() {
        return buckets.isEmpty() ? 0 : Math.round(buckets.lastEntry().getValue());
    }

    /** Returns the sum of the observations, in seconds. */
    public double sumSeconds() {
        return sum;
    }

    /** Returns the cumulative counts by upper bound in seconds, the last bound being positive infinity. */
    public Map<Double, Long> buckets() {
        Map<Double, Long> counts = new TreeMap<>();
        buckets.forEach((bound, count) -> counts.put(bound, Math.round(count)));
        return counts;
    }

    /**
     * Estimates the {@code quantile} (0 to 1) as Prometheus's {@code histogram_quantile()} does:
     * linear interpolation within the bucket holding the rank, from 0 for the first bucket, and the
     * highest finite bound when the rank falls in the last, open bucket.
     *
     * @throws IllegalStateException when the histogram has no observation
     */
    public Duration quantile(double quantile) {
        if (quantile < 0 || quantile > 1) {
            throw new IllegalArgumentException("quantile must be between 0 and 1, got " + quantile);
        }
        if (count() == 0) {
            throw new IllegalStateException(name + " has no observation");
        }
        double rank = quantile * buckets.lastEntry().getValue();
        double lowerBound = 0;
        double countBelow = 0;
        for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
            double upperBound = bucket.getKey();
            double cumulative = bucket.getValue();
            if (cumulative >= rank) {
                if (upperBound == Double.POSITIVE_INFINITY) {
                    return seconds(lowerBound);
                }
                double inBucket = cumulative - countBelow;
                double fraction = inBucket == 0 ? 1 : (rank - countBelow) / inBucket;
                return seconds(lowerBound + (upperBound - lowerBound) * fraction);
            }
            lowerBound = upperBound;
            countBelow = cumulative;
        }
        return seconds(lowerBound);
    }

    private static Duration seconds(double seconds) {
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    /** Lists the buckets that hold observations, such as {@code ≤0.1 s: 12, ≤0.25 s: 40, +Inf: 41}. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        double previous = 0;
        for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
            if (bucket.getValue() > previous || bucket.getKey() == Double.POSITIVE_INFINITY) {
                parts.add((bucket.getKey() == Double.POSITIVE_INFINITY ? "+Inf"
                        : "≤" + String.format(Locale.ROOT, "%s s", bucket.getKey())) + ": "
                        + Math.round(bucket.getValue()));
            }
            previous = bucket.getValue();
        }
        return name + " {" + String.join(", ", parts) + "}";
    }
}
