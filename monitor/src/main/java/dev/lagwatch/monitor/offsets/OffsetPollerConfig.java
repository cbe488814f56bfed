package dev.lagwatch.monitor.offsets;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Settings of the offset poller.
 *
 * @param interval time between the starts of two polls
 * @param clusterName value of the {@code cluster_name} label on every offset series
 * @param groupFilter consumer groups to measure
 * @param topicFilter topics to measure
 * @param requestTimeout bound on each admin request of a poll
 * @param readTimeout bound on reading the first unconsumed records of all partitions in one poll
 * @param perPartition whether to export a series per partition, or only per group and topic
 */
public record OffsetPollerConfig(Duration interval, String clusterName, NameFilter groupFilter, NameFilter topicFilter,
        Duration requestTimeout, Duration readTimeout, boolean perPartition) {

    /** Topics of Kafka itself and the internal topics of Kafka Streams applications. */
    public static final List<Pattern> INTERNAL_TOPICS = List.of(Pattern.compile("__.*"),
            Pattern.compile(".*-changelog"), Pattern.compile(".*-repartition"));
}
