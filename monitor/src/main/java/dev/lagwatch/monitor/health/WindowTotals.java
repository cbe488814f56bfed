package dev.lagwatch.monitor.health;

/**
 * Sums over the window ending now.
 *
 * @param enqueued messages enqueued
 * @param started attempts started
 * @param attemptsFinished attempts completed or failed
 * @param messagesFinished messages finished for good: completed, or failed without retry
 * @param busyMillis processing time of the attempts that finished
 * @param emptiedRecently whether the queue was empty at some moment of the window's latest
 *     {@link ActivityWindow#RECENT_SLOTS} slots
 * @param recentEnqueued messages enqueued in those latest slots
 * @param recentMessagesFinished messages finished for good in those latest slots
 * @param spanMillis time the window covers: its width, or less for a queue younger than that
 * @param full whether the queue's first event is at least one window old
 */
public record WindowTotals(long enqueued, long started, long attemptsFinished, long messagesFinished,
        long busyMillis, boolean emptiedRecently, long recentEnqueued, long recentMessagesFinished, long spanMillis,
        boolean full) {

    /** Messages finished for good per second over the window. */
    public double processingRatePerSecond() {
        return messagesFinished / (spanMillis / 1000.0);
    }
}
