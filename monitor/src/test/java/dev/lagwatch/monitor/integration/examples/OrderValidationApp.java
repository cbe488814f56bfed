package dev.lagwatch.monitor.integration.examples;

// example:begin
import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.client.kafka.LagwatchRecordProcessor;
import dev.lagwatch.client.kafka.RetryPolicy;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Reads orders from the topic {@code orders}, keeps those whose value is a positive amount in
 * cents, and writes them to {@code valid-orders}. lagwatch tracks {@code orders} as a queue that
 * the consumer group {@code order-validation} processes.
 */
public final class OrderValidationApp implements AutoCloseable {

    public static final String APPLICATION_ID = "order-validation";
    public static final String ORDERS = "orders";
    public static final String VALID_ORDERS = "valid-orders";

    private final LifecycleRecorder recorder;
    private final LagwatchRecordProcessor lagwatch;
    private final KafkaStreams streams;

    /** Builds the application from Kafka Streams settings, of which bootstrap.servers is required. */
    public OrderValidationApp(Properties settings) {
        Properties config = new Properties();
        config.putAll(settings);
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        // An invalid order is logged and skipped for good, so the retry policy below is never().
        config.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueProcessingExceptionHandler.class);

        // One recorder and one processor for the whole application, shared by its stream threads.
        recorder = LifecycleRecorder.builder()
                .bootstrapServers(config.getProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG))
                .build();
        lagwatch = new LagwatchRecordProcessor(recorder, APPLICATION_ID, APPLICATION_ID + "-" + UUID.randomUUID(),
                RetryPolicy.never());
        streams = new KafkaStreams(topology(lagwatch), config);
    }

    private static Topology topology(LagwatchRecordProcessor lagwatch) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(ORDERS, Consumed.with(Serdes.String(), Serdes.String()))
                .processValues(() -> new ValidateOrder(lagwatch))
                .to(VALID_ORDERS, Produced.with(Serdes.String(), Serdes.String()));
        return builder.build();
    }

    public void start() {
        streams.start();
    }

    /** Stops processing, then sends the closing heartbeat and the events still buffered. */
    @Override
    public void close() {
        streams.close();
        lagwatch.close();
        recorder.close();
    }

    public static void main(String[] args) {
        Properties settings = new Properties();
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args.length > 0 ? args[0] : "localhost:9092");
        OrderValidationApp app = new OrderValidationApp(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(app::close));
        app.start();
    }

    /** Forwards an order with a valid amount and throws on any other. */
    private static final class ValidateOrder implements FixedKeyProcessor<String, String, String> {

        private final LagwatchRecordProcessor lagwatch;
        private FixedKeyProcessorContext<String, String> context;

        ValidateOrder(LagwatchRecordProcessor lagwatch) {
            this.lagwatch = lagwatch;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, String> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, String> order) {
            Optional<RecordMetadata> source = context.recordMetadata();
            if (source.isEmpty()) {
                // Records forwarded by a punctuator come from no topic, so no queue.
                validate(order);
                return;
            }
            RecordMetadata metadata = source.get();
            lagwatch.process(metadata.topic(), metadata.partition(), metadata.offset(), order.timestamp(),
                    order.headers(), () -> validate(order));
        }

        private void validate(FixedKeyRecord<String, String> order) {
            // NumberFormatException and IllegalArgumentException count as ValidationError.
            long cents = Long.parseLong(order.value());
            if (cents <= 0) {
                throw new IllegalArgumentException("order " + order.key() + " has amount " + cents
                        + " cents, expected a positive amount");
            }
            context.forward(order);
        }
    }
}
// example:end
