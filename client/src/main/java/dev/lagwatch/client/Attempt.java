package dev.lagwatch.client;

import dev.lagwatch.client.event.ErrorCategory;

/**
 * One processing attempt of one message, returned by {@link ConsumerRecorder#started}. Record its
 * outcome exactly once; a second outcome is dropped and counted as {@link DropReason#DUPLICATE_OUTCOME}.
 * The outcome events carry the attempt's timestamps, so the monitor needs no other event to
 * compute processing, wait and end-to-end times.
 */
public interface Attempt {

    /** When the attempt started, epoch milliseconds, as sent in its events. */
    long startedAt();

    /** Records that the attempt succeeded now. */
    void completed();

    /**
     * Records that the attempt succeeded at {@code finishedAt}, epoch milliseconds, for callers that
     * take their own timestamps.
     */
    void completedAt(long finishedAt);

    /**
     * Records that the attempt failed now, classifying {@code error} with the recorder's classifier.
     *
     * @param retry whether the message will be delivered again; {@code false} makes this its final outcome
     */
    void failed(Throwable error, boolean retry);

    /** Records that the attempt failed at {@code finishedAt}, epoch milliseconds. */
    void failedAt(Throwable error, boolean retry, long finishedAt);

    /** Records that the attempt failed now with a category chosen by the caller. */
    void failed(ErrorCategory category, boolean retry);
}
