package dev.lagwatch.monitor.metrics;

import dev.lagwatch.monitor.topology.DurationHistogram;
import dev.lagwatch.monitor.topology.GroupSnapshot;
import dev.lagwatch.monitor.topology.HistogramSnapshot;
import dev.lagwatch.monitor.topology.QueueSnapshot;
import dev.lagwatch.monitor.topology.QueueSnapshots;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.Data;
import io.opentelemetry.sdk.metrics.data.HistogramData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.export.MetricProducer;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Exports the three duration histograms from the published snapshots.
 *
 * <p>The OpenTelemetry API has no asynchronous histogram instrument, and a synchronous one would
 * hold its counts in this process: they would restart from zero after a restart and never forget a
 * queue that moved to another instance. This {@link MetricProducer} instead turns the cumulative
 * bucket counts kept in the topology's state into histogram points at each collection, with the
 * boundaries of {@link DurationHistogram#BOUNDARIES_SECONDS}.
 */
public final class LifecycleHistograms implements MetricProducer {

    private static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create(MetricNames.SCOPE);

    private final QueueSnapshots snapshots;
    private final Clock clock;
    private final long startEpochNanos;

    public LifecycleHistograms(QueueSnapshots snapshots, Clock clock) {
        this.snapshots = snapshots;
        this.clock = clock;
        this.startEpochNanos = TimeUnit.MILLISECONDS.toNanos(clock.millis());
    }

    @Override
    public List<MetricData> produce(Resource resource) {
        long nowNanos = TimeUnit.MILLISECONDS.toNanos(clock.millis());
        return List.of(
                histogram(resource, MetricNames.PROCESSING_DURATION,
                        "Time from the start of an attempt to its outcome, for every attempt.",
                        GroupSnapshot::processing, nowNanos),
                histogram(resource, MetricNames.WAIT_TIME,
                        "Time from when an attempt became available (enqueue or retry time) to its start.",
                        GroupSnapshot::waiting, nowNanos),
                histogram(resource, MetricNames.END_TO_END_LATENCY,
                        "Time from enqueue to the final outcome of a message (completed, or failed without retry).",
                        GroupSnapshot::endToEnd, nowNanos));
    }

    private MetricData histogram(Resource resource, String name, String description,
            Function<GroupSnapshot, HistogramSnapshot> select, long nowNanos) {
        List<HistogramPointData> points = new ArrayList<>();
        for (QueueSnapshot queue : snapshots.all()) {
            for (GroupSnapshot group : queue.groups()) {
                HistogramSnapshot histogram = select.apply(group);
                Attributes attributes = LifecycleMetrics.group(queue, group);
                points.add(HistogramPointData.create(startEpochNanos, nowNanos, attributes, histogram.sumSeconds(),
                        false, 0, false, 0, DurationHistogram.BOUNDARIES_SECONDS, histogram.bucketCounts()));
            }
        }
        return new HistogramMetric(resource, name, description,
                HistogramData.create(AggregationTemporality.CUMULATIVE, points));
    }

    /** A histogram metric of the lagwatch scope, in seconds. */
    private static final class HistogramMetric implements MetricData {
        private final Resource resource;
        private final String name;
        private final String description;
        private final HistogramData data;

        HistogramMetric(Resource resource, String name, String description, HistogramData data) {
            this.resource = resource;
            this.name = name;
            this.description = description;
            this.data = data;
        }

        @Override
        public Resource getResource() {
            return resource;
        }

        @Override
        public InstrumentationScopeInfo getInstrumentationScopeInfo() {
            return SCOPE;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getDescription() {
            return description;
        }

        @Override
        public String getUnit() {
            return MetricNames.UNIT_SECONDS;
        }

        @Override
        public MetricDataType getType() {
            return MetricDataType.HISTOGRAM;
        }

        @Override
        public Data<?> getData() {
            return data;
        }
    }
}
