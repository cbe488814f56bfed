package dev.lagwatch.testkit;

import dev.lagwatch.monitor.Monitor;
import dev.lagwatch.monitor.MonitorConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Decides when the monitor has caught up with the lifecycle events written so far. Its committed
 * offsets on every input topic (the events topic, its repartition topic and its overflow topic)
 * must reach the end offsets those topics had when the wait began. Then every task must publish
 * what it processed.
 */
final class CatchUp implements AutoCloseable {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final Monitor monitor;
    private final MonitorConfig config;
    private final Admin admin;

    CatchUp(Monitor monitor) {
        this.monitor = monitor;
        this.config = monitor.config();
        Map<String, Object> adminConfig = new HashMap<>(config.kafkaProperties());
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, config.applicationId() + "-testkit");
        this.admin = Admin.create(adminConfig);
    }

    /** Waits until the monitor has processed and published every event written before this call. */
    void await(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> targets = endOffsets();
        Map<TopicPartition, Long> committed = Map.of();
        long caughtUpAt = -1;
        while (System.nanoTime() < deadline) {
            if (caughtUpAt < 0) {
                committed = committedOffsets(targets.keySet());
                if (reached(committed, targets)) {
                    caughtUpAt = System.currentTimeMillis();
                }
            }
            if (caughtUpAt >= 0 && monitor.snapshots().publishedSince(caughtUpAt)) {
                return;
            }
            QueueMetrics.pause();
        }
        throw new AssertionError("The lagwatch monitor did not catch up with the lifecycle events within "
                + QueueMetrics.human(timeout) + (caughtUpAt < 0 ? "" : " (it processed them but did not publish them)")
                + ". End offsets of its input: " + byName(targets) + "; its committed offsets: " + byName(committed)
                + "; Kafka Streams state: " + monitor.state());
    }

    private static boolean reached(Map<TopicPartition, Long> committed, Map<TopicPartition, Long> targets) {
        return targets.entrySet().stream()
                .allMatch(target -> committed.getOrDefault(target.getKey(), 0L) >= target.getValue());
    }

    private Map<TopicPartition, Long> endOffsets() {
        try {
            Set<String> inputs = admin.listTopics().names().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .stream()
                    .filter(this::isInput)
                    .collect(Collectors.toSet());
            Map<String, TopicDescription> descriptions = admin.describeTopics(inputs).allTopicNames()
                    .get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            descriptions.values().forEach(description -> description.partitions().forEach(partition -> latest.put(
                    new TopicPartition(description.name(), partition.partition()), OffsetSpec.latest())));
            Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(latest,
                    new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, Long> targets = new HashMap<>();
            ends.forEach((partition, info) -> {
                if (info.offset() > 0) {
                    targets.put(partition, info.offset());
                }
            });
            return targets;
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("Cannot read the end offsets of the lagwatch events topic "
                    + config.eventsTopic() + " on " + config.bootstrapServers() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while reading the end offsets of the lagwatch events topic", e);
        }
    }

    /** Returns whether {@code topic} is the events topic or a topic created for the monitor's application id. */
    private boolean isInput(String topic) {
        String prefix = config.applicationId() + "-";
        return topic.equals(config.eventsTopic())
                || topic.startsWith(prefix) && (topic.endsWith("-repartition") || topic.endsWith("-overflow-events"));
    }

    private Map<TopicPartition, Long> committedOffsets(Set<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets;
        try {
            offsets = admin.listConsumerGroupOffsets(config.applicationId())
                    .partitionsToOffsetAndMetadata().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while reading the lagwatch monitor's committed offsets", e);
        }
        Map<TopicPartition, Long> committed = new HashMap<>();
        offsets.forEach((partition, offset) -> {
            if (offset != null && partitions.contains(partition)) {
                committed.put(partition, offset.offset());
            }
        });
        return committed;
    }

    private static Map<String, Long> byName(Map<TopicPartition, Long> offsets) {
        Map<String, Long> named = new TreeMap<>();
        offsets.forEach((partition, offset) -> named.put(partition.toString(), offset));
        return named;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
