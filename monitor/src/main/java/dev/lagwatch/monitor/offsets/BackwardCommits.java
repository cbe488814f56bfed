package dev.lagwatch.monitor.offsets;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * Counts committed offsets that moved backwards between two polls, per group and topic. A
 * consumer that lost a partition in a rebalance can still commit its older position after the new
 * owner committed a newer one. The lag then shows records that were already processed. An
 * operator resetting a group's offsets moves them backwards too, so the count is a signal to look
 * at, not an error.
 *
 * <p>Offsets are compared only within one topic id, so a topic deleted and created again under
 * the same name starts afresh. Used by the poller thread only.
 */
final class BackwardCommits {

    private Map<Key, Long> previous = new HashMap<>();
    private Map<Key, Long> current = new HashMap<>();
    private final Map<String, Map<String, Long>> totals = new TreeMap<>();

    /** Notes a group's committed offset on a partition in this poll. */
    void observe(String group, TopicPartition partition, Uuid topicId, long committed) {
        if (committed < 0) {
            return;
        }
        Key key = new Key(group, partition, topicId);
        current.put(key, committed);
        Long before = previous.get(key);
        if (before != null && committed < before) {
            totals.computeIfAbsent(group, g -> new TreeMap<>()).merge(partition.topic(), 1L, Long::sum);
        }
    }

    /**
     * Ends a poll: drops the groups that no longer exist and returns the totals per group and
     * topic since the monitor started.
     */
    Map<String, Map<String, Long>> finishPoll(Set<String> groups) {
        previous = current;
        current = new HashMap<>();
        totals.keySet().retainAll(groups);
        Map<String, Map<String, Long>> copy = new TreeMap<>();
        totals.forEach((group, byTopic) -> copy.put(group, Map.copyOf(byTopic)));
        return copy;
    }

    private record Key(String group, TopicPartition partition, Uuid topicId) {
        Key {
            Objects.requireNonNull(topicId);
        }
    }
}
