package dev.lagwatch.monitor;

import dev.lagwatch.monitor.topology.PublishGate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PublishGate} that reads, with the admin client, the end offsets of a task's input
 * partitions when the task starts, then the monitor's committed offsets until they reach them.
 * Requests run in the background; {@link CatchUp#caughtUp()} only looks at finished ones, so the
 * stream thread never waits for the brokers here. A failed request is sent again at the next check.
 */
final class CommittedOffsetsGate implements PublishGate {

    private static final Logger log = LoggerFactory.getLogger(CommittedOffsetsGate.class);

    private final Admin admin;
    private final String groupId;

    CommittedOffsetsGate(Admin admin, String groupId) {
        this.admin = admin;
        this.groupId = groupId;
    }

    @Override
    public CatchUp start(Set<TopicPartition> inputs) {
        return new TaskCatchUp(Set.copyOf(inputs));
    }

    private final class TaskCatchUp implements CatchUp {
        private final Set<TopicPartition> inputs;
        private KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>> endOffsetsRequest;
        private Map<TopicPartition, Long> targets;
        private KafkaFuture<Map<TopicPartition, OffsetAndMetadata>> committedRequest;
        private boolean caughtUp;

        TaskCatchUp(Set<TopicPartition> inputs) {
            this.inputs = inputs;
            requestEndOffsets();
        }

        private void requestEndOffsets() {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            inputs.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
            // The last stable offset: an open transaction of a crashed owner was never read by it.
            endOffsetsRequest = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all();
        }

        private void requestCommitted() {
            ListConsumerGroupOffsetsSpec spec = new ListConsumerGroupOffsetsSpec().topicPartitions(List.copyOf(inputs));
            committedRequest = admin.listConsumerGroupOffsets(Map.of(groupId, spec)).partitionsToOffsetAndMetadata();
        }

        @Override
        public boolean caughtUp() {
            if (caughtUp) {
                return true;
            }
            if (targets == null) {
                if (!endOffsetsRequest.isDone()) {
                    return false;
                }
                Map<TopicPartition, ListOffsetsResultInfo> ends = result(endOffsetsRequest);
                if (ends == null) {
                    requestEndOffsets();
                    return false;
                }
                targets = new HashMap<>();
                ends.forEach((partition, info) -> targets.put(partition, info.offset()));
                requestCommitted();
                return false;
            }
            if (!committedRequest.isDone()) {
                return false;
            }
            Map<TopicPartition, OffsetAndMetadata> committed = result(committedRequest);
            caughtUp = committed != null && targets.entrySet().stream().allMatch(target -> {
                OffsetAndMetadata offset = committed.get(target.getKey());
                return (offset == null ? 0 : offset.offset()) >= target.getValue();
            });
            if (caughtUp) {
                log.debug("Task reading {} caught up with end offsets {}", inputs, targets);
            } else {
                requestCommitted();
            }
            return caughtUp;
        }

        private <T> T result(KafkaFuture<T> done) {
            try {
                return done.get();
            } catch (ExecutionException e) {
                log.debug("Offset request for {} failed, sending it again: {}", inputs, e.getCause().toString());
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }
}
