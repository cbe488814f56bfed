package dev.lagwatch.client.kafka;

import dev.lagwatch.client.ErrorClassifier;
import dev.lagwatch.client.event.ErrorCategory;
import java.util.function.Predicate;

/**
 * Decides whether a record whose processing failed will be delivered again, which makes its
 * {@code failed} event a retry or the record's final outcome. It must match what the application
 * does with the record, or the monitor's depth is wrong.
 */
@FunctionalInterface
public interface RetryPolicy {

    /** Returns whether a record that failed with {@code error} on attempt {@code attempt} will be delivered again. */
    boolean willRetry(Throwable error, int attempt);

    /** Never retries: every failure is final, as for an application that skips or dead-letters failed records. */
    static RetryPolicy never() {
        return (error, attempt) -> false;
    }

    /**
     * Retries up to {@code maxAttempts} attempts, except validation errors, which another attempt
     * cannot fix. Categories come from {@link ErrorClassifier#defaults()}.
     */
    static RetryPolicy upTo(int maxAttempts) {
        ErrorClassifier classifier = ErrorClassifier.defaults();
        return upTo(maxAttempts, error -> classifier.classify(error) == ErrorCategory.VALIDATION);
    }

    /**
     * Retries up to {@code maxAttempts} attempts, except errors that {@code isFinal} accepts, such as
     * the exceptions an application's error handler never retries.
     */
    static RetryPolicy upTo(int maxAttempts, Predicate<Throwable> isFinal) {
        return (error, attempt) -> attempt < maxAttempts && !isFinal.test(error);
    }

    /** Three attempts; see {@link #upTo(int)}. */
    static RetryPolicy defaults() {
        return upTo(3);
    }
}
