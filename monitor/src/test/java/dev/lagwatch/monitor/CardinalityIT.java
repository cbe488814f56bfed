package dev.lagwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.client.event.EventCodec;
import dev.lagwatch.client.event.LifecycleEvent;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import dev.lagwatch.monitor.testing.FreePort;
import dev.lagwatch.monitor.testing.JavaProcess;
import dev.lagwatch.monitor.metrics.Scrape;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A producer writing a million distinct queue names, hundreds of consumer groups on one queue and
 * thousands of consumers on another, against a monitor in a child JVM with a 256 MiB heap.
 */
class CardinalityIT {

    private static final Logger log = LoggerFactory.getLogger(CardinalityIT.class);

    private static final int BOMB_QUEUES = 1_000_000;
    private static final int KNOWN_QUEUES = 20;
    private static final int MESSAGES_PER_KNOWN_QUEUE = 50;
    private static final int MAX_QUEUES = 1_000;
    private static final int BOMB_GROUPS = 500;
    private static final int BOMB_CONSUMERS = 5_000;
    /** Bound on the heap left after a full GC: over four times the 29 MiB measured, for JVM differences. */
    private static final long HEAP_BOUND_BYTES = 128L * 1024 * 1024;
    private static final int SERIES_PER_QUEUE = 10;
    private static final int SERIES_PER_GROUP = 72;

    @TempDir
    Path directory;

