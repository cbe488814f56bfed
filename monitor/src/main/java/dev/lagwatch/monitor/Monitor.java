package dev.lagwatch.monitor;

import dev.lagwatch.client.ClientProperties;
import dev.lagwatch.monitor.metrics.MetricsServer;
import dev.lagwatch.monitor.offsets.OffsetPoller;
import dev.lagwatch.monitor.topology.LifecycleTopology;
import dev.lagwatch.monitor.topology.MonitorStats;
import dev.lagwatch.monitor.topology.QueueSnapshots;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.processor.TaskId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running lagwatch monitor: the lifecycle topology on Kafka Streams and the metrics endpoint.
 * {@link #start(MonitorConfig)} returns once both are started; {@link #close()} stops them.
 */
public final class Monitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Monitor.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final TaskId FIRST_TASK = new TaskId(0, 0);

    private final MonitorConfig config;
    private final QueueSnapshots snapshots = new QueueSnapshots();
    private final MonitorStats stats = new MonitorStats();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private MetricsServer metricsServer;
    private Admin offsetAdmin;
    private Admin gateAdmin;
    private OffsetPoller offsetPoller;
    private KafkaStreams streams;
    private volatile boolean failed;
    private final AtomicBoolean closing = new AtomicBoolean();

    private Monitor(MonitorConfig config) {
        this.config = config;
    }

    /**
     * Creates the events topic if it is missing, starts the metrics endpoint and the topology.
     *
     * @throws IllegalStateException when Kafka cannot be reached or the metrics port cannot be bound
     */
    public static Monitor start(MonitorConfig config) {
        Monitor monitor = new Monitor(config);
        try {
            int partitions = monitor.ensureEventsTopic();
            monitor.metricsServer = new MetricsServer(config.metricsHost(), config.metricsPort(),
                    config.serviceName(), config.livenessTimeout(), monitor.snapshots, monitor.stats,
                    Clock.systemUTC());
            monitor.startStreams(partitions);
            monitor.metricsServer.bindStreamsState(() -> monitor.streams == null ? null : monitor.streams.state());
            if (config.offsetPoller() != null) {
                monitor.startOffsetPoller();
            }
            return monitor;
        } catch (RuntimeException e) {
            monitor.close();
            throw e;
        }
    }

    private Admin createAdmin(String clientIdSuffix) {
        Map<String, Object> adminConfig = new HashMap<>(config.kafkaProperties());
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, config.applicationId() + "-" + clientIdSuffix);
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
        try {
            return Admin.create(adminConfig);
        } catch (KafkaException e) {
            throw new IllegalStateException(ClientProperties.clientCreationFailed("admin client", e), e);
        }
    }

    private void startOffsetPoller() {
        offsetAdmin = createAdmin("offsets");
        offsetPoller = OffsetPoller.start(offsetAdmin, config.bootstrapServers(), config.kafkaProperties(),
                config.offsetPoller(), this::runsFirstTask);
        metricsServer.bindOffsetPoller(offsetPoller, config.offsetPoller().clusterName(),
                config.offsetPoller().perPartition());
        log.info("Polling consumer group offsets every {} for cluster {}", config.offsetPoller().interval(),
                config.offsetPoller().clusterName());
    }

    /**
     * Returns whether this instance runs the topology's first task, the one of events partition 0.
     * Exactly one instance of a running monitor does, which makes it the one that polls offsets.
     */
    private boolean runsFirstTask() {
        KafkaStreams running = streams;
        if (running == null || running.state() != KafkaStreams.State.RUNNING) {
            return false;
        }
        for (ThreadMetadata thread : running.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                if (FIRST_TASK.equals(task.taskId())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Creates the events topic, the dead-letter topic and the overflow topic if they are missing,
     * and returns the events topic's partition count.
     */
    private int ensureEventsTopic() {
        Admin admin = createAdmin("setup");
        String topic = config.eventsTopic();
        try {
            int partitions = ensureTopic(admin, topic, config.eventsTopicPartitions(), "events");
            log.info("Reading lifecycle events from topic {} ({} partitions)", topic, partitions);
            topic = config.deadLetterTopic();
            ensureTopic(admin, topic, partitions, "dead-letter");
            topic = LifecycleTopology.overflowTopic(config.applicationId());
            int overflowPartitions = ensureTopic(admin, topic, partitions, "overflow");
            if (overflowPartitions != partitions) {
                throw new IllegalStateException("The overflow topic " + topic + " has " + overflowPartitions
                        + " partitions and the events topic " + config.eventsTopic() + " has " + partitions
                        + "; they must have as many. Delete " + topic + " while the monitor is stopped and start it"
                        + " again to have it created with " + partitions + " partitions");
            }
            return partitions;
        } catch (TimeoutException e) {
            throw unreachable(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw unreachable(e.getCause());
            }
            if (e.getCause() instanceof AuthenticationException) {
                throw new IllegalStateException(ClientProperties.authenticationFailed(config.bootstrapServers(),
                        e.getCause()), e.getCause());
            }
            throw new IllegalStateException("Failed to check or create the topic " + topic + " on "
                    + config.bootstrapServers() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking the topic " + topic, e);
        } finally {
            // Requests still pending after a timeout are abandoned rather than waited for again.
            admin.close(Duration.ZERO);
        }
    }

    /** Creates {@code topic} with {@code partitions} if it is missing; returns its partition count. */
    private int ensureTopic(Admin admin, String topic, int partitions, String role)
            throws ExecutionException, InterruptedException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!existing.contains(topic)) {
            NewTopic newTopic = new NewTopic(topic, Optional.of(partitions),
                    config.eventsTopicReplicationFactor() < 0 ? Optional.empty()
                            : Optional.of(config.eventsTopicReplicationFactor()));
            try {
                admin.createTopics(List.of(newTopic)).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                log.info("Created {} topic {} with {} partitions", role, topic, partitions);
                return partitions;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                log.info("The {} topic {} was created concurrently; using it", role, topic);
            }
        }
        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
        return description.partitions().size();
    }

    private IllegalStateException unreachable(Throwable cause) {
        return new IllegalStateException(ClientProperties.unreachable(config.bootstrapServers(),
                ADMIN_TIMEOUT.toSeconds()), cause);
    }

    private void startStreams(int eventsPartitions) {
        gateAdmin = createAdmin("catch-up");
        LifecycleTopology.Topics topics = new LifecycleTopology.Topics(config.eventsTopic(), eventsPartitions,
                config.deadLetterTopic(), LifecycleTopology.overflowTopic(config.applicationId()));
        Topology topology = LifecycleTopology.build(topics, config.publishInterval(), config.window(), snapshots, stats,
                new CommittedOffsetsGate(gateAdmin, config.applicationId()), config.timestampTolerance(),
                config.cardinalityLimits());
        try {
            streams = new KafkaStreams(topology, streamsProperties());
        } catch (ConfigException | IllegalArgumentException e) {
            throw new IllegalStateException("Invalid Kafka Streams setting: " + e.getMessage()
                    + " Fix the --kafka-property or --command-config value named there.", e);
        }
        streams.setUncaughtExceptionHandler(error -> {
            log.error("Stream thread failed; the monitor stops and its process should be restarted", error);
            failed = true;
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((newState, oldState) -> {
            log.info("Kafka Streams state {} -> {}", oldState, newState);
            if (newState == KafkaStreams.State.NOT_RUNNING || newState == KafkaStreams.State.ERROR) {
                terminated.countDown();
            }
        });
        log.debug("Topology:\n{}", topology.describe());
        streams.start();
    }

    Properties streamsProperties() {
        Properties props = new Properties();
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueProcessingExceptionHandler.class.getName());
        // The topology has no global stores; the key only stops Kafka Streams 4.4 from warning at every start
        // that the handler does not cover them. It becomes the default in 5.0. The partition assignor reads
        // its settings from the main consumer's configuration, so the key goes there as well.
        props.put("processing.exception.handler.global.enabled", true);
        props.put(StreamsConfig.mainConsumerPrefix("processing.exception.handler.global.enabled"), true);
        // Each task reads its events partition and the matching repartition partition. Counts are
        // cumulative, so their relative order does not matter: never wait for the emptier one.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        props.putAll(config.kafkaProperties());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        if (config.stateDirectory() != null) {
            props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDirectory().toString());
        }
        return props;
    }

    /** Waits until Kafka Streams is running, for tests and the demo. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (streams.state() == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (!streams.state().isRunningOrRebalancing() && streams.state() != KafkaStreams.State.CREATED) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return false;
    }

    /** Blocks until the topology stops; returns {@code false} if it stopped because of an error. */
    public boolean awaitTermination() throws InterruptedException {
        terminated.await();
        return !failed;
    }

    public QueueSnapshots snapshots() {
        return snapshots;
    }

    public MonitorStats stats() {
        return stats;
    }

    public MonitorConfig config() {
        return config;
    }

    public KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.NOT_RUNNING : streams.state();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /**
     * Stops the topology (committing what it processed and leaving the consumer group), the offset
     * poller and the metrics endpoint, and logs how long that took. Waits at most {@code timeout}
     * for Kafka Streams and a few seconds more for the rest. Only the first call does anything.
     */
    public void close(Duration timeout) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        long startedAt = System.nanoTime();
        boolean committed = true;
        if (streams != null) {
            log.info("Stopping the monitor: committing processed events and leaving group {} (waiting at most {} s)",
                    config.applicationId(), timeout.toSeconds());
            // Leaving the group hands this instance's queues to the others at once, instead of after
            // the session timeout (45 s by default) that a crashed instance needs.
            committed = streams.close(org.apache.kafka.streams.CloseOptions.timeout(timeout)
                    .withGroupMembershipOperation(
                            org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            if (!committed) {
                log.warn("Kafka Streams did not stop within {} s; exiting anyway, uncommitted events are processed"
                        + " again at the next start", timeout.toSeconds());
            }
        }
        if (offsetPoller != null) {
            offsetPoller.close();
        }
        if (offsetAdmin != null) {
            offsetAdmin.close(Duration.ofSeconds(5));
        }
        if (gateAdmin != null) {
            gateAdmin.close(Duration.ofSeconds(5));
        }
        if (metricsServer != null) {
            metricsServer.close();
        }
        if (streams != null) {
            log.info("Monitor stopped in {} ms{}", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt),
                    committed ? "; every processed event is committed" : "");
        }
        terminated.countDown();
    }
}
