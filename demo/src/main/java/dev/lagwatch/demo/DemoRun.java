package dev.lagwatch.demo;

import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.demo.DemoScenario.QueueSpec;
import dev.lagwatch.sim.Ledger;
import dev.lagwatch.sim.consumer.ConsumerSimulator;
import dev.lagwatch.sim.producer.ProducerSimulator;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulators of a scenario running against one cluster, all recording through one
 * {@link LifecycleRecorder} into one {@link Ledger}. {@link #close()} stops producers first, then
 * consumers, then flushes the recorder.
 */
public final class DemoRun implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DemoRun.class);
    private static final int PARTITIONS = 2;

    private final Ledger ledger = new Ledger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LifecycleRecorder recorder;
    private final ProducerSimulator producer;
    private final Map<String, ConsumerSimulator> consumers = new LinkedHashMap<>();

    public DemoRun(String bootstrapServers, Map<String, String> kafkaProperties, String eventsTopic,
            List<QueueSpec> scenario) {
        Clock clock = Clock.systemUTC();
        recorder = LifecycleRecorder.builder()
                .bootstrapServers(bootstrapServers)
                .topic(eventsTopic)
                .bufferCapacity(100_000)
                .producerProperties(kafkaProperties)
                .build();
        producer = new ProducerSimulator(bootstrapServers, kafkaProperties,
                scenario.stream().map(QueueSpec::load).toList(), 512, PARTITIONS, recorder, ledger, clock);
        long seed = 1;
        for (QueueSpec spec : scenario) {
            consumers.put(spec.queue(), new ConsumerSimulator(bootstrapServers, kafkaProperties, List.of(spec.queue()),
                    spec.group(), spec.behaviour(), PARTITIONS, recorder, ledger, clock, seed++));
        }
    }

    public Ledger ledger() {
        return ledger;
    }

    public LifecycleRecorder recorder() {
        return recorder;
    }

    /** Waits until the producers have sent every message of a scenario with a message limit. */
    public boolean awaitProduced(Duration timeout) throws InterruptedException {
        return producer.awaitCompletion(timeout);
    }

    /** Stops the producers and leaves the consumers running, so that the queues can drain. */
    public void stopProducers() {
        producer.close();
    }

    /**
     * Kills one consumer of {@code queue} as a crashed process dies; see
     * {@link ConsumerSimulator#crashOneConsumer()}.
     *
     * @return the id of the consumer that crashed, or empty when none of the queue's consumers was running
     */
    public Optional<String> crashOneConsumer(String queue) throws InterruptedException {
        ConsumerSimulator simulator = consumers.get(queue);
        if (simulator == null) {
            throw new IllegalArgumentException("No consumers for queue " + queue + "; the scenario has "
                    + consumers.keySet());
        }
        return simulator.crashOneConsumer();
    }

    /** Stops the producers, then the consumers, then flushes the recorder. Idempotent. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        producer.close();
        consumers.values().forEach(ConsumerSimulator::close);
        recorder.close(Duration.ofSeconds(10));
        log.info("Simulators stopped; recorder stats: {}", recorder.stats());
    }
}
