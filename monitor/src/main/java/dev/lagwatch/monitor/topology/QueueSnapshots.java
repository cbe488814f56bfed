package dev.lagwatch.monitor.topology;

import java.util.Collection;
import java.util.Collections;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.processor.TaskId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest published snapshot of every queue this monitor instance owns. The topology's stream
 * threads write it, and metric callbacks and the demo read it. Readers never touch a state store,
 * so a scrape never waits for Kafka or for a store being restored.
 */
public final class QueueSnapshots {

    private static final Logger log = LoggerFactory.getLogger(QueueSnapshots.class);
    private static final long CONFLICT_LOG_INTERVAL_MILLIS = 60_000;

    private final ConcurrentHashMap<String, QueueSnapshot> byQueue = new ConcurrentHashMap<>();
    /** Highest cumulative values published per queue by this process, kept when the queue moves away. */
    private final ConcurrentHashMap<String, QueueSnapshot> highest = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, TaskId> owners = new ConcurrentHashMap<>();
    /** When each open task last went through its changed queues and published them. */
    private final ConcurrentHashMap<TaskId, Long> lastPassByTask = new ConcurrentHashMap<>();
    private final AtomicLong lastConflictLoggedAt = new AtomicLong(Long.MIN_VALUE / 2);

    /**
     * Publishes the snapshot of a queue owned by {@code task}. Each queue should have one owner.
     * A second owner means the queue's events reached two partitions and its series jump between
     * two sets of counts, so the conflict is logged.
     *
     * <p>Counters and histograms never go down in what this process publishes. Snapshots come from
     * state that is not committed yet: when an exactly-once transaction aborts, the store rolls back
     * and the next snapshot can be lower than one already scraped, which Prometheus would read as a
     * counter reset. The highest value is held instead, until reprocessing the rolled-back events
     * brings the state back to it.
     */
    void publish(TaskId task, QueueSnapshot snapshot) {
        TaskId previous = owners.put(snapshot.queue(), task);
        if (previous != null && !previous.equals(task)) {
            logConflict(snapshot.queue(), previous, task);
        }
        QueueSnapshot notLower = highest.merge(snapshot.queue(), snapshot, QueueSnapshot::holdingCumulative);
        byQueue.put(snapshot.queue(), notLower);
    }

    /** Withdraws a queue, unless another task has published it since. */
    void remove(TaskId task, String queue) {
        if (owners.remove(queue, task)) {
            byQueue.remove(queue);
        }
    }

    /**
     * Withdraws a queue whose state {@code task} dropped, and discards its highest values: should the
     * queue come back, its counts start again from zero.
     */
    void forget(TaskId task, String queue) {
        if (owners.remove(queue, task)) {
            byQueue.remove(queue);
            highest.remove(queue);
        }
    }

    /** Notes that {@code task} published every queue it changed up to {@code nowMillis}. */
    void passed(TaskId task, long nowMillis) {
        lastPassByTask.put(task, nowMillis);
    }

    /** Notes that {@code task} closed: it publishes nothing more. */
    void closed(TaskId task) {
        lastPassByTask.remove(task);
    }

    /**
     * Returns whether every open task has published, after {@code epochMillis}, all it had
     * processed by then. A task that has not caught up with its input yet publishes nothing, so it
     * keeps this {@code false}; so does a monitor with no open task.
     */
    public boolean publishedSince(long epochMillis) {
        return !lastPassByTask.isEmpty() && lastPassByTask.values().stream().allMatch(pass -> pass > epochMillis);
    }

    private void logConflict(String queue, TaskId previous, TaskId current) {
        long now = System.currentTimeMillis();
        long last = lastConflictLoggedAt.get();
        if (now - last >= CONFLICT_LOG_INTERVAL_MILLIS && lastConflictLoggedAt.compareAndSet(last, now)) {
            log.warn("Queue {} is aggregated by two stream tasks ({} and {}), so its series mix two sets of counts."
                    + " This happens when partitions are added to the events topic while the monitor runs;"
                    + " restart the monitor", LogText.quote(queue), previous, current);
        }
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
