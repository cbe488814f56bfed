package dev.lagwatch.monitor.topology;

import dev.lagwatch.monitor.health.ActivityWindow;
import dev.lagwatch.monitor.health.ConsumerRegistry;
import dev.lagwatch.monitor.health.QueueHealth;
import dev.lagwatch.monitor.health.UnfinishedMessages;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Immutable view of one queue's state, published by the topology for metric callbacks and other
 * readers on other threads.
 *
 * @param window copy of the queue's activity window, read by the time-based gauges at scrape time
 * @param consumers copy of the queue's consumers, read by the liveness gauges at scrape time
 * @param unfinished copy of the unfinished messages per enqueue time, for the oldest message's age
 * @param publishedAtMillis wall-clock time of publication, epoch milliseconds
 */
public record QueueSnapshot(
        String queue,
        long depth,
        long inFlight,
        long enqueued,
        List<GroupSnapshot> groups,
        ActivityWindow window,
        ConsumerRegistry consumers,
        UnfinishedMessages unfinished,
        long publishedAtMillis) {

    public QueueSnapshot {
        groups = List.copyOf(groups);
    }

    static QueueSnapshot of(String queue, QueueState state, long nowMillis) {
        List<GroupSnapshot> groups = new ArrayList<>(state.groups.size());
        for (Map.Entry<String, GroupState> entry : state.groups.entrySet()) {
            groups.add(GroupSnapshot.of(entry.getKey(), entry.getValue()));
        }
        return new QueueSnapshot(queue, state.depth(), state.inFlight(), state.enqueued, groups, state.window.copy(),
                state.consumers.copy(), state.unfinished.copy(), nowMillis);
    }

    /**
     * Returns every consumer group known on this queue: those with counts and those with consumers on
     * record. A group stays after its consumers are forgotten, so that its live-consumer series
     * reads 0 instead of disappearing.
     */
    public Set<String> consumerGroups() {
        Set<String> names = new TreeSet<>();
        for (GroupSnapshot group : groups) {
            names.add(group.group());
        }
        consumers.groups().forEach(names::add);
        return names;
    }

    /**
     * Returns {@code next} with every cumulative value (enqueued, outcomes, retries, histograms)
     * raised to at least its value in {@code previous}. Depth, in-flight and the time-based state
     * are {@code next}'s own.
     */
    static QueueSnapshot holdingCumulative(QueueSnapshot previous, QueueSnapshot next) {
        Map<String, GroupSnapshot> groups = new TreeMap<>();
        for (GroupSnapshot group : previous.groups) {
            groups.put(group.group(), group);
        }
        for (GroupSnapshot group : next.groups) {
            GroupSnapshot before = groups.get(group.group());
            groups.put(group.group(), before == null ? group : GroupSnapshot.holdingCumulative(before, group));
        }
        return new QueueSnapshot(next.queue, next.depth, next.inFlight, Math.max(previous.enqueued, next.enqueued),
                new ArrayList<>(groups.values()), next.window, next.consumers, next.unfinished, next.publishedAtMillis);
    }

    /** Age in seconds of the oldest unfinished message at {@code nowMillis}; 0 when the queue is empty. */
    public double oldestMessageAgeSeconds(long nowMillis) {
        return unfinished.oldestAgeSeconds(depth, nowMillis);
    }

    /** Evaluates lag, saturation, live consumers and status at {@code nowMillis}. */
    public QueueHealth health(long nowMillis, long livenessTimeoutMillis) {
        return QueueHealth.evaluate(depth, window.totals(nowMillis), consumers.liveness(nowMillis,
                livenessTimeoutMillis));
    }
}
