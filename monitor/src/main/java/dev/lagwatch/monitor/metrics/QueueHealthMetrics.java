package dev.lagwatch.monitor.metrics;

import static dev.lagwatch.monitor.metrics.MetricNames.CONSUMER_GROUP;
import static dev.lagwatch.monitor.metrics.MetricNames.QUEUE;
import static dev.lagwatch.monitor.metrics.MetricNames.STATUS;

import dev.lagwatch.monitor.health.QueueHealth;
import dev.lagwatch.monitor.health.QueueStatus;
import dev.lagwatch.monitor.topology.QueueSnapshot;
import dev.lagwatch.monitor.topology.QueueSnapshots;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import java.time.Clock;
import java.time.Duration;

/**
 * The time-based gauges: consumer lag, saturation, live consumers and the queue verdict. Each is
 * evaluated at scrape time from the snapshot's activity window and consumers with the current
 * time, so a queue that went quiet decays (lag to 0, consumers out after the liveness timeout)
 * without any new event.
 */
public final class QueueHealthMetrics implements AutoCloseable {

    private final InstrumentGroup instruments = new InstrumentGroup();
    private final long livenessTimeoutMillis;

    public QueueHealthMetrics(Meter meter, QueueSnapshots snapshots, Duration livenessTimeout, Clock clock) {
        this.livenessTimeoutMillis = livenessTimeout.toMillis();
        instruments.add(meter.gaugeBuilder(MetricNames.CONSUMER_LAG)
                .setUnit(MetricNames.UNIT_SECONDS)
                .setDescription("Time to drain the depth at the processing rate of the window; +Inf when messages wait"
                        + " and none finished in the window, 0 when none wait.")
                .buildWithCallback(m -> {
                    long now = clock.millis();
                    for (QueueSnapshot queue : snapshots.all()) {
                        m.record(health(queue, now).lagSeconds(), LifecycleMetrics.queue(queue));
                    }
                }));
        instruments.add(meter.gaugeBuilder(MetricNames.OLDEST_MESSAGE_AGE)
                .setUnit(MetricNames.UNIT_SECONDS)
                .setDescription("Age of the oldest unfinished message, to one bucket of enqueue time; 0 when the queue"
                        + " is empty.")
                .buildWithCallback(m -> {
                    long now = clock.millis();
                    for (QueueSnapshot queue : snapshots.all()) {
                        m.record(queue.oldestMessageAgeSeconds(now), LifecycleMetrics.queue(queue));
                    }
                }));
        instruments.add(meter.gaugeBuilder(MetricNames.CONSUMER_SATURATION)
                .setUnit("1")
                .setDescription("Busy time of the queue's consumers over the window divided by the window times their"
                        + " capacity, from 0 to 1.")
                .buildWithCallback(m -> {
                    long now = clock.millis();
                    for (QueueSnapshot queue : snapshots.all()) {
                        m.record(health(queue, now).saturation(), LifecycleMetrics.queue(queue));
                    }
                }));
        instruments.add(meter.gaugeBuilder(MetricNames.ACTIVE_CONSUMERS)
                .ofLongs()
                .setUnit("{consumer}")
                .setDescription("Consumers with an event or heartbeat within the liveness timeout that have not closed.")
                .buildWithCallback(m -> {
                    long now = clock.millis();
                    for (QueueSnapshot queue : snapshots.all()) {
                        for (String group : queue.consumerGroups()) {
                            m.record(queue.consumers().activeConsumers(group, now, livenessTimeoutMillis),
                                    Attributes.of(QUEUE, queue.queue(), CONSUMER_GROUP, group));
                        }
                    }
                }));
        instruments.add(meter.gaugeBuilder(MetricNames.QUEUE_STATUS)
                .ofLongs()
                .setDescription("1 for the queue's current verdict (OK, WARN, STALL, STOP) and 0 for the others.")
                .buildWithCallback(m -> {
                    long now = clock.millis();
                    for (QueueSnapshot queue : snapshots.all()) {
                        QueueStatus current = health(queue, now).status();
                        for (QueueStatus status : QueueStatus.values()) {
                            m.record(status == current ? 1 : 0,
                                    Attributes.of(QUEUE, queue.queue(), STATUS, status.name()));
                        }
                    }
                }));
    }

    private QueueHealth health(QueueSnapshot queue, long nowMillis) {
        return queue.health(nowMillis, livenessTimeoutMillis);
    }

    @Override
    public void close() {
        instruments.close();
    }
}
