package dev.lagwatch.monitor.health;

/**
 * The time-based signals of one queue at one instant, computed from its depth, its activity
 * window and its live consumers. Everything here is derived when it is read, so the values follow
 * the current time instead of freezing at what they were when traffic stopped.
 *
 * @param lagSeconds time to drain the depth at the window's processing rate; 0 when nothing
 *     waits, {@link Double#POSITIVE_INFINITY} when messages wait and none finished in the window
 * @param saturation busy time ÷ (window span × capacity of live consumers), in [0, 1]; with no
 *     live consumer, 1 while messages wait and 0 otherwise
 * @param activeConsumers consumers alive
 * @param status verdict, see {@link #evaluate}
 */
public record QueueHealth(double lagSeconds, double saturation, int activeConsumers, QueueStatus status) {

    /**
     * Evaluates a queue. The status is, in order of precedence:
     * <ol>
     *   <li>{@code OK} when nothing waits;</li>
     *   <li>{@code STOP} when messages wait and no consumer is alive;</li>
     *   <li>{@code STALL} when messages wait, the queue is at least one window old, and no message
     *       finished in the whole window;</li>
     *   <li>{@code WARN} when messages wait, the queue was not empty in the latest quarter of the
     *       window, the backlog grew over the window by more than one second of processing at the
     *       window's rate (by at least one message when that rate is below one per second), and it
     *       is not shrinking: in the latest quarter, no more finished than were enqueued;</li>
     *   <li>{@code OK} otherwise.</li>
     * </ol>
     */
    public static QueueHealth evaluate(long depth, WindowTotals window, ConsumerRegistry.Liveness liveness) {
        double lag;
        if (depth == 0) {
            lag = 0;
        } else if (window.messagesFinished() == 0) {
            lag = Double.POSITIVE_INFINITY;
        } else {
            lag = depth / window.processingRatePerSecond();
        }

        double saturation;
        if (liveness.capacity() == 0) {
            // No capacity at all: saturated while messages wait, idle once nothing does.
            saturation = depth > 0 ? 1 : 0;
        } else {
            saturation = Math.min(1.0, window.busyMillis() / ((double) window.spanMillis() * liveness.capacity()));
        }

        QueueStatus status;
        if (depth == 0) {
            status = QueueStatus.OK;
        } else if (liveness.consumers() == 0) {
            status = QueueStatus.STOP;
        } else if (window.full() && window.messagesFinished() == 0) {
            status = QueueStatus.STALL;
        } else if (!window.emptiedRecently() && backlogGrew(window)
                && window.recentEnqueued() >= window.recentMessagesFinished()) {
            status = QueueStatus.WARN;
        } else {
            status = QueueStatus.OK;
        }
        return new QueueHealth(lag, saturation, liveness.consumers(), status);
    }

    /**
     * Returns whether more messages were enqueued than finished over the window, by more than one
     * second of processing: a queue at a steady high rate gains and loses a few messages all the
     * time, which is not a backlog.
     */
    private static boolean backlogGrew(WindowTotals window) {
        long growth = window.enqueued() - window.messagesFinished();
        return growth > 0 && growth > window.processingRatePerSecond();
    }
}