    @Test
    void millionQueueNamesStayBounded() throws Exception {
        long t0 = System.currentTimeMillis();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            int port = FreePort.find();
            try (JavaProcess monitor = JavaProcess.startWithHeap("256m", directory.resolve("monitor.log"),
                    "dev.lagwatch.monitor.cli.MonitorCommand",
                    "--bootstrap-servers", broker.bootstrapServers(), "--application-id", "cardinality-it",
                    "--state-dir", directory.resolve("state").toString(), "--metrics-host", "127.0.0.1",
                    "--metrics-port", Integer.toString(port), "--no-offset-lag",
                    "--max-queues", Integer.toString(MAX_QUEUES))) {
                // The monitor serves /metrics once it has created the events topic with its 6 partitions.
                await("monitor serves /metrics").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                        .until(() -> Scrape.of(port).value("lagwatch_queues_owned") == 0);
                recordKnownQueues(broker, t0);
                await("known queues counted").atMost(Duration.ofSeconds(120)).ignoreExceptions()
                        .untilAsserted(() -> assertThat(Scrape.of(port).find("messaging_messages_enqueued_total").stream()
                                .mapToDouble(Scrape.Sample::value).sum()).isEqualTo(KNOWN_QUEUES * MESSAGES_PER_KNOWN_QUEUE));

                sendBomb(broker, t0);
                long total = (long) KNOWN_QUEUES * MESSAGES_PER_KNOWN_QUEUE + BOMB_QUEUES;
                await("every enqueued event counted").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(2))
                        .ignoreExceptions()
                        .untilAsserted(() -> assertThat(Scrape.of(port, Duration.ofSeconds(60))
                                .find("messaging_messages_enqueued_total").stream()
                                .mapToDouble(Scrape.Sample::value).sum()).isEqualTo(total));

                Scrape scrape = Scrape.of(port, Duration.ofSeconds(60));
                checkKnownQueues(scrape);
                Set<String> queues = new TreeSet<>();
                scrape.find("messaging_queue_depth").forEach(sample -> queues.add(sample.labels().get("queue")));
                double overflowEnqueued = scrape.value("messaging_messages_enqueued_total", "queue",
                        LifecycleEvent.OVERFLOW_NAME);
                log.info("{} queues exported, {} events under the overflow queue, {} samples in one scrape",
                        queues.size(), (long) overflowEnqueued, scrape.samples().size());

                assertThat(queues).contains(LifecycleEvent.OVERFLOW_NAME);
                // Each of the 6 partitions admits 167 queues, so the monitor keeps at most 1,002.
                assertThat(queues.size() - 1).isBetween(MAX_QUEUES, 1_002);
                // Each admitted bomb queue counts its one event, and the overflow queue counts the others.
                int admittedBombQueues = queues.size() - 1 - KNOWN_QUEUES;
                assertThat(overflowEnqueued).isEqualTo(BOMB_QUEUES - admittedBombQueues);
                assertThat(scrape.value("lagwatch_events_overflow_total", "limit", "queues")).isEqualTo(overflowEnqueued);
                assertThat(scrape.value("lagwatch_events_overflow_total", "limit", "groups"))
                        .isEqualTo(BOMB_GROUPS - 99);
                assertThat(scrape.value("lagwatch_events_overflow_total", "limit", "consumers"))
                        .isEqualTo(BOMB_CONSUMERS - 999);
                // 10 series per queue and 72 per consumer group of a queue, as docs/metrics.md states.
                int groups = scrape.find("messaging_active_consumers").size();
                assertThat(groups).as("consumer groups kept").isEqualTo(KNOWN_QUEUES + 100);
                assertThat(scrape.samples().size() - monitorOwnSamples(scrape)).as("lifecycle series")
                        .isEqualTo(SERIES_PER_QUEUE * queues.size() + SERIES_PER_GROUP * groups);

                long heap = monitor.usedHeapAfterGc();
                log.info("Monitor heap after a full GC: {} MiB", heap / (1024 * 1024));
                assertThat(heap).as("heap used after a full GC").isLessThan(HEAP_BOUND_BYTES);
                assertThat(monitor.isAlive()).isTrue();
            }
        }
    }

    private static void recordKnownQueues(EmbeddedKafkaBroker broker, long t0) {
        try (LifecycleRecorder recorder = LifecycleRecorder.builder()
                .bootstrapServers(broker.bootstrapServers())
                .heartbeatInterval(Duration.ZERO)
                .build()) {
            for (int q = 0; q < KNOWN_QUEUES; q++) {
                String queue = knownQueue(q);
                for (int i = 0; i < MESSAGES_PER_KNOWN_QUEUE; i++) {
                    recorder.enqueued(queue, "m-" + i, t0 + i);
                    recorder.record(LifecycleEvent.started(queue, "billing", "c-1", "m-" + i, 1, t0 + i + 10,
                            LifecycleEvent.NOT_SET));
                    recorder.record(LifecycleEvent.completed(queue, "billing", "c-1", "m-" + i, 1, t0 + i + 30,
                            t0 + i, LifecycleEvent.NOT_SET, t0 + i + 10));
                }
            }
        }
    }

    /**
     * Sends a million {@code enqueued} events of distinct queues, heartbeats of 500 groups on the first
     * known queue and of 5,000 consumers of one group on the second, written as a producer without
     * the client library would.
     */
    private static void sendBomb(EmbeddedKafkaBroker broker, long t0) {
        EventCodec codec = new EventCodec();
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 50,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < BOMB_QUEUES; i++) {
                String queue = String.format("bomb-%07d", i);
                send(producer, codec, LifecycleEvent.enqueued(queue, "m-1", t0 + 1_000));
            }
            for (int i = 0; i < BOMB_GROUPS; i++) {
                send(producer, codec, LifecycleEvent.heartbeat(knownQueue(0), "group-" + i, "c-9", t0 + 2_000, 1));
            }
            for (int i = 0; i < BOMB_CONSUMERS; i++) {
                send(producer, codec, LifecycleEvent.heartbeat(knownQueue(1), "billing", "consumer-" + i, t0 + 2_000, 1));
            }
            producer.flush();
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, EventCodec codec, LifecycleEvent event) {
        producer.send(new ProducerRecord<>(MonitorConfig.DEFAULT_EVENTS_TOPIC, event.queue(), codec.encode(event)));
    }

    private static void checkKnownQueues(Scrape scrape) {
        for (int q = 0; q < KNOWN_QUEUES; q++) {
            String queue = knownQueue(q);
            assertThat(scrape.value("messaging_messages_enqueued_total", "queue", queue)).as(queue)
                    .isEqualTo(MESSAGES_PER_KNOWN_QUEUE);
            assertThat(scrape.value("messaging_messages_processed_total", "queue", queue, "consumer_group", "billing",
                    "status", "success")).as(queue).isEqualTo(MESSAGES_PER_KNOWN_QUEUE);
            assertThat(scrape.value("messaging_queue_depth", "queue", queue)).as(queue).isZero();
        }
    }

    private static long monitorOwnSamples(Scrape scrape) {
        return scrape.samples().stream()
                .filter(sample -> sample.name().startsWith("lagwatch_") || sample.name().equals("target_info"))
                .count();
    }

    private static String knownQueue(int index) {
        return String.format("known-%02d", index);
    }
}
