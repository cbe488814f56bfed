package dev.lagwatch.bench;

import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import dev.lagwatch.monitor.embedded.TemporaryDirectories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures the monitor's offset poller on a large cluster: how long a poll of every consumer group
 * takes, how many partitions get a time lag in each poll, and the monitor's heap. The broker runs
 * in this JVM, the monitor in a child JVM.
 *
 * <p>Every group lags on every partition it has offsets for, so the first poll has to read the
 * first unconsumed record of every partition: the worst case for time lag.
 */
@Command(name = "offset-poll-harness", mixinStandardHelpOptions = true,
        description = "Poll time and heap of the lagwatch offset poller with many groups and partitions.")
public final class OffsetPollHarness implements Callable<Integer> {

    @Option(names = "--topics", defaultValue = "100", description = "Topics (default: ${DEFAULT-VALUE}).")
    int topics;

    @Option(names = "--partitions", defaultValue = "100", description = "Partitions per topic (default: ${DEFAULT-VALUE}).")
    int partitionsPerTopic;

    @Option(names = "--groups", defaultValue = "1000", description = "Consumer groups (default: ${DEFAULT-VALUE}).")
    int groups;

    @Option(names = "--records", defaultValue = "10", description = "Records per partition (default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--polls", defaultValue = "6", description = "Polls to measure (default: ${DEFAULT-VALUE}).")
    int polls;

    @Option(names = "--interval", defaultValue = "10s", description = "Poll interval of the monitor (default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--heap", defaultValue = "1g", description = "Heap of the monitor's JVM (default: ${DEFAULT-VALUE}).")
    String heap;

    private final Path workDirectory = Files.createTempDirectory("lagwatch-offset-bench-");

    public OffsetPollHarness() throws IOException {
    }

