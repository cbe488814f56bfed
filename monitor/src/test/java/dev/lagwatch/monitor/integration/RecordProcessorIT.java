package dev.lagwatch.monitor.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.client.event.EventType;
import dev.lagwatch.client.event.LifecycleEvent;
import dev.lagwatch.client.kafka.LagwatchProducerInterceptor;
import dev.lagwatch.client.kafka.LagwatchRecordProcessor;
import dev.lagwatch.client.kafka.RetryPolicy;
import dev.lagwatch.monitor.Monitor;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import dev.lagwatch.monitor.testing.EventsTopic;
import dev.lagwatch.monitor.testing.FreePort;
import dev.lagwatch.monitor.testing.TestMonitors;
import dev.lagwatch.monitor.metrics.Scrape;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain poll loop whose handler is wrapped in {@link LagwatchRecordProcessor}, fed by a producer
 * with the interceptor: the monitor's counts equal the application's own, including retries sent
 * back to the topic and retries in place.
 */
class RecordProcessorIT {

    private static final String TOPIC = "refunds";
    private static final int RECORDS = 40;

    @TempDir
    Path stateDirectory;

    @Test
    @SuppressWarnings("try") // The monitor runs while the try block does, and is read over HTTP.
    void monitorCountsEqualTheApplications() throws Exception {
        int port = FreePort.find();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
                Monitor monitor = TestMonitors.startLifecycleOnly(broker, "processor-it", stateDirectory, port);
                LifecycleRecorder recorder = LifecycleRecorder.builder()
                        .bootstrapServers(broker.bootstrapServers())
                        .heartbeatInterval(Duration.ofSeconds(1))
                        .build()) {
            AtomicInteger completed = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            AtomicInteger retriedInPlace = new AtomicInteger();
            AtomicInteger sentAgain = new AtomicInteger();
            Set<String> seen = ConcurrentHashMap.newKeySet();
            Map<String, Object> consumerConfig = Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "refund-service",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, LagwatchProducerInterceptor.class.getName()),
                    new StringSerializer(), new StringSerializer());
                    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig,
                            new StringDeserializer(), new StringDeserializer());
                    LagwatchRecordProcessor processor = new LagwatchRecordProcessor(recorder, "refund-service",
                            "refund-1", RetryPolicy.upTo(3))) {
                for (int i = 0; i < RECORDS; i++) {
                    String value = "ok";
                    if (i % 10 == 3) {
                        value = "invalid";
                    } else if (i % 10 == 5) {
                        value = "flaky";
                    }
                    producer.send(new ProducerRecord<>(TOPIC, "r-" + i, value)).get(30, TimeUnit.SECONDS);
                }
                consumer.subscribe(List.of(TOPIC));
                await("every record processed").atMost(Duration.ofSeconds(60)).until(() -> {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                        try {
                            processor.process(record, r -> handle(r, seen));
                            completed.incrementAndGet();
                        } catch (IllegalArgumentException e) {
                            failed.incrementAndGet();
                        } catch (TimeoutException e) {
                            // Half the timeouts go back to the end of the topic, half are retried in place.
                            if (sentAgain.get() <= retriedInPlace.get()) {
                                producer.send(LagwatchRecordProcessor.retryRecord(record)).get(30, TimeUnit.SECONDS);
                                sentAgain.incrementAndGet();
                            } else {
                                consumer.seek(new TopicPartition(record.topic(), record.partition()), record.offset());
                                retriedInPlace.incrementAndGet();
                                break;
                            }
                        }
                    }
                    return completed.get() + failed.get() == RECORDS;
                });
                await("the monitor sees the live consumer").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> Scrape.of(port).value("messaging_active_consumers", "queue", TOPIC,
                                "consumer_group", "refund-service") == 1);
            }

            assertThat(failed.get()).isEqualTo(4);
            assertThat(sentAgain.get()).isEqualTo(2);
            assertThat(retriedInPlace.get()).isEqualTo(2);
            await("the monitor's counts equal the application's").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .untilAsserted(() -> {
                        Scrape scrape = Scrape.of(port);
                        assertThat(scrape.value("messaging_messages_enqueued_total", "queue", TOPIC))
                                .as("records sent again are not new messages").isEqualTo(RECORDS);
                        assertThat(scrape.value("messaging_messages_processed_total", "queue", TOPIC,
                                "status", "success")).isEqualTo(completed.get());
                        assertThat(scrape.value("messaging_messages_failed_total", "queue", TOPIC,
                                "error_type", "ValidationError")).isEqualTo(failed.get());
                        assertThat(scrape.value("messaging_messages_failed_total", "queue", TOPIC,
                                "error_type", "TimeoutError")).isEqualTo(sentAgain.get() + retriedInPlace.get());
                        assertThat(scrape.value("messaging_retries_total", "queue", TOPIC))
                                .isEqualTo(sentAgain.get() + retriedInPlace.get());
                        assertThat(scrape.value("messaging_queue_depth", "queue", TOPIC)).isZero();
                        assertThat(scrape.value("messaging_active_consumers", "queue", TOPIC)).as("after close").isZero();
                    });
            assertThat(startedAttempts(broker.bootstrapServers()))
                    .as("attempts of the started events: first ones, then the retried ones")
                    .containsEntry(1, (long) RECORDS)
                    .containsEntry(2, (long) (sentAgain.get() + retriedInPlace.get()))
                    .hasSize(2);
        }
    }

    /**
     * Counts the started events of the topic's queue by attempt, read from the events topic, and
     * checks the availability time of every outcome.
     */
    private static Map<Integer, Long> startedAttempts(String bootstrapServers) {
        Map<Integer, Long> byAttempt = new TreeMap<>();
        for (LifecycleEvent event : EventsTopic.readAll(bootstrapServers)) {
            if (!event.queue().equals(TOPIC)) {
                continue;
            }
            if (event.type() == EventType.STARTED) {
                byAttempt.merge(event.attempt(), 1L, Long::sum);
            } else if (event.type() == EventType.COMPLETED || event.type() == EventType.FAILED) {
                // A retry becomes available when the attempt before it fails, after the enqueue.
                assertThat(event.effectiveAvailableAt() > event.enqueuedAt())
                        .as("available_at after enqueued_at in " + event).isEqualTo(event.attempt() > 1);
            }
        }
        return byAttempt;
    }

    /** Rejects invalid refunds for good, and times out on the first attempt at a flaky one. */
    private static void handle(ConsumerRecord<String, String> record, Set<String> seen) throws TimeoutException {
        if (record.value().equals("invalid")) {
            throw new IllegalArgumentException("refund " + record.key() + " has no order");
        }
        if (record.value().equals("flaky") && seen.add(record.key())) {
            throw new TimeoutException("payment service did not answer for refund " + record.key());
        }
    }

    @Test
    void attemptHeaderCountsUp() {
        ConsumerRecord<String, String> first = new ConsumerRecord<>(TOPIC, 0, 7, "k", "v");
        ConsumerRecord<String, String> second = new ConsumerRecord<>(TOPIC, 0, 8, 0L, TimestampType.CREATE_TIME, 0, 0,
                "k", "v", LagwatchRecordProcessor.nextAttemptHeaders(first), Optional.empty());

        assertThat(LagwatchRecordProcessor.attemptOf(first.headers())).isEqualTo(1);
        assertThat(LagwatchRecordProcessor.attemptOf(second.headers())).isEqualTo(2);
        assertThat(LagwatchRecordProcessor.attemptOf(LagwatchRecordProcessor.nextAttemptHeaders(second))).isEqualTo(3);
    }
}
