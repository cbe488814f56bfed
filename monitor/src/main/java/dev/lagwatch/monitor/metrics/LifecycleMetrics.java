package dev.lagwatch.monitor.metrics;

import static dev.lagwatch.monitor.metrics.MetricNames.CONSUMER_GROUP;
import static dev.lagwatch.monitor.metrics.MetricNames.ERROR_TYPE;
import static dev.lagwatch.monitor.metrics.MetricNames.QUEUE;
import static dev.lagwatch.monitor.metrics.MetricNames.STATUS;

import dev.lagwatch.client.event.ErrorCategory;
import dev.lagwatch.monitor.topology.GroupSnapshot;
import dev.lagwatch.monitor.topology.QueueSnapshot;
import dev.lagwatch.monitor.topology.QueueSnapshots;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;

/**
 * Binds the per-queue gauges and counters to the published {@link QueueSnapshots}. Every instrument
 * is asynchronous, and its callback reads the latest snapshots at scrape time. So a series exists
 * only while this instance owns the queue, and the counters report the cumulative totals kept in
 * the topology's changelog-backed state, not counts held in this process.
 */
public final class LifecycleMetrics implements AutoCloseable {

    private final InstrumentGroup instruments = new InstrumentGroup();

    public LifecycleMetrics(Meter meter, QueueSnapshots snapshots) {
        instruments.add(meter.gaugeBuilder(MetricNames.QUEUE_DEPTH)
                .ofLongs()
                .setUnit(MetricNames.UNIT_MESSAGES)
                .setDescription("Messages enqueued and not yet finished: waiting plus in flight.")
                .buildWithCallback(m -> forEachQueue(snapshots, q -> m.record(q.depth(), queue(q)))));
        instruments.add(meter.gaugeBuilder(MetricNames.QUEUE_IN_FLIGHT)
                .ofLongs()
                .setUnit(MetricNames.UNIT_MESSAGES)
                .setDescription("Messages whose processing started and has not finished.")
                .buildWithCallback(m -> forEachQueue(snapshots, q -> m.record(q.inFlight(), queue(q)))));
        instruments.add(meter.counterBuilder(MetricNames.MESSAGES_ENQUEUED)
                .setUnit(MetricNames.UNIT_MESSAGES)
                .setDescription("Messages enqueued.")
                .buildWithCallback(m -> forEachQueue(snapshots, q -> m.record(q.enqueued(), queue(q)))));
        instruments.add(meter.counterBuilder(MetricNames.MESSAGES_PROCESSED)
                .setUnit(MetricNames.UNIT_MESSAGES)
                .setDescription("Finished processing attempts, by status: success or failure (retried or final).")
                .buildWithCallback(m -> forEachGroup(snapshots, (q, g) -> recordProcessed(m, q, g))));
        instruments.add(meter.counterBuilder(MetricNames.MESSAGES_FAILED)
                .setUnit(MetricNames.UNIT_MESSAGES)
                .setDescription("Failed processing attempts, by error category.")
                .buildWithCallback(m -> forEachGroup(snapshots, (q, g) -> recordFailed(m, q, g))));
        instruments.add(meter.counterBuilder(MetricNames.RETRIES)
                .setUnit(MetricNames.UNIT_MESSAGES)
                .setDescription("Failed attempts whose message will be delivered again.")
                .buildWithCallback(m -> forEachGroup(snapshots, (q, g) -> m.record(g.retries(), group(q, g)))));
    }

    private static void recordProcessed(ObservableLongMeasurement measurement, QueueSnapshot queue,
            GroupSnapshot group) {
        Attributes attributes = group(queue, group);
        measurement.record(group.completed(), attributes.toBuilder().put(STATUS, MetricNames.STATUS_SUCCESS).build());
        measurement.record(group.failed(), attributes.toBuilder().put(STATUS, MetricNames.STATUS_FAILURE).build());
    }

    private static void recordFailed(ObservableLongMeasurement measurement, QueueSnapshot queue, GroupSnapshot group) {
        Attributes attributes = group(queue, group);
        // Every category is reported, zeros included, so that rate() and ratios work from the first failure.
        for (ErrorCategory category : ErrorCategory.values()) {
            measurement.record(group.failed(category),
                    attributes.toBuilder().put(ERROR_TYPE, category.wireName()).build());
        }
    }

    static Attributes queue(QueueSnapshot queue) {
        return Attributes.of(QUEUE, queue.queue());
    }

    static Attributes group(QueueSnapshot queue, GroupSnapshot group) {
        return Attributes.of(QUEUE, queue.queue(), CONSUMER_GROUP, group.group());
    }

    private static void forEachQueue(QueueSnapshots snapshots, java.util.function.Consumer<QueueSnapshot> action) {
        for (QueueSnapshot queue : snapshots.all()) {
            action.accept(queue);
        }
    }

    private static void forEachGroup(QueueSnapshots snapshots,
            java.util.function.BiConsumer<QueueSnapshot, GroupSnapshot> action) {
        for (QueueSnapshot queue : snapshots.all()) {
            for (GroupSnapshot group : queue.groups()) {
                action.accept(queue, group);
            }
        }
    }

    @Override
    public void close() {
        instruments.close();
    }
}
