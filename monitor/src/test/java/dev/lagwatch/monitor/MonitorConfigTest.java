package dev.lagwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MonitorConfigTest {

    @Test
    void defaultsNeedOnlyBootstrapServers() {
        MonitorConfig config = MonitorConfig.builder().bootstrapServers("kafka:9092").build();

        assertThat(config.eventsTopic()).isEqualTo("lagwatch.events");
        assertThat(config.metricsPort()).isEqualTo(9464);
        assertThat(config.processingGuarantee()).isEqualTo("exactly_once_v2");
        assertThat(config.publishInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.deadLetterTopic()).isEqualTo("lagwatch.events.dead-letters");
        assertThat(config.timestampTolerance().maxAhead()).isEqualTo(Duration.ofHours(1));
        assertThat(config.timestampTolerance().maxAge()).isEqualTo(Duration.ofDays(30));
    }

    @Test
    void deadLetterTopicMustDifferFromEvents() {
        MonitorConfig.Builder builder = MonitorConfig.builder()
                .bootstrapServers("kafka:9092")
                .eventsTopic("orders.events")
                .deadLetterTopic("orders.events");

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dead-letter topic (--dead-letter-topic) must differ from the events topic,"
                        + " both are 'orders.events'");
    }

    @Test
    void invalidDeadLetterTopicNamed() {
        MonitorConfig.Builder builder = MonitorConfig.builder()
                .bootstrapServers("kafka:9092")
                .deadLetterTopic("dead letters");

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dead-letter topic (--dead-letter-topic) must be 1 to 249 characters from"
                        + " [a-zA-Z0-9._-], got 'dead letters'");
    }

    @Test
    void buildListsEveryInvalidSetting() {
        MonitorConfig.Builder builder = MonitorConfig.builder()
                .eventsTopic("events with spaces")
                .eventsTopicPartitions(0)
                .eventsTopicReplicationFactor((short) 0)
                .processingGuarantee("exactly_once")
                .streamThreads(0)
                .publishInterval(Duration.ofMillis(1))
                .window(Duration.ofSeconds(5))
                .livenessTimeout(Duration.ZERO)
                .maxClockSkew(Duration.ZERO)
                .maxEventAge(Duration.ofMinutes(1))
                .metricsPort(70_000)
                .serviceName(" ");

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bootstrap servers (--bootstrap-servers) are required")
                .hasMessageContaining("events topic (--events-topic) must be 1 to 249 characters from [a-zA-Z0-9._-], got 'events with spaces'")
                .hasMessageContaining("events topic partitions (--events-partitions) must be between 1 and 10000, got 0")
                .hasMessageContaining("replication factor (--events-replication-factor) must be -1 (broker default) or at least 1, got 0")
                .hasMessageContaining("processing guarantee (--processing-guarantee) must be exactly_once_v2 or at_least_once, got 'exactly_once'")
                .hasMessageContaining("stream threads (--stream-threads) must be between 1 and 64, got 0")
                .hasMessageContaining("publish interval (--publish-interval) must be between 10 ms and 60 s, got PT0.001S")
                .hasMessageContaining("window (--window) must be between 12 s and 1 h, got PT5S")
                .hasMessageContaining("liveness timeout (--liveness-timeout) must be between 1 s and 1 h, got PT0S")
                .hasMessageContaining("max clock skew (--max-clock-skew) must be between 1 s and 7 d, got PT0S")
                .hasMessageContaining("max event age (--max-event-age) must be between 1 h and 3650 d, got PT1M")
                .hasMessageContaining("metrics port (--metrics-port) must be between 1 and 65535, got 70000")
                .hasMessageContaining("service name (--service-name) must not be empty");
    }

    @Test
    void invalidOffsetSettingsListedTogether() {
        MonitorConfig.Builder builder = MonitorConfig.builder()
                .bootstrapServers("kafka:9092")
                .offsetPollInterval(Duration.ZERO)
                .offsetReadTimeout(Duration.ofMillis(10))
                .clusterName("")
                .offsetGranularity("group")
                .includeGroups(List.of("["));

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset poll interval (--offset-poll-interval) must be between 1 s and 1 h")
                .hasMessageContaining("offset read timeout (--offset-read-timeout) must be between 100 ms and 1 min")
                .hasMessageContaining("cluster name (--cluster-name) must not be empty")
                .hasMessageContaining("offset granularity (--offset-granularity) must be partition or topic, got 'group'")
                .hasMessageContaining("--include-group must be a Java regular expression, got '['");
    }

    @Test
    void disabledOffsetLagSkipsItsSettings() {
        MonitorConfig config = MonitorConfig.builder()
                .bootstrapServers("kafka:9092")
                .offsetLag(false)
                .offsetGranularity("group")
                .build();

        assertThat(config.offsetPoller()).isNull();
    }
}
