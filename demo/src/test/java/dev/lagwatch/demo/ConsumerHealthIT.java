package dev.lagwatch.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.awaitility.Awaitility.await;

import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.monitor.Monitor;
import dev.lagwatch.monitor.MonitorConfig;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import dev.lagwatch.monitor.testing.FreePort;
import dev.lagwatch.monitor.testing.JavaProcess;
import dev.lagwatch.monitor.metrics.Scrape;
import dev.lagwatch.sim.DurationDistribution;
import dev.lagwatch.sim.FailureMix;
import dev.lagwatch.sim.Ledger;
import dev.lagwatch.sim.QueueLedger;
import dev.lagwatch.sim.consumer.ConsumerBehaviour;
import dev.lagwatch.sim.consumer.ConsumerSimulator;
import dev.lagwatch.sim.producer.ProducerSimulator;
import dev.lagwatch.sim.producer.QueueLoad;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The time-based signals on a real broker, in the situations an on-call engineer must tell apart:
 * consumers too slow, producers stopped, consumers dead, consumers hung, and a queue idle for
 * longer than every window. The monitor runs with a 12 s window and a 3 s liveness timeout, and
 * the clients send heartbeats every second, so each scenario takes seconds.
 */
class ConsumerHealthIT {

    private static final Duration WINDOW = Duration.ofSeconds(12);
    private static final Duration LIVENESS_TIMEOUT = Duration.ofSeconds(3);

    @TempDir
    static Path stateDirectory;

