package dev.lagwatch.client.kafka;

import dev.lagwatch.client.Attempt;
import dev.lagwatch.client.ConsumerRecorder;
import dev.lagwatch.client.LifecycleRecorder;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

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
 * <p>The attempt number comes from the header {@value #ATTEMPT_HEADER} (4-byte big-endian int),
 * 1 when absent. An application that sends a failed record again, for example to a retry topic, adds
 * {@link #nextAttemptHeaders(ConsumerRecord)} to it. While the processor is open, the recorder sends
 * heartbeats for each topic it has seen; {@link #close()} sends closing ones.
 *
 * <p>NOTE: a record sent again through a producer that has {@link LagwatchProducerInterceptor}
 * counts as a new {@code enqueued} message, because Kafka passes the interceptor only the metadata of
 * an acknowledged record, without its headers. Until the two are correlated, retry in place
 * (process the same record again with the next attempt) or send retries through a producer
 * without the interceptor.
 *
 * <p>The handler's exceptions pass through unchanged. The processor adds none of its own: recording
 * never throws.
 */
public final class LagwatchRecordProcessor implements AutoCloseable {

    /** Header carrying the delivery attempt of a record sent again: a 4-byte big-endian int. */
    public static final String ATTEMPT_HEADER = "lagwatch-attempt";

    /** Processes one record; may throw what the application's processing throws. */
    @FunctionalInterface
    public interface RecordHandler<K, V> {
        void handle(ConsumerRecord<K, V> record) throws Exception;
    }

    private final LifecycleRecorder recorder;
    private final String group;
    private final String consumerId;
    private final RetryPolicy retryPolicy;
    private final Map<String, ConsumerRecorder> byTopic = new ConcurrentHashMap<>();

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
        this.recorder = recorder;
        this.group = group;
        this.consumerId = consumerId;
        this.retryPolicy = retryPolicy;
    }

    /**
     * Runs {@code handler} on {@code record} and records the attempt and its outcome.
     *
     * @throws Exception what {@code handler} throws, unchanged, after the failure is recorded
     */
    public <K, V> void process(ConsumerRecord<K, V> record, RecordHandler<K, V> handler) throws Exception {
        int attempt = attemptOf(record.headers());
        long enqueuedAt = record.timestamp() > 0 ? record.timestamp() : System.currentTimeMillis();
        Attempt started = byTopic.computeIfAbsent(record.topic(), topic -> recorder.consumer(topic, group, consumerId))
                .started(LagwatchProducerInterceptor.messageId(record.topic(), record.partition(), record.offset()),
                        enqueuedAt, attempt);
        try {
            handler.handle(record);
        } catch (Exception e) {
            started.failed(e, retryPolicy.willRetry(record, e, attempt));
            throw e;
        }
        started.completed();
    }

    /** Returns the attempt number in {@code headers}: 1 without the header or with an unreadable one. */
    public static int attemptOf(Headers headers) {
        Header header = headers.lastHeader(ATTEMPT_HEADER);
        if (header == null || header.value() == null || header.value().length != Integer.BYTES) {
            return 1;
        }
        int attempt = ByteBuffer.wrap(header.value()).getInt();
        return attempt >= 1 ? attempt : 1;
    }

    /**
     * Returns a copy of {@code record}'s headers with {@value #ATTEMPT_HEADER} set to its next attempt,
     * for sending the record again.
     */
    public static Headers nextAttemptHeaders(ConsumerRecord<?, ?> record) {
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.remove(ATTEMPT_HEADER);
        headers.add(ATTEMPT_HEADER, ByteBuffer.allocate(Integer.BYTES).putInt(attemptOf(record.headers()) + 1).array());
        return headers;
    }

    /** Sends a closing heartbeat for every topic seen; the recorder stays open. */
    @Override
    public void close() {
        byTopic.values().forEach(ConsumerRecorder::close);
        byTopic.clear();
    }
}
