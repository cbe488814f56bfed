package dev.lagwatch.bench;

import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.client.event.ErrorCategory;
import dev.lagwatch.client.event.EventCodec;
import dev.lagwatch.client.event.LifecycleEvent;
import dev.lagwatch.demo.DemoRun;
import dev.lagwatch.demo.DemoScenario;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import dev.lagwatch.monitor.embedded.TemporaryDirectories;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures how fast the monitor aggregates a pre-filled events topic, against Kafka's own
 * {@code ConsumerPerformance} reading the same topic in the same run, how much heap the monitor
 * keeps for few and for many queues, and how long an event takes to appear on {@code /metrics}.
 * Both readers run in child JVMs with the same heap; the broker runs in this JVM.
 */
@Command(name = "throughput-harness", mixinStandardHelpOptions = true,
        description = "Throughput, heap and visibility latency of the lagwatch monitor on an embedded broker.")
public final class ThroughputHarness implements Callable<Integer> {

    @Option(names = "--events", defaultValue = "3000000", description = "Events to pre-fill (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--queues", defaultValue = "50", description = "Distinct queues in the events (default: ${DEFAULT-VALUE}).")
    int queues;

    @Option(names = "--many-queues", defaultValue = "5000",
            description = "Queue count of the second heap measurement (default: ${DEFAULT-VALUE}).")
    int manyQueues;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of the events topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--runs", defaultValue = "3", description = "Runs of each reader (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--heap", defaultValue = "1g", description = "Heap of each child JVM (default: ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--probes", defaultValue = "300", description = "Visibility latency probes (default: ${DEFAULT-VALUE}).")
    int probes;

    private final Path workDirectory = Files.createTempDirectory("lagwatch-bench-");

    public ThroughputHarness() throws IOException {
    }

    @Override
    public Integer call() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Map.of("log.retention.bytes", "-1"))) {
            String servers = broker.bootstrapServers();
            System.out.printf(Locale.ROOT, "Broker %s; %d events over %d queues, %d partitions; %d runs; child heap %s%n",
                    servers, events, queues, partitions, runs, heap);

            String topic = "bench-events";
            fill(servers, topic, events, queues);
            List<Double> reference = new ArrayList<>();
            List<Double> atLeastOnce = new ArrayList<>();
            List<Double> exactlyOnce = new ArrayList<>();
            List<Double> heapSamples = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                reference.add(consumerPerformance(servers, topic, run));
                atLeastOnce.add(monitorRate(servers, topic, events, "at_least_once", run, null));
                long[] heapAtEnd = new long[1];
                exactlyOnce.add(monitorRate(servers, topic, events, "exactly_once_v2", run, heapAtEnd));
                heapSamples.add((double) heapAtEnd[0]);
                System.out.printf(Locale.ROOT, "run %d: ConsumerPerformance %.0f/s, monitor at_least_once %.0f/s,"
                        + " exactly_once_v2 %.0f/s; monitor heap after GC at the end %d MiB%n", run,
                        reference.get(run - 1), atLeastOnce.get(run - 1), exactlyOnce.get(run - 1), heapAtEnd[0] >> 20);
            }

            // Heap after the same queues saw a third of the events, and after many more queues saw all of them.
            String fewerTopic = "bench-events-third";
            fill(servers, fewerTopic, events / 3, queues);
            long[] fewerHeap = new long[1];
            monitorRate(servers, fewerTopic, events / 3, "exactly_once_v2", 1, fewerHeap);
            String manyTopic = "bench-events-many-queues";
            fill(servers, manyTopic, events, manyQueues);
            long[] manyHeap = new long[1];
            double manyRate = monitorRate(servers, manyTopic, events, "exactly_once_v2", 1, manyHeap);

            double[] latency = visibilityLatency(servers);

