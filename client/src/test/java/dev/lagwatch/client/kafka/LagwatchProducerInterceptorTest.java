package dev.lagwatch.client.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Configuration of the interceptor, with its recorder pointed at a closed loopback port. */
class LagwatchProducerInterceptorTest {

    private static Map<String, Object> producerSettings(String clientId) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", "127.0.0.1:1");
        settings.put("client.id", clientId);
        settings.put("lagwatch.close.timeout.ms", "0");
        return settings;
    }

    @Test
    void recordsWithPlainSettings() {
        LagwatchProducerInterceptor interceptor = new LagwatchProducerInterceptor();
        interceptor.configure(producerSettings("plain-app"));
        try {
            assertThat(LagwatchProducerInterceptor.statsByClientId()).containsKey("plain-app");
        } finally {
            interceptor.close();
        }
        assertThat(LagwatchProducerInterceptor.statsByClientId()).doesNotContainKey("plain-app");
    }

    @Test
    void recorderSettingsKeepTheProducersSecurity() {
        // SASL without sasl.jaas.config: Kafka cannot build a client from these settings. A recorder
        // producer that kept them fails the same way; one that lost them would connect without SASL.
        Map<String, Object> settings = producerSettings("sasl-app");
        settings.put("security.protocol", "SASL_PLAINTEXT");
        settings.put("sasl.mechanism", "PLAIN");
        settings.put("lagwatch.kafka.linger.ms", "50");
        LagwatchProducerInterceptor interceptor = new LagwatchProducerInterceptor();

        interceptor.configure(settings);
        try {
            assertThat(LagwatchProducerInterceptor.statsByClientId()).doesNotContainKey("sasl-app");
        } finally {
            interceptor.close();
        }
    }

    @Test
    void recorderSettingsOverrideTheProducers() {
        Map<String, Object> settings = producerSettings("override-app");
        settings.put("security.protocol", "SASL_PLAINTEXT");
        settings.put("sasl.mechanism", "PLAIN");
        settings.put("lagwatch.kafka.security.protocol", "PLAINTEXT");
        LagwatchProducerInterceptor interceptor = new LagwatchProducerInterceptor();

        interceptor.configure(settings);
        try {
            assertThat(LagwatchProducerInterceptor.statsByClientId()).containsKey("override-app");
        } finally {
            interceptor.close();
        }
    }

    @Test
    void misspeltSettingDisablesOnlyTheInterceptor() {
        Map<String, Object> settings = producerSettings("misspelt-app");
        settings.put("lagwatch.buffer.capactiy", "100");
        LagwatchProducerInterceptor interceptor = new LagwatchProducerInterceptor();

        interceptor.configure(settings);
        try {
            assertThat(LagwatchProducerInterceptor.statsByClientId()).doesNotContainKey("misspelt-app");
            assertThat(interceptor.onSend(null)).isNull();
        } finally {
            interceptor.close();
        }
    }
}
