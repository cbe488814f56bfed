package dev.lagwatch.monitor.topology;

import dev.lagwatch.client.event.EventCodec;
import dev.lagwatch.client.event.InvalidEventException;
import dev.lagwatch.client.event.LifecycleEvent;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses raw records into events. Invalid records are counted by reason and logged at most once a
 * minute per reason. They never stop the topology, and the events around them are processed as usual.
 *
 * <p>A valid event keeps its record key only when the record sits where the Java client would have
 * put it: key equal to the queue name, on the partition Kafka's default partitioner picks for that
 * key. Any other event is forwarded with a null key, which sends it through the repartition topic.
 * Producers with another partitioner (kcat's default, for example) thus never split a queue's state
 * across two tasks.
 */
final class EventDecoder implements Processor<String, byte[], String, LifecycleEvent> {

    private static final Logger log = LoggerFactory.getLogger(EventDecoder.class);
    private static final long LOG_INTERVAL_MILLIS = 60_000;

    private final EventCodec codec = new EventCodec();
    private final int eventsPartitions;
    private final MonitorStats stats;
    private final long[] lastLoggedAt = new long[InvalidEventException.Reason.values().length];
    private ProcessorContext<String, LifecycleEvent> context;

    EventDecoder(int eventsPartitions, MonitorStats stats) {
        this.eventsPartitions = eventsPartitions;
        this.stats = stats;
        java.util.Arrays.fill(lastLoggedAt, Long.MIN_VALUE / 2);
    }

    @Override
    public void init(ProcessorContext<String, LifecycleEvent> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        stats.recordConsumed();
        LifecycleEvent event;
        try {
            event = codec.decode(record.value());
        } catch (InvalidEventException e) {
            stats.recordInvalid(e.reason());
            logInvalid(e);
            return;
        }
        if (isPlacedByQueue(record.key(), event.queue())) {
            context.forward(record.withValue(event));
        } else {
            context.forward(record.<String>withKey(null).withValue(event));
        }
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
            String position = context.recordMetadata()
                    .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
                    .orElse("unknown position");
            log.warn("Skipped an invalid lifecycle event at {}: {} ({}); further events rejected for this reason"
                    + " are counted in lagwatch_events_invalid_total and logged at most once a minute",
                    position, e.getMessage(), e.reason().label());
        }
    }
}