            double referenceMedian = median(reference);
            System.out.println();
            System.out.println("| measurement | median | ratio to ConsumerPerformance |");
            System.out.println("|---|---|---|");
            System.out.printf(Locale.ROOT, "| ConsumerPerformance, events/s | %.0f | 1 |%n", referenceMedian);
            System.out.printf(Locale.ROOT, "| monitor, at_least_once, events/s | %.0f | %.2f |%n", median(atLeastOnce),
                    median(atLeastOnce) / referenceMedian);
            System.out.printf(Locale.ROOT, "| monitor, exactly_once_v2, events/s | %.0f | %.2f |%n",
                    median(exactlyOnce), median(exactlyOnce) / referenceMedian);
            System.out.printf(Locale.ROOT, "| monitor heap after GC, %d queues, after %d events (one run) | %d MiB | |%n",
                    queues, events / 3, fewerHeap[0] >> 20);
            System.out.printf(Locale.ROOT, "| monitor heap after GC, %d queues, after %d events | %d MiB | |%n", queues,
                    events, median(heapSamples).longValue() >> 20);
            System.out.printf(Locale.ROOT, "| monitor heap after GC, %d queues, after %d events (one run, %.0f events/s)"
                    + " | %d MiB | |%n", manyQueues, events, manyRate, manyHeap[0] >> 20);
            System.out.printf(Locale.ROOT, "| event visible on /metrics, p50 / p99 / max over %d probes | %.0f / %.0f /"
                    + " %.0f ms | |%n", probes, latency[0], latency[1], latency[2]);
            return 0;
        } finally {
            TemporaryDirectories.deleteRecursively(workDirectory);
        }
    }

    /** Writes {@code count} events: for each message enqueued, started and an outcome, one in ten failed. */
    private static void fill(String servers, String topic, int count, int queueCount) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(6), Optional.empty())))
                    .all().get(30, TimeUnit.SECONDS);
        }
        EventCodec codec = new EventCodec();
        long start = System.nanoTime();
        long now = System.currentTimeMillis();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                int message = i / 3;
                String queue = "queue-" + (message % queueCount);
                String id = "m-" + message;
                LifecycleEvent event = switch (i % 3) {
                    case 0 -> LifecycleEvent.enqueued(queue, id, now);
                    case 1 -> LifecycleEvent.started(queue, "group-1", "c-1", id, 1, now + 5, LifecycleEvent.NOT_SET);
                    default -> message % 10 == 0
                            ? LifecycleEvent.failed(queue, "group-1", "c-1", id, 1, now + 30, now, LifecycleEvent.NOT_SET,
                                    now + 5, ErrorCategory.TIMEOUT, false)
                            : LifecycleEvent.completed(queue, "group-1", "c-1", id, 1, now + 30, now,
                                    LifecycleEvent.NOT_SET, now + 5);
                };
                producer.send(new ProducerRecord<>(topic, queue.getBytes(StandardCharsets.UTF_8), codec.encode(event)));
            }
            producer.flush();
        }
        System.out.printf(Locale.ROOT, "Filled %s with %d events over %d queues in %.1f s%n", topic, count, queueCount,
                (System.nanoTime() - start) / 1e9);
    }

    /** Runs Kafka's ConsumerPerformance over the topic and returns its fetch rate, events per second. */
    private double consumerPerformance(String servers, String topic, int run) throws Exception {
        Path log = workDirectory.resolve("consumer-performance-" + topic + "-" + run + ".log");
        try (ChildJvm child = ChildJvm.start(heap, log, "org.apache.kafka.tools.ConsumerPerformance", List.of(
                "--bootstrap-server", servers, "--topic", topic, "--messages", Integer.toString(events),
                "--group", "consumer-performance-" + run + "-" + System.nanoTime(), "--timeout", "120000"))) {
            int exit = child.waitFor(600);
            List<String> lines = Files.readAllLines(log);
            if (exit != 0) {
                throw new IllegalStateException("ConsumerPerformance failed with exit code " + exit + ": " + lines);
            }
            // Columns: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
            // rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec; the fetch rate leaves out the rebalance.
            for (int i = lines.size() - 1; i >= 0; i--) {
                String[] columns = lines.get(i).split(",\\s*");
                if (columns.length == 10 && columns[9].matches("[0-9.]+")) {
                    return Double.parseDouble(columns[9]);
                }
            }
            throw new IllegalStateException("No result line in the output of ConsumerPerformance: " + log);
        }
    }

    /**
     * Runs the monitor over the topic's {@code expected} events in a child JVM and returns its rate,
     * from the first event it counts to the last, so that start-up and the first rebalance are left
     * out like in ConsumerPerformance's fetch rate. When {@code heapAtEnd} is given, it receives the
     * used heap after a full GC once every event is consumed.
     */
    private double monitorRate(String servers, String topic, int expected, String guarantee, int run,
            long[] heapAtEnd) throws Exception {
        int port = MetricsEndpoint.freePort();
        Path log = workDirectory.resolve("monitor-" + topic + "-" + guarantee + "-" + run + ".log");
        try (ChildJvm monitor = ChildJvm.start(heap, log, "dev.lagwatch.monitor.cli.MonitorCommand", List.of(
                "--bootstrap-servers", servers, "--events-topic", topic,
                "--application-id", "bench-" + guarantee.replace('_', '-') + "-" + run + "-" + System.nanoTime(),
                "--processing-guarantee", guarantee, "--state-dir", workDirectory.resolve("state-" + run).toString(),
                "--metrics-host", "127.0.0.1", "--metrics-port", Integer.toString(port)))) {
            long firstSeenNanos = 0;
            double firstCount = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (System.nanoTime() < deadline) {
                if (!monitor.isAlive()) {
                    throw new IllegalStateException("The monitor exited; see " + log);
                }
                double consumed = consumedCount(port);
                long now = System.nanoTime();
                if (consumed > 0 && firstSeenNanos == 0) {
                    firstSeenNanos = now;
                    firstCount = consumed;
                }
                if (consumed >= expected) {
                    double rate = (consumed - firstCount) / ((now - firstSeenNanos) / 1e9);
                    if (heapAtEnd != null) {
                        // Let the publish interval pass so the heap contains the final snapshots.
                        TimeUnit.SECONDS.sleep(1);
                        heapAtEnd[0] = monitor.usedHeapAfterGc();
                    }
                    return rate;
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
            throw new IllegalStateException("The monitor did not consume " + expected + " events within 10 minutes");
        }
    }

    /**
     * Under the demo's load, records one probe event every 100 ms and measures how long it takes to
     * appear on /metrics, scraping every 5 ms. Returns p50, p99 and the maximum in milliseconds.
     */
    private double[] visibilityLatency(String servers) throws Exception {
        int port = MetricsEndpoint.freePort();
        Path log = workDirectory.resolve("monitor-latency.log");
        try (ChildJvm monitor = ChildJvm.start(heap, log, "dev.lagwatch.monitor.cli.MonitorCommand", List.of(
                "--bootstrap-servers", servers, "--application-id", "bench-latency",
                "--state-dir", workDirectory.resolve("state-latency").toString(),
                "--metrics-host", "127.0.0.1", "--metrics-port", Integer.toString(port)));
                DemoRun load = new DemoRun(servers, Map.of(), "lagwatch.events", DemoScenario.queues(0));
                LifecycleRecorder probeRecorder = LifecycleRecorder.builder().bootstrapServers(servers).build()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (enqueuedCount(port, DemoScenario.HEALTHY) <= 0 || load.ledger().queueNames().isEmpty()) {
                if (System.nanoTime() > deadline || !monitor.isAlive()) {
                    throw new IllegalStateException("The monitor did not start serving the demo load; see " + log);
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            double[] latencies = new double[probes];
            for (int i = 0; i < probes; i++) {
                double before = enqueuedCount(port, "latency-probe");
                long sentAt = System.nanoTime();
                probeRecorder.enqueued("latency-probe", "probe-" + i);
                while (enqueuedCount(port, "latency-probe") <= Math.max(before, 0)) {
                    if (System.nanoTime() - sentAt > TimeUnit.SECONDS.toNanos(30)) {
                        throw new IllegalStateException("Probe " + i + " did not appear within 30 s");
                    }
                    TimeUnit.MILLISECONDS.sleep(5);
                }
                latencies[i] = (System.nanoTime() - sentAt) / 1e6;
                TimeUnit.MILLISECONDS.sleep(100);
            }
            Arrays.sort(latencies);
            return new double[] {latencies[(int) Math.ceil(0.5 * probes) - 1],
                    latencies[(int) Math.ceil(0.99 * probes) - 1], latencies[probes - 1]};
        }
    }

    private static double consumedCount(int port) {
        return metricValue(port, "lagwatch_events_consumed_total", "lagwatch_events_consumed_total ");
    }

    private static double enqueuedCount(int port, String queue) {
        return metricValue(port, "messaging_messages_enqueued_total",
                "messaging_messages_enqueued_total{queue=\"" + queue + "\"} ");
    }

    private static double metricValue(int port, String family, String prefix) {
        return MetricsEndpoint.value(port, family, prefix);
    }

    private static Double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    public static void main(String[] args) throws IOException {
        System.exit(new CommandLine(new ThroughputHarness()).execute(args));
    }
}
