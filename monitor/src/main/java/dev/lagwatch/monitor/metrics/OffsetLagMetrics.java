package dev.lagwatch.monitor.metrics;

import dev.lagwatch.monitor.offsets.OffsetPoller;
import dev.lagwatch.monitor.offsets.OffsetSnapshot;
import dev.lagwatch.monitor.offsets.OffsetSnapshot.Group;
import dev.lagwatch.monitor.offsets.OffsetSnapshot.GroupPartition;
import dev.lagwatch.monitor.offsets.PartitionCondition;
import dev.lagwatch.monitor.offsets.PartitionLag;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Offset lag and time lag of every consumer group, with the names and labels of kafka-lag-exporter
 * so that dashboards and alerts built for it keep working, and the poller's own health. Every value
 * comes from the poller's latest snapshot; a series that the snapshot no longer has disappears.
 */
public final class OffsetLagMetrics implements AutoCloseable {

    static final AttributeKey<String> CLUSTER_NAME = AttributeKey.stringKey("cluster_name");
    static final AttributeKey<String> GROUP = AttributeKey.stringKey("group");
    static final AttributeKey<String> TOPIC = AttributeKey.stringKey("topic");
    static final AttributeKey<String> PARTITION = AttributeKey.stringKey("partition");
    static final AttributeKey<String> MEMBER_HOST = AttributeKey.stringKey("member_host");
    static final AttributeKey<String> CONSUMER_ID = AttributeKey.stringKey("consumer_id");
    static final AttributeKey<String> CLIENT_ID = AttributeKey.stringKey("client_id");
    static final AttributeKey<String> CONDITION = AttributeKey.stringKey("condition");
    static final AttributeKey<String> RESULT = AttributeKey.stringKey("result");
    static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");

    private final InstrumentGroup instruments = new InstrumentGroup();
    private final OffsetPoller poller;
    private final String clusterName;

    /**
     * Registers the instruments.
     *
     * @param perPartition whether to export per-partition series. Without them, data loss and
     *     conditions are summed per topic, and the other series are per group and topic only.
     */
    public OffsetLagMetrics(Meter meter, OffsetPoller poller, String clusterName, boolean perPartition) {
        this.poller = poller;
        this.clusterName = clusterName;
        if (perPartition) {
            registerPartitionSeries(meter);
        } else {
            registerTopicSeries(meter);
        }
        registerGroupSeries(meter);
        registerPollerSeries(meter);
    }

    private void registerPartitionSeries(Meter meter) {
        partitionGauge(meter, "kafka_consumergroup_group_offset",
                "Offset the consumer group committed on the partition: the next record it will read.",
                (m, p) -> {
                    if (p.lag().committed() >= 0) {
                        m.record(p.lag().committed(), p.attributes());
                    }
                });
        partitionGauge(meter, "kafka_consumergroup_group_lag",
                "Records the consumer group has still to read on the partition; transaction markers and records"
                        + " deleted by retention do not count. No sample while the group has no committed offset.",
                (m, p) -> {
                    if (p.lag().hasLag()) {
                        m.record(p.lag().lag(), p.attributes());
                    }
                });
        partitionGauge(meter, "kafka_consumergroup_group_messages_lost",
                "Records retention deleted before the consumer group read them: log start minus committed offset.",
                (m, p) -> {
                    if (p.lag().committed() >= 0) {
                        m.record(p.lag().messagesLost(), p.attributes());
                    }
                });
        instruments.add(meter.gaugeBuilder("kafka_consumergroup_group_lag_seconds")
                .setUnit(MetricNames.UNIT_SECONDS)
                .setDescription("Age of the first record the consumer group has not read: now minus its timestamp;"
                        + " 0 when the group has read everything. No sample when the record's timestamp is missing.")
                .buildWithCallback(m -> eachPartition((group, p) -> {
                    if (p.lag().hasTimeLag()) {
                        m.record(p.lag().timeLagSeconds(), p.attributes());
                    }
                })));
        instruments.add(meter.gaugeBuilder("lagwatch_offset_partition_condition")
                .ofLongs()
                .setDescription("1 for a partition whose committed offset needs attention: no_committed_offset,"
                        + " data_loss or offset_beyond_end.")
                .buildWithCallback(m -> eachPartition((group, p) -> {
                    if (p.lag().condition() != PartitionCondition.OK) {
                        m.record(1, p.attributes().toBuilder().put(CONDITION, p.lag().condition().label()).build());
                    }
                })));
        instruments.add(meter.gaugeBuilder("kafka_partition_latest_offset")
                .ofLongs()
                .setDescription("High watermark of the partition: the offset the next record will get.")
                .buildWithCallback(m -> snapshot(s -> {
                    for (OffsetSnapshot.PartitionOffsets p : s.partitions()) {
                        m.record(p.latest(), partitionAttributes(p));
                    }
                })));
        instruments.add(meter.gaugeBuilder("kafka_partition_earliest_offset")
                .ofLongs()
                .setDescription("Log start offset of the partition: the first record still stored.")
                .buildWithCallback(m -> snapshot(s -> {
                    for (OffsetSnapshot.PartitionOffsets p : s.partitions()) {
                        m.record(p.earliest(), partitionAttributes(p));
                    }
                })));
    }

