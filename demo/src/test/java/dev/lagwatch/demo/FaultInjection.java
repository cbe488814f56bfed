package dev.lagwatch.demo;

import static org.awaitility.Awaitility.await;

import dev.lagwatch.demo.DemoScenario.QueueSpec;
import dev.lagwatch.monitor.MonitorConfig;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import dev.lagwatch.monitor.testing.FreePort;
import dev.lagwatch.monitor.testing.JavaProcess;
import dev.lagwatch.monitor.metrics.Scrape;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run of the whole pipeline that a test can break on purpose: an embedded broker in this JVM, the
 * monitor in a child JVM, and the simulators' load in this JVM. Faults: {@link #killMonitor()} and
 * {@link #startMonitor()}, {@link #stopBroker()} and {@link #restartBroker()}, and
 * {@link #crashConsumer(String)}.
 *
 * <p>The whole run has a time budget. Every wait ends at the earlier of its own limit and the end
 * of the budget, and fails with the name of the condition it waited for.
 */
final class FaultInjection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FaultInjection.class);
    private static final String APPLICATION_ID = "lagwatch-faults";
    /**
     * Session timeout of the monitor and of the simulated consumers. A killed member keeps its
     * partitions this long; the broker allows 6 s at the least.
     */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);

    private final Path directory;
    private final long deadlineNanos;
    private final EmbeddedKafkaBroker broker;
    private final int metricsPort;
    private final List<Scrape> scrapes = new ArrayList<>();
    private JavaProcess monitor;
    private int monitorStarts;
    private DemoRun load;

    /**
     * Starts the broker and the monitor.
     *
     * @param directory where the monitor keeps its state and its logs
     * @param budget time the whole run may take, from now until {@link #close()}
     */
    FaultInjection(Path directory, Duration budget) throws IOException {
        this.directory = directory;
        this.deadlineNanos = System.nanoTime() + budget.toNanos();
        this.broker = EmbeddedKafkaBroker.start();
        this.metricsPort = FreePort.find();
        startMonitor();
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** Starts the simulators on {@code scenario}, all recording into one ledger. */
    DemoRun startLoad(List<QueueSpec> scenario) {
        Map<String, String> consumerSettings = Map.of("session.timeout.ms",
                Long.toString(SESSION_TIMEOUT.toMillis()));
        load = new DemoRun(broker.bootstrapServers(), consumerSettings, MonitorConfig.DEFAULT_EVENTS_TOPIC, scenario);
        return load;
    }

    /**
     * Starts a monitor in a child JVM, on the same metrics port and state directory as the ones
     * before it, as a supervisor restarting it on the same host would.
     */
    void startMonitor() throws IOException {
        monitorStarts++;
        monitor = JavaProcess.start(directory.resolve("monitor-" + monitorStarts + ".log"),
                "dev.lagwatch.monitor.cli.MonitorCommand",
                "--bootstrap-servers", broker.bootstrapServers(),
                "--application-id", APPLICATION_ID,
                "--state-dir", directory.resolve("monitor-state").toString(),
                "--metrics-host", "127.0.0.1",
                "--metrics-port", Integer.toString(metricsPort),
                "--kafka-property", "session.timeout.ms=" + SESSION_TIMEOUT.toMillis());
        log.info("Fault injection: monitor started ({} start)", monitorStarts);
    }

    /** Kills the monitor with SIGKILL: no shutdown hook, no commit, no leaving the group. */
    void killMonitor() throws InterruptedException {
        monitor.sigkill();
        log.info("Fault injection: monitor killed with SIGKILL");
    }

    void stopBroker() {
        broker.stop();
        log.info("Fault injection: broker stopped");
    }

    void restartBroker() {
        broker.restart();
        log.info("Fault injection: broker restarted");
    }

    /** Kills one consumer of {@code queue} in the middle of its work; returns its id. */
    String crashConsumer(String queue) throws InterruptedException {
        String consumer = load.crashOneConsumer(queue)
                .orElseThrow(() -> new AssertionError("No running consumer of " + queue + " to crash"));
        log.info("Fault injection: consumer {} of {} crashed", consumer, queue);
        return consumer;
    }

    /**
     * Scrapes the monitor once and keeps the scrape, so that {@link #scrapes()} can later show that
     * no counter went back.
     *
     * @throws RuntimeException when the scrape fails
     */
    Scrape scrape() {
        Scrape scrape = Scrape.of(metricsPort);
        scrapes.add(scrape);
        return scrape;
    }

    /** Returns every scrape taken through {@link #scrape()}, oldest first. */
    List<Scrape> scrapes() {
        return List.copyOf(scrapes);
    }

    /** Waits for {@code condition}, for at most {@code limit} and never past the budget. */
    void awaitUntil(String condition, Duration limit, Callable<Boolean> check) {
        await(condition).atMost(bounded(limit)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(check);
    }

    /** Lets a fault last {@code duration}, within the budget. */
    void hold(Duration duration) throws InterruptedException {
        Duration bounded = bounded(duration);
        TimeUnit.MILLISECONDS.sleep(bounded.toMillis());
    }

    /** Returns {@code limit}, or what is left of the budget if that is less. */
    Duration bounded(Duration limit) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw new AssertionError("The fault injection run exceeded its time budget");
        }
        return limit.compareTo(Duration.ofNanos(left)) < 0 ? limit : Duration.ofNanos(left);
    }

    /** Stops the load if it still runs, the monitor with SIGTERM, and the broker. */
    @Override
    public void close() {
        try {
            if (load != null) {
                load.close();
            }
            monitor.sigterm();
            monitor.awaitExit(Duration.ofSeconds(45));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            monitor.close();
            broker.close();
        }
    }
}
