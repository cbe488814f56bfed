package dev.lagwatch.monitor.topology;

import dev.lagwatch.client.event.EventType;
import dev.lagwatch.client.event.LifecycleEvent;
import dev.lagwatch.monitor.health.ActivityWindow;
import dev.lagwatch.monitor.health.ConsumerRegistry;
import dev.lagwatch.monitor.health.OutcomeSurplus;
import dev.lagwatch.monitor.health.UnfinishedMessages;
import java.util.Map;
import java.util.TreeMap;

/**
 * Cumulative state of one queue, the value of the aggregate store. Only counts and histograms are
 * kept, never anything per message, so its size depends on the number of consumer groups alone.
 *
 * <p>Depth and in-flight are derived from the cumulative counts when read, which makes them
 * independent of the order in which events arrive: a {@code completed} that overtakes its
 * {@code enqueued} lowers nothing below zero, and once both have arrived the result is the same.
 */
public final class QueueState {

    /** Slot width of the activity window when none is configured: 5 s, so the window is 60 s. */
    public static final long DEFAULT_SLOT_MILLIS = 5_000;

    /** Consumers silent for this many windows are forgotten; a liveness timeout should be far shorter. */
    static final int FORGET_CONSUMERS_AFTER_WINDOWS = 10;

    /** Value of {@link #lastEventMillis} when it is not known. */
    static final long UNKNOWN = 0;

    long enqueued;
    long started;
    /** Monitor clock time of the latest event, or {@link #UNKNOWN} in state written before it was kept. */
    long lastEventMillis;
    final Map<String, GroupState> groups;
    final ActivityWindow window;
    final ConsumerRegistry consumers;
    final UnfinishedMessages unfinished;
    final OutcomeSurplus surplus;

    public QueueState() {
        this(DEFAULT_SLOT_MILLIS);
    }

    public QueueState(long slotMillis) {
        this(0, 0, UNKNOWN, new TreeMap<>(), new ActivityWindow(slotMillis), new ConsumerRegistry(),
                new UnfinishedMessages(), new OutcomeSurplus());
    }

    QueueState(long enqueued, long started, long lastEventMillis, Map<String, GroupState> groups, ActivityWindow window,
            ConsumerRegistry consumers, UnfinishedMessages unfinished, OutcomeSurplus surplus) {
        this.enqueued = enqueued;
        this.started = started;
        this.lastEventMillis = lastEventMillis;
        this.groups = groups;
        this.window = window;
        this.consumers = consumers;
        this.unfinished = unfinished;
        this.surplus = surplus;
    }

    /**
     * Adds one valid event read at {@code nowMillis} on the monitor's clock. Heartbeats change no
     * count here, only the consumers' liveness.
     *
     * <p>An event stamped after {@code nowMillis} comes from a host whose clock runs ahead. It is
     * placed at {@code nowMillis} in the activity window and in the consumers' liveness, so that
     * it neither claims a future slot nor keeps a dead consumer alive until its clock catches up.
     * Durations come from the event's own timestamps, which one host took, and the unfinished
     * messages keep the exact enqueue time so that outcomes find their bucket.
     */
    public void apply(LifecycleEvent event, long nowMillis) {
        apply(event, nowMillis, Integer.MAX_VALUE);
    }

    /**
     * As {@link #apply(LifecycleEvent, long)}, tracking the liveness of at most {@code maxConsumers}
     * consumers.
     *
     * @return {@code false} when the event came from a consumer left untracked because the queue
     *     already tracks {@code maxConsumers} others
     */
    public boolean apply(LifecycleEvent event, long nowMillis, int maxConsumers) {
        long at = Math.min(event.ts(), nowMillis);
        lastEventMillis = nowMillis;
        window.record(event, at);
        boolean tracked = consumers.observe(event, at, maxConsumers);
        unfinished.record(event);
        if (event.type() == EventType.HEARTBEAT) {
            // Heartbeats come every few seconds per consumer, a cheap moment to bound the state.
            consumers.forgetSilent(at, FORGET_CONSUMERS_AFTER_WINDOWS * window.windowMillis());
            unfinished.dropStale(at, window.windowMillis());
        }
        EventType type = event.type();
        switch (type) {
            case ENQUEUED -> enqueued++;
            case STARTED -> started++;
            case COMPLETED, FAILED -> applyOutcome(event);
            case HEARTBEAT -> groups.computeIfAbsent(event.group(), group -> new GroupState());
            default -> throw new IllegalStateException("Unhandled event type " + type);
        }
        // Outcomes without an enqueued event stop lowering the depth once they have lasted a window.
        surplus.update(enqueued, finished(), nowMillis, window.windowMillis());
        if (type != EventType.HEARTBEAT && depth() == 0) {
            window.recordEmpty(at);
        }
        return tracked;
    }

    /**
     * Returns {@code event} as this queue counts it: unchanged when its consumer group is known here
     * or the queue has fewer than {@code maxGroups} groups, otherwise moved to the overflow group.
     */
    public LifecycleEvent withinGroupLimit(LifecycleEvent event, int maxGroups) {
        String group = event.group();
        if (group == null || groups.containsKey(group) || consumers.hasGroup(group)) {
            return event;
        }
        int known = groups.size();
        for (String tracked : consumers.groups()) {
            if (!groups.containsKey(tracked)) {
                known++;
            }
        }
        return known < maxGroups ? event : event.withGroup(LifecycleEvent.OVERFLOW_NAME);
    }

    /** Monitor clock time of the latest event, or {@link #UNKNOWN}. */
    long lastEventMillis() {
        return lastEventMillis;
    }

    private void applyOutcome(LifecycleEvent event) {
        GroupState group = groups.computeIfAbsent(event.group(), name -> new GroupState());
        if (event.type() == EventType.COMPLETED) {
            group.completed++;
        } else {
            group.failedByCategory[event.errorCategory().ordinal()]++;
            if (event.retry()) {
                group.retries++;
            }
        }
        group.processing.record(event.ts() - event.startedAt());
        group.waiting.record(event.startedAt() - event.effectiveAvailableAt());
        if (event.isFinalOutcome()) {
            group.endToEnd.record(event.ts() - event.enqueuedAt());
        }
    }

    /**
     * Messages enqueued and not yet finished, never below zero. Outcomes that have had no matching
     * {@code enqueued} event for a whole window are left out; see {@link OutcomeSurplus}.
     */
    public long depth() {
        return Math.max(0, enqueued - (finished() - surplus.writtenOff()));
    }

    private long finished() {
        long finished = 0;
        for (GroupState group : groups.values()) {
            finished += group.completed + group.failedFinal();
        }
        return finished;
    }

    /** Attempts started and not yet finished, never below zero. */
    public long inFlight() {
        long finishedAttempts = 0;
        for (GroupState group : groups.values()) {
            finishedAttempts += group.completed + group.failed();
        }
        return Math.max(0, started - finishedAttempts);
    }

    public long enqueued() {
        return enqueued;
    }

    public long started() {
        return started;
    }
}
