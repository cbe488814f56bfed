package dev.lagwatch.monitor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwatch.client.event.EventCodec;
import dev.lagwatch.client.event.InvalidEventException.Reason;
import dev.lagwatch.client.event.LifecycleEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * Generated records, valid events mixed with invalid ones of every kind, through the whole
 * topology: 10 tries of 10,000 records. The topology must not fail, every valid event must count
 * under its queue, and every invalid record must be counted under the reason its construction
 * implies and land in the dead-letter topic.
 */
class EventFuzzTest {

    private static final String TOPIC = "lagwatch.events";
    private static final String DEAD_LETTERS = "lagwatch.events.dead-letters";
    private static final long T0 = 1_767_225_600_000L;
    private static final EventCodec CODEC = new EventCodec();

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> input;
    private TestOutputTopic<String, byte[]> deadLetters;
    private QueueSnapshots snapshots;
    private MonitorStats stats;

    /** A generated record: its key, its value, and the reason it is invalid, or null when it is valid. */
    record Generated(String key, byte[] value, Reason reason, String validQueue) {
    }

    @BeforeTry
    void startDriver() {
        snapshots = new QueueSnapshots();
        stats = new MonitorStats();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "fuzz-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(LifecycleTopology.build(
                new LifecycleTopology.Topics(TOPIC, 1, DEAD_LETTERS, LifecycleTopology.overflowTopic("fuzz-test")),
                Duration.ofSeconds(1), Duration.ofSeconds(60), snapshots, stats, PublishGate.open(),
                TimestampTolerance.DEFAULT, CardinalityLimits.DEFAULT), props,
                Instant.ofEpochMilli(T0));
        input = driver.createInputTopic(TOPIC, new StringSerializer(), new ByteArraySerializer());
        deadLetters = driver.createOutputTopic(DEAD_LETTERS, new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterTry
    void closeDriver() {
        driver.close();
    }

    @Property(tries = 10)
    void everyRecordCountedOnce(@ForAll("records") List<Generated> records) {
        Map<String, Long> expectedEnqueued = new HashMap<>();
        Map<Reason, Long> expectedInvalid = new EnumMap<>(Reason.class);
        long randomBytes = 0;
        for (Generated record : records) {
            input.pipeInput(record.key(), record.value());
            if (record.validQueue() != null) {
                expectedEnqueued.merge(record.validQueue(), 1L, Long::sum);
            } else if (record.reason() != null) {
                expectedInvalid.merge(record.reason(), 1L, Long::sum);
            } else {
                randomBytes++;
            }
        }
        driver.advanceWallClockTime(Duration.ofSeconds(2));

        long invalidCounted = stats.invalidByReason().values().stream().mapToLong(Long::longValue).sum();
        long invalidBuilt = expectedInvalid.values().stream().mapToLong(Long::longValue).sum();
        assertThat(stats.consumed()).as("records read").isEqualTo(records.size());
        for (Map.Entry<Reason, Long> reason : expectedInvalid.entrySet()) {
            // Random bytes are invalid too, and most are malformed JSON, so those counts may be higher.
            assertThat(stats.invalidByReason().get(reason.getKey())).as("invalid records, %s", reason.getKey())
                    .isGreaterThanOrEqualTo(reason.getValue());
        }
        assertThat(invalidCounted).as("every invalid record counted once").isEqualTo(invalidBuilt + randomBytes);
        assertThat(deadLetters.getQueueSize()).as("dead letters").isEqualTo(invalidBuilt + randomBytes);
        for (Map.Entry<String, Long> queue : expectedEnqueued.entrySet()) {
            assertThat(snapshots.get(queue.getKey())).as("snapshot of %s", queue.getKey()).isNotNull();
            assertThat(snapshots.get(queue.getKey()).enqueued()).as("enqueued of %s", queue.getKey())
                    .isEqualTo(queue.getValue());
        }
    }

    @Provide
    Arbitrary<List<Generated>> records() {
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(6, validEnqueued()),
                        net.jqwik.api.Tuple.of(3, mutated()),
                        net.jqwik.api.Tuple.of(1, randomBytes()))
                .list().ofSize(10_000);
    }

    /** Returns queue names, among them ones with quotes, backslashes, newlines and non-ASCII text. */
    private static Arbitrary<String> queues() {
        return Arbitraries.oneOf(
                Arbitraries.of("orders", "emails", "payments"),
                Arbitraries.of("quote\"d", "back\\slash", "new\nline", "tab\there", "caf\u00e9", "\u6ce8\u6587",
                        "emoji-\uD83D\uDCE6", "{brace}", "a=b,c=d"),
                // Any text without lone surrogates, which UTF-8 cannot carry.
                Arbitraries.strings().withCharRange('\u0000', '\uD7FF').ofMinLength(1).ofMaxLength(40));
    }

    private static Arbitrary<Generated> validEnqueued() {
        return Combinators.combine(queues(), Arbitraries.longs().between(1, 1_000_000), Arbitraries.of(true, false))
                .as((queue, offset, keyedByQueue) -> {
                    byte[] value = CODEC.encode(LifecycleEvent.enqueued(queue, "m-" + offset, T0 - offset));
                    return new Generated(keyedByQueue ? queue : "other-key", value, null, queue);
                });
    }

    private static Arbitrary<Generated> randomBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(300)
                .filter(bytes -> bytes.length == 0 || bytes[0] != '{')
                .map(bytes -> new Generated("garbage", bytes, null, null));
    }

    /** Returns valid events changed in one way each, which makes them invalid for a known reason. */
    private static Arbitrary<Generated> mutated() {
        Arbitrary<String> queue = Arbitraries.of("orders", "emails");
        return Arbitraries.oneOf(
                Combinators.combine(queue, Arbitraries.integers().between(2, 1_000))
                        .as((q, version) -> invalid(q, "{\"v\":" + version + ",\"type\":\"enqueued\",\"queue\":\""
                                + q + "\",\"ts\":" + T0 + "}", Reason.UNSUPPORTED_VERSION)),
                Combinators.combine(queue, Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12)
                                .filter(type -> !List.of("enqueued", "started", "completed", "failed", "heartbeat")
                                        .contains(type)))
                        .as((q, type) -> invalid(q, "{\"v\":1,\"type\":\"" + type + "\",\"queue\":\"" + q
                                + "\",\"ts\":" + T0 + "}", Reason.UNKNOWN_TYPE)),
                queue.map(q -> invalid(q, "{\"v\":1,\"type\":\"enqueued\",\"ts\":" + T0 + "}", Reason.MISSING_FIELD)),
                Combinators.combine(queue, Arbitraries.integers())
                        .as((q, number) -> invalid(q, "{\"v\":1,\"type\":\"enqueued\",\"queue\":" + number
                                + ",\"ts\":" + T0 + "}", Reason.WRONG_TYPE)),
                Combinators.combine(queue, Arbitraries.strings().alpha().ofMinLength(250).ofMaxLength(400))
                        .as((q, name) -> invalid(q, "{\"v\":1,\"type\":\"enqueued\",\"queue\":\"" + name
                                + "\",\"ts\":" + T0 + "}", Reason.INVALID_QUEUE)),
                Combinators.combine(queue, Arbitraries.longs().between(-1_000_000_000_000L, 0))
                        .as((q, ts) -> invalid(q, "{\"v\":1,\"type\":\"enqueued\",\"queue\":\"" + q + "\",\"ts\":"
                                + ts + "}", Reason.INVALID_TIMESTAMP)),
                Combinators.combine(queue, Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12)
                                .filter(type -> !List.of("ConnectionError", "ValidationError", "TimeoutError",
                                        "RateLimitError", "UnknownError").contains(type)))
                        .as((q, category) -> invalid(q, "{\"v\":1,\"type\":\"failed\",\"queue\":\"" + q
                                + "\",\"ts\":" + T0 + ",\"group\":\"g\",\"enqueued_at\":" + T0 + ",\"started_at\":"
                                + T0 + ",\"error_type\":\"" + category + "\",\"retry\":true}",
                                Reason.UNKNOWN_ERROR_TYPE)),
                Combinators.combine(queue, Arbitraries.integers().between(1, 40))
                        .as((q, cut) -> {
                            String json = "{\"v\":1,\"type\":\"enqueued\",\"queue\":\"" + q + "\",\"ts\":" + T0 + "}";
                            return invalid(q, json.substring(0, Math.min(cut, json.length() - 1)),
                                    Reason.MALFORMED_JSON);
                        }));
    }

    private static Generated invalid(String key, String json, Reason reason) {
        return new Generated(key, json.getBytes(StandardCharsets.UTF_8), reason, null);
    }
}
