package dev.lagwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The testkit against a broker in a Testcontainers {@code KafkaContainer}, as an application's tests
 * would run it where a Docker engine exists. Without one, the class is skipped with the reason.
 */
@Testcontainers
@EnabledIf(value = "dockerIsAvailable",
        disabledReason = "no Docker engine found, so no KafkaContainer can start; PlainKafkaApplicationIT runs the"
                + " same assertions on the embedded broker")
class KafkaContainerIT {

    @Container
    static final KafkaContainer kafka = new KafkaContainer("apache/kafka:4.1.1");

    @RegisterExtension
    static final LagwatchExtension lagwatch = LagwatchExtension.forBootstrapServers(kafka::getBootstrapServers);

    static boolean dockerIsAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    @Test
    void countsWhatTheProducerSends() throws Exception {
        Map<String, Object> config = new HashMap<>(lagwatch.interceptorProperties());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, lagwatch.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("shipments", "s-" + i, "packed")).get(30, TimeUnit.SECONDS);
            }
        }

        assertThat(lagwatch.queue("shipments").enqueued()).isEqualTo(10);
        assertThat(lagwatch.queue("shipments").depth()).isEqualTo(10);
        lagwatch.queue("shipments").assertNoFailures();
        assertThat(lagwatch.bootstrapServers()).isEqualTo(kafka.getBootstrapServers());
    }
}
