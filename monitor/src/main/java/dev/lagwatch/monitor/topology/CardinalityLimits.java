package dev.lagwatch.monitor.topology;

import java.time.Duration;

/**
 * Bounds on what the monitor keeps and exports, so that a producer writing any number of distinct
 * names cannot exhaust its memory or Prometheus. Events beyond a limit are counted under the
 * reserved name {@link dev.lagwatch.client.event.LifecycleEvent#OVERFLOW_NAME} instead.
 *
 * @param maxQueues distinct queues the monitor keeps, across all its instances. Each of the
 *     events topic's partitions admits its share, {@link #queuesPerPartition(int)}
 * @param maxGroupsPerQueue distinct consumer groups kept per queue; the excess folds into the
 *     queue's overflow group
 * @param maxConsumersPerQueue distinct consumers whose liveness a queue tracks; events of further
 *     consumers count, but those consumers do not show as live
 * @param queueExpiry how long a queue may go without events before its state and series are
 *     dropped, freeing its place
 */
public record CardinalityLimits(int maxQueues, int maxGroupsPerQueue, int maxConsumersPerQueue, Duration queueExpiry) {

    public static final CardinalityLimits DEFAULT = new CardinalityLimits(10_000, 100, 1_000, Duration.ofDays(1));

    /**
     * Queues one partition of the events topic admits: an equal share of {@link #maxQueues}, rounded
     * up. Queue names hash evenly over the partitions, so the monitor as a whole starts folding
     * queues into the overflow series when it keeps about {@code maxQueues}, and never keeps more
     * than {@code partitions} times this share.
     */
    public int queuesPerPartition(int partitions) {
        return (maxQueues + partitions - 1) / partitions;
    }
}
