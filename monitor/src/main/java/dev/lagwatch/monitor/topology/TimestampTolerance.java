package dev.lagwatch.monitor.topology;

import dev.lagwatch.client.event.EventType;
import dev.lagwatch.client.event.InvalidEventException;
import dev.lagwatch.client.event.InvalidEventException.Reason;
import dev.lagwatch.client.event.LifecycleEvent;
import java.time.Duration;

/**
 * How far an event's timestamps may lie from the monitor's clock before the event counts as
 * invalid. Within the limits, skew is absorbed and counted (see {@link ClockSkew}); beyond them a
 * timestamp is taken for a bug, a unit mix-up (seconds or microseconds for milliseconds) or a
 * forgery, and the event would distort every duration and age it touches.
 *
 * @param maxAhead how far after the monitor's clock a timestamp may be
 * @param maxAge how far before the monitor's clock a timestamp may be. It must exceed the events
 *     topic's retention, so that a replay of the topic is never rejected.
 */
public record TimestampTolerance(Duration maxAhead, Duration maxAge) {

    public static final TimestampTolerance DEFAULT = new TimestampTolerance(Duration.ofHours(1), Duration.ofDays(30));

    /**
     * Checks every timestamp of {@code event} against {@code nowMillis}.
     *
     * @throws InvalidEventException with reason {@code invalid_timestamp}, naming the field, how far
     *     off it is and the option that sets the limit
     */
    void check(LifecycleEvent event, long nowMillis) throws InvalidEventException {
        check("ts", event.ts(), nowMillis);
        if (event.type() == EventType.COMPLETED || event.type() == EventType.FAILED) {
            check("enqueued_at", event.enqueuedAt(), nowMillis);
            check("started_at", event.startedAt(), nowMillis);
        }
        if (event.availableAt() != LifecycleEvent.NOT_SET) {
            check("available_at", event.availableAt(), nowMillis);
        }
    }

    private void check(String field, long timestamp, long nowMillis) throws InvalidEventException {
        long ahead = timestamp - nowMillis;
        if (ahead > maxAhead.toMillis()) {
            throw new InvalidEventException(Reason.INVALID_TIMESTAMP, "field '" + field + "' is " + describe(ahead)
                    + " ahead of the monitor's clock, more than the " + describe(maxAhead.toMillis())
                    + " allowed (--max-clock-skew); check the clock of the host that sent it");
        }
        if (-ahead > maxAge.toMillis()) {
            throw new InvalidEventException(Reason.INVALID_TIMESTAMP, "field '" + field + "' is " + describe(-ahead)
                    + " old, more than the " + describe(maxAge.toMillis())
                    + " allowed (--max-event-age); timestamps must be epoch milliseconds");
        }
    }

    /** Formats a span of milliseconds in its largest whole unit, for messages. */
    static String describe(long millis) {
        if (millis >= 86_400_000L) {
            return millis / 86_400_000L + " d";
        }
        if (millis >= 3_600_000L) {
            return millis / 3_600_000L + " h";
        }
        if (millis >= 60_000L) {
            return millis / 60_000L + " min";
        }
        return millis / 1_000L + " s";
    }
}
