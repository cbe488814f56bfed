package dev.lagwatch.monitor.offsets;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the first record a consumer group has not consumed, for its timestamp. Two consumers
 * without a group do the reading, one per isolation level, so that the record found is the one
 * the group would receive: transaction markers are always skipped, aborted records by the
 * {@code read_committed} one.
 *
 * <p>Records found are cached by partition and start offset, since the record at an offset never
 * changes; a cycle in which no committed offset moved reads nothing. Each call is bounded by a
 * deadline, so one slow partition cannot hold up the others beyond it. Requests still open when it
 * passes get no result.
 */
final class FirstRecordReader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FirstRecordReader.class);
    private static final Duration POLL_STEP = Duration.ofMillis(100);

    private final Map<String, Object> consumerProperties;
    private final LongSupplier clock;
    private final Map<Boolean, KafkaConsumer<byte[], byte[]>> consumers = new HashMap<>();
    private Map<ReadRequest.Key, FirstRecord> cache = new HashMap<>();
    private int lastReadCount;

    FirstRecordReader(String bootstrapServers, Map<String, String> kafkaProperties, String clientId, LongSupplier clock) {
        Map<String, Object> properties = new HashMap<>(kafkaProperties);
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A start offset that retention deleted meanwhile reads from the log start instead.
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Only the first record of each partition is needed; small fetches bound the memory per cycle.
        properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024);
        properties.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 4 * 1024 * 1024);
        // Each partition returns all its fetched records at once, so more records per poll read more partitions.
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumerProperties = properties;
        this.clock = clock;
    }

    /**
     * Reads the first records of as many requests as the time until {@code deadlineMillis} allows.
     * A request is missing from the result when its read did not finish in time or failed.
     */
    Map<ReadRequest, FirstRecord> read(List<ReadRequest> requests, long deadlineMillis) {
        Map<ReadRequest, FirstRecord> answers = new HashMap<>();
        Map<ReadRequest.Key, FirstRecord> kept = new HashMap<>();
        List<ReadRequest> toRead = new ArrayList<>();
        for (ReadRequest request : requests) {
            FirstRecord cached = cache.get(request.key());
            if (cached != null) {
                answers.put(request, cached);
                kept.put(request.key(), cached);
            } else {
                toRead.add(request);
            }
        }
        lastReadCount = toRead.size();
        for (boolean readCommitted : new boolean[] {true, false}) {
            List<ReadRequest> level = toRead.stream().filter(r -> r.readCommitted() == readCommitted).toList();
            if (!level.isEmpty()) {
                readLevel(level, readCommitted, deadlineMillis, answers);
            }
        }
        for (Map.Entry<ReadRequest, FirstRecord> answer : answers.entrySet()) {
            if (answer.getValue().found()) {
                kept.put(answer.getKey().key(), answer.getValue());
            }
        }
        // Entries no request used this time belong to offsets the groups have moved past.
        cache = kept;
        return answers;
    }

    /** Returns how many requests the latest {@link #read} did not find in the cache and read from Kafka. */
    int lastReadCount() {
        return lastReadCount;
    }

    private void readLevel(List<ReadRequest> requests, boolean readCommitted, long deadlineMillis,
            Map<ReadRequest, FirstRecord> answers) {
        // Several groups can stand at different offsets of one partition: one read per round.
        Map<TopicPartition, ArrayDeque<ReadRequest>> queued = new LinkedHashMap<>();
        for (ReadRequest request : requests) {
            queued.computeIfAbsent(request.partition(), partition -> new ArrayDeque<>()).add(request);
        }
        KafkaConsumer<byte[], byte[]> consumer = consumer(readCommitted);
        try {
            while (!queued.isEmpty() && clock.getAsLong() < deadlineMillis) {
                Map<TopicPartition, ReadRequest> round = new HashMap<>();
                queued.forEach((partition, queue) -> round.put(partition, queue.peek()));
                readRound(consumer, round, deadlineMillis, answers);
                queued.values().removeIf(queue -> {
                    queue.poll();
                    return queue.isEmpty();
                });
            }
        } catch (KafkaException e) {
            log.warn("Failed to read the first unconsumed records ({}); time lag of the partitions left is unknown"
                    + " this cycle: {}", readCommitted ? "read_committed" : "read_uncommitted", e.toString());
        } finally {
            consumer.assign(List.of());
        }
    }

    private void readRound(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, ReadRequest> round,
            long deadlineMillis, Map<ReadRequest, FirstRecord> answers) {
        consumer.assign(round.keySet());
        consumer.resume(round.keySet());
        round.forEach((partition, request) -> consumer.seek(partition, request.start()));
        Map<TopicPartition, ReadRequest> open = new HashMap<>(round);
        while (!open.isEmpty()) {
            long remaining = deadlineMillis - clock.getAsLong();
            if (remaining <= 0) {
                return;
            }
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(Math.min(remaining,
                    POLL_STEP.toMillis())));
            for (TopicPartition partition : records.partitions()) {
                ReadRequest request = open.remove(partition);
                if (request != null) {
                    ConsumerRecord<byte[], byte[]> first = records.records(partition).get(0);
                    answers.put(request, FirstRecord.at(first.offset(), first.timestamp()));
                    consumer.pause(List.of(partition));
                }
            }
            if (records.isEmpty()) {
                // Nothing left to hand out: a partition still open either holds only transaction
                // markers or aborted records up to its end, which moved its position there, or
                // still waits for its fetch.
                open.values().removeIf(request -> {
                    long position = consumer.position(request.partition());
                    if (position >= request.end()) {
                        answers.put(request, FirstRecord.noneBefore(position));
                        return true;
                    }
                    return false;
                });
            }
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer(boolean readCommitted) {
        return consumers.computeIfAbsent(readCommitted, committed -> {
            Properties properties = new Properties();
            properties.putAll(consumerProperties);
            properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committed ? "read_committed" : "read_uncommitted");
            properties.put(ConsumerConfig.CLIENT_ID_CONFIG,
                    consumerProperties.get(ConsumerConfig.CLIENT_ID_CONFIG) + (committed ? "-committed" : "-uncommitted"));
            return new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        });
    }

    @Override
    public void close() {
        for (KafkaConsumer<byte[], byte[]> consumer : consumers.values()) {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
        consumers.clear();
    }
}
