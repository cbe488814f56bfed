package dev.lagwatch.monitor.offsets;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One poll of the cluster: the consumer groups, their committed offsets, the offsets of their
 * partitions and the first record each group has not read, turned into an {@link OffsetSnapshot}.
 *
 * <p>Committed offsets are read before the partitions' end offsets, so that a group committing
 * between the two reads can only make its lag look larger by what arrived meanwhile, never
 * negative. A group or topic that disappears between two steps is left out of this poll, and a
 * failure to read one of them costs only that one.
 */
final class OffsetCollector {

    private static final Logger log = LoggerFactory.getLogger(OffsetCollector.class);
    static final String UNKNOWN_MEMBER = "unknown";
    private static final Comparator<TopicPartition> PARTITION_ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private final Admin admin;
    private final FirstRecordReader reader;
    private final NameFilter groupFilter;
    private final NameFilter topicFilter;
    private final Duration requestTimeout;
    private final Duration readTimeout;
    private final LongSupplier clock;
    private final TimestampStats timestamps;
    private final BackwardCommits backwardCommits = new BackwardCommits();

    OffsetCollector(Admin admin, FirstRecordReader reader, NameFilter groupFilter, NameFilter topicFilter,
            Duration requestTimeout, Duration readTimeout, LongSupplier clock, TimestampStats timestamps) {
        this.admin = admin;
        this.reader = reader;
        this.groupFilter = groupFilter;
        this.topicFilter = topicFilter;
        this.requestTimeout = requestTimeout;
        this.readTimeout = readTimeout;
        this.clock = clock;
        this.timestamps = timestamps;
    }

