package dev.lagwatch.monitor.metrics;

import dev.lagwatch.monitor.offsets.OffsetPoller;
import dev.lagwatch.monitor.topology.MonitorStats;
import dev.lagwatch.monitor.topology.QueueSnapshots;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single OpenTelemetry {@link SdkMeterProvider} of a monitor, read by the Prometheus exporter's
 * HTTP server at {@code http://host:port/metrics}.
 */
public final class MetricsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);
    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

    /**
     * Series one metric may have before the OpenTelemetry SDK folds the rest into one series
     * labelled {@code otel_metric_overflow="true"}. The SDK's default of 2,000 is too low for the
     * offset lag of a large cluster, where one series per group and partition is the point.
     */
    public static final int MAX_SERIES_PER_METRIC = 250_000;

    private final SdkMeterProvider meterProvider;
    private final LifecycleMetrics lifecycleMetrics;
    private final QueueHealthMetrics healthMetrics;
    private final MonitorHealthMetrics monitorMetrics;
    private final InstrumentGroup streamsMetrics = new InstrumentGroup();
    private final Meter meter;
    private OffsetLagMetrics offsetMetrics;
    private final String host;
    private final int port;

    /**
     * Starts serving {@code /metrics}.
     *
     * @throws IllegalStateException when the port cannot be bound, naming host and port
     */
    public MetricsServer(String host, int port, String serviceName, Duration livenessTimeout, QueueSnapshots snapshots,
            MonitorStats stats, Clock clock) {
        this.host = host;
        this.port = port;
        PrometheusHttpServer exporter;
        try {
            exporter = PrometheusHttpServer.builder()
                    .setHost(host)
                    .setPort(port)
                    .setOtelScopeLabelsEnabled(false)
                    .build();
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot serve metrics on " + host + ":" + port + ": " + e.getMessage()
                    + "; choose another --metrics-port or --metrics-host", e);
        }
        Resource resource = Resource.getDefault()
                .merge(Resource.create(Attributes.of(SERVICE_NAME, serviceName)));
        this.meterProvider = SdkMeterProvider.builder()
                .setResource(resource)
                .registerMetricReader(exporter, instrumentType -> MAX_SERIES_PER_METRIC)
                .registerMetricProducer(new LifecycleHistograms(snapshots, clock))
                .build();
        this.meter = meterProvider.get(MetricNames.SCOPE);
        this.lifecycleMetrics = new LifecycleMetrics(meter, snapshots);
        this.healthMetrics = new QueueHealthMetrics(meter, snapshots, livenessTimeout, clock);
        this.monitorMetrics = new MonitorHealthMetrics(meter, stats, snapshots);
        log.info("Serving metrics at http://{}:{}/metrics", host, port);
    }

    /**
     * Serves {@code lagwatch_streams_state}: 1 for the topology's current Kafka Streams state, 0 for
     * every other state, so that an alert can test {@code state="RUNNING"} without the series missing.
     *
     * @param state the current state, or {@code null} before Kafka Streams exists
     */
    public void bindStreamsState(Supplier<KafkaStreams.State> state) {
        streamsMetrics.add(meter.gaugeBuilder(MetricNames.STREAMS_STATE)
                .ofLongs()
                .setDescription("1 for the state Kafka Streams is in, 0 for the others. Lifecycle metrics are current"
                        + " only while it is RUNNING.")
                .buildWithCallback(m -> {
                    KafkaStreams.State current = state.get();
                    for (KafkaStreams.State each : KafkaStreams.State.values()) {
                        m.record(each == current ? 1 : 0, Attributes.of(MetricNames.STATE, each.name()));
                    }
                }));
    }

    /** Serves the offset lag of every consumer group from {@code poller}'s snapshots. */
    public void bindOffsetPoller(OffsetPoller poller, String clusterName, boolean perPartition) {
        offsetMetrics = new OffsetLagMetrics(meter, poller, clusterName, perPartition);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        lifecycleMetrics.close();
        healthMetrics.close();
        monitorMetrics.close();
        streamsMetrics.close();
        if (offsetMetrics != null) {
            offsetMetrics.close();
        }
        meterProvider.shutdown().join(5, TimeUnit.SECONDS);
        log.info("Stopped serving metrics on {}:{}", host, port);
    }

}
