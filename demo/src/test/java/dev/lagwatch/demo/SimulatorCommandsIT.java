package dev.lagwatch.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import dev.lagwatch.sim.consumer.ConsumerSimCommand;
import dev.lagwatch.sim.producer.ProducerSimCommand;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The simulators' command lines on their own against a real broker: their ledgers against each
 * other and against the consumer group's committed offsets, read back from Kafka.
 */
class SimulatorCommandsIT {

    @TempDir
    Path directory;

    @Test
    void ledgersMatchCommittedOffsets() throws Exception {
        Path producerLedger = directory.resolve("producer.json");
        Path consumerLedger = directory.resolve("consumer.json");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            int produced = new CommandLine(new ProducerSimCommand()).execute("--bootstrap-servers",
                    broker.bootstrapServers(), "--queue", "cli-orders", "--rate", "200", "--count", "60",
                    "--ledger", producerLedger.toString());
            int consumed = new CommandLine(new ConsumerSimCommand()).execute("--bootstrap-servers",
                    broker.bootstrapServers(), "--queue", "cli-orders", "--group", "cli-workers",
                    "--processing-time", "fixed:5ms", "--duration", "8s", "--ledger", consumerLedger.toString());

            assertThat(produced).as("producer exit code").isZero();
            assertThat(consumed).as("consumer exit code").isZero();
            JsonNode producer = new ObjectMapper().readTree(producerLedger.toFile()).path("queues").path("cli-orders");
            JsonNode consumer = new ObjectMapper().readTree(consumerLedger.toFile()).path("queues").path("cli-orders");
            assertThat(producer.path("enqueued").asLong()).isEqualTo(60);
            assertThat(consumer.path("completed").asLong()).isEqualTo(60);
            assertThat(consumer.path("processing_ms").size()).isEqualTo(60);
            assertThat(committedOffsets(broker.bootstrapServers(), "cli-workers")).isEqualTo(60);
        }
    }

    private static long committedOffsets(String bootstrapServers, String group) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            return offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
        }
    }
}
