package dev.lagwatch.monitor.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lagwatch.client.event.EventType;
import dev.lagwatch.client.event.LifecycleEvent;
import dev.lagwatch.monitor.Monitor;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import dev.lagwatch.monitor.integration.examples.PaymentsConfig;
import dev.lagwatch.monitor.integration.examples.PaymentsConfig.PaymentGateway;
import dev.lagwatch.monitor.testing.EventsTopic;
import dev.lagwatch.monitor.testing.FreePort;
import dev.lagwatch.monitor.testing.TestMonitors;
import dev.lagwatch.monitor.metrics.Scrape;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.kafka.listener.RetryListener;

/**
 * Runs the Spring Kafka example of docs/integration-spring.md against a real broker and the
 * monitor. The monitor's counts equal Spring's own, including the retries in place of
 * {@link DefaultErrorHandler}, and the attempt of each delivery equals the number of times the
 * container delivered its record.
 */
class SpringKafkaIntegrationIT {

    private static final String QUEUE = PaymentsConfig.PAYMENTS;
    private static final String GROUP = PaymentsConfig.GROUP;
    private static final int PAYMENTS = 30;

    @TempDir
    Path monitorState;

    @Test
    @SuppressWarnings("try") // The monitor runs while the try block does, and is read over HTTP.
    void monitorCountsEqualTheApplications() throws Exception {
        int port = FreePort.find();
        SpringCounts counts = new SpringCounts();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
                Monitor monitor = TestMonitors.startLifecycleOnly(broker, "spring-example-it", monitorState, port)) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(QUEUE, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }

            TestGateway gateway = new TestGateway();
            try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
                context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test",
                        Map.of("kafka.bootstrap-servers", broker.bootstrapServers())));
                context.getBeanFactory().addBeanPostProcessor(counts);
                context.registerBean(PaymentGateway.class, () -> gateway);
                context.register(PaymentsConfig.class);
                context.refresh();

                @SuppressWarnings("unchecked") // the example's only template is a KafkaTemplate<String, String>
                KafkaTemplate<String, String> template = context.getBean(KafkaTemplate.class);
                for (int i = 0; i < PAYMENTS; i++) {
                    String cents = i % 10 == 3 ? "ten" : String.valueOf(100 + i);
                    template.send(QUEUE, "payment-" + i, cents).get(30, TimeUnit.SECONDS);
                }
                await("every payment charged or given up").atMost(Duration.ofSeconds(90))
                        .until(() -> counts.successes.get() + counts.recovered.get() == PAYMENTS);
                await("the monitor sees the live listener").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> Scrape.of(port).value("messaging_active_consumers", "queue", QUEUE,
                                "consumer_group", GROUP) == 1);
            }

            // 3 invalid amounts fail once. 3 payments time out once, and 3 on each of their 3 deliveries.
            int retries = counts.failures.get() - counts.recovered.get();
            assertThat(counts.successes.get()).as("deliveries that succeeded").isEqualTo(PAYMENTS - 6);
            assertThat(gateway.charged.get()).as("payments charged").isEqualTo(counts.successes.get());
            assertThat(counts.validationFailures.get()).as("deliveries failed on an invalid amount").isEqualTo(3);
            assertThat(counts.timeoutFailures.get()).as("deliveries failed on a timeout").isEqualTo(3 + 9);
            assertThat(counts.recovered.get()).as("payments given up").isEqualTo(6);
            assertThat(retries).as("deliveries retried in place").isEqualTo(3 + 6);
            assertThat(startedAttempts(broker.bootstrapServers()))
                    .as("highest attempt of each payment in the started events, by message id")
                    .isEqualTo(counts.deliveriesByRecord());
            await("the monitor's counts equal the application's").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .untilAsserted(() -> {
                        Scrape scrape = Scrape.of(port);
                        assertThat(scrape.value("messaging_messages_enqueued_total", "queue", QUEUE))
                                .as("enqueued, once per payment").isEqualTo(PAYMENTS);
                        assertThat(scrape.value("messaging_messages_processed_total", "queue", QUEUE,
                                "consumer_group", GROUP, "status", "success")).as("processed, success")
                                .isEqualTo(counts.successes.get());
                        assertThat(scrape.value("messaging_messages_processed_total", "queue", QUEUE,
                                "consumer_group", GROUP, "status", "failure")).as("processed, failure")
                                .isEqualTo(counts.failures.get());
                        assertThat(scrape.value("messaging_messages_failed_total", "queue", QUEUE,
                                "consumer_group", GROUP, "error_type", "ValidationError")).as("failed, validation")
                                .isEqualTo(counts.validationFailures.get());
                        assertThat(scrape.value("messaging_messages_failed_total", "queue", QUEUE,
                                "consumer_group", GROUP, "error_type", "TimeoutError")).as("failed, timeout")
                                .isEqualTo(counts.timeoutFailures.get());
                        assertThat(scrape.value("messaging_retries_total", "queue", QUEUE,
                                "consumer_group", GROUP)).as("retries").isEqualTo(retries);
                        assertThat(scrape.value("messaging_queue_depth", "queue", QUEUE)).as("depth").isZero();
                        assertThat(scrape.value("messaging_active_consumers", "queue", QUEUE,
                                "consumer_group", GROUP)).as("active consumers after close").isZero();
                    });
        }
    }

    /** Returns the highest attempt in the {@code started} events of each message of the queue. */
    private static Map<String, Integer> startedAttempts(String bootstrapServers) {
        Map<String, Integer> attempts = new TreeMap<>();
        for (LifecycleEvent event : EventsTopic.readAll(bootstrapServers)) {
            if (event.type() == EventType.STARTED && event.queue().equals(QUEUE)) {
                attempts.merge(event.id(), event.attempt(), Math::max);
            }
        }
        return attempts;
    }

    /**
     * Stands in for the payment service. It times out on the first charge of every payment whose
     * number ends in 5, and on every charge of those ending in 7.
     */
    private static final class TestGateway implements PaymentGateway {

        final AtomicInteger charged = new AtomicInteger();
        private final Set<String> timedOutOnce = ConcurrentHashMap.newKeySet();

        @Override
        public void charge(String paymentId, long cents) throws TimeoutException {
            if (paymentId.endsWith("7") || paymentId.endsWith("5") && timedOutOnce.add(paymentId)) {
                throw new TimeoutException("payment gateway did not answer for " + paymentId);
            }
            charged.incrementAndGet();
        }
    }

    /**
     * Spring's own account of the deliveries. The container's record interceptor counts every
     * delivery and its outcome, and the error handler's retry listener every payment given up.
     * Both are installed on the example's beans, which set neither.
     */
    private static final class SpringCounts implements BeanPostProcessor {

        final AtomicInteger successes = new AtomicInteger();
        final AtomicInteger failures = new AtomicInteger();
        final AtomicInteger validationFailures = new AtomicInteger();
        final AtomicInteger timeoutFailures = new AtomicInteger();
        final AtomicInteger recovered = new AtomicInteger();
        private final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();

        /** Returns how many times the container delivered each record, by {@code topic-partition@offset}. */
        Map<String, Integer> deliveriesByRecord() {
            Map<String, Integer> byRecord = new TreeMap<>();
            deliveries.forEach((id, count) -> byRecord.put(id, count.get()));
            return byRecord;
        }

        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
            if (bean instanceof ConcurrentKafkaListenerContainerFactory<?, ?> factory) {
                installInterceptor(factory);
            }
            if (bean instanceof DefaultErrorHandler handler) {
                handler.setRetryListeners(new GivenUp());
            }
            return bean;
        }

        private <K, V> void installInterceptor(ConcurrentKafkaListenerContainerFactory<K, V> factory) {
            factory.setRecordInterceptor(new DeliveryOutcomes<>());
        }

        private final class DeliveryOutcomes<K, V> implements RecordInterceptor<K, V> {

            @Override
            public ConsumerRecord<K, V> intercept(ConsumerRecord<K, V> record, Consumer<K, V> consumer) {
                String id = record.topic() + "-" + record.partition() + "@" + record.offset();
                deliveries.computeIfAbsent(id, key -> new AtomicInteger()).incrementAndGet();
                return record;
            }

            @Override
            public void success(ConsumerRecord<K, V> record, Consumer<K, V> consumer) {
                successes.incrementAndGet();
            }

            @Override
            public void failure(ConsumerRecord<K, V> record, Exception exception, Consumer<K, V> consumer) {
                failures.incrementAndGet();
                Throwable cause = exception;
                while (cause.getCause() != null) {
                    cause = cause.getCause();
                }
                if (cause instanceof IllegalArgumentException) {
                    validationFailures.incrementAndGet();
                } else if (cause instanceof TimeoutException) {
                    timeoutFailures.incrementAndGet();
                }
            }
        }

        private final class GivenUp implements RetryListener {

            @Override
            public void failedDelivery(ConsumerRecord<?, ?> record, Exception exception, int deliveryAttempt) {
                // Every failed delivery is counted by DeliveryOutcomes.failure.
            }

            @Override
            public void recovered(ConsumerRecord<?, ?> record, Exception exception) {
                recovered.incrementAndGet();
            }
        }
    }
}
