package dev.lagwatch.monitor.offsets;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything one poll of the cluster found, immutable, for the metric callbacks to read.
 *
 * @param takenAtMillis when the poll finished, on the monitor's clock
 * @param pollMillis how long the poll took
 * @param readMillis how much of it went to reading first unconsumed records
 * @param recordsRead first unconsumed records read from Kafka in this poll, not found in the cache
 */
public record OffsetSnapshot(List<Group> groups, List<PartitionOffsets> partitions, long takenAtMillis,
        long pollMillis, long readMillis, int recordsRead) {

    public OffsetSnapshot {
        groups = List.copyOf(groups);
        partitions = List.copyOf(partitions);
    }

    /**
     * One consumer group.
     *
     * @param state the group's state as the coordinator reports it, for example {@code Stable} or {@code Empty}
     * @param members members in the group now
     * @param backwardCommitsByTopic committed offsets that moved backwards since the monitor started, per topic
     */
    public record Group(String group, String state, int members, List<GroupPartition> partitions,
            Map<String, Long> backwardCommitsByTopic) {

        public Group {
            partitions = List.copyOf(partitions);
            backwardCommitsByTopic = Map.copyOf(backwardCommitsByTopic);
        }

        /** Returns whether any partition of the group has an offset lag sample. */
        public boolean hasLag() {
            return partitions.stream().anyMatch(p -> p.lag().hasLag());
        }

        /** Returns the largest offset lag over the partitions with a sample, or 0. */
        public long maxLag() {
            return partitions.stream().filter(p -> p.lag().hasLag()).mapToLong(p -> p.lag().lag()).max().orElse(0);
        }

        /** Returns the offset lag summed over the partitions with a sample. */
        public long sumLag() {
            return partitions.stream().filter(p -> p.lag().hasLag()).mapToLong(p -> p.lag().lag()).sum();
        }

        /** Returns the largest time lag over the partitions with a sample, or NaN when none has one. */
        public double maxTimeLagSeconds() {
            return partitions.stream().filter(p -> p.lag().hasTimeLag()).mapToDouble(p -> p.lag().timeLagSeconds())
                    .max().orElse(Double.NaN);
        }

        /** Returns the offset lag summed per topic, over the partitions with a sample. */
        public Map<String, Long> sumLagByTopic() {
            Map<String, Long> sums = new TreeMap<>();
            for (GroupPartition partition : partitions) {
                if (partition.lag().hasLag()) {
                    sums.merge(partition.topic(), partition.lag().lag(), Long::sum);
                }
            }
            return sums;
        }
    }

    /**
     * One partition of a group, with the member it is assigned to; the member fields read
     * {@code unknown} when no member is assigned the partition.
     */
    public record GroupPartition(String topic, int partition, String memberHost, String consumerId, String clientId,
            PartitionLag lag) {
    }

    /**
     * Offsets of one partition.
     *
     * @param earliest the log start offset
     * @param latest the high watermark, the offset the next record will get
     */
    public record PartitionOffsets(String topic, int partition, long earliest, long latest) {
    }
}