    private void registerTopicSeries(Meter meter) {
        instruments.add(meter.gaugeBuilder("kafka_consumergroup_group_messages_lost")
                .ofLongs()
                .setDescription("Records retention deleted before the consumer group read them, summed over the"
                        + " topic's partitions.")
                .buildWithCallback(m -> eachGroup(group -> {
                    Map<String, Long> lost = new TreeMap<>();
                    for (GroupPartition p : group.partitions()) {
                        lost.merge(p.topic(), p.lag().messagesLost(), Long::sum);
                    }
                    lost.forEach((topic, value) -> m.record(value, topicAttributes(group, topic)));
                })));
        instruments.add(meter.gaugeBuilder("lagwatch_offset_partition_condition")
                .ofLongs()
                .setDescription("Partitions of the topic whose committed offset needs attention, by condition:"
                        + " no_committed_offset, data_loss or offset_beyond_end.")
                .buildWithCallback(m -> eachGroup(group -> {
                    Map<List<String>, Long> counts = new TreeMap<>(Comparator.comparing(Object::toString));
                    for (GroupPartition p : group.partitions()) {
                        if (p.lag().condition() != PartitionCondition.OK) {
                            counts.merge(List.of(p.topic(), p.lag().condition().label()), 1L, Long::sum);
                        }
                    }
                    counts.forEach((key, value) -> m.record(value,
                            topicAttributes(group, key.get(0)).toBuilder().put(CONDITION, key.get(1)).build()));
                })));
    }

    private void registerGroupSeries(Meter meter) {

        groupGauge(meter, "kafka_consumergroup_group_max_lag", "Largest offset lag over the group's partitions.",
                Group::maxLag);
        groupGauge(meter, "kafka_consumergroup_group_sum_lag", "Offset lag summed over the group's partitions.",
                Group::sumLag);
        instruments.add(meter.gaugeBuilder("kafka_consumergroup_group_max_lag_seconds")
                .setUnit(MetricNames.UNIT_SECONDS)
                .setDescription("Largest time lag over the group's partitions.")
                .buildWithCallback(m -> eachGroup(group -> {
                    double value = group.maxTimeLagSeconds();
                    if (!Double.isNaN(value)) {
                        m.record(value, groupAttributes(group));
                    }
                })));
        instruments.add(meter.gaugeBuilder("kafka_consumergroup_group_topic_sum_lag")
                .ofLongs()
                .setDescription("Offset lag summed over the group's partitions of one topic.")
                .buildWithCallback(m -> eachGroup(group -> {
                    for (Map.Entry<String, Long> sum : group.sumLagByTopic().entrySet()) {
                        m.record(sum.getValue(), topicAttributes(group, sum.getKey()));
                    }
                })));
        instruments.add(meter.counterBuilder("lagwatch.offset.commits.backward")
                .setDescription("Committed offsets that moved backwards between two polls: a late commit from a"
                        + " consumer that lost its partition, or an offset reset.")
                .buildWithCallback(m -> eachGroup(group -> group.backwardCommitsByTopic().forEach(
                        (topic, count) -> m.record(count, topicAttributes(group, topic))))));
        instruments.add(meter.gaugeBuilder("lagwatch_consumergroup_members")
                .ofLongs()
                .setDescription("Members of the consumer group now; 0 when all of them are down.")
                .buildWithCallback(m -> eachGroup(group -> m.record(group.members(), groupAttributes(group)))));
        instruments.add(meter.gaugeBuilder("lagwatch_consumergroup_state")
                .ofLongs()
                .setDescription("1, with the group's state as the coordinator reports it (Stable, Empty,"
                        + " PreparingRebalance, ...) in the state label.")
                .buildWithCallback(m -> eachGroup(group -> m.record(1,
                        groupAttributes(group).toBuilder().put(MetricNames.STATE, group.state()).build()))));

    }

