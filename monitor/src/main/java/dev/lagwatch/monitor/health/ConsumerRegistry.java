package dev.lagwatch.monitor.health;

import dev.lagwatch.client.event.EventType;
import dev.lagwatch.client.event.LifecycleEvent;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The consumers seen on one queue: when each was last heard of (any of its events, by the event's
 * timestamp), its capacity from heartbeats, and whether it sent a closing heartbeat. A consumer is
 * alive while its last event is within the liveness timeout and it has not closed.
 * {@link #forgetSilent} drops consumers silent for long, which keeps the registry small.
 */
public final class ConsumerRegistry {

    /** Consumer state per group, then per consumer id; events without a consumer id are not tracked. */
    final Map<String, Map<String, ConsumerState>> byGroup;

    public ConsumerRegistry() {
        this(new TreeMap<>());
    }

    ConsumerRegistry(Map<String, Map<String, ConsumerState>> byGroup) {
        this.byGroup = byGroup;
    }

    /**
     * Last known state of one consumer.
     *
     * @param lastSeenMillis time of its newest event, see {@link #observe(LifecycleEvent, long)}
     * @param capacity messages it can process at once, from its latest heartbeat (1 until one arrives)
     * @param closed whether its newest event was a closing heartbeat
     */
    public record ConsumerState(long lastSeenMillis, int capacity, boolean closed) {
    }

    /** Updates the sender of {@code event} as seen at the event's own timestamp. */
    public void observe(LifecycleEvent event) {
        observe(event, event.ts());
    }

    /**
     * Updates the sender of {@code event} as seen at {@code atMillis}, which is the event's
     * timestamp unless the caller moved it back from the future. An event older than the
     * consumer's newest changes nothing.
     */
    public void observe(LifecycleEvent event, long atMillis) {
        observe(event, atMillis, Integer.MAX_VALUE);
    }

    /**
     * As {@link #observe(LifecycleEvent, long)}, adding no consumer once {@code maxConsumers} are
     * tracked. A consumer left out does not count as alive and adds no capacity.
     *
     * @return {@code false} when the sender was left out for that reason
     */
    public boolean observe(LifecycleEvent event, long atMillis, int maxConsumers) {
        if (!event.type().isConsumerEvent() || event.consumer() == null) {
            return true;
        }
        Map<String, ConsumerState> group = byGroup.get(event.group());
        ConsumerState previous = group == null ? null : group.get(event.consumer());
        if (previous == null && size() >= maxConsumers) {
            return false;
        }
        if (group == null) {
            group = new TreeMap<>();
            byGroup.put(event.group(), group);
        }
        if (previous != null && previous.lastSeenMillis() > atMillis) {
            return true;
        }
        int capacity = previous == null ? 1 : previous.capacity();
        if (event.type() == EventType.HEARTBEAT && event.capacity() > 0) {
            capacity = event.capacity();
        }
        group.put(event.consumer(), new ConsumerState(atMillis, capacity, event.closing()));
        return true;
    }

    /** Consumers tracked, alive or not. */
    public int size() {
        int size = 0;
        for (Map<String, ConsumerState> group : byGroup.values()) {
            size += group.size();
        }
        return size;
    }

    /** Returns whether any consumer of {@code group} is tracked. */
    public boolean hasGroup(String group) {
        return byGroup.containsKey(group);
    }

    /** Forgets consumers whose last event is more than {@code silenceMillis} old, and groups left empty. */
    public void forgetSilent(long nowMillis, long silenceMillis) {
        long cutoff = nowMillis - silenceMillis;
        Iterator<Map<String, ConsumerState>> groups = byGroup.values().iterator();
        while (groups.hasNext()) {
            Map<String, ConsumerState> group = groups.next();
            group.values().removeIf(state -> state.lastSeenMillis() < cutoff);
            if (group.isEmpty()) {
                groups.remove();
            }
        }
    }

    /** Consumers of {@code group} alive at {@code nowMillis}. */
    public int activeConsumers(String group, long nowMillis, long livenessTimeoutMillis) {
        Map<String, ConsumerState> consumers = byGroup.get(group);
        if (consumers == null) {
            return 0;
        }
        int active = 0;
        for (ConsumerState state : consumers.values()) {
            if (isAlive(state, nowMillis, livenessTimeoutMillis)) {
                active++;
            }
        }
        return active;
    }

    /** Consumers of every group alive at {@code nowMillis}, and their total capacity. */
    public Liveness liveness(long nowMillis, long livenessTimeoutMillis) {
        int consumers = 0;
        long capacity = 0;
        for (Map<String, ConsumerState> group : byGroup.values()) {
            for (ConsumerState state : group.values()) {
                if (isAlive(state, nowMillis, livenessTimeoutMillis)) {
                    consumers++;
                    capacity += state.capacity();
                }
            }
        }
        return new Liveness(consumers, capacity);
    }

    /**
     * Live consumers and their total capacity.
     *
     * @param consumers consumers alive
     * @param capacity messages they can process at once, together
     */
    public record Liveness(int consumers, long capacity) {
    }

    private static boolean isAlive(ConsumerState state, long nowMillis, long livenessTimeoutMillis) {
        return !state.closed() && nowMillis - state.lastSeenMillis() <= livenessTimeoutMillis;
    }

    public Iterable<String> groups() {
        return byGroup.keySet();
    }

    /** Returns an independent copy for a snapshot. */
    public ConsumerRegistry copy() {
        Map<String, Map<String, ConsumerState>> groups = new TreeMap<>();
        byGroup.forEach((name, consumers) -> groups.put(name, new TreeMap<>(consumers)));
        return new ConsumerRegistry(groups);
    }
}
