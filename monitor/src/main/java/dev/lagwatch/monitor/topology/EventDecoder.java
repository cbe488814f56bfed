package dev.lagwatch.monitor.topology;

import dev.lagwatch.client.event.EventCodec;
import dev.lagwatch.client.event.InvalidEventException;
import dev.lagwatch.client.event.LifecycleEvent;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses raw records into events. Invalid records are counted by reason, logged at most once a
 * minute per reason, and forwarded unchanged to the dead-letter topic with headers naming the reason.
 * They never stop the topology, and the events around them are processed as usual.
 *
 * <p>A valid event keeps its record key only when the record sits where the Java client would have
 * put it: key equal to the queue name, on the partition Kafka's default partitioner picks for that
 * key. Any other event is forwarded with a null key, which sends it through the repartition topic.
 * Producers with another partitioner (kcat's default, for example) thus never split a queue's state
 * across two tasks.
 */
final class EventDecoder implements Processor<String, byte[], String, Decoded> {

    private static final Logger log = LoggerFactory.getLogger(EventDecoder.class);
    private static final long LOG_INTERVAL_MILLIS = 60_000;
    /** Header of a dead letter: the reason label, as in {@code lagwatch_events_invalid_total}. */
    static final String REASON_HEADER = "lagwatch.invalid.reason";
    /** Header of a dead letter: what exactly is wrong, in words. */
    static final String DETAIL_HEADER = "lagwatch.invalid.detail";
    /** Header of a dead letter: where it was read, {@code topic-partition@offset}. */
    static final String SOURCE_HEADER = "lagwatch.source";
    private static final int MAX_DETAIL_LENGTH = 1_000;

    private final EventCodec codec = new EventCodec();
    private final int eventsPartitions;
    private final TimestampTolerance tolerance;
    private final MonitorStats stats;
    private final long[] lastLoggedAt = new long[InvalidEventException.Reason.values().length];
    private ProcessorContext<String, Decoded> context;

    EventDecoder(int eventsPartitions, TimestampTolerance tolerance, MonitorStats stats) {
        this.eventsPartitions = eventsPartitions;
        this.tolerance = tolerance;
        this.stats = stats;
        java.util.Arrays.fill(lastLoggedAt, Long.MIN_VALUE / 2);
    }

    @Override
    public void init(ProcessorContext<String, Decoded> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        stats.recordConsumed();
        LifecycleEvent event;
        try {
            event = codec.decode(record.value());
            tolerance.check(event, context.currentSystemTimeMs());
        } catch (InvalidEventException e) {
            stats.recordInvalid(e.reason());
            logInvalid(e);
            forwardDeadLetter(record, e);
            return;
        }
        if (isPlacedByQueue(record.key(), event.queue())) {
            context.forward(record.withValue(Decoded.valid(event)));
        } else {
            context.forward(record.<String>withKey(null).withValue(Decoded.valid(event)));
        }
    }

    private void forwardDeadLetter(Record<String, byte[]> record, InvalidEventException e) {
        String detail = String.valueOf(e.getMessage());
        if (detail.length() > MAX_DETAIL_LENGTH) {
            detail = detail.substring(0, MAX_DETAIL_LENGTH);
        }
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.remove(REASON_HEADER).remove(DETAIL_HEADER).remove(SOURCE_HEADER);
        headers.add(REASON_HEADER, e.reason().label().getBytes(StandardCharsets.UTF_8));
        headers.add(DETAIL_HEADER, detail.getBytes(StandardCharsets.UTF_8));
        headers.add(SOURCE_HEADER, position().getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<>(record.key(), Decoded.invalid(record.value()), record.timestamp(), headers));
    }

    private String position() {
        return context.recordMetadata()
                .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
                .orElse("unknown position");
    }

    private boolean isPlacedByQueue(String key, String queue) {
        if (!queue.equals(key)) {
            return false;
        }
        int partition = context.recordMetadata().map(metadata -> metadata.partition()).orElse(-1);
        return partition == partitionOf(queue, eventsPartitions);
    }

    /** The partition that Kafka's default partitioner, and so a Streams repartition topic, picks for a queue. */
    static int partitionOf(String queue, int partitions) {
        return Utils.toPositive(Utils.murmur2(queue.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private void logInvalid(InvalidEventException e) {
        int index = e.reason().ordinal();
        long now = context.currentSystemTimeMs();
        if (now - lastLoggedAt[index] >= LOG_INTERVAL_MILLIS) {
            lastLoggedAt[index] = now;
            log.warn("Skipped an invalid lifecycle event at {}: {} ({}); it goes to the dead-letter topic. Further"
                    + " events rejected for this reason are counted in lagwatch_events_invalid_total and logged at"
                    + " most once a minute", position(), e.getMessage(), e.reason().label());
        }
    }
}
