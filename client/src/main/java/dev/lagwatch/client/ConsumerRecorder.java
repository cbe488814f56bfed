package dev.lagwatch.client;

/**
 * Records the events of one consumer instance on one queue: attempts and heartbeats, tagged with
 * the consumer group and instance id given to {@link LifecycleRecorder#consumer}. Thread-safe.
 *
 * <p>While it is open, the recorder sends a heartbeat for it at the configured heartbeat interval,
 * starting at once, so the monitor can tell that the consumer is alive and how much it can process.
 * {@link #close()} sends a closing heartbeat, after which the monitor stops counting the consumer.
 */
public interface ConsumerRecorder extends AutoCloseable {

    /**
     * Records that processing of a message starts now.
     *
     * @param messageId the message id, or {@code null}; it is never a metric label
     * @param enqueuedAt when the message was first enqueued, epoch milliseconds
     * @param attempt 1 for the first delivery, 2 for the first retry, and so on
     * @return the attempt, on which to record the outcome
     */
    default Attempt started(String messageId, long enqueuedAt, int attempt) {
        return started(messageId, enqueuedAt, attempt, enqueuedAt);
    }

    /**
     * Records that processing of a message starts now, for an attempt that became available at
     * {@code availableAt} (a retry after a back-off, for example).
     */
    Attempt started(String messageId, long enqueuedAt, int attempt, long availableAt);

    /** Records a heartbeat of a consumer that processes one message at a time. */
    default void heartbeat() {
        heartbeat(1);
    }

    /** Records a heartbeat of a consumer that can process {@code capacity} messages at once. */
    void heartbeat(int capacity);

    /** Stops the automatic heartbeats and records that this consumer is closing. Idempotent. */
    @Override
    void close();

    String queue();

    String group();

    String consumerId();
}
