package dev.lagwatch.demo;

import dev.lagwatch.monitor.Monitor;
import dev.lagwatch.monitor.MonitorConfig;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import dev.lagwatch.monitor.embedded.TemporaryDirectories;
import dev.lagwatch.client.internal.Durations;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lagwatch-demo}: a broker (embedded, or an existing cluster), the monitor and the demo
 * scenario's simulators, with a live per-queue summary every few seconds until Ctrl-C.
 */
@Command(name = "lagwatch-demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs lagwatch end to end: an embedded single-node Kafka broker (or an existing cluster),"
                + " the monitor, and simulators for three queues (healthy, backlogged, failing). Prints a summary"
                + " every few seconds and serves Prometheus metrics until Ctrl-C.")
public final class DemoCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(DemoCommand.class);

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Use this cluster instead of starting an embedded broker.")
    String bootstrapServers;

    @Option(names = "--metrics-host", defaultValue = "localhost",
            description = "Address the metrics endpoint binds to (default: ${DEFAULT-VALUE}).")
    String metricsHost;

    @Option(names = "--metrics-port", defaultValue = "9464",
            description = "Port of the metrics endpoint (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--summary-interval", defaultValue = "5s",
            description = "How often the summary is printed (default: ${DEFAULT-VALUE}).")
    String summaryInterval;

    @Option(names = "--duration", description = "Stop after this long, e.g. 2m (default: run until Ctrl-C).")
    String duration;

    private final PrintStream out;

    DemoCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        Duration interval;
        Duration runFor;
        try {
            interval = Durations.parse(summaryInterval);
            runFor = duration == null ? null : Durations.parse(duration);
        } catch (IllegalArgumentException e) {
            System.err.println("Invalid option: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }

        Resources resources = new Resources();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("Stopping...");
            resources.close();
            out.println("Stopped; temporary data deleted.");
            stopped.countDown();
        }, "lagwatch-demo-shutdown"));
        try {
            String servers = bootstrapServers;
            if (servers == null) {
                out.println("Starting an embedded Kafka broker...");
                resources.broker = EmbeddedKafkaBroker.start();
                servers = resources.broker.bootstrapServers();
            }
            resources.stateDirectory = Files.createTempDirectory("lagwatch-demo-state-");
            resources.monitor = Monitor.start(MonitorConfig.builder()
                    .bootstrapServers(servers)
                    .applicationId("lagwatch-demo-monitor")
                    .stateDirectory(resources.stateDirectory)
                    .metricsHost(metricsHost)
                    .metricsPort(metricsPort)
                    .build());
            resources.run = new DemoRun(servers, Map.of(), MonitorConfig.DEFAULT_EVENTS_TOPIC, DemoScenario.queues(0));
            out.printf("lagwatch demo running against %s. Metrics: http://%s:%d/metrics%n", servers,
                    metricsHost, metricsPort);
            out.println("Queues: orders (healthy), emails (consumer too slow: backlog grows),"
                    + " payments (failures and retries). Ctrl-C stops.");
        } catch (RuntimeException e) {
            log.error("Demo failed to start: {}", e.getMessage(), e);
            resources.close();
            return 1;
        }

        SummaryPrinter printer = new SummaryPrinter(resources.monitor.snapshots(),
                resources.monitor.config().livenessTimeout().toMillis(), out);
        long deadline = runFor == null ? Long.MAX_VALUE : System.nanoTime() + runFor.toNanos();
        while (System.nanoTime() < deadline) {
            // Once stopping has begun the monitor withdraws its queues, and a summary would show none.
            if (stopped.await(interval.toMillis(), TimeUnit.MILLISECONDS) || resources.isClosing()) {
                return 0;
            }
            printer.print();
        }
        resources.close();
        return 0;
    }

    /** What the demo started, closed in reverse order exactly once. */
    private static final class Resources {
        private final AtomicBoolean closed = new AtomicBoolean();
        volatile EmbeddedKafkaBroker broker;
        volatile Path stateDirectory;
        volatile Monitor monitor;
        volatile DemoRun run;

        boolean isClosing() {
            return closed.get();
        }

        void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            if (run != null) {
                run.close();
            }
            if (monitor != null) {
                monitor.close();
            }
            if (broker != null) {
                broker.close();
            }
            TemporaryDirectories.deleteRecursively(stateDirectory);
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new DemoCommand(System.out)).execute(args));
    }
}
