package dev.lagwatch.monitor.topology;

import dev.lagwatch.client.event.LifecycleEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds each queue's events into its {@link QueueState} and publishes snapshots of the queues that
 * changed, on a wall-clock schedule, to {@link QueueSnapshots}.
 *
 * <p>The task keeps at most its share of {@link CardinalityLimits#maxQueues()}. Events of further
 * queues are forwarded unchanged, keyed by the overflow queue's name, to the overflow topic, which
 * brings them back to the one task that owns the overflow queue. Queues without events for
 * {@link CardinalityLimits#queueExpiry()} are dropped, which frees their places.
 *
 * <p>One instance runs per stream task and owns the queues of that task's partition. The store is
 * the source of truth and is changelog-backed, so counts continue after a restart or a move to
 * another instance. The in-memory map only saves deserialising the state on every event. When the
 * task closes (shutdown or partitions revoked), its queues are withdrawn from the snapshots at once
 * so that no queue is exported by two instances.
 */
final class QueueAggregator implements Processor<String, LifecycleEvent, String, LifecycleEvent> {

    private static final Logger log = LoggerFactory.getLogger(QueueAggregator.class);
    private static final Duration MAX_EXPIRY_SWEEP_INTERVAL = Duration.ofMinutes(1);
    private static final int QUEUES_NAMED_IN_LOG = 5;

    private final String storeName;
    private final Duration publishInterval;
    private final long slotMillis;
    private final QueueSnapshots snapshots;
    private final MonitorStats stats;
    private final String eventsTopic;
    private final String overflowTopic;
    private final PublishGate gate;
    private final CardinalityLimits limits;
    private final int maxQueues;

    private final Map<String, QueueState> states = new HashMap<>();
    private final Set<String> changed = new HashSet<>();
    private ProcessorContext<String, LifecycleEvent> context;
    private KeyValueStore<String, QueueState> store;
    private PublishGate.CatchUp catchUp;

    QueueAggregator(String storeName, Duration publishInterval, long slotMillis, QueueSnapshots snapshots,
            MonitorStats stats, LifecycleTopology.Topics topics, PublishGate gate, CardinalityLimits limits) {
        this.storeName = storeName;
        this.publishInterval = publishInterval;
        this.slotMillis = slotMillis;
        this.snapshots = snapshots;
        this.stats = stats;
        this.eventsTopic = topics.events();
        this.overflowTopic = topics.overflow();
        this.gate = gate;
        this.limits = limits;
        this.maxQueues = limits.queuesPerPartition(topics.partitions());
    }

    @Override
    public void init(ProcessorContext<String, LifecycleEvent> context) {
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
                new TopicPartition(LifecycleTopology.rekeyedTopic(context.applicationId()), partition),
                new TopicPartition(overflowTopic, partition)));
        publishChanged(context.currentSystemTimeMs());
        context.schedule(publishInterval, PunctuationType.WALL_CLOCK_TIME, this::publishChanged);
        Duration sweepInterval = limits.queueExpiry().dividedBy(10);
        context.schedule(sweepInterval.compareTo(MAX_EXPIRY_SWEEP_INTERVAL) < 0 ? sweepInterval
                : MAX_EXPIRY_SWEEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::dropExpired);
    }

    @Override
    public void process(Record<String, LifecycleEvent> record) {
        LifecycleEvent event = record.value();
        // Events back from the overflow topic keep their queue name and carry the overflow name as key.
        String queue = LifecycleEvent.OVERFLOW_NAME.equals(record.key()) ? LifecycleEvent.OVERFLOW_NAME : event.queue();
        QueueState state = states.get(queue);
        if (state == null) {
            if (!queue.equals(LifecycleEvent.OVERFLOW_NAME) && admittedQueues() >= maxQueues) {
                stats.recordOverflow(CardinalityLimit.QUEUES);
                context.forward(record.withKey(LifecycleEvent.OVERFLOW_NAME));
                return;
            }
            state = new QueueState(slotMillis);
            states.put(queue, state);
        }
        long nowMillis = context.currentSystemTimeMs();
        if (ClockSkew.isSkewed(event, nowMillis)) {
            stats.recordClockSkew();
        }
        LifecycleEvent counted = state.withinGroupLimit(event, limits.maxGroupsPerQueue());
        if (counted != event) {
            stats.recordOverflow(CardinalityLimit.GROUPS);
        }
        if (!state.apply(counted, nowMillis, limits.maxConsumersPerQueue())) {
            stats.recordOverflow(CardinalityLimit.CONSUMERS);
        }
        store.put(queue, state);
        changed.add(queue);
    }

    private int admittedQueues() {
        return states.containsKey(LifecycleEvent.OVERFLOW_NAME) ? states.size() - 1 : states.size();
    }

    /**
     * Drops the queues that had no event for the expiry time, from the store (and so from its
     * changelog) and from the exported series. State written before the time of the latest event
     * was kept starts its expiry now. A task that has just started waits until it has caught up
     * with its input: after a long outage, events still to read may belong to any queue.
     */
    private void dropExpired(long nowMillis) {
        if (!catchUp.caughtUp()) {
            return;
        }
        long cutoff = nowMillis - limits.queueExpiry().toMillis();
        List<String> expired = new ArrayList<>();
        Iterator<Map.Entry<String, QueueState>> entries = states.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<String, QueueState> entry = entries.next();
            QueueState state = entry.getValue();
            if (state.lastEventMillis() == QueueState.UNKNOWN) {
                state.lastEventMillis = nowMillis;
                store.put(entry.getKey(), state);
            } else if (state.lastEventMillis() < cutoff) {
                expired.add(LogText.quote(entry.getKey()));
                entries.remove();
                store.delete(entry.getKey());
                changed.remove(entry.getKey());
                snapshots.forget(context.taskId(), entry.getKey());
            }
        }
        if (!expired.isEmpty()) {
            stats.recordExpired(expired.size());
            log.info("Dropped {} queue(s) of task {} that had no events for {}: {}{}", expired.size(),
                    context.taskId(), limits.queueExpiry(), String.join(", ", expired.subList(0,
                            Math.min(QUEUES_NAMED_IN_LOG, expired.size()))),
                    expired.size() > QUEUES_NAMED_IN_LOG ? ", ..." : "");
        }
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
        snapshots.passed(context.taskId(), nowMillis);
    }

    @Override
    public void close() {
        snapshots.closed(context.taskId());
        for (String queue : states.keySet()) {
            snapshots.remove(context.taskId(), queue);
        }
        states.clear();
        changed.clear();
    }
}
