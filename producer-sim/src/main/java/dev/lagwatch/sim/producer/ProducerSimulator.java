package dev.lagwatch.sim.producer;

import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.sim.Ledger;
import dev.lagwatch.sim.QueueLedger;
import dev.lagwatch.sim.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends real messages to one topic per queue at the configured rates and records an
 * {@code enqueued} event for each message the broker acknowledges. The record's timestamp is the
 * enqueue time, which the consumer simulator reads back as {@code enqueued_at}; the record key is
 * the message id.
 */
public final class ProducerSimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProducerSimulator.class);

    private final List<QueueLoad> loads;
    private final LifecycleRecorder recorder;
    private final Ledger ledger;
    private final Clock clock;
    private final Producer<String, byte[]> producer;
    private final byte[] payload;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong unacknowledged = new AtomicLong();
    private final AtomicLong failedSends = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean running = true;

    /**
     * Creates the topics that are missing and starts one sending thread per queue.
     *
     * @param recorder where enqueued events are recorded; the caller keeps ownership
     * @param partitions partitions of topics this simulator creates
     */
    public ProducerSimulator(String bootstrapServers, Map<String, String> kafkaProperties, List<QueueLoad> loads,
            int messageSize, int partitions, LifecycleRecorder recorder, Ledger ledger, Clock clock) {
        this.loads = List.copyOf(loads);
        this.recorder = recorder;
        this.ledger = ledger;
        this.clock = clock;
        this.payload = new byte[messageSize];
        new Random(42).nextBytes(payload);
        Topics.ensureExist(bootstrapServers, kafkaProperties, loads.stream().map(QueueLoad::queue).toList(),
                partitions);

        Map<String, Object> config = new HashMap<>(kafkaProperties);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "lagwatch-producer-sim-" + runId);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());

        for (QueueLoad load : this.loads) {
            Thread thread = new Thread(() -> run(load), "producer-sim-" + load.queue());
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        log.info("Producer simulator {} started: {}", runId, this.loads);
    }

    private void run(QueueLoad load) {
        QueueLedger queueLedger = ledger.queue(load.queue());
        long startNanos = System.nanoTime();
        long nextSendNanos = startNanos;
        long sequence = 0;
        while (running && (load.maxMessages() == 0 || sequence < load.maxMessages())) {
            long now = System.nanoTime();
            if (now < nextSendNanos) {
                LockSupport.parkNanos(nextSendNanos - now);
                continue;
            }
            sequence++;
            send(load.queue(), load.queue() + "-" + runId + "-" + sequence, queueLedger);
            double rate = load.rateAt(Duration.ofNanos(now - startNanos));
            // After a stall, send at most a second's worth at once rather than the whole backlog.
            nextSendNanos = Math.max(nextSendNanos, now - TimeUnit.SECONDS.toNanos(1))
                    + (long) (TimeUnit.SECONDS.toNanos(1) / Math.max(rate, 1e-3));
        }
    }

    private void send(String queue, String messageId, QueueLedger queueLedger) {
        long enqueuedAt = clock.millis();
        unacknowledged.incrementAndGet();
        try {
            producer.send(new ProducerRecord<>(queue, null, enqueuedAt, messageId, payload), (metadata, error) -> {
                if (error == null) {
                    queueLedger.enqueued(messageId, enqueuedAt);
                    recorder.enqueued(queue, messageId, enqueuedAt);
                } else {
                    failedSends.incrementAndGet();
                    log.warn("Sending message {} to {} failed; it is not counted as enqueued: {}", messageId, queue,
                            error.toString());
                }
                unacknowledged.decrementAndGet();
            });
        } catch (RuntimeException e) {
            unacknowledged.decrementAndGet();
            failedSends.incrementAndGet();
            log.warn("Sending message {} to {} failed; it is not counted as enqueued: {}", messageId, queue,
                    e.toString());
        }
    }

    /**
     * Waits until every queue with a message limit has sent its messages and the broker has
     * acknowledged them. Returns {@code false} on timeout.
     */
    public boolean awaitCompletion(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread thread : threads) {
            long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remaining <= 0) {
                return false;
            }
            thread.join(remaining);
            if (thread.isAlive()) {
                return false;
            }
        }
        producer.flush();
        return unacknowledged.get() == 0;
    }

    /** Sends that the broker rejected; those messages are neither in the ledger nor in the events. */
    public long failedSends() {
        return failedSends.get();
    }

    /** Stops sending, waits for the broker's acknowledgements and closes the producer. Idempotent. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        running = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        producer.close(Duration.ofSeconds(10));
        log.info("Producer simulator {} stopped ({} sends failed)", runId, failedSends.get());
    }
}
