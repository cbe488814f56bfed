package dev.lagwatch.monitor.health;

import dev.lagwatch.client.event.EventType;
import dev.lagwatch.client.event.LifecycleEvent;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Unfinished messages of one queue counted per bucket of enqueue time, for the age of the oldest
 * one. An {@code enqueued} event adds one to the bucket of its timestamp; a final outcome
 * (completed, or failed without retry) takes one away from the bucket of its {@code enqueued_at}.
 * The age does not assume FIFO order: whichever message finishes, it leaves its own bucket.
 *
 * <p>Bounds and error:
 * <ul>
 *   <li>Buckets are one second wide. When more than {@link #MAX_BUCKETS} buckets hold messages,
 *       the width doubles and neighbouring buckets merge, so the oldest age is exact to one bucket
 *       width. The width returns to one second when the queue empties.</li>
 *   <li>An outcome whose {@code enqueued} has not arrived leaves a negative count. Negative
 *       buckets count as empty and are dropped once older than the tolerance given to
 *       {@link #dropStale}; an {@code enqueued} arriving later than that is counted as a message
 *       that never finishes, until the queue's depth is 0 again.</li>
 * </ul>
 */
public final class UnfinishedMessages {

    /** Buckets kept per queue before they widen. */
    public static final int MAX_BUCKETS = 512;

    long widthSeconds;
    /** Unfinished messages per bucket start (epoch seconds); counts can be negative, see above. */
    final TreeMap<Long, Long> byBucket;

    public UnfinishedMessages() {
        this(1, new TreeMap<>());
    }

    UnfinishedMessages(long widthSeconds, TreeMap<Long, Long> byBucket) {
        this.widthSeconds = widthSeconds;
        this.byBucket = byBucket;
    }

    /** Counts an enqueued event or a final outcome; other events change nothing. */
    public void record(LifecycleEvent event) {
        if (event.type() == EventType.ENQUEUED) {
            add(event.ts(), 1);
        } else if (event.type().isTerminal() && event.isFinalOutcome()) {
            add(event.enqueuedAt(), -1);
        }
    }

    private void add(long timestampMillis, long delta) {
        long bucket = bucketOf(timestampMillis);
        long count = byBucket.merge(bucket, delta, Long::sum);
        if (count == 0) {
            byBucket.remove(bucket);
        }
        while (byBucket.size() > MAX_BUCKETS) {
            widen();
        }
        if (byBucket.isEmpty()) {
            widthSeconds = 1;
        }
    }

    private long bucketOf(long timestampMillis) {
        long second = Math.floorDiv(timestampMillis, 1000);
        return Math.floorDiv(second, widthSeconds) * widthSeconds;
    }

    private void widen() {
        widthSeconds *= 2;
        TreeMap<Long, Long> merged = new TreeMap<>();
        for (Map.Entry<Long, Long> entry : byBucket.entrySet()) {
            long bucket = Math.floorDiv(entry.getKey(), widthSeconds) * widthSeconds;
            merged.merge(bucket, entry.getValue(), Long::sum);
        }
        merged.values().removeIf(count -> count == 0);
        byBucket.clear();
        byBucket.putAll(merged);
    }

    /** Drops negative counts in buckets that started more than {@code toleranceMillis} before {@code nowMillis}. */
    public void dropStale(long nowMillis, long toleranceMillis) {
        long cutoff = Math.floorDiv(nowMillis - toleranceMillis, 1000);
        Iterator<Map.Entry<Long, Long>> entries = byBucket.headMap(cutoff).entrySet().iterator();
        while (entries.hasNext()) {
            if (entries.next().getValue() < 0) {
                entries.remove();
            }
        }
    }

    /**
     * Age in seconds of the oldest unfinished message at {@code nowMillis}, measured from the start
     * of its bucket; 0 when the queue is empty ({@code depth == 0}) or no bucket has a positive
     * count. Never negative.
     */
    public double oldestAgeSeconds(long depth, long nowMillis) {
        if (depth <= 0) {
            return 0;
        }
        for (Map.Entry<Long, Long> entry : byBucket.entrySet()) {
            if (entry.getValue() > 0) {
                return Math.max(0, (nowMillis - entry.getKey() * 1000) / 1000.0);
            }
        }
        return 0;
    }

    public long widthSeconds() {
        return widthSeconds;
    }

    /** Returns a read-only view of the counts per bucket start (epoch seconds). */
    public Map<Long, Long> byBucketView() {
        return java.util.Collections.unmodifiableMap(byBucket);
    }

    /** Returns an independent copy for a snapshot. */
    public UnfinishedMessages copy() {
        return new UnfinishedMessages(widthSeconds, new TreeMap<>(byBucket));
    }
}
