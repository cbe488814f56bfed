package dev.lagwatch.monitor.integration.examples;

// example:begin
import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.client.kafka.LagwatchProducerInterceptor;
import dev.lagwatch.client.kafka.LagwatchRecordProcessor;
import dev.lagwatch.client.kafka.RetryPolicy;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.annotation.EnableKafka;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Charges the payments of the topic {@code payments}. A payment whose amount is not a number fails
 * at once. A payment on which the gateway times out is delivered again, up to three deliveries in
 * all. Needs the property {@code kafka.bootstrap-servers} and a {@link PaymentGateway} bean.
 */
@Configuration
@EnableKafka
public class PaymentsConfig {

    public static final String PAYMENTS = "payments";
    public static final String GROUP = "payment-service";
    /** Deliveries of one payment, the first one included. */
    public static final int MAX_ATTEMPTS = 3;

    /** The service that charges a payment, provided by the application. */
    public interface PaymentGateway {
        void charge(String paymentId, long cents) throws TimeoutException;
    }

    @Bean
    public ProducerFactory<String, String> producerFactory(Environment env) {
        return new DefaultKafkaProducerFactory<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, env.getRequiredProperty("kafka.bootstrap-servers"),
                ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, LagwatchProducerInterceptor.class.getName()),
                new StringSerializer(), new StringSerializer());
    }

    @Bean
    public KafkaTemplate<String, String> kafkaTemplate(ProducerFactory<String, String> producerFactory) {
        return new KafkaTemplate<>(producerFactory);
    }

    @Bean
    public DefaultErrorHandler errorHandler() {
        // MAX_ATTEMPTS - 1 retries, each delivering the record again at the same offset.
        DefaultErrorHandler handler = new DefaultErrorHandler(new FixedBackOff(500, MAX_ATTEMPTS - 1));
        // Another attempt cannot fix an invalid amount. RetryPolicy.upTo does not retry it either.
        handler.addNotRetryableExceptions(IllegalArgumentException.class);
        return handler;
    }

    @Bean
    public ConcurrentKafkaListenerContainerFactory<String, String> kafkaListenerContainerFactory(Environment env,
            DefaultErrorHandler errorHandler) {
        var factory = new ConcurrentKafkaListenerContainerFactory<String, String>();
        factory.setConsumerFactory(new DefaultKafkaConsumerFactory<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, env.getRequiredProperty("kafka.bootstrap-servers"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer()));
        factory.setCommonErrorHandler(errorHandler);
        return factory;
    }

    /** Creates the application's one recorder. Spring closes it on shutdown, after the processor. */
    @Bean
    public LifecycleRecorder lifecycleRecorder(Environment env) {
        return LifecycleRecorder.builder()
                .bootstrapServers(env.getRequiredProperty("kafka.bootstrap-servers"))
                .build();
    }

    /**
     * Creates the processor. Spring closes it after the listener containers stop, which sends the
     * closing heartbeat.
     */
    @Bean
    public LagwatchRecordProcessor lagwatchProcessor(LifecycleRecorder recorder) {
        // Matches the error handler: MAX_ATTEMPTS deliveries, and none more after a validation error.
        return new LagwatchRecordProcessor(recorder, GROUP, GROUP + "-" + UUID.randomUUID(),
                RetryPolicy.upTo(MAX_ATTEMPTS));
    }

    @Bean
    public PaymentListener paymentListener(LagwatchRecordProcessor lagwatch, PaymentGateway gateway) {
        return new PaymentListener(lagwatch, gateway);
    }

    public static class PaymentListener {

        private final LagwatchRecordProcessor lagwatch;
        private final PaymentGateway gateway;

        PaymentListener(LagwatchRecordProcessor lagwatch, PaymentGateway gateway) {
            this.lagwatch = lagwatch;
            this.gateway = gateway;
        }

        /** Charges one payment. An exception reaches the error handler after lagwatch records it. */
        @KafkaListener(topics = PAYMENTS, groupId = GROUP)
        public void onPayment(ConsumerRecord<String, String> payment) throws TimeoutException {
            lagwatch.process(payment, record -> gateway.charge(record.key(), Long.parseLong(record.value())));
        }
    }
}
// example:end
