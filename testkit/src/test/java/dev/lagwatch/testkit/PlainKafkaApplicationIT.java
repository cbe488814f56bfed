package dev.lagwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.client.event.ErrorCategory;
import dev.lagwatch.client.kafka.LagwatchRecordProcessor;
import dev.lagwatch.client.kafka.RetryPolicy;
import dev.lagwatch.monitor.metrics.Scrape;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An application with a plain {@code KafkaProducer} and {@code KafkaConsumer}: the interceptor in
 * its producer settings and {@link LagwatchRecordProcessor} around its handler give it every
 * lifecycle metric, and the counts equal the application's own. The assertions are the testkit's,
 * used as an application's tests would use them.
 */
class PlainKafkaApplicationIT {

    @RegisterExtension
    static final LagwatchExtension lagwatch = LagwatchExtension.embeddedBroker();

    private static final String ORDERS = "orders";
    private static final String GROUP = "billing";
    private static final int MESSAGES = 60;

    /** What the application itself counted. */
    private static final Map<String, Integer> counted = new ConcurrentHashMap<>();

    @BeforeAll
    static void runTheApplication() throws Exception {
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < MESSAGES; i++) {
                String value = "ok";
                if (i % 10 == 3) {
                    value = "invalid";
                } else if (i % 10 == 7) {
                    value = "flaky";
                }
                producer.send(new ProducerRecord<>(ORDERS, "order-" + i, value)).get(30, TimeUnit.SECONDS);
                counted.merge("sent", 1, Integer::sum);
            }
        }
        Set<String> timedOut = ConcurrentHashMap.newKeySet();
        try (LifecycleRecorder recorder = lagwatch.recorderBuilder().heartbeatInterval(Duration.ofSeconds(1)).build();
                KafkaConsumer<String, String> consumer = consumer(GROUP);
                LagwatchRecordProcessor processor = new LagwatchRecordProcessor(recorder, GROUP, "billing-1",
                        RetryPolicy.upTo(3))) {
            consumer.subscribe(List.of(ORDERS));
            await("the application finishes every order").atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        processor.process(record, r -> bill(r, timedOut));
                        counted.merge("completed", 1, Integer::sum);
                    } catch (IllegalArgumentException e) {
                        counted.merge("rejected", 1, Integer::sum);
                    } catch (TimeoutException e) {
                        counted.merge("retried", 1, Integer::sum);
                        consumer.seek(new TopicPartition(record.topic(), record.partition()), record.offset());
                        break;
                    }
                }
                consumer.commitSync();
                return counted.getOrDefault("completed", 0) + counted.getOrDefault("rejected", 0) == MESSAGES;
            });
            await("the monitor sees the consumer").atMost(Duration.ofSeconds(30))
                    .until(() -> lagwatch.queue(ORDERS).activeConsumers() == 1);
        }
    }

    /** Bills an order: rejects invalid ones for good, and times out once on each flaky one. */
    private static void bill(ConsumerRecord<String, String> record, Set<String> timedOut) throws Exception {
        switch (record.value()) {
            case "invalid" -> throw new IllegalArgumentException("order " + record.key() + " has no customer");
            case "flaky" -> {
                if (timedOut.add(record.key())) {
                    throw new TimeoutException("payment gateway did not answer for " + record.key());
                }
            }
            default -> TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    @Test
    void countsEqualTheApplications() {
        QueueMetrics orders = lagwatch.queue(ORDERS);
        orders.assertDrainsWithin(Duration.ofSeconds(10));

        int sent = counted.get("sent");
        int completed = counted.get("completed");
        int rejected = counted.get("rejected");
        int retried = counted.get("retried");
        assertThat(retried).as("flaky orders").isEqualTo(6);
        assertThat(orders.enqueued()).isEqualTo(sent);
        assertThat(orders.completed()).isEqualTo(completed);
        assertThat(orders.failed(ErrorCategory.VALIDATION)).isEqualTo(rejected);
        assertThat(orders.failed(ErrorCategory.TIMEOUT)).isEqualTo(retried);
        assertThat(orders.failed()).isEqualTo(rejected + retried);
        assertThat(orders.retries()).isEqualTo(retried);
        assertThat(orders.depth()).isZero();
        assertThat(orders.inFlight()).isZero();
        assertThat(orders.activeConsumers()).as("after the processor closed").isZero();
        assertThat(orders.processingTime().count()).as("every attempt").isEqualTo(completed + rejected + retried);
        assertThat(orders.waitTime().count()).as("every attempt").isEqualTo(completed + rejected + retried);
        assertThat(orders.endToEndLatency().count()).as("final outcomes").isEqualTo(completed + rejected);
    }

    @Test
    void everyLifecycleMetricIsExported() {
        lagwatch.awaitCaughtUp(Duration.ofSeconds(30));
        Scrape scrape = lagwatch.scrape();
        for (String metric : List.of("messaging_queue_depth", "messaging_queue_in_flight",
                "messaging_messages_enqueued_total", "messaging_messages_processed_total",
                "messaging_messages_failed_total", "messaging_retries_total",
                "messaging_processing_duration_seconds_bucket", "messaging_wait_time_seconds_bucket",
                "messaging_end_to_end_latency_seconds_bucket", "messaging_consumer_lag_seconds",
                "messaging_oldest_message_age_seconds", "messaging_consumer_saturation",
                "messaging_active_consumers", "messaging_queue_status")) {
            assertThat(scrape.find(metric, "queue", ORDERS)).as(metric).isNotEmpty();
        }
        assertThat(scrape.value("messaging_queue_status", "queue", ORDERS, "status", "OK")).isEqualTo(1);
    }

    @Test
    void failureAssertionsNameWhatWasMeasured() {
        QueueMetrics orders = lagwatch.queue(ORDERS);
        orders.assertNoFailures(ErrorCategory.CONNECTION, ErrorCategory.RATE_LIMIT);

        assertThatThrownBy(() -> orders.assertNoFailures(ErrorCategory.TIMEOUT))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("has 6 failed attempt(s) of [TimeoutError]")
                .hasMessageContaining("TimeoutError=6");
        assertThatThrownBy(orders::assertNoFailures)
                .hasMessageContaining("has 12 failed attempt(s)");
    }

    @Test
    void processingTimeAssertionComparesTheEstimate() {
        QueueMetrics orders = lagwatch.queue(ORDERS);
        orders.assertProcessingTimeBelow(0.95, Duration.ofSeconds(1));

        Duration median = orders.processingTime().quantile(0.5);
        assertThat(median).isPositive().isLessThan(Duration.ofSeconds(1));
        assertThatThrownBy(() -> orders.assertProcessingTimeBelow(0.5, median))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("p50 processing time of queue 'orders' is")
                .hasMessageContaining("estimated from 66 attempts");
    }

    @Test
    void drainAssertionNamesTheDepth() throws Exception {
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>("backlog", "b-" + i, "waiting")).get(30, TimeUnit.SECONDS);
            }
        }

        assertThatThrownBy(() -> lagwatch.queue("backlog").assertDrainsWithin(Duration.ofSeconds(2)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Queue 'backlog' did not drain to 0 within")
                .hasMessageContaining("depth 5 (enqueued 5, completed 0");
        assertThatThrownBy(() -> lagwatch.queue("nosuchqueue").enqueued())
                .hasMessageContaining("no lifecycle event of queue 'nosuchqueue'")
                .hasMessageContaining(ORDERS);
    }

    @Test
    void drainAssertionCatchesMissingEnqueued() {
        // A consumer that records its outcomes, fed by a producer that records nothing.
        try (LifecycleRecorder recorder = lagwatch.recorderBuilder().build()) {
            var consumer = recorder.consumer("unannounced", GROUP, "billing-2");
            for (int i = 0; i < 3; i++) {
                consumer.started("u-" + i, System.currentTimeMillis(), 1).completed();
            }
        }

        assertThatThrownBy(() -> lagwatch.queue("unannounced").assertDrainsWithin(Duration.ofSeconds(2)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("has 3 message(s) finished for good with no enqueued event (enqueued 0")
                .hasMessageContaining("LagwatchProducerInterceptor");
    }

    @Test
    void lagAssertionWaitsForEveryCommit() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", lagwatch.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("digest", 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = producer()) {
            for (int partition = 0; partition < 2; partition++) {
                producer.send(new ProducerRecord<>("digest", partition, "d", "summary")).get(30, TimeUnit.SECONDS);
            }
        }
        try (KafkaConsumer<String, String> digest = consumer("digest-sender")) {
            digest.subscribe(List.of("digest"));
            await("both partitions assigned").atMost(Duration.ofSeconds(30)).until(() -> {
                digest.poll(Duration.ofMillis(100));
                return digest.assignment().size() == 2;
            });
            assertThatThrownBy(() -> lagwatch.consumerGroup("digest-sender").lag())
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("never committed an offset on, so their lag is unknown: [digest-0, digest-1]");

            digest.commitSync(Map.of(new TopicPartition("digest", 0), new OffsetAndMetadata(1)));

            assertThatThrownBy(() -> lagwatch.consumerGroup("digest-sender").assertLagReaches(0, Duration.ofSeconds(4)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("lag 0")
                    .hasMessageContaining("never committed on, so their lag is unknown: [digest-1]");
        }
    }

    @Test
    void consumerGroupLagMatchesKafka() throws Exception {
        lagwatch.consumerGroup(GROUP).assertLagReaches(0, Duration.ofSeconds(30));
        assertThat(lagFromKafka(GROUP)).as("independent truth").isZero();

        // A group that read the first 20 orders only.
        try (KafkaConsumer<String, String> audit = consumer("audit")) {
            audit.commitSync(Map.of(new TopicPartition(ORDERS, 0), new OffsetAndMetadata(20)));
        }
        assertThat(lagwatch.consumerGroup("audit").lag()).isEqualTo(lagFromKafka("audit")).isEqualTo(MESSAGES - 20);
        assertThatThrownBy(() -> lagwatch.consumerGroup("audit").assertLagReaches(0, Duration.ofSeconds(3)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Consumer group 'audit' did not reach an offset lag of 0")
                .hasMessageContaining("lag " + (MESSAGES - 20) + " (by topic: {orders=" + (MESSAGES - 20) + "}");
    }

    /** Returns the group's lag from Kafka's committed and end offsets, read without the monitor. */
    private static long lagFromKafka(String group) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", lagwatch.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            committed.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
            long lag = 0;
            for (var end : admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet()) {
                lag += end.getValue().offset() - committed.get(end.getKey()).offset();
            }
            return lag;
        }
    }

    private static KafkaProducer<String, String> producer() {
        Map<String, Object> config = new HashMap<>(lagwatch.interceptorProperties());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, lagwatch.bootstrapServers());
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(String group) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, lagwatch.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer());
    }
}
