package dev.lagwatch.monitor.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lagwatch.client.kafka.LagwatchProducerInterceptor;
import dev.lagwatch.monitor.Monitor;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import dev.lagwatch.monitor.integration.examples.OrderValidationApp;
import dev.lagwatch.monitor.testing.FreePort;
import dev.lagwatch.monitor.testing.TestMonitors;
import dev.lagwatch.monitor.metrics.Scrape;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the Kafka Streams example of docs/integration-streams.md against a real broker and the
 * monitor. The monitor's counts equal the application's own, which are the records it wrote to
 * its output topic and the records Kafka Streams dropped after a processing exception.
 */
class KafkaStreamsIntegrationIT {

    private static final String QUEUE = OrderValidationApp.ORDERS;
    private static final String GROUP = OrderValidationApp.APPLICATION_ID;
    private static final int ORDERS = 60;

    @TempDir
    Path monitorState;

    @TempDir
    Path applicationState;

    @Test
    @SuppressWarnings("try") // The monitor runs while the try block does, and is read over HTTP.
    void monitorCountsEqualTheApplications() throws Exception {
        int port = FreePort.find();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
                Monitor monitor = TestMonitors.startLifecycleOnly(broker, "streams-example-it", monitorState, port)) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(QUEUE, 3, (short) 1),
                        new NewTopic(OrderValidationApp.VALID_ORDERS, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            produceOrders(broker.bootstrapServers());

            long written;
            long dropped;
            Properties settings = new Properties();
            settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            settings.put(StreamsConfig.STATE_DIR_CONFIG, applicationState.toString());
            try (OrderValidationApp app = new OrderValidationApp(settings);
                    KafkaConsumer<String, String> output = outputConsumer(broker.bootstrapServers())) {
                app.start();
                long[] outputCount = {0};
                await("every order processed").atMost(Duration.ofSeconds(90)).until(() -> {
                    outputCount[0] += output.poll(Duration.ofMillis(200)).count();
                    return outputCount[0] + droppedRecords() == ORDERS;
                });
                written = outputCount[0];
                dropped = droppedRecords();
                await("the monitor sees the live application").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> Scrape.of(port).value("messaging_active_consumers", "queue", QUEUE,
                                "consumer_group", GROUP) == 1);
            }

            // Every tenth order is not a number and every tenth another is negative.
            assertThat(dropped).as("records Kafka Streams dropped").isEqualTo(12);
            assertThat(written).as("records written to the output topic").isEqualTo(ORDERS - 12);
            await("the monitor's counts equal the application's").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .untilAsserted(() -> {
                        Scrape scrape = Scrape.of(port);
                        assertThat(scrape.value("messaging_messages_enqueued_total", "queue", QUEUE))
                                .as("enqueued").isEqualTo(ORDERS);
                        assertThat(scrape.value("messaging_messages_processed_total", "queue", QUEUE,
                                "consumer_group", GROUP, "status", "success")).as("processed, success")
                                .isEqualTo(written);
                        assertThat(scrape.value("messaging_messages_processed_total", "queue", QUEUE,
                                "consumer_group", GROUP, "status", "failure")).as("processed, failure")
                                .isEqualTo(dropped);
                        assertThat(scrape.value("messaging_messages_failed_total", "queue", QUEUE,
                                "consumer_group", GROUP, "error_type", "ValidationError")).as("failed, validation")
                                .isEqualTo(dropped);
                        assertThat(scrape.value("messaging_retries_total", "queue", QUEUE,
                                "consumer_group", GROUP)).as("retries").isZero();
                        assertThat(scrape.value("messaging_queue_depth", "queue", QUEUE)).as("depth").isZero();
                        assertThat(scrape.value("messaging_active_consumers", "queue", QUEUE,
                                "consumer_group", GROUP)).as("active consumers after close").isZero();
                    });
        }
    }

    /** Sends the orders through a producer with the interceptor, as the upstream service does. */
    private static void produceOrders(String bootstrapServers) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, LagwatchProducerInterceptor.class.getName()),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < ORDERS; i++) {
                producer.send(new ProducerRecord<>(QUEUE, "order-" + i, amount(i))).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Returns the amount of order {@code i}: not a number for every tenth, negative for every tenth another. */
    private static String amount(int i) {
        return switch (i % 10) {
            case 3 -> "twelve";
            case 7 -> "-" + (100 + i);
            default -> String.valueOf(100 + i);
        };
    }

    private static KafkaConsumer<String, String> outputConsumer(String bootstrapServers) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "valid-orders-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(OrderValidationApp.VALID_ORDERS));
        return consumer;
    }

    /**
     * Returns Kafka Streams' own count of records it dropped after a processing exception, summed
     * over the tasks of the example application. The monitor in this JVM runs Kafka Streams too,
     * so only the tasks whose thread id starts with the example's application id count.
     */
    private static long droppedRecords() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        long dropped = 0;
        for (ObjectName name : server.queryNames(new ObjectName("kafka.streams:type=stream-task-metrics,*"), null)) {
            if (name.getKeyProperty("thread-id").startsWith(GROUP + "-")) {
                dropped += Math.round((Double) server.getAttribute(name, "dropped-records-total"));
            }
        }
        return dropped;
    }
}
