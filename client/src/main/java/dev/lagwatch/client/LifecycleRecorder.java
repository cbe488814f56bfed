package dev.lagwatch.client;

import dev.lagwatch.client.event.LifecycleEvent;
import dev.lagwatch.client.internal.KafkaLifecycleRecorder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Records queue lifecycle events and sends them, asynchronously, to the lagwatch events topic.
 *
 * <p>Recording never blocks and never throws: an event goes into a bounded buffer that a background
 * thread sends with its own Kafka producer. When the buffer is full, when an argument is invalid or
 * when sending fails, the event is dropped and counted in {@link #stats()} by {@link DropReason}.
 * Build one recorder per application and share it between threads.
 *
 * <pre>{@code
 * try (LifecycleRecorder recorder = LifecycleRecorder.builder()
 *         .bootstrapServers("localhost:9092")
 *         .build()) {
 *     recorder.enqueued("orders", orderId);
 *     ConsumerRecorder consumer = recorder.consumer("orders", "billing", "billing-1");
 *     Attempt attempt = consumer.started(orderId, enqueuedAt, 1);
 *     attempt.completed();
 * }
 * }</pre>
 */
public interface LifecycleRecorder extends AutoCloseable {

    /** Default events topic. */
    String DEFAULT_TOPIC = "lagwatch.events";

    static Builder builder() {
        return new Builder();
    }

    /** Records that a message was enqueued now. */
    void enqueued(String queue, String messageId);

    /** Records that a message was enqueued at {@code enqueuedAt}, epoch milliseconds. */
    void enqueued(String queue, String messageId, long enqueuedAt);

    /**
     * Opens a recorder for the attempts and heartbeats of one consumer instance on {@code queue}
     * that processes one message at a time. Close it when the consumer stops.
     */
    default ConsumerRecorder consumer(String queue, String group, String consumerId) {
        return consumer(queue, group, consumerId, 1);
    }

    /**
     * Opens a recorder for a consumer instance that can process {@code capacity} messages at once;
     * its heartbeats carry the capacity. Close it when the consumer stops.
     */
    ConsumerRecorder consumer(String queue, String group, String consumerId, int capacity);

    /** Records a prepared event as it is, after the same validation as the other methods. */
    void record(LifecycleEvent event);

    /** Returns what the recorder has recorded, sent and dropped so far. */
    RecorderStats stats();

    /** Flushes buffered events and closes, waiting at most the configured close timeout. */
    @Override
    void close();

    /** Flushes buffered events and closes, waiting at most {@code timeout}; what is left is dropped. */
    void close(Duration timeout);

    /**
     * Configuration of a {@link LifecycleRecorder}. {@link #build()} validates every setting and
     * reports all invalid ones in one {@link IllegalArgumentException}.
     */
    final class Builder {
        /** Kafka's legal topic name characters. */
        private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
        static final int MAX_BUFFER_CAPACITY = 10_000_000;

        private String bootstrapServers;
        private String topic = DEFAULT_TOPIC;
        private int bufferCapacity = 10_000;
        private Duration closeTimeout = Duration.ofSeconds(5);
        private Duration heartbeatInterval = Duration.ofSeconds(5);
        private ErrorClassifier classifier = ErrorClassifier.defaults();
        private Clock clock = Clock.systemUTC();
        private final Map<String, Object> producerProperties = new HashMap<>();

        private Builder() {
        }

        /** Sets the Kafka bootstrap servers of the cluster that contains the events topic. Required. */
        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        /** Events topic; default {@value LifecycleRecorder#DEFAULT_TOPIC}. */
        public Builder topic(String topic) {
            this.topic = topic;
            return this;
        }

        /** Maximum number of events waiting to be sent; beyond it events are dropped. Default 10,000. */
        public Builder bufferCapacity(int bufferCapacity) {
            this.bufferCapacity = bufferCapacity;
            return this;
        }

        /** Sets how long {@link LifecycleRecorder#close()} waits to flush buffered events. Default 5 s. */
        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = closeTimeout;
            return this;
        }

        /**
         * Sets how often each open {@link ConsumerRecorder} sends a heartbeat. Zero turns the automatic
         * heartbeats off. Default 5 s. The monitor's liveness timeout should be a few intervals.
         */
        public Builder heartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = heartbeatInterval;
            return this;
        }

        /** Classifier for exceptions passed to {@link Attempt#failed(Throwable, boolean)}. */
        public Builder classifier(ErrorClassifier classifier) {
            this.classifier = classifier;
            return this;
        }

        /** Clock for event timestamps; the system UTC clock by default. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Sets a Kafka producer property such as {@code security.protocol} or {@code linger.ms}. The
         * serialisers are fixed by the recorder and cannot be set.
         */
        public Builder producerProperty(String key, Object value) {
            producerProperties.put(key, value);
            return this;
        }

        /** Sets several Kafka producer properties; see {@link #producerProperty}. */
        public Builder producerProperties(Map<String, ?> properties) {
            producerProperties.putAll(properties);
            return this;
        }

        /**
         * Validates the configuration and starts the recorder.
         *
         * @throws IllegalArgumentException listing every invalid setting, or when Kafka rejects the
         *     producer properties
         */
        public LifecycleRecorder build() {
            List<String> errors = new ArrayList<>();
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                errors.add("bootstrapServers is required, for example \"localhost:9092\"");
            }
            if (topic == null || !TOPIC_NAME.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
                errors.add("topic must be a Kafka topic name of 1 to 249 characters from [a-zA-Z0-9._-], got "
                        + quote(topic));
            }
            if (bufferCapacity < 1 || bufferCapacity > MAX_BUFFER_CAPACITY) {
                errors.add("bufferCapacity must be between 1 and " + MAX_BUFFER_CAPACITY + ", got " + bufferCapacity);
            }
            if (closeTimeout == null || closeTimeout.isNegative()) {
                errors.add("closeTimeout must be zero or positive, got " + closeTimeout);
            }
            if (heartbeatInterval == null || heartbeatInterval.isNegative()
                    || (!heartbeatInterval.isZero() && heartbeatInterval.toMillis() < 100)) {
                errors.add("heartbeatInterval must be zero (off) or at least 100 ms, got " + heartbeatInterval);
            }
            if (classifier == null) {
                errors.add("classifier must not be null; use ErrorClassifier.defaults() for the built-in mapping");
            }
            if (clock == null) {
                errors.add("clock must not be null");
            }
            for (String fixed : List.of(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG)) {
                if (producerProperties.containsKey(fixed)) {
                    errors.add("producer property " + fixed + " cannot be set: the recorder writes byte arrays");
                }
            }
            List<String> lagwatchKeys = ClientProperties.lagwatchKeys(producerProperties);
            if (!lagwatchKeys.isEmpty()) {
                errors.add("producer properties " + String.join(", ", lagwatchKeys) + " are not Kafka settings;"
                        + " set the recorder's own options with the builder's methods (topic, bufferCapacity,"
                        + " closeTimeout, heartbeatInterval)");
            }
            if (!errors.isEmpty()) {
                throw new IllegalArgumentException("Invalid lagwatch recorder configuration: " + String.join("; ", errors));
            }
            return new KafkaLifecycleRecorder(bootstrapServers, topic, bufferCapacity, closeTimeout,
                    heartbeatInterval, classifier, clock, Map.copyOf(producerProperties));
        }

        private static String quote(String value) {
            return value == null ? "null" : "\"" + value + "\"";
        }
    }
}
