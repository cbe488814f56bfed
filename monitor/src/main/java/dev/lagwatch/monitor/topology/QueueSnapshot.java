package dev.lagwatch.monitor.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Immutable view of one queue's state, published by the topology for metric callbacks and other
 * readers on other threads.
 *
 * @param publishedAtMillis wall-clock time of publication, epoch milliseconds
 */
public record QueueSnapshot(
        String queue,
        long depth,
        long inFlight,
        long enqueued,
        List<GroupSnapshot> groups,
        long publishedAtMillis) {

    public QueueSnapshot {
        groups = List.copyOf(groups);
    }

    static QueueSnapshot of(String queue, QueueState state, long nowMillis) {
        List<GroupSnapshot> groups = new ArrayList<>(state.groups.size());
        for (Map.Entry<String, GroupState> entry : state.groups.entrySet()) {
            groups.add(GroupSnapshot.of(entry.getKey(), entry.getValue()));
        }
        return new QueueSnapshot(queue, state.depth(), state.inFlight(), state.enqueued, groups, nowMillis);
    }
}
