package dev.lagwatch.monitor.topology;

import dev.lagwatch.client.event.EventType;
import dev.lagwatch.client.event.LifecycleEvent;

/**
 * Recognises events whose timestamps could only come from clocks that disagree. Timestamps are
 * taken on different hosts: {@code enqueued_at} on the producer's, {@code started_at} and
 * {@code ts} of an outcome on the consumer's, and the monitor compares them with its own. A small
 * disagreement is normal and absorbed where the value is used (negative durations count as 0, a
 * future time counts as now); beyond {@link #ALLOWANCE_MILLIS} it is counted, so that an operator
 * can see that the hosts' clocks need attention.
 */
final class ClockSkew {

    /** Disagreement between clocks that is not counted, well above the few milliseconds NTP leaves between hosts. */
    static final long ALLOWANCE_MILLIS = 1_000;

    private ClockSkew() {
    }

    /**
     * Returns whether {@code event} is stamped more than the allowance after {@code nowMillis}, or,
     * for an outcome, whether its attempt started more than the allowance before its message
     * became available.
     */
    static boolean isSkewed(LifecycleEvent event, long nowMillis) {
        if (event.ts() - nowMillis > ALLOWANCE_MILLIS) {
            return true;
        }
        if (event.type() == EventType.COMPLETED || event.type() == EventType.FAILED) {
            return event.effectiveAvailableAt() - event.startedAt() > ALLOWANCE_MILLIS;
        }
        return false;
    }
}
