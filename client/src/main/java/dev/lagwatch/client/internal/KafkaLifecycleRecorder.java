package dev.lagwatch.client.internal;

import dev.lagwatch.client.ClientProperties;
import dev.lagwatch.client.Attempt;
import dev.lagwatch.client.ConsumerRecorder;
import dev.lagwatch.client.DropReason;
import dev.lagwatch.client.ErrorClassifier;
import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.client.RecorderStats;
import dev.lagwatch.client.event.ErrorCategory;
import dev.lagwatch.client.event.EventCodec;
import dev.lagwatch.client.event.EventType;
import dev.lagwatch.client.event.LifecycleEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recorder behind {@link LifecycleRecorder#builder()}: a bounded buffer that application threads
 * fill without blocking, drained by one emitter thread that serialises events and hands them to a
 * Kafka producer.
 *
 * <p>Accounting: every call increments {@code recorded} and ends in exactly one of {@code sent} (the
 * producer's callback succeeded) or one drop reason. {@link #close(Duration)} waits for in-progress
 * calls to finish before its final drain, so no event is left uncounted once it returns.
 */
public final class KafkaLifecycleRecorder implements LifecycleRecorder {

    private static final Logger log = LoggerFactory.getLogger(KafkaLifecycleRecorder.class);
    private static final int DRAIN_BATCH = 512;
    private static final long DROP_LOG_INTERVAL_MILLIS = 60_000;
    private static final long RETRY_PAUSE_MILLIS = 100;

    private final String topic;
    private final Duration closeTimeout;
    private final ErrorClassifier classifier;
    private final Clock clock;
    private final EventCodec codec = new EventCodec();
    private final Producer<byte[], byte[]> producer;
    private final ArrayBlockingQueue<LifecycleEvent> buffer;
    private final Thread emitter;
    private final RateLimitedLog dropLog;
    private final RateLimitedLog brokerWaitLog;
    /** Error the producer reported before send() returned; written and read by the emitter thread only. */
    private Exception rejectedInSend;

    private final LongAdder recorded = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final EnumMap<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);

    /** Record calls between their check of {@link #closed} and the end of their offer. */
    private final AtomicLong callsInProgress = new AtomicLong();
    private volatile boolean closed;
    private volatile boolean emitterStopRequested;
    private final Object closeLock = new Object();
    private final Set<Consumer> openConsumers = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService heartbeats;

    public KafkaLifecycleRecorder(String bootstrapServers, String topic, int bufferCapacity, Duration closeTimeout,
            Duration heartbeatInterval, ErrorClassifier classifier, Clock clock, Map<String, Object> producerProperties) {
        this.topic = topic;
        this.closeTimeout = closeTimeout;
        this.classifier = classifier;
        this.clock = clock;
        this.buffer = new ArrayBlockingQueue<>(bufferCapacity);
        this.dropLog = new RateLimitedLog(log, clock, DROP_LOG_INTERVAL_MILLIS);
        this.brokerWaitLog = new RateLimitedLog(log, clock, DROP_LOG_INTERVAL_MILLIS);
        for (DropReason reason : DropReason.values()) {
            dropped.put(reason, new LongAdder());
        }
        this.producer = createProducer(bootstrapServers, producerProperties);
        this.emitter = new Thread(this::runEmitter, "lagwatch-recorder-emitter");
        this.emitter.setDaemon(true);
        this.emitter.start();
        this.heartbeats = heartbeatInterval.isZero() ? null : startHeartbeats(heartbeatInterval);
        log.info("lagwatch recorder started: topic {}, buffer capacity {}, heartbeat interval {}", topic,
                bufferCapacity, heartbeatInterval);
    }

    private static Producer<byte[], byte[]> createProducer(String bootstrapServers, Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "lagwatch-recorder");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // Only the emitter thread calls send(), so a bounded block there never reaches the application.
        // Meanwhile new events fill the recorder's own buffer and are dropped once it is full.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.putAll(overrides);
        try {
            return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        } catch (KafkaException e) {
            throw new IllegalArgumentException("Invalid Kafka producer configuration for the lagwatch recorder. "
                    + ClientProperties.clientCreationFailed("producer", e, "LifecycleRecorder.Builder.producerProperty,"
                            + " the lagwatch.kafka.* settings and the security settings of a producer with the"
                            + " lagwatch interceptor, or the --kafka-property options of the lagwatch programs"), e);
        }
    }

    @Override
    public void enqueued(String queue, String messageId) {
        enqueued(queue, messageId, clock.millis());
    }

    @Override
    public void enqueued(String queue, String messageId, long enqueuedAt) {
        record(LifecycleEvent.enqueued(queue, messageId, enqueuedAt));
    }

    @Override
    public ConsumerRecorder consumer(String queue, String group, String consumerId, int capacity) {
        Consumer consumer = new Consumer(queue, group, consumerId, capacity);
        if (heartbeats != null && !closed) {
            openConsumers.add(consumer);
            consumer.heartbeat(capacity);
        }
        return consumer;
    }

    private ScheduledExecutorService startHeartbeats(Duration interval) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "lagwatch-recorder-heartbeats");
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        scheduler.scheduleAtFixedRate(this::sendHeartbeats, millis, millis, TimeUnit.MILLISECONDS);
        return scheduler;
    }

    private void sendHeartbeats() {
        // Recording never throws, so one consumer cannot stop the others' heartbeats.
        for (Consumer consumer : openConsumers) {
            consumer.heartbeat(consumer.capacity);
        }
    }

    @Override
    public void record(LifecycleEvent event) {
        recorded.increment();
        DropReason invalid = validate(event);
        if (invalid != null) {
            drop(invalid, event);
            return;
        }
        callsInProgress.incrementAndGet();
        try {
            if (closed) {
                drop(DropReason.CLOSED, event);
            } else if (!buffer.offer(event)) {
                drop(DropReason.BUFFER_FULL, event);
            }
        } finally {
            callsInProgress.decrementAndGet();
        }
    }

    /** Returns why {@code event} cannot be sent, or {@code null} when it is valid. */
    static DropReason validate(LifecycleEvent event) {
        if (event == null || event.type() == null) {
            return DropReason.INVALID_ARGUMENT;
        }
        String queue = event.queue();
        if (queue == null || queue.isEmpty() || queue.length() > LifecycleEvent.MAX_QUEUE_LENGTH
                || queue.equals(LifecycleEvent.OVERFLOW_NAME)) {
            return DropReason.INVALID_QUEUE;
        }
        if (event.ts() <= 0) {
            return DropReason.INVALID_TIMESTAMP;
        }
        if (longer(event.group(), LifecycleEvent.MAX_NAME_LENGTH) || longer(event.consumer(), LifecycleEvent.MAX_NAME_LENGTH)
                || longer(event.id(), LifecycleEvent.MAX_ID_LENGTH)) {
            return DropReason.INVALID_ARGUMENT;
        }
        EventType type = event.type();
        if (type.isConsumerEvent()) {
            if (event.group() == null || event.group().isEmpty() || event.group().equals(LifecycleEvent.OVERFLOW_NAME)) {
                return DropReason.INVALID_ARGUMENT;
            }
            if (type != EventType.HEARTBEAT && event.attempt() < 1) {
                return DropReason.INVALID_ARGUMENT;
            }
            if (type == EventType.HEARTBEAT && event.capacity() < 1 && !event.closing()) {
                return DropReason.INVALID_ARGUMENT;
            }
        }
        if (event.availableAt() != LifecycleEvent.NOT_SET && event.availableAt() <= 0) {
            return DropReason.INVALID_TIMESTAMP;
        }
        if (type.isTerminal()) {
            if (event.enqueuedAt() <= 0 || event.startedAt() <= 0) {
                return DropReason.INVALID_TIMESTAMP;
            }
            if (type == EventType.FAILED && event.errorCategory() == null) {
                return DropReason.INVALID_ARGUMENT;
            }
        }
        return null;
    }

    private static boolean longer(String value, int max) {
        return value != null && value.length() > max;
    }

    private void drop(DropReason reason, LifecycleEvent event) {
        dropped.get(reason).increment();
        String queue = event == null ? null : event.queue();
        dropLog.warn(reason.name(), "lagwatch recorder dropped an event: {} (last queue: {})", reason,
                queue == null ? "null" : queue.length() > 64 ? queue.substring(0, 64) + "..." : queue);
    }

    private void runEmitter() {
        List<LifecycleEvent> batch = new ArrayList<>(DRAIN_BATCH);
        try {
            while (!emitterStopRequested || !buffer.isEmpty()) {
                LifecycleEvent first = buffer.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                buffer.drainTo(batch, DRAIN_BATCH - 1);
                for (LifecycleEvent event : batch) {
                    send(event);
                }
                batch.clear();
            }
        } catch (InterruptedException e) {
            // Close timed out; the close path counts what is still buffered.
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Hands {@code event} to the producer. While the brokers are unreachable, the producer gives up
     * waiting for metadata after max.block.ms and rejects the record before it leaves this thread.
     * The event is then offered again, and the events behind it wait in the bounded buffer, which
     * drops new ones only once it is full. A record the producer accepted and later failed to
     * deliver is dropped, not resent, since the brokers may have written it.
     */
    private void send(LifecycleEvent event) {
        byte[] key = event.queue().getBytes(StandardCharsets.UTF_8);
        byte[] value = codec.encode(event);
        while (true) {
            rejectedInSend = null;
            try {
                producer.send(new ProducerRecord<>(topic, null, event.ts(), key, value), (metadata, error) -> {
                    if (error == null) {
                        sent.increment();
                    } else if (Thread.currentThread() == emitter) {
                        // Called back before send() returned: the record never reached the producer's buffer.
                        rejectedInSend = error;
                    } else {
                        drop(DropReason.SEND_FAILED, event);
                    }
                });
            } catch (TimeoutException e) {
                rejectedInSend = e;
            } catch (RuntimeException e) {
                // The producer is closing, or close() interrupted this thread.
                drop(DropReason.SEND_FAILED, event);
                return;
            }
            if (rejectedInSend == null) {
                return;
            }
            if (!(rejectedInSend instanceof TimeoutException) || emitterStopRequested) {
                drop(DropReason.SEND_FAILED, event);
                return;
            }
            brokerWaitLog.warn("unreachable", "lagwatch recorder is waiting for the brokers ({}); events stay"
                    + " buffered until the buffer is full", rejectedInSend.getMessage());
            try {
                // The producer normally waited max.block.ms already; this only stops a busy loop if it did not.
                Thread.sleep(RETRY_PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                drop(DropReason.SEND_FAILED, event);
                return;
            }
        }
    }

    @Override
    public RecorderStats stats() {
        Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        dropped.forEach((reason, count) -> drops.put(reason, count.sum()));
        return new RecorderStats(recorded.sum(), sent.sum(), drops);
    }

    @Override
    public void close() {
        close(closeTimeout);
    }

    @Override
    public void close(Duration timeout) {
        synchronized (closeLock) {
            if (emitterStopRequested) {
                return;
            }
            long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
            if (heartbeats != null) {
                heartbeats.shutdownNow();
            }
            // Consumers still open when the application stops count as gone at once, not after a timeout.
            for (Consumer consumer : openConsumers) {
                consumer.close();
            }
            closed = true;
            while (callsInProgress.get() > 0) {
                Thread.onSpinWait();
            }
            emitterStopRequested = true;
            joinEmitter(deadline);

            try {
                producer.close(remaining(deadline));
            } catch (KafkaException e) {
                log.warn("lagwatch recorder: closing the producer failed; unsent events are counted as dropped", e);
            }
            int leftover = 0;
            for (LifecycleEvent event = buffer.poll(); event != null; event = buffer.poll()) {
                dropped.get(DropReason.CLOSED).increment();
                leftover++;
            }
            RecorderStats stats = stats();
            log.info("lagwatch recorder closed: {} recorded, {} sent, {} dropped ({} still buffered at the timeout)",
                    stats.recorded(), stats.sent(), stats.dropped(), leftover);
        }
    }

    private void joinEmitter(long deadline) {
        try {
            emitter.join(Math.max(1, remaining(deadline).toMillis()));
            if (emitter.isAlive()) {
                emitter.interrupt();
                emitter.join(1_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    ErrorCategory classify(Throwable error) {
        try {
            ErrorCategory category = classifier.classify(error);
            if (category != null) {
                return category;
            }
        } catch (RuntimeException e) {
            dropLog.warn("classifier", "lagwatch error classifier threw {}; using the default mapping",
                    e.toString());
        }
        return ErrorClassifier.defaults().classify(error);
    }

    /** Records the events of one consumer instance. */
    private final class Consumer implements ConsumerRecorder {
        private final String queue;
        private final String group;
        private final String consumerId;
        private final int capacity;
        private final AtomicBoolean consumerClosed = new AtomicBoolean();

        Consumer(String queue, String group, String consumerId, int capacity) {
            this.queue = queue;
            this.group = group;
            this.consumerId = consumerId;
            this.capacity = capacity;
        }

        @Override
        public void close() {
            if (consumerClosed.compareAndSet(false, true)) {
                openConsumers.remove(this);
                record(LifecycleEvent.closing(queue, group, consumerId, clock.millis()));
            }
        }

        @Override
        public Attempt started(String messageId, long enqueuedAt, int attempt, long availableAt) {
            long now = clock.millis();
            AttemptRecord started = new AttemptRecord(this, messageId, enqueuedAt, attempt, availableAt, now);
            record(LifecycleEvent.started(queue, group, consumerId, messageId, attempt, now, availableAt));
            return started;
        }

        @Override
        public void heartbeat(int capacity) {
            record(LifecycleEvent.heartbeat(queue, group, consumerId, clock.millis(), capacity));
        }

        @Override
        public String queue() {
            return queue;
        }

        @Override
        public String group() {
            return group;
        }

        @Override
        public String consumerId() {
            return consumerId;
        }
    }

    /** One attempt, holding the timestamps its outcome event carries. */
    private final class AttemptRecord implements Attempt {
        private final Consumer consumer;
        private final String messageId;
        private final long enqueuedAt;
        private final int attempt;
        private final long availableAt;
        private final long startedAt;
        private volatile boolean finished;

        AttemptRecord(Consumer consumer, String messageId, long enqueuedAt, int attempt, long availableAt,
                long startedAt) {
            this.consumer = consumer;
            this.messageId = messageId;
            this.enqueuedAt = enqueuedAt;
            this.attempt = attempt;
            this.availableAt = availableAt;
            this.startedAt = startedAt;
        }

        @Override
        public long startedAt() {
            return startedAt;
        }

        @Override
        public void completed() {
            completedAt(clock.millis());
        }

        @Override
        public void completedAt(long finishedAt) {
            if (claimOutcome()) {
                record(LifecycleEvent.completed(consumer.queue, consumer.group, consumer.consumerId, messageId,
                        attempt, finishedAt, enqueuedAt, availableAt, startedAt));
            }
        }

        @Override
        public void failed(Throwable error, boolean retry) {
            failedAt(error, retry, clock.millis());
        }

        @Override
        public void failedAt(Throwable error, boolean retry, long finishedAt) {
            if (claimOutcome()) {
                recordFailure(classify(error), retry, finishedAt);
            }
        }

        @Override
        public void failed(ErrorCategory category, boolean retry) {
            if (claimOutcome()) {
                recordFailure(category, retry, clock.millis());
            }
        }

        private void recordFailure(ErrorCategory category, boolean retry, long finishedAt) {
            record(LifecycleEvent.failed(consumer.queue, consumer.group, consumer.consumerId, messageId, attempt,
                    finishedAt, enqueuedAt, availableAt, startedAt, category, retry));
        }

        private synchronized boolean claimOutcome() {
            if (finished) {
                recorded.increment();
                drop(DropReason.DUPLICATE_OUTCOME, null);
                return false;
            }
            finished = true;
            return true;
        }
    }
}