    private void registerPollerSeries(Meter meter) {
        Attributes cluster = Attributes.of(CLUSTER_NAME, clusterName);
        instruments.add(meter.gaugeBuilder("lagwatch.offset.poll.duration")
                .setUnit(MetricNames.UNIT_SECONDS)
                .setDescription("Time the latest offset poll of the cluster took.")
                .buildWithCallback(m -> snapshot(s -> m.record(s.pollMillis() / 1000.0, cluster))));
        instruments.add(meter.counterBuilder("lagwatch.offset.polls")
                .setDescription("Offset polls of the cluster since the monitor started, by result.")
                .buildWithCallback(m -> {
                    m.record(poller.succeeded(), cluster.toBuilder().put(RESULT, "success").build());
                    m.record(poller.failed(), cluster.toBuilder().put(RESULT, "failure").build());
                }));
        instruments.add(meter.gaugeBuilder("lagwatch.offset.snapshot.age")
                .setUnit(MetricNames.UNIT_SECONDS)
                .setDescription("Time since the latest successful offset poll finished. Offset series disappear when"
                        + " it passes three poll intervals.")
                .buildWithCallback(m -> poller.lastSuccessful().ifPresent(s -> m.record(
                        Math.max(0, System.currentTimeMillis() - s.takenAtMillis()) / 1000.0, cluster))));
        instruments.add(meter.counterBuilder("lagwatch.offset.timestamps.invalid")
                .setDescription("First unread records whose timestamp could not give a time lag: missing (-1 or 0,"
                        + " no time lag) or future (ahead of the monitor's clock by over 1 s, time lag 0).")
                .buildWithCallback(m -> {
                    m.record(poller.timestamps().missing(), cluster.toBuilder().put(REASON, "missing").build());
                    m.record(poller.timestamps().future(), cluster.toBuilder().put(REASON, "future").build());
                }));
    }

    private void partitionGauge(Meter meter, String name, String description,
            BiConsumer<ObservableLongMeasurement, LabelledPartition> recorder) {
        instruments.add(meter.gaugeBuilder(name)
                .ofLongs()
                .setDescription(description)
                .buildWithCallback(m -> eachPartition((group, p) -> recorder.accept(m, p))));
    }

    /**
     * Serves one value per group. A group none of whose partitions has a lag sample, because it
     * never committed on them, has no series: a 0 would claim it had read everything.
     */
    private void groupGauge(Meter meter, String name, String description, ToLongFunction<Group> value) {
        instruments.add(meter.gaugeBuilder(name)
                .ofLongs()
                .setDescription(description)
                .buildWithCallback(m -> eachGroup(group -> {
                    if (group.hasLag()) {
                        m.record(value.applyAsLong(group), groupAttributes(group));
                    }
                })));
    }

    private void snapshot(Consumer<OffsetSnapshot> action) {
        poller.snapshot().ifPresent(action);
    }

    private void eachGroup(Consumer<Group> action) {
        snapshot(s -> s.groups().forEach(action));
    }

    private void eachPartition(BiConsumer<Group, LabelledPartition> action) {
        eachGroup(group -> {
            for (GroupPartition partition : group.partitions()) {
                action.accept(group, new LabelledPartition(partition.lag(), Attributes.builder()
                        .put(CLUSTER_NAME, clusterName)
                        .put(GROUP, group.group())
                        .put(TOPIC, partition.topic())
                        .put(PARTITION, Integer.toString(partition.partition()))
                        .put(MEMBER_HOST, partition.memberHost())
                        .put(CONSUMER_ID, partition.consumerId())
                        .put(CLIENT_ID, partition.clientId())
                        .build()));
            }
        });
    }

    private Attributes groupAttributes(Group group) {
        return Attributes.of(CLUSTER_NAME, clusterName, GROUP, group.group());
    }

    private Attributes topicAttributes(Group group, String topic) {
        return Attributes.of(CLUSTER_NAME, clusterName, GROUP, group.group(), TOPIC, topic);
    }

    private Attributes partitionAttributes(OffsetSnapshot.PartitionOffsets partition) {
        return Attributes.of(CLUSTER_NAME, clusterName, TOPIC, partition.topic(), PARTITION,
                Integer.toString(partition.partition()));
    }

    private record LabelledPartition(PartitionLag lag, Attributes attributes) {
    }

    @Override
    public void close() {
        instruments.close();
    }
}