    private static EmbeddedKafkaBroker broker;
    private static Monitor monitor;
    private static int metricsPort;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        metricsPort = FreePort.find();
        monitor = Monitor.start(MonitorConfig.builder()
                .bootstrapServers(broker.bootstrapServers())
                .applicationId("consumer-health-it")
                .stateDirectory(stateDirectory)
                .window(WINDOW)
                .livenessTimeout(LIVENESS_TIMEOUT)
                .metricsHost("127.0.0.1")
                .metricsPort(metricsPort)
                .build());
        assertThat(monitor.awaitRunning(Duration.ofSeconds(60))).as("monitor reaches RUNNING").isTrue();
    }

    @AfterAll
    static void stop() {
        if (monitor != null) {
            monitor.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static LifecycleRecorder recorder() {
        return LifecycleRecorder.builder()
                .bootstrapServers(broker.bootstrapServers())
                .heartbeatInterval(Duration.ofSeconds(1))
                .build();
    }

    private static ConsumerBehaviour oneConsumer(String processingTime) {
        return new ConsumerBehaviour(DurationDistribution.parse(processingTime), FailureMix.none(), 1,
                Duration.ZERO, 1);
    }

    private static double value(String metric, String queue, String... labels) {
        String[] pairs = new String[labels.length + 2];
        pairs[0] = "queue";
        pairs[1] = queue;
        System.arraycopy(labels, 0, pairs, 2, labels.length);
        return Scrape.of(metricsPort).value(metric, pairs);
    }

    private static boolean hasStatus(String queue, String status) {
        return value("messaging_queue_status", queue, "status", status) == 1;
    }

    @Test
    void slowConsumersThenProducersStopThenIdle() throws Exception {
        String queue = "health-slow";
        Ledger ledger = new Ledger();
        QueueLedger truth = ledger.queue(queue);
        try (LifecycleRecorder recorder = recorder()) {
            // 20 messages/s for 8 s against one consumer of 100 ms: 10 per second.
            ProducerSimulator producer = new ProducerSimulator(broker.bootstrapServers(), Map.of(),
                    List.of(QueueLoad.steady(queue, 20, 160)), 100, 1, recorder, ledger, Clock.systemUTC());
            ConsumerSimulator consumer = new ConsumerSimulator(broker.bootstrapServers(), Map.of(), List.of(queue),
                    "slow-workers", oneConsumer("fixed:100ms"), 1, recorder, ledger, Clock.systemUTC(), 1);
            try {
                // (a) Producers faster than consumers.
                await("backlog builds: status WARN").atMost(Duration.ofSeconds(20))
                        .until(() -> hasStatus(queue, "WARN") && value("messaging_queue_depth", queue) >= 20);
                Scrape during = Scrape.of(metricsPort);
                long now = System.currentTimeMillis();
                assertThat(during.value("messaging_consumer_lag_seconds", "queue", queue)).as("lag")
                        .isGreaterThan(1.0).isFinite();
                assertThat(during.value("messaging_consumer_saturation", "queue", queue)).as("saturation")
                        .isGreaterThan(0.8);
                double trueAge = (now - truth.oldestUnfinishedEnqueuedAt()) / 1000.0;
                // One bucket (1 s) of error, and up to 1 s for the newest finished messages to reach /metrics.
                assertThat(during.value("messaging_oldest_message_age_seconds", "queue", queue)).as("oldest age")
                        .isBetween(trueAge - 1.0, trueAge + 2.0);

                // (b) Producers stop: the backlog reads OK while it drains, then lag and age are 0.
                assertThat(producer.awaitCompletion(Duration.ofSeconds(30))).isTrue();
                await("draining backlog: OK").atMost(WINDOW.dividedBy(4).plusSeconds(4)).until(() -> {
                    Scrape scrape = Scrape.of(metricsPort);
                    return scrape.value("messaging_queue_status", "queue", queue, "status", "OK") == 1
                            && scrape.value("messaging_queue_depth", "queue", queue) > 0;
                });
                await("consumer drains the backlog").atMost(Duration.ofSeconds(60))
                        .until(() -> truth.unfinishedCount() == 0);
                await("lag and age fall to 0, status OK").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    assertThat(value("messaging_queue_depth", queue)).isZero();
                    assertThat(value("messaging_consumer_lag_seconds", queue)).isZero();
                    assertThat(value("messaging_oldest_message_age_seconds", queue)).isZero();
                    assertThat(hasStatus(queue, "OK")).isTrue();
                });

                // (e) Idle for longer than the window: nothing freezes, the consumer is still alive.
                await("idle queue").pollDelay(WINDOW.plusSeconds(1)).atMost(WINDOW.plusSeconds(10))
                        .untilAsserted(() -> {
                            assertThat(value("messaging_consumer_lag_seconds", queue)).isZero();
                            assertThat(value("messaging_oldest_message_age_seconds", queue)).isZero();
                            assertThat(value("messaging_consumer_saturation", queue)).isZero();
                            assertThat(hasStatus(queue, "OK")).isTrue();
                            assertThat(value("messaging_active_consumers", queue, "consumer_group", "slow-workers"))
                                    .isEqualTo(1);
                        });

                // A backlog that starts right after the queue was empty reads WARN within a quarter of the window.
                try (ProducerSimulator one = new ProducerSimulator(broker.bootstrapServers(), Map.of(),
                        List.of(QueueLoad.steady(queue, 1, 1)), 100, 1, recorder, ledger, Clock.systemUTC())) {
                    assertThat(one.awaitCompletion(Duration.ofSeconds(30))).isTrue();
                }
                await("single message finished").atMost(Duration.ofSeconds(10))
                        .until(() -> truth.unfinishedCount() == 0 && value("messaging_queue_depth", queue) == 0);
                ProducerSimulator burst = new ProducerSimulator(broker.bootstrapServers(), Map.of(),
                        List.of(QueueLoad.steady(queue, 20, 160)), 100, 1, recorder, ledger, Clock.systemUTC());
                try {
                    await("backlog after an empty queue: WARN").atMost(WINDOW.dividedBy(4).plusSeconds(6))
                            .until(() -> hasStatus(queue, "WARN"));
                } finally {
                    burst.close();
                }
            } finally {
                producer.close();
                consumer.close();
            }
        }
    }

    @Test
    void saturationIsBusyTimeOverCapacity() throws Exception {
        String queue = "health-half";
        Ledger ledger = new Ledger();
        QueueLedger truth = ledger.queue(queue);
        double ratePerSecond = 8;
        try (LifecycleRecorder recorder = recorder()) {
            // Two consumers of 100 ms each share 8 messages/s: busy 0.8 s per second out of a capacity of 2.
            ProducerSimulator producer = new ProducerSimulator(broker.bootstrapServers(), Map.of(),
                    List.of(QueueLoad.steady(queue, ratePerSecond, 400)), 100, 2, recorder, ledger, Clock.systemUTC());
            ConsumerSimulator consumer = new ConsumerSimulator(broker.bootstrapServers(), Map.of(), List.of(queue),
                    "half-busy", new ConsumerBehaviour(DurationDistribution.parse("fixed:100ms"), FailureMix.none(),
                            1, Duration.ZERO, 2), 2, recorder, ledger, Clock.systemUTC(), 1);
            try {
                await("two live consumers").atMost(Duration.ofSeconds(30))
                        .until(() -> value("messaging_active_consumers", queue, "consumer_group", "half-busy") == 2);
                // After the consumers have worked for a whole window, the window contains steady load only.
                await("a window of steady work").pollDelay(WINDOW).atMost(WINDOW.plusSeconds(30))
                        .until(() -> truth.completedCount() >= ratePerSecond * WINDOW.toSeconds());
                long[] processing = truth.processingMillis();
                double meanProcessingSeconds = Arrays.stream(processing).average().orElseThrow() / 1000;
                double expected = ratePerSecond * meanProcessingSeconds / 2;

                assertThat(value("messaging_consumer_saturation", queue)).as("saturation, expected %.2f", expected)
                        .isCloseTo(expected, offset(0.1));
            } finally {
                producer.close();
                consumer.close();
            }
        }
    }

    @Test
    void killedConsumersMakeTheQueueStop() throws Exception {
        String queue = "health-dying";
        Ledger ledger = new Ledger();
        try (LifecycleRecorder recorder = recorder()) {
            ProducerSimulator producer = new ProducerSimulator(broker.bootstrapServers(), Map.of(),
                    List.of(QueueLoad.steady(queue, 5, 40)), 100, 1, recorder, ledger, Clock.systemUTC());
            // The consumer runs in its own JVM so that it can die the way a crashed process does.
            JavaProcess consumer = JavaProcess.start(stateDirectory.resolve("dying-consumer.log"),
                    "dev.lagwatch.sim.consumer.ConsumerSimCommand",
                    "--bootstrap-servers", broker.bootstrapServers(), "--queue", queue, "--group", "dying-workers",
                    "--partitions", "1", "--concurrency", "1", "--processing-time", "fixed:500ms",
                    "--heartbeat-interval", "1s");
            try {
                await("the consumer is alive and messages wait").atMost(Duration.ofSeconds(30))
                        .until(() -> value("messaging_active_consumers", queue, "consumer_group", "dying-workers") == 1
                                && value("messaging_queue_depth", queue) > 2);

                consumer.sigkill();
                long killedAt = System.nanoTime();

                // (c) No closing heartbeat: the consumer drops out after the liveness timeout, counted from
                // its latest heartbeat, which came up to one heartbeat interval (1 s) before the kill.
                await("status STOP once the consumer is gone").atMost(LIVENESS_TIMEOUT.plusSeconds(3))
                        .until(() -> hasStatus(queue, "STOP"));
                assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).as("time to STOP")
                        .isGreaterThanOrEqualTo(LIVENESS_TIMEOUT.minusSeconds(1).minusMillis(500));
                assertThat(value("messaging_active_consumers", queue, "consumer_group", "dying-workers")).isZero();
                assertThat(value("messaging_consumer_lag_seconds", queue)).as("lag").isPositive();
            } finally {
                consumer.close();
                producer.close();
            }
        }
    }

    @Test
    void hungConsumersMakeTheQueueStall() throws Exception {
        String queue = "health-hung";
        Ledger ledger = new Ledger();
        try (LifecycleRecorder recorder = recorder()) {
            ProducerSimulator producer = new ProducerSimulator(broker.bootstrapServers(), Map.of(),
                    List.of(QueueLoad.steady(queue, 5, 0)), 100, 1, recorder, ledger, Clock.systemUTC());
            ConsumerSimulator consumer = new ConsumerSimulator(broker.bootstrapServers(), Map.of(), List.of(queue),
                    "hung-workers", oneConsumer("fixed:20ms"), 1, recorder, ledger, Clock.systemUTC(), 1);
            try {
                await("messages flow").atMost(Duration.ofSeconds(30))
                        .until(() -> value("messaging_messages_processed_total", queue, "status", "success") > 5);

                consumer.hangMidMessage();

                // (d) Heartbeats go on, messages start but none finish: STALL after a whole window.
                await("status STALL").atMost(WINDOW.plusSeconds(10)).until(() -> hasStatus(queue, "STALL"));
                assertThat(value("messaging_active_consumers", queue, "consumer_group", "hung-workers")).isEqualTo(1);
                assertThat(value("messaging_queue_in_flight", queue)).isEqualTo(1);
                assertThat(value("messaging_consumer_lag_seconds", queue)).isInfinite();
            } finally {
                producer.close();
                consumer.close();
            }
        }
    }
}
