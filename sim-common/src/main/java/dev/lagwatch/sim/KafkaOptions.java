package dev.lagwatch.sim;

import dev.lagwatch.client.ClientProperties;
import dev.lagwatch.client.LifecycleRecorder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Command-line options shared by the simulators: where Kafka is and how to reach it. */
public final class KafkaOptions {

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Option(names = "--events-topic", defaultValue = LifecycleRecorder.DEFAULT_TOPIC,
            description = "Topic the lifecycle events go to (default: ${DEFAULT-VALUE}).")
    String eventsTopic;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Properties file of Kafka client settings (security.protocol, sasl.*, ssl.*, ...).")
    Path commandConfig;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "A Kafka client setting; repeatable, and applied after --command-config and the"
                    + " LAGWATCH_KAFKA_* environment variables.")
    Map<String, String> kafkaProperties = new HashMap<>();

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String eventsTopic() {
        return eventsTopic;
    }

    /**
     * The client properties from --command-config, overridden by the {@code LAGWATCH_KAFKA_*}
     * environment variables, overridden by --kafka-property.
     */
    public Map<String, String> kafkaProperties() {
        Map<String, String> merged = ClientProperties.merge(commandConfig, System.getenv(), kafkaProperties);
        String error = ClientProperties.lagwatchKeysError(merged);
        if (error != null) {
            throw new IllegalArgumentException(error);
        }
        return merged;
    }

    /** Starts the builder of the recorder a simulator sends its lifecycle events with. */
    public LifecycleRecorder.Builder recorderBuilder(Map<String, String> mergedKafkaProperties) {
        return LifecycleRecorder.builder()
                .bootstrapServers(bootstrapServers)
                .topic(eventsTopic)
                .producerProperties(mergedKafkaProperties);
    }
}
