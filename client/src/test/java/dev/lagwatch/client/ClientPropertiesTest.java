package dev.lagwatch.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwatch.client.internal.EnvironmentOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientPropertiesTest {

    @Test
    void environmentVariablesBecomeSettings() {
        Map<String, String> settings = ClientProperties.fromEnvironment(Map.of(
                "LAGWATCH_KAFKA_SASL_JAAS_CONFIG", "module required;",
                "LAGWATCH_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "LAGWATCH_KAFKA_", "ignored",
                "LAGWATCH_MAX_QUEUES", "10",
                "KAFKA_SASL_MECHANISM", "PLAIN"));

        assertThat(settings).containsOnly(
                Map.entry("sasl.jaas.config", "module required;"),
                Map.entry("security.protocol", "SASL_SSL"));
    }

    @Test
    void commandLineWinsOverEnvironment() {
        Map<String, String> merged = ClientProperties.merge(null,
                Map.of("LAGWATCH_KAFKA_CLIENT_ID", "from-environment", "LAGWATCH_KAFKA_ACKS", "all"),
                Map.of("client.id", "from-command-line"));

        assertThat(merged).containsOnly(Map.entry("client.id", "from-command-line"), Map.entry("acks", "all"));
    }

    @Test
    void lagwatchKeysAreReportedSorted() {
        assertThat(ClientProperties.lagwatchKeysError(Map.of("acks", "all"))).isNull();
        assertThat(ClientProperties.lagwatchKeysError(Map.of("lagwatch.topic", "t", "lagwatch.buffer", "1", "acks", "1")))
                .startsWith("unknown Kafka client setting(s) lagwatch.buffer, lagwatch.topic:");
    }

    @Test
    void optionVariablesFollowOptionNames() {
        assertThat(EnvironmentOptions.variableOf("--max-groups-per-queue")).isEqualTo("LAGWATCH_MAX_GROUPS_PER_QUEUE");
        assertThat(EnvironmentOptions.unknownVariablesError(
                Map.of("LAGWATCH_RATE", "5", "LAGWATCH_KAFKA_ACKS", "all", "LAGWATCH_LOG_LEVEL", "DEBUG", "HOME", "/root"),
                List.of("LAGWATCH_RATE")))
                .isNull();
        assertThat(EnvironmentOptions.unknownVariablesError(Map.of("LAGWATCH_RATES", "5"),
                List.of("LAGWATCH_RATE", "LAGWATCH_COUNT")))
                .isEqualTo("unknown environment variable(s) LAGWATCH_RATES. Valid ones are LAGWATCH_COUNT,"
                        + " LAGWATCH_RATE, LAGWATCH_LOG_LEVEL, and LAGWATCH_KAFKA_<SETTING> for Kafka client settings");
    }
}
