package dev.lagwatch.client.kafka;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Records sent again for another attempt, awaiting their acknowledgement. Kafka passes a producer
 * interceptor the record on send but only its topic, partition, offset and timestamp on
 * acknowledgement, so the two are matched by topic and timestamp. A record sent again keeps the
 * timestamp of its first delivery, which a new record of the topic is unlikely to share. Even when
 * one does, one of the two is counted and the count stays exact.
 *
 * <p>A send that fails is acknowledged without a timestamp and so never claimed; its entry expires
 * after {@code expiryMillis}, and the oldest entries go first beyond {@code capacity}.
 */
final class RetrySends {

    private record Key(String topic, long timestamp) {
    }

    private record Entry(Key key, long addedAt) {
    }

    private final long expiryMillis;
    private final int capacity;
    /** Times each pending send was noted, oldest first; a claim takes the oldest. */
    private final Map<Key, ArrayDeque<Long>> pending = new HashMap<>();
    private final ArrayDeque<Entry> byAge = new ArrayDeque<>();
    /** Sends noted and not yet claimed or forgotten, read without the lock so that acknowledgements skip it. */
    private volatile int waiting;

    RetrySends(long expiryMillis, int capacity) {
        this.expiryMillis = expiryMillis;
        this.capacity = capacity;
    }

    /** Notes that a record of {@code topic} with {@code timestamp} was sent for another attempt. */
    synchronized void expect(String topic, long timestamp, long now) {
        expire(now);
        if (byAge.size() >= capacity) {
            drop(byAge.removeFirst());
        }
        Key key = new Key(topic, timestamp);
        pending.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(now);
        byAge.addLast(new Entry(key, now));
        waiting++;
    }

    /** Returns whether an acknowledged record of {@code topic} with {@code timestamp} was one sent for another attempt. */
    boolean claim(String topic, long timestamp, long now) {
        // expect() runs in onSend, before the producer sends the record, so its write is visible here.
        return waiting > 0 && claimPending(topic, timestamp, now);
    }

    private synchronized boolean claimPending(String topic, long timestamp, long now) {
        expire(now);
        Key key = new Key(topic, timestamp);
        ArrayDeque<Long> times = pending.get(key);
        if (times == null) {
            return false;
        }
        times.removeFirst();
        if (times.isEmpty()) {
            pending.remove(key);
        }
        waiting--;
        // The age queue keeps the claimed entry until it expires; drop() then finds it gone.
        return true;
    }

    /** Returns how many sends await their acknowledgement. */
    int size() {
        return waiting;
    }

    private void expire(long now) {
        while (!byAge.isEmpty() && now - byAge.peekFirst().addedAt() >= expiryMillis) {
            drop(byAge.removeFirst());
        }
    }

    /**
     * Forgets {@code entry} unless it was claimed. Claims take a key's oldest send and entries leave
     * the age queue oldest first, so the entry is still pending exactly when its time heads its key's.
     */
    private void drop(Entry entry) {
        ArrayDeque<Long> times = pending.get(entry.key());
        if (times != null && times.peekFirst() == entry.addedAt()) {
            times.removeFirst();
            if (times.isEmpty()) {
                pending.remove(entry.key());
            }
            waiting--;
        }
    }
}
