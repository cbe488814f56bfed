package dev.lagwatch.testkit;

import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.client.kafka.LagwatchProducerInterceptor;
import dev.lagwatch.monitor.Monitor;
import dev.lagwatch.monitor.MonitorConfig;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import dev.lagwatch.monitor.metrics.Scrape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a lagwatch monitor in the test JVM, against the test's Kafka broker, for the tests of one
 * class, and reads what it measured. Register it in a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LagwatchExtension lagwatch = LagwatchExtension.embeddedBroker();
 *
 * @Test
 * void ordersKeepUp() {
 *     // run the application against lagwatch.bootstrapServers(), then:
 *     lagwatch.queue("orders").assertDrainsWithin(Duration.ofSeconds(10));
 *     lagwatch.queue("orders").assertNoFailures(ErrorCategory.TIMEOUT);
 *     lagwatch.queue("orders").assertProcessingTimeBelow(0.95, Duration.ofMillis(200));
 *     lagwatch.consumerGroup("billing").assertLagReaches(0, Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * <p>{@link #embeddedBroker()} starts a single-node KRaft broker from Kafka's own classes in the
 * test JVM. {@link #forBootstrapServers(Supplier)} uses a broker the test starts itself, such as a
 * Testcontainers {@code KafkaContainer}: pass {@code kafka::getBootstrapServers}. The supplier is
 * read when the extension starts, after the extensions registered before it (such as
 * {@code @Testcontainers}) started their containers.
 *
 * <p>The monitor reads the events topic {@value MonitorConfig#DEFAULT_EVENTS_TOPIC} with one
 * partition, serves {@code /metrics} on a free loopback port, polls the offsets of every consumer
 * group each second, and keeps its state in a temporary directory deleted afterwards. Each
 * extension uses its own Kafka Streams application id, so test classes sharing a broker do not
 * share state. They do share the events topic, so give their queues different names.
 */
public final class LagwatchExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final Supplier<String> externalBootstrapServers;
    private Consumer<MonitorConfig.Builder> customizer = builder -> { };
    private EmbeddedKafkaBroker broker;
    private Monitor monitor;
    private Path stateDirectory;
    private String bootstrapServers;
    private URI metricsUri;
    private CatchUp catchUp;

    private LagwatchExtension(Supplier<String> externalBootstrapServers) {
        this.externalBootstrapServers = externalBootstrapServers;
    }

    /** Starts an embedded single-node KRaft broker for the test class, and the monitor against it. */
    public static LagwatchExtension embeddedBroker() {
        return new LagwatchExtension(null);
    }

    /**
     * Starts the monitor against the broker at {@code bootstrapServers}, read when the extension
     * starts; the test owns that broker.
     */
    public static LagwatchExtension forBootstrapServers(Supplier<String> bootstrapServers) {
        return new LagwatchExtension(Objects.requireNonNull(bootstrapServers, "bootstrapServers"));
    }

    /**
     * Changes the monitor's configuration before it starts, for example its window or liveness
     * timeout. Bootstrap servers, application id, state directory and metrics address are set by
     * the extension afterwards.
     */
    public LagwatchExtension configure(Consumer<MonitorConfig.Builder> customizer) {
        this.customizer = this.customizer.andThen(customizer);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (externalBootstrapServers == null) {
            broker = EmbeddedKafkaBroker.start();
            bootstrapServers = broker.bootstrapServers();
        } else {
            bootstrapServers = externalBootstrapServers.get();
        }
        stateDirectory = Files.createTempDirectory("lagwatch-testkit-");
        String applicationId = "lagwatch-testkit-" + UUID.randomUUID().toString().substring(0, 8);
        MonitorConfig.Builder builder = MonitorConfig.builder()
                .eventsTopicPartitions(1)
                .offsetPollInterval(Duration.ofSeconds(1));
        customizer.accept(builder);
        int port = freeLoopbackPort();
        MonitorConfig config = builder
                .bootstrapServers(bootstrapServers)
                .applicationId(applicationId)
                .stateDirectory(stateDirectory)
                .metricsHost("127.0.0.1")
                .metricsPort(port)
                .build();
        monitor = Monitor.start(config);
        if (!monitor.awaitRunning(START_TIMEOUT)) {
            throw new IllegalStateException("The lagwatch monitor did not start within " + START_TIMEOUT.toSeconds()
                    + " s against " + bootstrapServers + "; its state is " + monitor.state()
                    + ". Check that the broker is reachable from the test JVM");
        }
        metricsUri = URI.create("http://127.0.0.1:" + port + "/metrics");
        catchUp = new CatchUp(monitor);
    }

    /** Rejects registration in an instance field, where JUnit never calls {@link #beforeAll}. */
    @Override
    public void beforeEach(ExtensionContext context) {
        if (monitor == null) {
            throw new ExtensionConfigurationException("LagwatchExtension starts once per test class: register it in a"
                    + " static field with @RegisterExtension");
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (catchUp != null) {
                catchUp.close();
            }
            if (monitor != null) {
                monitor.close(CLOSE_TIMEOUT);
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
            deleteRecursively(stateDirectory);
            broker = null;
            monitor = null;
            catchUp = null;
        }
    }

    /** Returns the bootstrap servers of the monitor's broker, for the application under test. */
    public String bootstrapServers() {
        return started().bootstrapServers;
    }

    /** Returns the events topic the monitor reads. */
    public String eventsTopic() {
        return started().monitor.config().eventsTopic();
    }

    /** Returns the address of the monitor's {@code /metrics}. */
    public URI metricsUri() {
        return started().metricsUri;
    }

    /** Returns the running monitor. */
    public Monitor monitor() {
        return started().monitor;
    }

    /**
     * Returns a recorder builder aimed at the monitor's broker and events topic, for applications
     * that record lifecycle events with the client library.
     */
    public LifecycleRecorder.Builder recorderBuilder() {
        return LifecycleRecorder.builder().bootstrapServers(bootstrapServers()).topic(eventsTopic());
    }

    /**
     * Returns the producer settings that add {@link LagwatchProducerInterceptor} and aim it at the
     * monitor's events topic; add them to the application's producer configuration.
     */
    public Map<String, Object> interceptorProperties() {
        return Map.of(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, LagwatchProducerInterceptor.class.getName(),
                LagwatchProducerInterceptor.EVENTS_TOPIC, eventsTopic());
    }

    /** Reads the monitor's {@code /metrics} now. */
    public Scrape scrape() {
        return Scrape.of(metricsUri(), Duration.ofSeconds(10));
    }

    /**
     * Waits until the monitor has processed and published every lifecycle event written to the
     * events topic before this call. Events still in a recorder's buffer are not written yet. A
     * recorder sends them within its producer's {@code linger.ms}, and closing it, or a producer
     * with the interceptor, sends them at once.
     *
     * @throws AssertionError when it takes longer than {@code timeout}
     */
    public void awaitCaughtUp(Duration timeout) {
        started().catchUp.await(timeout);
    }

    /** Returns what the monitor measured for {@code queue}. */
    public QueueMetrics queue(String queue) {
        return new QueueMetrics(this, queue);
    }

    /** Returns the offset lag the monitor measured for consumer group {@code group}. */
    public ConsumerGroupLag consumerGroup(String group) {
        return new ConsumerGroupLag(this, group);
    }

    private LagwatchExtension started() {
        if (monitor == null) {
            throw new IllegalStateException("The lagwatch monitor is not running: register LagwatchExtension in a"
                    + " static field with @RegisterExtension, and use it from the tests of that class");
        }
        return this;
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path directory) {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // A leftover temporary directory does not fail the tests.
        }
    }
}