    /** Polls the cluster once. Throws when the cluster cannot be reached at all. */
    OffsetSnapshot collect() throws InterruptedException, ExecutionException, TimeoutException {
        long started = clock.getAsLong();

        List<String> groupIds = new ArrayList<>();
        for (GroupListing listing : get(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all())) {
            if (groupFilter.accepts(listing.groupId())) {
                groupIds.add(listing.groupId());
            }
        }
        groupIds.sort(null);
        Map<String, ConsumerGroupDescription> descriptions = describeGroups(groupIds);
        Map<String, Map<TopicPartition, Long>> committed = committedOffsets(descriptions.keySet());

        Set<String> topicNames = new TreeSet<>();
        for (String group : descriptions.keySet()) {
            for (TopicPartition partition : partitionsOf(descriptions.get(group), committed.get(group))) {
                if (topicFilter.accepts(partition.topic())) {
                    topicNames.add(partition.topic());
                }
            }
        }
        Map<String, TopicDescription> topics = describeTopics(topicNames);
        Map<TopicPartition, Uuid> topicIds = new HashMap<>();
        for (TopicDescription topic : topics.values()) {
            for (TopicPartitionInfo info : topic.partitions()) {
                topicIds.put(new TopicPartition(topic.name(), info.partition()), topic.topicId());
            }
        }
        Map<TopicPartition, Long> logStarts = listOffsets(topicIds.keySet(), OffsetSpec.earliest(),
                IsolationLevel.READ_UNCOMMITTED);
        Map<TopicPartition, Long> highWatermarks = listOffsets(topicIds.keySet(), OffsetSpec.latest(),
                IsolationLevel.READ_UNCOMMITTED);
        Map<TopicPartition, Long> stableOffsets = listOffsets(topicIds.keySet(), OffsetSpec.latest(),
                IsolationLevel.READ_COMMITTED);

        List<PendingPartition> pending = new ArrayList<>();
        for (String group : descriptions.keySet()) {
            ConsumerGroupDescription description = descriptions.get(group);
            Map<TopicPartition, MemberDescription> owners = owners(description);
            Map<TopicPartition, Long> groupOffsets = committed.getOrDefault(group, Map.of());
            for (TopicPartition partition : partitionsOf(description, groupOffsets)) {
                Long logStart = logStarts.get(partition);
                Long highWatermark = highWatermarks.get(partition);
                Long stableOffset = stableOffsets.get(partition);
                if (logStart == null || highWatermark == null || stableOffset == null) {
                    continue;
                }
                long offset = groupOffsets.getOrDefault(partition, -1L);
                backwardCommits.observe(group, partition, topicIds.get(partition), offset);
                pending.add(new PendingPartition(group, partition, owners.get(partition), offset, logStart,
                        highWatermark, stableOffset, readRequest(partition, topicIds.get(partition), offset, logStart,
                                highWatermark, stableOffset)));
            }
        }

        List<ReadRequest> requests = pending.stream().map(PendingPartition::request).filter(Objects::nonNull).toList();
        long readStarted = clock.getAsLong();
        Map<ReadRequest, FirstRecord> firstRecords = reader.read(requests, readStarted + readTimeout.toMillis());
        long readMillis = clock.getAsLong() - readStarted;

        long now = clock.getAsLong();
        Map<String, List<OffsetSnapshot.GroupPartition>> byGroup = new TreeMap<>();
        for (PendingPartition p : pending) {
            FirstRecord first = p.request() == null ? null : firstRecords.get(p.request());
            PartitionLag lag = PartitionLag.evaluate(p.committed(), p.logStart(), p.highWatermark(), p.stableOffset(),
                    first, now, timestamps);
            MemberDescription owner = p.owner();
            byGroup.computeIfAbsent(p.group(), g -> new ArrayList<>()).add(new OffsetSnapshot.GroupPartition(
                    p.partition().topic(), p.partition().partition(),
                    owner == null ? UNKNOWN_MEMBER : owner.host(),
                    owner == null ? UNKNOWN_MEMBER : owner.consumerId(),
                    owner == null ? UNKNOWN_MEMBER : owner.clientId(), lag));
        }
        Map<String, Map<String, Long>> backwards = backwardCommits.finishPoll(descriptions.keySet());
        List<OffsetSnapshot.Group> groups = new ArrayList<>();
        for (String group : descriptions.keySet()) {
            ConsumerGroupDescription description = descriptions.get(group);
            boolean hasPartitions = !partitionsOf(description, committed.get(group)).isEmpty();
            if (!byGroup.containsKey(group) && (description.members().isEmpty() || hasPartitions)) {
                // Nothing to measure: its partitions are on topics left out or deleted, or it has
                // neither members nor partitions. A group whose members have no partitions yet stays.
                continue;
            }
            groups.add(new OffsetSnapshot.Group(group, description.groupState().toString(),
                    description.members().size(), byGroup.getOrDefault(group, List.of()),
                    backwards.getOrDefault(group, Map.of())));
        }
        List<OffsetSnapshot.PartitionOffsets> partitions = new ArrayList<>();
        for (TopicPartition partition : topicIds.keySet().stream().sorted(PARTITION_ORDER).toList()) {
            Long earliest = logStarts.get(partition);
            Long latest = highWatermarks.get(partition);
            if (earliest != null && latest != null) {
                partitions.add(new OffsetSnapshot.PartitionOffsets(partition.topic(), partition.partition(), earliest,
                        latest));
            }
        }
        long finished = clock.getAsLong();
        return new OffsetSnapshot(groups, partitions, finished, finished - started, readMillis,
                reader.lastReadCount());
    }

    private static ReadRequest readRequest(TopicPartition partition, Uuid topicId, long committed, long logStart,
            long highWatermark, long stableOffset) {
        if (committed < 0 || committed > highWatermark) {
            return null;
        }
        boolean readCommitted = committed <= stableOffset;
        long end = readCommitted ? stableOffset : highWatermark;
        long start = PartitionLag.readStart(committed, logStart, end);
        return start < 0 ? null : new ReadRequest(partition, topicId, start, end, readCommitted);
    }

    /** Returns the partitions a group has offsets for or is assigned, in order. */
    private static Set<TopicPartition> partitionsOf(ConsumerGroupDescription description,
            Map<TopicPartition, Long> committed) {
        Set<TopicPartition> partitions = new TreeSet<>(PARTITION_ORDER);
        if (committed != null) {
            partitions.addAll(committed.keySet());
        }
        for (MemberDescription member : description.members()) {
            partitions.addAll(member.assignment().topicPartitions());
        }
        return partitions;
    }

