package dev.lagwatch.sim.consumer;

import dev.lagwatch.client.Attempt;
import dev.lagwatch.client.ConsumerRecorder;
import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.client.event.ErrorCategory;
import dev.lagwatch.sim.FailureMix;
import dev.lagwatch.sim.Ledger;
import dev.lagwatch.sim.QueueLedger;
import dev.lagwatch.sim.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the queues' topics as one consumer group and processes each message like a service
 * would: it takes a sampled processing time, fails with the configured mix of errors, and retries
 * in place after a back-off. Every attempt is recorded through the client library and in the
 * ledger, with the same timestamps, so the ledger is the exact truth for what the monitor shows.
 *
 * <p>Offsets are committed after each polled batch and when partitions are revoked, so a stable
 * group processes each message once.
 */
public final class ConsumerSimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConsumerSimulator.class);
    /** How long {@link #close()} waits for the consumers to finish their message, commit and leave. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final List<String> queues;
    private final String group;
    private final ConsumerBehaviour behaviour;
    private final LifecycleRecorder recorder;
    private final Ledger ledger;
    private final Clock clock;
    private final List<Worker> workers = new ArrayList<>();
    private volatile boolean running = true;
    /** Set by {@link #hangMidMessage()}: attempts that start from now on never finish. */
    private volatile boolean hanging;

    /**
     * Creates missing topics and starts {@link ConsumerBehaviour#concurrency()} consumers.
     *
     * @param recorder where lifecycle events are recorded; the caller keeps ownership
     * @param seed seed of the random draws, for reproducible runs
     */
    public ConsumerSimulator(String bootstrapServers, Map<String, String> kafkaProperties, List<String> queues,
            String group, ConsumerBehaviour behaviour, int partitions, LifecycleRecorder recorder, Ledger ledger,
            Clock clock, long seed) {
        this.queues = List.copyOf(queues);
        this.group = group;
        this.behaviour = behaviour;
        this.recorder = recorder;
        this.ledger = ledger;
        this.clock = clock;
        Topics.ensureExist(bootstrapServers, kafkaProperties, this.queues, partitions);

        for (int i = 0; i < behaviour.concurrency(); i++) {
            workers.add(new Worker(bootstrapServers, kafkaProperties, group + "-" + i, new Random(seed + i)));
        }
        workers.forEach(worker -> worker.thread.start());
        log.info("Consumer simulator started: group {}, queues {}, {}", group, this.queues, behaviour);
    }

    /** One group member: a consumer and the thread that polls and processes for it. */
    private final class Worker implements ConsumerRebalanceListener {
        private final KafkaConsumer<String, byte[]> consumer;
        private final String consumerId;
        private final Random random;
        private final Map<String, ConsumerRecorder> recorders = new ConcurrentHashMap<>();
        private final Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
        private final Thread thread;
        private volatile boolean crashed;

        Worker(String bootstrapServers, Map<String, String> kafkaProperties, String consumerId, Random random) {
            this.consumerId = consumerId;
            this.random = random;
            Map<String, Object> config = new HashMap<>(kafkaProperties);
            config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            config.put(ConsumerConfig.CLIENT_ID_CONFIG, consumerId);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
            this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
            for (String queue : queues) {
                recorders.put(queue, recorder.consumer(queue, group, consumerId));
            }
            this.thread = new Thread(this::run, "consumer-sim-" + consumerId);
            this.thread.setDaemon(true);
        }

        private void run() {
            try {
                consumer.subscribe(queues, this);
                while (running) {
                    ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                    for (ConsumerRecord<String, byte[]> record : records) {
                        if (!running) {
                            break;
                        }
                        process(record);
                        processed.put(new TopicPartition(record.topic(), record.partition()),
                                new OffsetAndMetadata(record.offset() + 1));
                    }
                    commitProcessed();
                }
            } catch (WakeupException e) {
                // close() woke the consumer up to stop.
            } catch (InterruptedException | org.apache.kafka.common.errors.InterruptException e) {
                // Thrown by crashOneConsumer() or by an interrupted caller; the finally block checks which.
            } catch (RuntimeException e) {
                log.error("Consumer {} stopped unexpectedly", consumerId, e);
            } finally {
                if (crashed) {
                    dieLikeACrashedProcess();
                    return;
                }
                try {
                    commitProcessed();
                } catch (RuntimeException e) {
                    log.warn("Consumer {} could not commit its last offsets; those messages will be processed again",
                            consumerId, e);
                }
                consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(10)));
                // Tells the monitor at once that this consumer is gone; its heartbeats stop.
                recorders.values().forEach(ConsumerRecorder::close);
            }
        }

        /**
         * Leaves the consumer the way a killed process would: no outcome for the message in hand,
         * no commit and no leave request. The group waits for the session timeout, then hands the
         * partitions to the others, which process again the messages since the last commit.
         */
        private void dieLikeACrashedProcess() {
            Thread.interrupted();
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.groupMembershipOperation(
                    org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                    .withTimeout(Duration.ofSeconds(5)));
            log.info("Consumer {} of group {} crashed: nothing committed since its last batch, still a member"
                    + " until the session timeout", consumerId, group);
        }

        private void process(ConsumerRecord<String, byte[]> record) throws InterruptedException {
            String queue = record.topic();
            QueueLedger queueLedger = ledger.queue(queue);
            ConsumerRecorder events = recorders.get(queue);
            long enqueuedAt = record.timestamp();
            long availableAt = enqueuedAt;
            for (int attemptNumber = 1; ; attemptNumber++) {
                Attempt attempt = events.started(record.key(), enqueuedAt, attemptNumber, availableAt);
                queueLedger.started();
                long startedAt = attempt.startedAt();
                awaitWhileHanging();
                TimeUnit.MILLISECONDS.sleep(behaviour.processingTime().sampleMillis(random));
                ErrorCategory failure = behaviour.failures().draw(random);
                long finishedAt = clock.millis();
                if (failure == null) {
                    attempt.completedAt(finishedAt);
                    queueLedger.completed(finishedAt - startedAt, startedAt - availableAt, finishedAt - enqueuedAt);
                    queueLedger.finished(record.key());
                    return;
                }
                boolean retry = behaviour.retries(failure, attemptNumber);
                attempt.failedAt(FailureMix.exceptionFor(failure), retry, finishedAt);
                queueLedger.failed(failure, retry, finishedAt - startedAt, startedAt - availableAt,
                        finishedAt - enqueuedAt);
                if (!retry) {
                    queueLedger.finished(record.key());
                    return;
                }
                TimeUnit.MILLISECONDS.sleep(behaviour.retryBackoff().toMillis());
                availableAt = clock.millis();
            }
        }

        private void commitProcessed() {
            if (!processed.isEmpty()) {
                consumer.commitSync(processed);
                processed.clear();
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commitProcessed();
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            log.debug("Consumer {} assigned {}", consumerId, partitions);
        }
    }

    /**
     * Makes every consumer hang in its next attempt, after recording that it started, as a
     * consumer stuck on a dead dependency would. Heartbeats go on. Only {@link #close()} ends it.
     */
    public void hangMidMessage() {
        hanging = true;
        log.info("Consumers of group {} hang in their next attempt", group);
    }

    private void awaitWhileHanging() throws InterruptedException {
        while (hanging && running) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /**
     * Kills one running consumer in the middle of its work, as a crashed process. The attempt it
     * is processing gets no outcome. Once the group's session timeout has passed, the messages it
     * processed since its last commit are delivered again to the other consumers.
     * Its heartbeats belong to the recorder, so they go on until the recorder closes. Build the
     * recorder with a zero heartbeat interval to silence them.
     *
     * @return the id of the consumer that crashed, or empty when none was running
     */
    public Optional<String> crashOneConsumer() throws InterruptedException {
        for (Worker worker : workers) {
            if (worker.thread.isAlive() && !worker.crashed) {
                worker.crashed = true;
                worker.thread.interrupt();
                worker.thread.join(CLOSE_TIMEOUT.toMillis());
                return Optional.of(worker.consumerId);
            }
        }
        return Optional.empty();
    }

    /** Stops after the message each consumer is processing, commits and closes the consumers. */
    @Override
    public void close() {
        running = false;
        for (Worker worker : workers) {
            worker.consumer.wakeup();
        }
        long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
        for (Worker worker : workers) {
            try {
                worker.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long stillRunning = workers.stream().filter(worker -> worker.thread.isAlive()).count();
        if (stillRunning > 0) {
            log.warn("{} consumers of group {} did not stop within {} s; their current messages are processed again",
                    stillRunning, group, CLOSE_TIMEOUT.toSeconds());
        } else {
            log.info("Consumer simulator of group {} stopped; offsets committed", group);
        }
    }
}
