package dev.lagwatch.monitor.topology;

import java.util.Collection;
import java.util.Collections;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest published snapshot of every queue this monitor instance owns. The topology's stream
 * threads write it, and metric callbacks and the demo read it. Readers never touch a state store,
 * so a scrape never waits for Kafka or for a store being restored.
 */
public final class QueueSnapshots {

    private final ConcurrentHashMap<String, QueueSnapshot> byQueue = new ConcurrentHashMap<>();

    void publish(QueueSnapshot snapshot) {
        byQueue.put(snapshot.queue(), snapshot);
    }

    void remove(String queue) {
        byQueue.remove(queue);
    }

    /** Returns a live, unmodifiable view of the current snapshots. */
    public Collection<QueueSnapshot> all() {
        return Collections.unmodifiableCollection(byQueue.values());
    }

    /** Returns the snapshot of {@code queue}, or {@code null} when this instance does not own it. */
    public QueueSnapshot get(String queue) {
        return byQueue.get(queue);
    }
}
