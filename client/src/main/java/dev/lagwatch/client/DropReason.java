package dev.lagwatch.client;

/** Why the recorder dropped an event instead of sending it. */
public enum DropReason {
    /** The queue name was null, empty, longer than 249 characters, or the reserved {@code lagwatch.overflow}. */
    INVALID_QUEUE,
    /** A required timestamp was missing, zero or negative. */
    INVALID_TIMESTAMP,
    /**
     * Another argument was invalid: a missing consumer group or the reserved {@code lagwatch.overflow}, an
     * attempt below 1, a null category.
     */
    INVALID_ARGUMENT,
    /** The buffer was full because events were recorded faster than the brokers accepted them. */
    BUFFER_FULL,
    /** The event was recorded after {@code close()}, or was still buffered when the close timeout ran out. */
    CLOSED,
    /** The producer reported that sending failed, for example after its delivery timeout. */
    SEND_FAILED,
    /** A second outcome was recorded for an attempt that already had one. */
    DUPLICATE_OUTCOME
}
