package dev.lagwatch.testkit.example;

import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.client.kafka.LagwatchProducerInterceptor;
import dev.lagwatch.client.kafka.LagwatchRecordProcessor;
import dev.lagwatch.client.kafka.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Pays refunds requested on the topic "refunds", sending failed ones back for another attempt. */
public final class RefundService implements AutoCloseable {

    /** Pays out one refund; may throw what a payment provider's client throws. */
    public interface PaymentGateway {
        void refund(String orderId, String amount) throws Exception;
    }

    private static final String TOPIC = "refunds";
    private static final String GROUP = "refund-service";

    private final PaymentGateway gateway;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final LifecycleRecorder recorder;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    public RefundService(String bootstrapServers, PaymentGateway gateway) {
        this.gateway = gateway;
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                // The one line that records an enqueued event for every record sent.
                ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, LagwatchProducerInterceptor.class.getName()),
                new StringSerializer(), new StringSerializer());
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, GROUP,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer());
        recorder = LifecycleRecorder.builder().bootstrapServers(bootstrapServers).build();
    }

    /** Requests a refund of {@code amount} for {@code orderId}. */
    public void requestRefund(String orderId, String amount) {
        producer.send(new ProducerRecord<>(TOPIC, orderId, amount));
    }

    /** Pays requested refunds until {@link #close()} is called from another thread. */
    public void run() {
        try (LagwatchRecordProcessor processor = new LagwatchRecordProcessor(recorder, GROUP, "refund-1",
                RetryPolicy.upTo(3))) {
            consumer.subscribe(List.of(TOPIC));
            while (running) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    try {
                        processor.process(record, r -> gateway.refund(r.key(), r.value()));
                    } catch (Exception e) {
                        // The retry policy decided whether this failure is retried, and the monitor recorded that.
                        if (processor.retryPending(record)) {
                            producer.send(LagwatchRecordProcessor.retryRecord(record));
                        }
                    }
                }
                consumer.commitSync();
            }
        } catch (WakeupException e) {
            // close() was called during a poll.
        } finally {
            consumer.close();
            stopped.countDown();
        }
    }

    /** Stops {@link #run()}, then sends what is buffered: requests, retries and lifecycle events. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            stopped.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
        recorder.close();
    }
}
