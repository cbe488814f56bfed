package dev.lagwatch.monitor.topology;

import dev.lagwatch.client.event.EventCodec;
import dev.lagwatch.client.event.InvalidEventException;
import dev.lagwatch.client.event.LifecycleEvent;
import dev.lagwatch.monitor.health.ActivityWindow;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.WallclockTimestampExtractor;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The monitor's Kafka Streams topology:
 *
 * <pre>
 * events topic ─► decode ─┬─ valid, placed by queue ──────────────────────────┬─► aggregate per queue ─► overflow topic
 *                         ├─ valid, placed otherwise ─► repartition by queue ─┤    (store: queue-aggregates)      │
 *                         └─ invalid: counted ─► dead-letter topic            └─── overflow topic ◄───────────────┘
 * </pre>
 *
 * Clients key every event by its queue, so each queue's events share one partition and one task
 * owns its state. Events with another key, or on another partition than Kafka's default
 * partitioner picks for their queue ({@code kcat} with its default partitioner, say), are routed
 * again by queue through a repartition topic instead of splitting a queue across tasks.
 *
 * <p>Events of queues beyond the task's share of {@link CardinalityLimits#maxQueues()} leave the
 * aggregator keyed by the overflow queue's name. The overflow topic brings them back to the task
 * that owns that queue. They are written in the same exactly-once transaction as the rest of the
 * task's output.
 */
public final class LifecycleTopology {

    /** Name of the aggregate store; its changelog topic is {@code <application.id>-queue-aggregates-changelog}. */
    public static final String STORE_NAME = "queue-aggregates";
    static final String REKEYED_TOPIC_NAME = "rekeyed-events";

    private LifecycleTopology() {
    }

    /**
     * The topics the topology reads and writes.
     *
     * @param events topic of lifecycle events
     * @param partitions partitions of the events topic; the overflow topic must have as many
     * @param deadLetters where invalid records go, unchanged, with headers naming the reason
     * @param overflow the monitor's own topic for events of queues beyond the limit, see
     *     {@link #overflowTopic(String)}
     */
    public record Topics(String events, int partitions, String deadLetters, String overflow) {
    }

    /**
     * Builds the topology.
     *
     * @param topics the topics it reads and writes
     * @param publishInterval how often changed queues are published to {@code snapshots}
     * @param window width of the activity window behind rates, saturation and status; a multiple of
     *     {@link ActivityWindow#SLOTS} milliseconds
     * @param snapshots where the aggregator publishes per-queue snapshots
     * @param stats the monitor's counters of consumed and invalid events
     * @param gate when a task that has just started may publish
     * @param tolerance how far from the monitor's clock event timestamps may lie
     * @param limits how many queues, groups and consumers the aggregates keep
     */
    public static Topology build(Topics topics, Duration publishInterval, Duration window, QueueSnapshots snapshots,
            MonitorStats stats, PublishGate gate, TimestampTolerance tolerance, CardinalityLimits limits) {
        long slotMillis = window.toMillis() / ActivityWindow.SLOTS;
        StreamsBuilder builder = new StreamsBuilder();
        StoreBuilder<KeyValueStore<String, QueueState>> store = Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(STORE_NAME), Serdes.String(), new QueueStateSerde())
                .withCachingEnabled()
                .withLoggingEnabled(Map.of());
        builder.addStateStore(store);

        // Wall-clock timestamps: no step depends on record time, and a record with a negative
        // timestamp must not stop the topology the way the default extractor would.
        Map<String, KStream<String, Decoded>> decoded = builder
                .stream(topics.events(), Consumed.with(Serdes.String(), Serdes.ByteArray())
                        .withTimestampExtractor(new WallclockTimestampExtractor())
                        .withName("events-source"))
                .process(() -> new EventDecoder(topics.partitions(), tolerance, stats), Named.as("decode"))
                .split(Named.as("decoded-"))
                .branch((key, record) -> record.isValid(), Branched.as("valid"))
                .defaultBranch(Branched.as("invalid"));
        decoded.get("decoded-invalid")
                .mapValues(Decoded::invalidValue, Named.as("invalid-value"))
                .to(topics.deadLetters(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("dead-letters"));
        KStream<String, LifecycleEvent> events = decoded.get("decoded-valid")
                .mapValues(Decoded::event, Named.as("valid-event"));

        Map<String, KStream<String, LifecycleEvent>> branches = events
                .split(Named.as("key-"))
                .branch((key, event) -> event.queue().equals(key), Branched.as("matches-queue"))
                .defaultBranch(Branched.as("differs-from-queue"));

        KStream<String, LifecycleEvent> rekeyed = branches.get("key-differs-from-queue")
                .peek((key, event) -> stats.recordRekeyed(), Named.as("count-rekeyed"))
                .selectKey((key, event) -> event.queue(), Named.as("key-by-queue"))
                .repartition(Repartitioned.with(Serdes.String(), eventSerde()).withName(REKEYED_TOPIC_NAME));

        KStream<String, LifecycleEvent> overflowIn = builder.stream(topics.overflow(),
                Consumed.with(Serdes.String(), eventSerde())
                        .withTimestampExtractor(new WallclockTimestampExtractor())
                        .withName("overflow-source"));

        branches.get("key-matches-queue")
                .merge(rekeyed, Named.as("all-events-by-queue"))
                .merge(overflowIn, Named.as("with-overflow"))
                .process(() -> new QueueAggregator(STORE_NAME, publishInterval, slotMillis, snapshots, stats,
                        topics, gate, limits), Named.as("aggregate"), STORE_NAME)
                .to(topics.overflow(), Produced.with(Serdes.String(), eventSerde()).withName("overflow-sink"));
        return builder.build();
    }

    /** Returns the name of the overflow topic of an application: {@code <application.id>-overflow-events}. */
    public static String overflowTopic(String applicationId) {
        return applicationId + "-overflow-events";
    }

    /** Returns the name Kafka Streams gives the repartition topic of an application. */
    static String rekeyedTopic(String applicationId) {
        return applicationId + "-" + REKEYED_TOPIC_NAME + "-repartition";
    }

    /** Serde of events on the repartition topic, in their contract JSON form. */
    static Serde<LifecycleEvent> eventSerde() {
        EventCodec codec = new EventCodec();
        Serializer<LifecycleEvent> serializer = (topic, event) -> event == null ? null : codec.encode(event);
        Deserializer<LifecycleEvent> deserializer = (topic, data) -> {
            try {
                return data == null ? null : codec.decode(data);
            } catch (InvalidEventException e) {
                throw new org.apache.kafka.common.errors.SerializationException(
                        "Invalid event on the repartition topic: " + e.getMessage(), e);
            }
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
