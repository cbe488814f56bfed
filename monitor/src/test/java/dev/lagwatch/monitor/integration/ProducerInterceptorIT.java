package dev.lagwatch.monitor.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lagwatch.client.RecorderStats;
import dev.lagwatch.client.kafka.LagwatchProducerInterceptor;
import dev.lagwatch.monitor.Monitor;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import dev.lagwatch.monitor.testing.FreePort;
import dev.lagwatch.monitor.testing.TestMonitors;
import dev.lagwatch.monitor.metrics.Scrape;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application's plain {@code KafkaProducer} with lagwatch's interceptor in its configuration:
 * the monitor counts every record it wrote, the records arrive unchanged, and the application's
 * sends go on when the events topic is unreachable or the interceptor is misconfigured.
 */
class ProducerInterceptorIT {

    @TempDir
    Path stateDirectory;

    private static Map<String, Object> producerConfig(String bootstrapServers, String clientId) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, LagwatchProducerInterceptor.class.getName());
        return config;
    }

    private static void send(Map<String, Object> config, String topic, int count) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                ProducerRecord<String, String> record = new ProducerRecord<>(topic, "k-" + i, "v-" + i);
                record.headers().add("trace", ("t-" + i).getBytes(StandardCharsets.UTF_8));
                producer.send(record).get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @SuppressWarnings("try") // The monitor runs while the try block does, and is read over HTTP.
    void monitorCountsEveryRecordTheProducerWrote() throws Exception {
        int port = FreePort.find();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
                Monitor monitor = TestMonitors.startLifecycleOnly(broker, "interceptor-it", stateDirectory, port)) {

            send(producerConfig(broker.bootstrapServers(), "shipping-app"), "shipments", 50);

            await("the monitor counts the records").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .untilAsserted(() -> assertThat(Scrape.of(port)
                            .value("messaging_messages_enqueued_total", "queue", "shipments")).isEqualTo(50));
            List<ConsumerRecord<String, String>> records = readAll(broker.bootstrapServers(), "shipments", 50);
            for (int i = 0; i < 50; i++) {
                ConsumerRecord<String, String> record = records.get(i);
                assertThat(record.key()).isEqualTo("k-" + i);
                assertThat(record.value()).isEqualTo("v-" + i);
                assertThat(record.headers().toArray()).hasSize(1);
                assertThat(new String(record.headers().lastHeader("trace").value(), StandardCharsets.UTF_8))
                        .isEqualTo("t-" + i);
            }
        }
    }

    @Test
    void unreachableEventsTopicLeavesSendsAlone() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            Map<String, Object> config = producerConfig(broker.bootstrapServers(), "offline-events");
            config.put(LagwatchProducerInterceptor.EVENTS_BOOTSTRAP_SERVERS, "127.0.0.1:" + FreePort.find());
            config.put(LagwatchProducerInterceptor.CLOSE_TIMEOUT_MS, "1000");
            config.put("lagwatch.kafka." + ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
            long start = System.nanoTime();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                    new StringSerializer())) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("invoices", "k", "v")).get(30, TimeUnit.SECONDS);
                }
                RecorderStats stats = LagwatchProducerInterceptor.statsByClientId().get("offline-events");
                assertThat(stats.recorded()).isEqualTo(10);
                assertThat(stats.sent()).as("events sent to an unreachable cluster").isZero();
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("sends and close").isLessThan(Duration.ofSeconds(30));
            assertThat(readAll(broker.bootstrapServers(), "invoices", 10)).hasSize(10);
        }
    }

    @Test
    void unknownSettingDisablesOnlyTheInterceptor() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            Map<String, Object> config = producerConfig(broker.bootstrapServers(), "misconfigured");
            config.put("lagwatch.event.topic", "typo");

            send(config, "refunds", 3);

            assertThat(readAll(broker.bootstrapServers(), "refunds", 3)).hasSize(3);
            assertThat(LagwatchProducerInterceptor.statsByClientId()).doesNotContainKey("misconfigured");
        }
    }

    private static List<ConsumerRecord<String, String>> readAll(String bootstrapServers, String topic, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await("records of " + topic).atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= expected;
            });
        }
        return records;
    }
}
