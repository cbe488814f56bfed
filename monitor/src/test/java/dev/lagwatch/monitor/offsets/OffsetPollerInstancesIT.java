package dev.lagwatch.monitor.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lagwatch.monitor.Monitor;
import dev.lagwatch.monitor.MonitorConfig;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import dev.lagwatch.monitor.testing.FreePort;
import dev.lagwatch.monitor.metrics.Scrape;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two monitor instances of one application: exactly one of them exports offset series at a time. */
class OffsetPollerInstancesIT {

    @TempDir
    Path stateDirectories;

    private static Monitor startMonitor(EmbeddedKafkaBroker broker, Path stateDirectory, int port) {
        return Monitor.start(MonitorConfig.builder()
                .bootstrapServers(broker.bootstrapServers())
                .applicationId("offset-instances-it")
                .eventsTopicPartitions(2)
                .stateDirectory(stateDirectory)
                .metricsHost("127.0.0.1")
                .metricsPort(port)
                .offsetPollInterval(Duration.ofSeconds(1))
                .build());
    }

    private static int lagSeries(int port) {
        return Scrape.of(port).find("kafka_consumergroup_group_lag", "group", "archivers").size();
    }

    @Test
    void oneInstanceExportsAndTheOtherTakesOver() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("archive", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            Properties producerProps = new Properties();
            producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                    new StringSerializer())) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("archive", 0, null, "r-" + i));
                }
            }
            Properties consumerProps = new Properties();
            consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "archivers");
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                    new StringDeserializer())) {
                consumer.commitSync(Map.of(new TopicPartition("archive", 0), new OffsetAndMetadata(4)));
            }

            int firstPort = FreePort.find();
            int secondPort = FreePort.find();
            Monitor first = startMonitor(broker, stateDirectories.resolve("first"), firstPort);
            try (Monitor second = startMonitor(broker, stateDirectories.resolve("second"), secondPort)) {
                await("both instances running, one series in all").atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> first.state().isRunningOrRebalancing()
                                && second.state().isRunningOrRebalancing()
                                && lagSeries(firstPort) + lagSeries(secondPort) == 1);
                await("never two series over several polls").during(Duration.ofSeconds(3))
                        .atMost(Duration.ofSeconds(5))
                        .until(() -> lagSeries(firstPort) + lagSeries(secondPort) <= 1);

                int exporting = lagSeries(firstPort) == 1 ? firstPort : secondPort;
                Monitor exporter = exporting == firstPort ? first : second;
                int other = exporting == firstPort ? secondPort : firstPort;
                exporter.close();
                await("the other instance takes over").atMost(Duration.ofSeconds(60))
                        .until(() -> lagSeries(other) == 1);
                assertThat(Scrape.of(other).value("kafka_consumergroup_group_lag", "group", "archivers"))
                        .isEqualTo(6);
            } finally {
                first.close();
            }
        }
    }
}
