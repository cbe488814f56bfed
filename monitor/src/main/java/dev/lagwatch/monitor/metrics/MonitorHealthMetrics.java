package dev.lagwatch.monitor.metrics;

import dev.lagwatch.client.event.InvalidEventException.Reason;
import dev.lagwatch.monitor.topology.CardinalityLimit;
import dev.lagwatch.monitor.topology.MonitorStats;
import dev.lagwatch.monitor.topology.QueueSnapshots;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import java.util.Map;

/** The monitor's own health: what it read, what it rejected, and how many queues it owns. */
public final class MonitorHealthMetrics implements AutoCloseable {

    private final InstrumentGroup instruments = new InstrumentGroup();

    public MonitorHealthMetrics(Meter meter, MonitorStats stats, QueueSnapshots snapshots) {
        instruments.add(meter.counterBuilder(MetricNames.EVENTS_CONSUMED)
                .setUnit(MetricNames.UNIT_EVENTS)
                .setDescription("Records read from the events topic by this instance since it started, valid or not.")
                .buildWithCallback(m -> m.record(stats.consumed())));
        instruments.add(meter.counterBuilder(MetricNames.EVENTS_INVALID)
                .setUnit(MetricNames.UNIT_EVENTS)
                .setDescription("Records rejected as invalid lifecycle events since this instance started, by reason.")
                .buildWithCallback(m -> {
                    for (Map.Entry<Reason, Long> entry : stats.invalidByReason().entrySet()) {
                        m.record(entry.getValue(), Attributes.of(MetricNames.REASON, entry.getKey().label()));
                    }
                }));
        instruments.add(meter.counterBuilder(MetricNames.EVENTS_REKEYED)
                .setUnit(MetricNames.UNIT_EVENTS)
                .setDescription("Valid events routed again by queue because their record key or partition did not match it.")
                .buildWithCallback(m -> m.record(stats.rekeyed())));
        instruments.add(meter.counterBuilder(MetricNames.EVENTS_CLOCK_SKEW)
                .setUnit(MetricNames.UNIT_EVENTS)
                .setDescription("Valid events whose timestamps show host clocks more than 1 s apart; "
                        + "their times were clamped, never turned into negative durations.")
                .buildWithCallback(m -> m.record(stats.clockSkewed())));
        instruments.add(meter.counterBuilder(MetricNames.EVENTS_OVERFLOW)
                .setUnit(MetricNames.UNIT_EVENTS)
                .setDescription("Events beyond a cardinality limit since this instance started, by limit: counted under "
                        + "the lagwatch.overflow queue or group, or from a consumer whose liveness is not tracked.")
                .buildWithCallback(m -> {
                    for (Map.Entry<CardinalityLimit, Long> entry : stats.overflowByLimit().entrySet()) {
                        m.record(entry.getValue(), Attributes.of(MetricNames.LIMIT, entry.getKey().label()));
                    }
                }));
        instruments.add(meter.counterBuilder(MetricNames.QUEUES_EXPIRED)
                .setUnit("{queue}")
                .setDescription("Queues dropped since this instance started because they had no events for the "
                        + "queue expiry time.")
                .buildWithCallback(m -> m.record(stats.expiredQueues())));
        instruments.add(meter.gaugeBuilder(MetricNames.QUEUES_OWNED)
                .ofLongs()
                .setUnit("{queue}")
                .setDescription("Queues whose state this instance currently owns and exports.")
                .buildWithCallback(m -> m.record(snapshots.all().size())));
    }

    @Override
    public void close() {
        instruments.close();
    }
}
