package dev.lagwatch.client.kafka;

import dev.lagwatch.client.Attempt;
import dev.lagwatch.client.ConsumerRecorder;
import dev.lagwatch.client.LifecycleRecorder;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the lifecycle of every record an application's consumer processes: {@code started}
 * before its handler runs, then {@code completed}, or {@code failed} with the handler's exception
 * classified and the retry decided by a {@link RetryPolicy}. The queue is the record's topic, the
 * enqueue time its timestamp, and its id {@code topic-partition@offset}, as
 * {@link LagwatchProducerInterceptor} records it.
 *
 * <pre>{@code
 * try (LagwatchRecordProcessor processor = new LagwatchRecordProcessor(recorder, "billing", "billing-1")) {
 *     while (running) {
 *         for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
 *             processor.process(record, this::handle);
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>The attempt number counts both ways of delivering a record again. A record processed again at
 * the same offset right after a failed attempt that was to be retried (a poll loop or an error
 * handler that seeks back) gets the next attempt number. A record sent again, for example to a
 * retry topic, carries its attempt in the header {@value #ATTEMPT_HEADER} (4-byte big-endian int);
 * {@link #retryRecord(ConsumerRecord)} builds such a record, and
 * {@link LagwatchProducerInterceptor} does not count it as a new message. Without either, the
 * attempt is 1.
 *
 * <p>The wait time of a retry counts from when it became available: the failure of the attempt
 * before it when processed again in place, the time of sending for a record sent again.
 *
 * <p>While the processor is open, the recorder sends heartbeats for each topic it has seen, and
 * {@link #close()} sends closing ones. The handler's exceptions pass through unchanged. The
 * processor adds none of its own: the recorder drops and counts what it cannot send, and a retry
 * policy that throws is logged and read as no retry.
 */
public final class LagwatchRecordProcessor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LagwatchRecordProcessor.class);

    /** Header carrying the delivery attempt of a record sent again: a 4-byte big-endian int. */
    public static final String ATTEMPT_HEADER = "lagwatch-attempt";
    /**
     * Header carrying when a record sent again became available for its next attempt, epoch
     * milliseconds as an 8-byte big-endian long, so that its wait time leaves out the earlier attempts.
     */
    public static final String AVAILABLE_AT_HEADER = "lagwatch-available-at";

    /** Processes one record; may throw what the application's processing throws. */
    @FunctionalInterface
    public interface RecordHandler<K, V, E extends Exception> {
        void handle(ConsumerRecord<K, V> record) throws E;
    }

    /** Work on one record, for frameworks that do not hand over a {@link ConsumerRecord}. */
    @FunctionalInterface
    public interface Work<E extends Exception> {
        void run() throws E;
    }

    /** The last attempt at an offset of a partition that failed and was to be retried, and when it failed. */
    private record RetryPending(long offset, int attempt, long failedAt) {
    }

    private final LifecycleRecorder recorder;
    private final String group;
    private final String consumerId;
    private final RetryPolicy retryPolicy;
    private final int capacity;
    private final Map<String, ConsumerRecorder> byTopic = new ConcurrentHashMap<>();
    private final Map<String, RetryPending> retriesByPartition = new ConcurrentHashMap<>();

    /** Creates a processor whose failed records are retried under {@link RetryPolicy#defaults()}. */
    public LagwatchRecordProcessor(LifecycleRecorder recorder, String group, String consumerId) {
        this(recorder, group, consumerId, RetryPolicy.defaults());
    }

    /**
     * @param recorder where the events go; it stays open when this processor closes
     * @param group the consumer group, as in the consumer's {@code group.id}
     * @param consumerId this consumer instance, such as its {@code client.id} or host name
     * @param retryPolicy whether a failed record will be delivered again
     */
    public LagwatchRecordProcessor(LifecycleRecorder recorder, String group, String consumerId, RetryPolicy retryPolicy) {
        this(recorder, group, consumerId, retryPolicy, 1);
    }

    /**
     * @param capacity how many records the callers of this processor handle at the same time, such
     *     as a listener container's concurrency or Kafka Streams' {@code num.stream.threads}; the
     *     monitor's saturation divides busy time by it
     */
    public LagwatchRecordProcessor(LifecycleRecorder recorder, String group, String consumerId, RetryPolicy retryPolicy,
            int capacity) {
        this.recorder = recorder;
        this.group = group;
        this.consumerId = consumerId;
        this.retryPolicy = retryPolicy;
        this.capacity = Math.max(1, capacity);
    }

    /**
     * Runs {@code handler} on {@code record} and records the attempt and its outcome.
     *
     * @throws E what {@code handler} throws, unchanged, after the failure is recorded
     */
    public <K, V, E extends Exception> void process(ConsumerRecord<K, V> record, RecordHandler<K, V, E> handler)
            throws E {
        process(record.topic(), record.partition(), record.offset(), record.timestamp(), record.headers(),
                () -> handler.handle(record));
    }

    /**
     * Runs {@code work} on the record at {@code offset} of {@code topic}'s {@code partition} and
     * records the attempt and its outcome; for Kafka Streams processors and other frameworks that
     * hand over the record's parts.
     *
     * @param timestamp the record's timestamp, epoch milliseconds; now when not positive
     * @param headers the record's headers, for its attempt number
     * @throws E what {@code work} throws, unchanged, after the failure is recorded
     */
    public <E extends Exception> void process(String topic, int partition, long offset, long timestamp,
            Headers headers, Work<E> work) throws E {
        String partitionKey = topic + "-" + partition;
        RetryPending pending = retriesByPartition.remove(partitionKey);
        int attempt = attemptOf(headers);
        long enqueuedAt = timestamp > 0 ? timestamp : System.currentTimeMillis();
        long availableAt = Math.max(enqueuedAt, availableAtOf(headers));
        if (pending != null && pending.offset() == offset) {
            attempt = Math.max(attempt, pending.attempt() + 1);
            availableAt = Math.max(availableAt, pending.failedAt());
        }
        Attempt started = byTopic.computeIfAbsent(topic, t -> recorder.consumer(t, group, consumerId, capacity))
                .started(LagwatchProducerInterceptor.messageId(topic, partition, offset), enqueuedAt, attempt,
                        availableAt);
        try {
            work.run();
        } catch (Throwable e) {
            // Errors too: an attempt without an outcome would stay in flight for good.
            boolean retry = willRetry(e, topic, partition, offset, attempt);
            if (retry) {
                retriesByPartition.put(partitionKey, new RetryPending(offset, attempt, System.currentTimeMillis()));
            }
            started.failed(e, retry);
            throw e;
        }
        started.completed();
    }

    /** Asks the retry policy; a policy that throws is logged, and the failure is then final. */
    private boolean willRetry(Throwable error, String topic, int partition, long offset, int attempt) {
        try {
            return retryPolicy.willRetry(error, attempt);
        } catch (RuntimeException e) {
            log.warn("lagwatch retry policy failed for {}, attempt {}; recording the failure as final",
                    LagwatchProducerInterceptor.messageId(topic, partition, offset), attempt, e);
            return false;
        }
    }

    /**
     * Returns whether the latest attempt at {@code record} failed and the retry policy decided that
     * the record will be delivered again. An application that retries decides with it, so that
     * what it does matches what the monitor recorded: it seeks back to the record, or sends
     * {@link #retryRecord(ConsumerRecord)}.
     */
    public boolean retryPending(ConsumerRecord<?, ?> record) {
        RetryPending pending = retriesByPartition.get(record.topic() + "-" + record.partition());
        return pending != null && pending.offset() == record.offset();
    }

    /** Returns the attempt number in {@code headers}: 1 without the header or with an unreadable one. */
    public static int attemptOf(Headers headers) {
        Header header = headers == null ? null : headers.lastHeader(ATTEMPT_HEADER);
        if (header == null || header.value() == null || header.value().length != Integer.BYTES) {
            return 1;
        }
        int attempt = ByteBuffer.wrap(header.value()).getInt();
        return attempt >= 1 ? attempt : 1;
    }

    /** Returns the time in {@code headers} a record sent again became available: 0 without the header. */
    static long availableAtOf(Headers headers) {
        Header header = headers == null ? null : headers.lastHeader(AVAILABLE_AT_HEADER);
        if (header == null || header.value() == null || header.value().length != Long.BYTES) {
            return 0;
        }
        return ByteBuffer.wrap(header.value()).getLong();
    }

    /**
     * Returns a copy of {@code record}'s headers for sending it again: {@value #ATTEMPT_HEADER} set to
     * its next attempt, and {@value #AVAILABLE_AT_HEADER} to now.
     */
    public static Headers nextAttemptHeaders(ConsumerRecord<?, ?> record) {
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.remove(ATTEMPT_HEADER);
        headers.remove(AVAILABLE_AT_HEADER);
        headers.add(ATTEMPT_HEADER, ByteBuffer.allocate(Integer.BYTES).putInt(attemptOf(record.headers()) + 1).array());
        headers.add(AVAILABLE_AT_HEADER, ByteBuffer.allocate(Long.BYTES).putLong(System.currentTimeMillis()).array());
        return headers;
    }

    /**
     * Returns {@code record} for its next attempt, to be sent back to the topic it came from: same
     * key, value and timestamp, its headers with the next {@value #ATTEMPT_HEADER}. Sent through a
     * producer with {@link LagwatchProducerInterceptor}, it is not counted as a new message, so the
     * depth of the topic stays right while the record waits for its next attempt.
     */
    public static <K, V> ProducerRecord<K, V> retryRecord(ConsumerRecord<K, V> record) {
        Long timestamp = record.timestamp() > 0 ? record.timestamp() : null;
        return new ProducerRecord<>(record.topic(), null, timestamp, record.key(), record.value(),
                nextAttemptHeaders(record));
    }

    /** Sends a closing heartbeat for every topic seen; the recorder stays open. */
    @Override
    public void close() {
        byTopic.values().forEach(ConsumerRecorder::close);
        byTopic.clear();
        retriesByPartition.clear();
    }
}
