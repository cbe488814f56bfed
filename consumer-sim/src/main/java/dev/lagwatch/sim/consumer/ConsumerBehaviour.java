package dev.lagwatch.sim.consumer;

import dev.lagwatch.client.event.ErrorCategory;
import dev.lagwatch.sim.DurationDistribution;
import dev.lagwatch.sim.FailureMix;
import java.time.Duration;

/**
 * How simulated consumers process messages.
 *
 * @param processingTime time each attempt takes
 * @param failures probability of each error category per attempt
 * @param maxAttempts attempts per message, the first included; a failure on the last is final
 * @param retryBackoff wait between a failed attempt and the next
 * @param concurrency consumer instances (threads, each a member of the group)
 */
public record ConsumerBehaviour(DurationDistribution processingTime, FailureMix failures, int maxAttempts,
        Duration retryBackoff, int concurrency) {

    public ConsumerBehaviour {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max attempts must be at least 1, got " + maxAttempts);
        }
        if (concurrency < 1 || concurrency > 256) {
            throw new IllegalArgumentException("concurrency must be between 1 and 256, got " + concurrency);
        }
        if (retryBackoff.isNegative()) {
            throw new IllegalArgumentException("retry backoff must not be negative, got " + retryBackoff);
        }
    }

    /**
     * Whether a failure of {@code category} on attempt {@code attempt} is retried: validation errors
     * never are, because the same message fails the same way again; others until the last attempt.
     */
    public boolean retries(ErrorCategory category, int attempt) {
        return category != ErrorCategory.VALIDATION && attempt < maxAttempts;
    }
}
