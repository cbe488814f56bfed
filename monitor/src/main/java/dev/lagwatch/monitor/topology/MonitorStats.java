package dev.lagwatch.monitor.topology;

import dev.lagwatch.client.event.InvalidEventException.Reason;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The monitor's own counters since the process started: events read, rejected, re-routed, skewed and
 * beyond the cardinality limits, and queues dropped.
 */
public final class MonitorStats {

    private final LongAdder consumed = new LongAdder();
    private final EnumMap<Reason, LongAdder> invalid = new EnumMap<>(Reason.class);
    private final LongAdder rekeyed = new LongAdder();
    private final LongAdder clockSkewed = new LongAdder();
    private final EnumMap<CardinalityLimit, LongAdder> overflow = new EnumMap<>(CardinalityLimit.class);
    private final LongAdder expiredQueues = new LongAdder();

    public MonitorStats() {
        for (Reason reason : Reason.values()) {
            invalid.put(reason, new LongAdder());
        }
        for (CardinalityLimit limit : CardinalityLimit.values()) {
            overflow.put(limit, new LongAdder());
        }
    }

    void recordOverflow(CardinalityLimit limit) {
        overflow.get(limit).increment();
    }

    void recordExpired(int queues) {
        expiredQueues.add(queues);
    }

    /** Events beyond a cardinality limit, per limit, with every limit present. */
    public Map<CardinalityLimit, Long> overflowByLimit() {
        Map<CardinalityLimit, Long> counts = new EnumMap<>(CardinalityLimit.class);
        overflow.forEach((limit, count) -> counts.put(limit, count.sum()));
        return counts;
    }

    /** Queues dropped because they had no events for the expiry time. */
    public long expiredQueues() {
        return expiredQueues.sum();
    }

    void recordConsumed() {
        consumed.increment();
    }

    void recordInvalid(Reason reason) {
        invalid.get(reason).increment();
    }

    void recordRekeyed() {
        rekeyed.increment();
    }

    void recordClockSkew() {
        clockSkewed.increment();
    }

    /** Records read from the events topic, valid or not. */
    public long consumed() {
        return consumed.sum();
    }

    /** Records rejected, per reason, with every reason present. */
    public Map<Reason, Long> invalidByReason() {
        Map<Reason, Long> counts = new EnumMap<>(Reason.class);
        invalid.forEach((reason, count) -> counts.put(reason, count.sum()));
        return counts;
    }

    /** Valid events whose timestamps show clocks apart by more than {@link ClockSkew#ALLOWANCE_MILLIS}. */
    public long clockSkewed() {
        return clockSkewed.sum();
    }

    /** Valid events routed again by queue because their record key or partition did not match it. */
    public long rekeyed() {
        return rekeyed.sum();
    }
}
