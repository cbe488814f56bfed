package dev.lagwatch.monitor.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaBrokerIT {

    @Test
    void startsCreatesTopicsAndDeletesDataOnClose() throws Exception {
        Path dataDirectory;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("broker-it", 3, (short) 1))).all().get(30, TimeUnit.SECONDS);

            assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
            assertThat(admin.describeTopics(List.of("broker-it")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get("broker-it").partitions()).hasSize(3);
            dataDirectory = Path.of(admin.describeLogDirs(List.of(1)).allDescriptions().get(30, TimeUnit.SECONDS)
                    .get(1).keySet().iterator().next()).getParent();
            assertThat(dataDirectory).exists();
        }
        assertThat(Files.exists(dataDirectory)).isFalse();
    }
}