    @Override
    public Integer call() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            String servers = broker.bootstrapServers();
            long start = System.nanoTime();
            int groupPartitions = fill(servers);
            System.out.printf(Locale.ROOT, "%d topics x %d partitions, %d records each, %d groups over %d"
                    + " group-partitions, set up in %.0f s%n", topics, partitionsPerTopic, records, groups,
                    groupPartitions, (System.nanoTime() - start) / 1e9);
            measure(servers);
            return 0;
        } finally {
            TemporaryDirectories.deleteRecursively(workDirectory);
        }
    }

    /**
     * Creates the topics, writes the records and commits each group's offsets halfway through its
     * partitions. Groups are spread evenly: each gets {@code partitions / groups} consecutive ones.
     */
    private int fill(String servers) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 600_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 300_000))) {
            List<NewTopic> newTopics = new ArrayList<>();
            for (int t = 0; t < topics; t++) {
                newTopics.add(new NewTopic(topic(t), partitionsPerTopic, (short) 1));
            }
            for (int from = 0; from < newTopics.size(); from += 10) {
                admin.createTopics(newTopics.subList(from, Math.min(from + 10, newTopics.size()))).all()
                        .get(10, TimeUnit.MINUTES);
            }
            awaitTopicsKnown(admin, newTopics.stream().map(NewTopic::name).toList());
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                    ProducerConfig.LINGER_MS_CONFIG, 50), new ByteArraySerializer(), new ByteArraySerializer())) {
                byte[] value = new byte[100];
                long writtenAt = System.currentTimeMillis() - 60_000;
                for (int t = 0; t < topics; t++) {
                    for (int p = 0; p < partitionsPerTopic; p++) {
                        for (int r = 0; r < records; r++) {
                            producer.send(new ProducerRecord<>(topic(t), p, writtenAt, null, value));
                        }
                    }
                }
                producer.flush();
            }
            int total = topics * partitionsPerTopic;
            int perGroup = Math.max(1, total / groups);
            int groupPartitions = 0;
            for (int g = 0; g < groups; g++) {
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (int i = 0; i < perGroup; i++) {
                    int index = (g * perGroup + i) % total;
                    offsets.put(new TopicPartition(topic(index / partitionsPerTopic), index % partitionsPerTopic),
                            new OffsetAndMetadata(records / 2));
                }
                admin.alterConsumerGroupOffsets("bench-group-" + g, offsets).all().get(60, TimeUnit.SECONDS);
                groupPartitions += offsets.size();
            }
            return groupPartitions;
        }
    }

    /** Waits until the broker describes every topic: it applies new partitions a few thousand per second. */
    private static void awaitTopicsKnown(Admin admin, List<String> names) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (true) {
            int known = 0;
            for (var description : admin.describeTopics(names).topicNameValues().values()) {
                try {
                    description.get(60, TimeUnit.SECONDS);
                    known++;
                } catch (ExecutionException e) {
                    // Not applied by the broker yet.
                }
            }
            if (known == names.size()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Only " + known + " of " + names.size() + " topics known after 10 min");
            }
            Thread.sleep(2_000);
        }
    }

    private static String topic(int index) {
        return String.format(Locale.ROOT, "bench-topic-%03d", index);
    }

    private void measure(String servers) throws Exception {
        int port = MetricsEndpoint.freePort();
        Path log = workDirectory.resolve("monitor.log");
        try (ChildJvm monitor = ChildJvm.start(heap, log, "dev.lagwatch.monitor.cli.MonitorCommand", List.of(
                "--bootstrap-servers", servers, "--application-id", "offset-bench-monitor",
                "--events-partitions", "1",
                "--state-dir", workDirectory.resolve("state").toString(),
                "--metrics-host", "127.0.0.1", "--metrics-port", Integer.toString(port),
                "--offset-poll-interval", interval))) {
            double seen = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
            List<Double> durations = new ArrayList<>();
            while (durations.size() < polls && System.nanoTime() < deadline) {
                if (!monitor.isAlive()) {
                    throw new IllegalStateException("The monitor exited; see " + log);
                }
                double succeeded = MetricsEndpoint.value(port, "lagwatch_offset_polls_total",
                        "lagwatch_offset_polls_total{cluster_name=\"kafka\",result=\"success\"} ");
                if (succeeded > seen) {
                    seen = succeeded;
                    double duration = MetricsEndpoint.value(port, "lagwatch_offset_poll_duration_seconds",
                            "lagwatch_offset_poll_duration_seconds{cluster_name=\"kafka\"} ");
                    long scrapeStart = System.nanoTime();
                    String all = MetricsEndpoint.scrape(port, null);
                    double scrapeSeconds = (System.nanoTime() - scrapeStart) / 1e9;
                    long timeLags = all.lines().filter(l -> l.startsWith("kafka_consumergroup_group_lag_seconds{"))
                            .count();
                    long lags = all.lines().filter(l -> l.startsWith("kafka_consumergroup_group_lag{")).count();
                    long groupCount = all.lines().filter(l -> l.startsWith("lagwatch_consumergroup_state{")).count();
                    long partitionCount = all.lines().filter(l -> l.startsWith("kafka_partition_latest_offset{"))
                            .count();
                    durations.add(duration);
                    System.out.printf(Locale.ROOT, "| %d | %.2f s | %d | %d | %d | %d | %.2f s | %d KiB |%n",
                            durations.size(), duration, groupCount, partitionCount, lags, timeLags, scrapeSeconds,
                            all.length() >> 10);
                }
                Thread.sleep(200);
            }
            Files.readAllLines(log).stream().filter(line -> line.contains("First offset poll")).findFirst()
                    .ifPresent(System.out::println);
            long heapUsed = monitor.usedHeapAfterGc();
            System.out.printf(Locale.ROOT, "Monitor heap after a full GC: %d MiB (child JVM -Xmx%s)%n", heapUsed >> 20,
                    heap);
            List<Double> steady = durations.subList(1, durations.size()).stream().sorted().toList();
            if (!steady.isEmpty()) {
                System.out.printf(Locale.ROOT, "First poll %.2f s; median of the later polls %.2f s%n",
                        durations.get(0), steady.get(steady.size() / 2));
            }
        }
    }

    public static void main(String[] args) throws IOException {
        System.exit(new CommandLine(new OffsetPollHarness()).execute(args));
    }
}
