package dev.lagwatch.monitor.testing;

import static org.awaitility.Awaitility.await;

import dev.lagwatch.client.event.EventCodec;
import dev.lagwatch.client.event.LifecycleEvent;
import dev.lagwatch.monitor.MonitorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads the lifecycle events the applications of a test wrote, as the monitor receives them. */
public final class EventsTopic {

    private EventsTopic() {
    }

    /**
     * Returns every event of the default events topic up to its end offsets at the call, in
     * partition order, decoded with the monitor's codec.
     */
    public static List<LifecycleEvent> readAll(String bootstrapServers) {
        EventCodec codec = new EventCodec();
        List<LifecycleEvent> events = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(MonitorConfig.DEFAULT_EVENTS_TOPIC).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            await("every event read").atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    events.add(codec.decode(record.value()));
                }
                return partitions.stream().allMatch(partition -> consumer.position(partition) >= ends.get(partition));
            });
        }
        return events;
    }
}
