package dev.lagwatch.client.event;

/**
 * One lifecycle event of contract version 1. Timestamps are epoch milliseconds; {@link #NOT_SET}
 * marks an optional timestamp that is absent. Use the static factories for the common shapes.
 *
 * @param type event type
 * @param queue logical queue name, at most {@value #MAX_QUEUE_LENGTH} characters
 * @param ts when the event happened at its source
 * @param id message id, or {@code null}; never a metric label
 * @param group consumer group of consumer events, otherwise {@code null}
 * @param consumer consumer instance id of consumer events, otherwise {@code null}
 * @param attempt delivery attempt, 1 for the first delivery; 0 for events without one
 * @param enqueuedAt when the message was first enqueued (terminal events)
 * @param availableAt when this attempt became available, or {@link #NOT_SET} for {@code enqueuedAt}
 * @param startedAt when this attempt started (terminal events)
 * @param errorCategory category of a failed attempt, otherwise {@code null}
 * @param retry whether a failed message will be delivered again
 * @param capacity messages a consumer can process at once (heartbeats); 0 when absent
 * @param closing on a heartbeat, whether the consumer is closing and should count as gone at once
 */
public record LifecycleEvent(
        EventType type,
        String queue,
        long ts,
        String id,
        String group,
        String consumer,
        int attempt,
        long enqueuedAt,
        long availableAt,
        long startedAt,
        ErrorCategory errorCategory,
        boolean retry,
        int capacity,
        boolean closing) {

    /** Contract version written in the {@code v} field. */
    public static final int VERSION = 1;

    /** Maximum length of a queue name, the same as Kafka's limit for topic names. */
    public static final int MAX_QUEUE_LENGTH = 249;

    /** Maximum length of a consumer group and of a consumer id, in characters. */
    public static final int MAX_NAME_LENGTH = 249;

    /** Maximum length of a message id, in characters. */
    public static final int MAX_ID_LENGTH = 1_024;

    /**
     * Largest encoded event, in bytes. An event within the other limits takes at most about 8 KiB
     * even with four-byte characters, so a larger record is not an event.
     */
    public static final int MAX_ENCODED_BYTES = 16_384;

    /**
     * Queue and consumer group name the monitor reserves for its overflow series: events beyond its
     * cardinality limits are counted under it. Events that use it themselves are invalid.
     */
    public static final String OVERFLOW_NAME = "lagwatch.overflow";

    /** Marks an optional timestamp that is absent. */
    public static final long NOT_SET = Long.MIN_VALUE;

    public static LifecycleEvent enqueued(String queue, String id, long ts) {
        return new LifecycleEvent(EventType.ENQUEUED, queue, ts, id, null, null, 0,
                NOT_SET, NOT_SET, NOT_SET, null, false, 0, false);
    }

    public static LifecycleEvent started(String queue, String group, String consumer, String id,
            int attempt, long ts, long availableAt) {
        return new LifecycleEvent(EventType.STARTED, queue, ts, id, group, consumer, attempt,
                NOT_SET, availableAt, NOT_SET, null, false, 0, false);
    }

    public static LifecycleEvent completed(String queue, String group, String consumer, String id,
            int attempt, long ts, long enqueuedAt, long availableAt, long startedAt) {
        return new LifecycleEvent(EventType.COMPLETED, queue, ts, id, group, consumer, attempt,
                enqueuedAt, availableAt, startedAt, null, false, 0, false);
    }

    public static LifecycleEvent failed(String queue, String group, String consumer, String id,
            int attempt, long ts, long enqueuedAt, long availableAt, long startedAt,
            ErrorCategory errorCategory, boolean retry) {
        return new LifecycleEvent(EventType.FAILED, queue, ts, id, group, consumer, attempt,
                enqueuedAt, availableAt, startedAt, errorCategory, retry, 0, false);
    }

    public static LifecycleEvent heartbeat(String queue, String group, String consumer, long ts,
            int capacity) {
        return new LifecycleEvent(EventType.HEARTBEAT, queue, ts, null, group, consumer, 0,
                NOT_SET, NOT_SET, NOT_SET, null, false, capacity, false);
    }

    /** A heartbeat saying that the consumer is closing, so that it stops counting as alive at once. */
    public static LifecycleEvent closing(String queue, String group, String consumer, long ts) {
        return new LifecycleEvent(EventType.HEARTBEAT, queue, ts, null, group, consumer, 0,
                NOT_SET, NOT_SET, NOT_SET, null, false, 0, true);
    }

    /** When this attempt became available: {@code availableAt} if set, else {@code enqueuedAt}. */
    public long effectiveAvailableAt() {
        return availableAt != NOT_SET ? availableAt : enqueuedAt;
    }

    /** Whether this event finishes the message for good: completed, or failed without retry. */
    public boolean isFinalOutcome() {
        return type == EventType.COMPLETED || (type == EventType.FAILED && !retry);
    }

    /** Returns this event with another consumer group. */
    public LifecycleEvent withGroup(String newGroup) {
        return new LifecycleEvent(type, queue, ts, id, newGroup, consumer, attempt, enqueuedAt, availableAt, startedAt,
                errorCategory, retry, capacity, closing);
    }
}
