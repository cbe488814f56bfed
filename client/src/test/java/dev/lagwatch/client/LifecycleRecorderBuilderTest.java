package dev.lagwatch.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LifecycleRecorderBuilderTest {

    @Test
    void buildListsEveryInvalidSetting() {
        LifecycleRecorder.Builder builder = LifecycleRecorder.builder()
                .topic("bad topic!")
                .bufferCapacity(0)
                .closeTimeout(Duration.ofSeconds(-1))
                .heartbeatInterval(Duration.ofMillis(10))
                .classifier(null)
                .producerProperty("value.serializer", "org.example.Json")
                .producerProperty("lagwatch.topic", "orders-events");

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bootstrapServers is required")
                .hasMessageContaining("topic must be a Kafka topic name")
                .hasMessageContaining("\"bad topic!\"")
                .hasMessageContaining("bufferCapacity must be between 1 and 10000000, got 0")
                .hasMessageContaining("closeTimeout must be zero or positive, got PT-1S")
                .hasMessageContaining("heartbeatInterval must be zero (off) or at least 100 ms, got PT0.01S")
                .hasMessageContaining("classifier must not be null")
                .hasMessageContaining("producer property value.serializer cannot be set")
                .hasMessageContaining("producer properties lagwatch.topic are not Kafka settings");
    }

    @Test
    void buildRejectsUnknownKafkaPropertyValue() {
        LifecycleRecorder.Builder builder = LifecycleRecorder.builder()
                .bootstrapServers("127.0.0.1:1")
                .producerProperty("acks", "sometimes");

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid Kafka producer configuration")
                .hasMessageContaining("acks");
    }
}
