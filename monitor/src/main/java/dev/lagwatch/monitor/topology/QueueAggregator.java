package dev.lagwatch.monitor.topology;

import dev.lagwatch.client.event.LifecycleEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Folds each queue's events into its {@link QueueState} and publishes snapshots of the queues that
 * changed, on a wall-clock schedule, to {@link QueueSnapshots}.
 *
 * <p>One instance runs per stream task and owns the queues of that task's partition. The store is
 * the source of truth and is changelog-backed, so counts continue after a restart or a move to
 * another instance. The in-memory map only saves deserialising the state on every event. When the
 * task closes (shutdown or partitions revoked), its queues are withdrawn from the snapshots at once
 * so that no queue is exported by two instances.
 */
final class QueueAggregator implements Processor<String, LifecycleEvent, Void, Void> {

    private final String storeName;
    private final Duration publishInterval;
    private final long slotMillis;
    private final QueueSnapshots snapshots;
    private final MonitorStats stats;
    private final String eventsTopic;
    private final PublishGate gate;

    private final Map<String, QueueState> states = new HashMap<>();
    private final Set<String> changed = new HashSet<>();
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, QueueState> store;
    private PublishGate.CatchUp catchUp;

    QueueAggregator(String storeName, Duration publishInterval, long slotMillis, QueueSnapshots snapshots,
            MonitorStats stats, String eventsTopic, PublishGate gate) {
        this.storeName = storeName;
        this.publishInterval = publishInterval;
        this.slotMillis = slotMillis;
        this.snapshots = snapshots;
        this.stats = stats;
        this.eventsTopic = eventsTopic;
        this.gate = gate;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        try (KeyValueIterator<String, QueueState> restored = store.all()) {
            while (restored.hasNext()) {
                KeyValue<String, QueueState> entry = restored.next();
                states.put(entry.key, entry.value);
                changed.add(entry.key);
            }
        }
        int partition = context.taskId().partition();
        catchUp = gate.start(Set.of(new TopicPartition(eventsTopic, partition),
                new TopicPartition(LifecycleTopology.rekeyedTopic(context.applicationId()), partition)));
        publishChanged(context.currentSystemTimeMs());
        context.schedule(publishInterval, PunctuationType.WALL_CLOCK_TIME, this::publishChanged);
    }

    @Override
    public void process(Record<String, LifecycleEvent> record) {
        LifecycleEvent event = record.value();
        String queue = event.queue();
        QueueState state = states.get(queue);
        if (state == null) {
            state = store.get(queue);
            if (state == null) {
                state = new QueueState(slotMillis);
            }
            states.put(queue, state);
        }
        long nowMillis = context.currentSystemTimeMs();
        if (ClockSkew.isSkewed(event, nowMillis)) {
            stats.recordClockSkew();
        }
        state.apply(event, nowMillis);
        store.put(queue, state);
        changed.add(queue);
    }

    // Snapshots come from state that may not be committed yet. QueueSnapshots keeps the cumulative
    // values at their highest, so a rolled-back transaction does not show as a counter reset. A task
    // that has just started publishes nothing until it has caught up with what an earlier owner read.
    private void publishChanged(long nowMillis) {
        if (!catchUp.caughtUp()) {
            return;
        }
        for (String queue : changed) {
            snapshots.publish(context.taskId(), QueueSnapshot.of(queue, states.get(queue), nowMillis));
        }
        changed.clear();
    }

    @Override
    public void close() {
        for (String queue : states.keySet()) {
            snapshots.remove(context.taskId(), queue);
        }
        states.clear();
        changed.clear();
    }
}