    private static Map<TopicPartition, MemberDescription> owners(ConsumerGroupDescription description) {
        Map<TopicPartition, MemberDescription> owners = new HashMap<>();
        for (MemberDescription member : description.members()) {
            for (TopicPartition partition : member.assignment().topicPartitions()) {
                owners.put(partition, member);
            }
        }
        return owners;
    }

    private Map<String, ConsumerGroupDescription> describeGroups(Collection<String> groupIds)
            throws InterruptedException {
        Map<String, ConsumerGroupDescription> descriptions = new TreeMap<>();
        if (groupIds.isEmpty()) {
            return descriptions;
        }
        Map<String, KafkaFuture<ConsumerGroupDescription>> futures =
                admin.describeConsumerGroups(groupIds).describedGroups();
        for (Map.Entry<String, KafkaFuture<ConsumerGroupDescription>> entry : futures.entrySet()) {
            try {
                descriptions.put(entry.getKey(), get(entry.getValue()));
            } catch (ExecutionException | TimeoutException e) {
                log.debug("Skipping consumer group '{}' this poll: {}", entry.getKey(), e.toString());
            }
        }
        return descriptions;
    }

    private Map<String, Map<TopicPartition, Long>> committedOffsets(Collection<String> groupIds)
            throws InterruptedException {
        Map<String, Map<TopicPartition, Long>> offsets = new HashMap<>();
        if (groupIds.isEmpty()) {
            return offsets;
        }
        Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
        for (String group : groupIds) {
            specs.put(group, new ListConsumerGroupOffsetsSpec());
        }
        ListConsumerGroupOffsetsResult result = admin.listConsumerGroupOffsets(specs);
        for (String group : groupIds) {
            try {
                Map<TopicPartition, Long> groupOffsets = new HashMap<>();
                for (Map.Entry<TopicPartition, OffsetAndMetadata> entry
                        : get(result.partitionsToOffsetAndMetadata(group)).entrySet()) {
                    if (entry.getValue() != null) {
                        groupOffsets.put(entry.getKey(), entry.getValue().offset());
                    }
                }
                offsets.put(group, groupOffsets);
            } catch (ExecutionException | TimeoutException e) {
                log.debug("Skipping the offsets of consumer group '{}' this poll: {}", group, e.toString());
            }
        }
        return offsets;
    }

    private Map<String, TopicDescription> describeTopics(Collection<String> names) throws InterruptedException {
        Map<String, TopicDescription> topics = new TreeMap<>();
        if (names.isEmpty()) {
            return topics;
        }
        for (Map.Entry<String, KafkaFuture<TopicDescription>> entry
                : admin.describeTopics(names).topicNameValues().entrySet()) {
            try {
                topics.put(entry.getKey(), get(entry.getValue()));
            } catch (ExecutionException | TimeoutException e) {
                // A deleted topic: groups keep their offsets for it until they expire, but it has no lag.
                log.debug("Skipping topic '{}' this poll: {}", entry.getKey(), e.toString());
            }
        }
        return topics;
    }

    private Map<TopicPartition, Long> listOffsets(Collection<TopicPartition> partitions, OffsetSpec spec,
            IsolationLevel isolation) throws InterruptedException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        if (partitions.isEmpty()) {
            return offsets;
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (TopicPartition partition : partitions) {
            request.put(partition, spec);
        }
        ListOffsetsResult result = admin.listOffsets(request, new ListOffsetsOptions(isolation));
        for (TopicPartition partition : partitions) {
            try {
                offsets.put(partition, get(result.partitionResult(partition)).offset());
            } catch (ExecutionException | TimeoutException e) {
                log.debug("Skipping partition {} this poll: {}", partition, e.toString());
            }
        }
        return offsets;
    }

    private <T> T get(KafkaFuture<T> future) throws InterruptedException, ExecutionException, TimeoutException {
        return future.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private record PendingPartition(String group, TopicPartition partition, MemberDescription owner, long committed,
            long logStart, long highWatermark, long stableOffset, ReadRequest request) {
    }
}
