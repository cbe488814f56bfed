package dev.lagwatch.monitor.offsets;

import java.util.concurrent.atomic.LongAdder;

/**
 * Turns record timestamps into time lag, and counts the timestamps that cannot give one: missing
 * ones (-1 or 0, from producers that set none) and ones ahead of the monitor's clock.
 */
public final class TimestampStats {

    /** Disagreement between clocks that is clamped without being counted. */
    static final long CLOCK_SKEW_ALLOWANCE_MILLIS = 1_000;

    private final LongAdder missing = new LongAdder();
    private final LongAdder future = new LongAdder();

    /**
     * Returns {@code now - timestamp} in seconds: NaN for a missing timestamp, never negative for
     * one from a clock running ahead.
     */
    double timeLagSeconds(long timestampMillis, long nowMillis) {
        if (timestampMillis <= 0) {
            missing.increment();
            return Double.NaN;
        }
        if (timestampMillis - nowMillis > CLOCK_SKEW_ALLOWANCE_MILLIS) {
            future.increment();
        }
        return Math.max(0, nowMillis - timestampMillis) / 1000.0;
    }

    /** First unread records whose timestamp was -1 or 0, so that no time lag could be given. */
    public long missing() {
        return missing.sum();
    }

    /** First unread records stamped more than 1 s after the monitor's clock; their time lag reads 0. */
    public long future() {
        return future.sum();
    }
}
