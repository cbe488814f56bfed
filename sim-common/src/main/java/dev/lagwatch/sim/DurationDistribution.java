package dev.lagwatch.sim;

import dev.lagwatch.client.internal.Durations;
import java.time.Duration;
import java.util.Random;

/**
 * A distribution of processing times, written as {@code fixed:50ms}, {@code uniform:10ms:90ms},
 * {@code exponential:40ms} (mean) or {@code lognormal:50ms:0.5} (median and sigma of the
 * underlying normal). Samples are whole milliseconds, at least 0.
 */
public sealed interface DurationDistribution {

    /** Draws one duration in milliseconds. */
    long sampleMillis(Random random);

    /**
     * Parses a specification.
     *
     * @throws IllegalArgumentException naming the specification and the accepted forms
     */
    static DurationDistribution parse(String spec) {
        String[] parts = spec == null ? new String[0] : spec.trim().split(":");
        try {
            switch (parts.length > 0 ? parts[0] : "") {
                case "fixed":
                    requireParts(parts, 2);
                    return new Fixed(millis(parts[1]));
                case "uniform":
                    requireParts(parts, 3);
                    Uniform uniform = new Uniform(millis(parts[1]), millis(parts[2]));
                    if (uniform.maxMillis() < uniform.minMillis()) {
                        throw new IllegalArgumentException("the maximum is below the minimum");
                    }
                    return uniform;
                case "exponential":
                    requireParts(parts, 2);
                    return new Exponential(millis(parts[1]));
                case "lognormal":
                    requireParts(parts, 3);
                    double sigma = Double.parseDouble(parts[2]);
                    if (!(sigma >= 0 && sigma <= 5)) {
                        throw new IllegalArgumentException("sigma must be between 0 and 5");
                    }
                    return new LogNormal(millis(parts[1]), sigma);
                default:
                    throw new IllegalArgumentException("unknown distribution");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid processing-time distribution '" + spec + "' (" + e.getMessage()
                    + "): expected fixed:50ms, uniform:10ms:90ms, exponential:40ms or lognormal:50ms:0.5", e);
        }
    }

    private static void requireParts(String[] parts, int expected) {
        if (parts.length != expected) {
            throw new IllegalArgumentException("expected " + (expected - 1) + " parameter(s)");
        }
    }

    private static long millis(String text) {
        Duration duration = Durations.parse(text);
        return duration.toMillis();
    }

    /** Always the same duration. */
    record Fixed(long millis) implements DurationDistribution {
        @Override
        public long sampleMillis(Random random) {
            return millis;
        }
    }

    /** Uniform between two bounds, both included. */
    record Uniform(long minMillis, long maxMillis) implements DurationDistribution {
        @Override
        public long sampleMillis(Random random) {
            return minMillis + (long) (random.nextDouble() * (maxMillis - minMillis + 1));
        }
    }

    /** Exponential with the given mean: many short, a few long. */
    record Exponential(long meanMillis) implements DurationDistribution {
        @Override
        public long sampleMillis(Random random) {
            return Math.round(-meanMillis * Math.log(1 - random.nextDouble()));
        }
    }

    /** Log-normal with the given median: the usual shape of service latencies. */
    record LogNormal(long medianMillis, double sigma) implements DurationDistribution {
        @Override
        public long sampleMillis(Random random) {
            return Math.round(medianMillis * Math.exp(sigma * random.nextGaussian()));
        }
    }
}
