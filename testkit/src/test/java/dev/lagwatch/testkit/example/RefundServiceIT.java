package dev.lagwatch.testkit.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.client.event.ErrorCategory;
import dev.lagwatch.client.kafka.LagwatchRecordProcessor;
import dev.lagwatch.testkit.LagwatchExtension;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RefundServiceIT {

    @RegisterExtension
    static final LagwatchExtension lagwatch = LagwatchExtension.embeddedBroker();

    @Test
    void refundsKeepUp() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        AtomicBoolean running = new AtomicBoolean(true);
        try (LifecycleRecorder recorder = lagwatch.recorderBuilder().build()) {
            executor.submit(() -> runRefundService(recorder, running));

            Map<String, Object> producerConfig = new HashMap<>(lagwatch.interceptorProperties());
            producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, lagwatch.bootstrapServers());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig,
                    new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 20; i++) {
                    producer.send(new ProducerRecord<>("refunds", "refund-" + i, "12.50"));
                }
            }

            lagwatch.queue("refunds").assertDrainsWithin(Duration.ofSeconds(10));
            lagwatch.queue("refunds").assertNoFailures(ErrorCategory.TIMEOUT);
            lagwatch.queue("refunds").assertProcessingTimeBelow(0.95, Duration.ofMillis(200));
            lagwatch.consumerGroup("refund-service").assertLagReaches(0, Duration.ofSeconds(10));
            assertThat(lagwatch.queue("refunds").completed()).isEqualTo(20);
        } finally {
            running.set(false);
            executor.shutdown();
        }
    }

    /** The application under test: a poll loop whose handler is wrapped in LagwatchRecordProcessor. */
    private static Void runRefundService(LifecycleRecorder recorder, AtomicBoolean running) throws Exception {
        Map<String, Object> consumerConfig = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, lagwatch.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "refund-service",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig,
                new StringDeserializer(), new StringDeserializer());
                LagwatchRecordProcessor processor = new LagwatchRecordProcessor(recorder, "refund-service", "refund-1")) {
            consumer.subscribe(List.of("refunds"));
            while (running.get()) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    processor.process(record, refund -> Thread.sleep(5));
                }
                consumer.commitSync();
            }
        }
        return null;
    }
}
