package dev.lagwatch.monitor.topology;

import dev.lagwatch.client.event.EventCodec;
import dev.lagwatch.client.event.InvalidEventException;
import dev.lagwatch.client.event.LifecycleEvent;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses raw records into events. Invalid records are counted by reason and logged at most once a
 * minute per reason. They never stop the topology, and the events around them are processed as usual.
 */
final class EventDecoder implements Processor<String, byte[], String, LifecycleEvent> {

    private static final Logger log = LoggerFactory.getLogger(EventDecoder.class);
    private static final long LOG_INTERVAL_MILLIS = 60_000;

    private final EventCodec codec = new EventCodec();
    private final MonitorStats stats;
    private final long[] lastLoggedAt = new long[InvalidEventException.Reason.values().length];
    private ProcessorContext<String, LifecycleEvent> context;

    EventDecoder(MonitorStats stats) {
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
        context.forward(record.withValue(event));
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
