package dev.lagwatch.client.kafka;

import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.client.RecorderStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records an {@code enqueued} event for every record an application's {@code KafkaProducer}
 * writes, with the topic as the queue. Enable it in the producer's own configuration:
 *
 * <pre>{@code
 * interceptor.classes=dev.lagwatch.client.kafka.LagwatchProducerInterceptor
 * }</pre>
 *
 * <p>The event is recorded when the broker acknowledges the record, so a record that was never
 * written is never counted. Its id is {@code topic-partition@offset} and its enqueue time the
 * record's timestamp, so that a consumer-side recorder can derive both from the record it reads.
 *
 * <p>A record sent again for another attempt, with {@link LagwatchRecordProcessor#retryRecord}, is
 * the same message, so it records no {@code enqueued} event. Records are matched with their
 * acknowledgement by topic and timestamp, which needs the topic's default
 * {@code message.timestamp.type=CreateTime}.
 *
 * <p>The interceptor returns every record unchanged and catches what recording could throw, so
 * the producer's sends are unaffected: its events go through a {@link LifecycleRecorder} with its
 * own buffer and producer, and are dropped and counted when the events topic is unavailable
 * ({@code ProducerInterceptorIT} checks both). Settings under {@code lagwatch.} configure it; a key it
 * does not know is logged with the list of valid ones, and the interceptor then records nothing
 * rather than fail the application's producer.
 */
public final class LagwatchProducerInterceptor implements ProducerInterceptor<Object, Object> {

    /** Events topic; {@value LifecycleRecorder#DEFAULT_TOPIC} by default. */
    public static final String EVENTS_TOPIC = "lagwatch.events.topic";
    /** Bootstrap servers of the cluster holding the events topic; the producer's own by default. */
    public static final String EVENTS_BOOTSTRAP_SERVERS = "lagwatch.events.bootstrap.servers";
    /** Events the recorder may buffer before it drops them; 10,000 by default. */
    public static final String BUFFER_CAPACITY = "lagwatch.buffer.capacity";
    /** How long closing the producer waits for buffered events, in milliseconds; 5,000 by default. */
    public static final String CLOSE_TIMEOUT_MS = "lagwatch.close.timeout.ms";
    /**
     * Prefix of the settings of the recorder's own producer, such as {@code lagwatch.kafka.sasl.jaas.config}.
     * They override the application producer's {@code security.protocol}, {@code sasl.*} and
     * {@code ssl.*}, which the recorder's producer takes otherwise.
     */
    public static final String KAFKA_PREFIX = "lagwatch.kafka.";

    private static final List<String> KEYS = List.of(EVENTS_TOPIC, EVENTS_BOOTSTRAP_SERVERS, BUFFER_CAPACITY,
            CLOSE_TIMEOUT_MS);
    private static final Logger log = LoggerFactory.getLogger(LagwatchProducerInterceptor.class);
    private static final Map<String, LagwatchProducerInterceptor> RUNNING = new ConcurrentHashMap<>();

    /** How long a record sent for another attempt waits for its acknowledgement before it is forgotten. */
    private static final long RETRY_EXPIRY_MILLIS = Duration.ofMinutes(10).toMillis();
    private static final int RETRY_CAPACITY = 100_000;

    private final RetrySends retrySends = new RetrySends(RETRY_EXPIRY_MILLIS, RETRY_CAPACITY);
    private String clientId = "";
    private String eventsTopic = LifecycleRecorder.DEFAULT_TOPIC;
    private LifecycleRecorder recorder;

    /**
     * Returns what the interceptors of this JVM recorded, sent and dropped, by the {@code client.id}
     * of the producer each one serves. Closed producers are left out.
     */
    public static Map<String, RecorderStats> statsByClientId() {
        Map<String, RecorderStats> stats = new HashMap<>();
        RUNNING.forEach((clientId, interceptor) -> {
            LifecycleRecorder current = interceptor.recorder;
            if (current != null) {
                stats.put(clientId, current.stats());
            }
        });
        return Collections.unmodifiableMap(stats);
    }

    @Override
    public void configure(Map<String, ?> configs) {
        clientId = String.valueOf(configs.get(ProducerConfig.CLIENT_ID_CONFIG));
        List<String> errors = new ArrayList<>();
        LifecycleRecorder.Builder builder = LifecycleRecorder.builder().heartbeatInterval(Duration.ZERO);
        Map<String, Object> recorderKafka = new HashMap<>();
        for (Map.Entry<String, ?> entry : configs.entrySet()) {
            String key = entry.getKey();
            String value = String.valueOf(entry.getValue());
            if (key.startsWith(KAFKA_PREFIX)) {
                recorderKafka.put(key.substring(KAFKA_PREFIX.length()), entry.getValue());
            } else if (key.equals(EVENTS_TOPIC)) {
                eventsTopic = value;
            } else if (key.equals(BUFFER_CAPACITY)) {
                builder.bufferCapacity(parseInt(key, value, errors));
            } else if (key.equals(CLOSE_TIMEOUT_MS)) {
                builder.closeTimeout(Duration.ofMillis(parseInt(key, value, errors)));
            } else if (key.startsWith("lagwatch.") && !key.equals(EVENTS_BOOTSTRAP_SERVERS)) {
                errors.add("unknown setting " + key);
            }
        }
        // The application producer's security settings come first; lagwatch.kafka.* settings override them.
        configs.forEach((key, value) -> {
            if ((key.equals(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG) || key.startsWith("sasl.")
                    || key.startsWith("ssl.")) && !recorderKafka.containsKey(key)) {
                recorderKafka.put(key, value);
            }
        });
        Object bootstrap = configs.containsKey(EVENTS_BOOTSTRAP_SERVERS) ? configs.get(EVENTS_BOOTSTRAP_SERVERS)
                : configs.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
        builder.bootstrapServers(bootstrap instanceof List<?> list ? String.join(",", list.stream()
                .map(String::valueOf).toList()) : String.valueOf(bootstrap))
                .topic(eventsTopic)
                .producerProperties(recorderKafka)
                .producerProperty(ProducerConfig.CLIENT_ID_CONFIG, "lagwatch-interceptor-" + clientId);
        if (errors.isEmpty()) {
            try {
                recorder = builder.build();
            } catch (IllegalArgumentException e) {
                errors.add(e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            boolean unknownKey = errors.stream().anyMatch(error -> error.startsWith("unknown setting"));
            log.error("lagwatch interceptor of producer {} records nothing: {}{}", clientId, String.join("; ", errors),
                    unknownKey ? ". Valid settings: " + new TreeSet<>(KEYS) + ", and " + KAFKA_PREFIX + "<Kafka setting>"
                            : "");
            return;
        }
        RUNNING.put(clientId, this);
    }

    private static int parseInt(String key, String value, List<String> errors) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            errors.add(key + " must be an integer, got '" + value + "'");
            return 0;
        }
    }

    /**
     * Returns {@code record} unchanged: the event is recorded once the broker has the record. A
     * record sent again for another attempt (see {@link LagwatchRecordProcessor#retryRecord}) is
     * noted so that its acknowledgement records nothing.
     */
    @Override
    public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
        try {
            if (recorder != null && record != null && record.timestamp() != null
                    && LagwatchRecordProcessor.attemptOf(record.headers()) > 1) {
                retrySends.expect(record.topic(), record.timestamp(), System.currentTimeMillis());
            }
        } catch (RuntimeException e) {
            log.debug("lagwatch interceptor could not read a record's attempt", e);
        }
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        LifecycleRecorder current = recorder;
        if (current == null || exception != null || metadata == null || metadata.topic().equals(eventsTopic)) {
            return;
        }
        try {
            if (metadata.hasTimestamp()
                    && retrySends.claim(metadata.topic(), metadata.timestamp(), System.currentTimeMillis())) {
                return;
            }
            long enqueuedAt = metadata.hasTimestamp() && metadata.timestamp() > 0 ? metadata.timestamp()
                    : System.currentTimeMillis();
            current.enqueued(metadata.topic(), messageId(metadata.topic(), metadata.partition(), metadata.offset()),
                    enqueuedAt);
        } catch (RuntimeException e) {
            // The recorder does not throw; this guards the producer's I/O thread all the same.
            log.debug("lagwatch interceptor could not record an event", e);
        }
    }

    /** Returns the id both sides of a queue give a record: {@code topic-partition@offset}. */
    static String messageId(String topic, int partition, long offset) {
        return topic + "-" + partition + "@" + offset;
    }

    /** Flushes the buffered events, waiting at most the close timeout, and stops the recorder. */
    @Override
    public void close() {
        LifecycleRecorder current = recorder;
        recorder = null;
        if (current != null) {
            RUNNING.remove(clientId, this);
            current.close();
        }
    }
}
