package dev.lagwatch.monitor.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

import dev.lagwatch.monitor.Monitor;
import dev.lagwatch.monitor.MonitorConfig;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import dev.lagwatch.monitor.testing.FreePort;
import dev.lagwatch.monitor.testing.Promtool;
import dev.lagwatch.monitor.metrics.Scrape;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offset lag and time lag of consumer groups that use no lagwatch code, on a real broker. Plain
 * offsets are checked against Kafka's own {@code kafka-consumer-groups --describe}; the cases where
 * that tool is known to be wrong (transaction markers, retention) against hand-computed values.
 */
class OffsetLagIT {

    private static EmbeddedKafkaBroker broker;
    private static Monitor monitor;
    private static Admin admin;
    private static int metricsPort;

    @TempDir
    static Path stateDirectory;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
        metricsPort = FreePort.find();
        monitor = Monitor.start(MonitorConfig.builder()
                .bootstrapServers(broker.bootstrapServers())
                .applicationId("offset-lag-it")
                .eventsTopicPartitions(1)
                .stateDirectory(stateDirectory)
                .metricsHost("127.0.0.1")
                .metricsPort(metricsPort)
                .offsetPollInterval(Duration.ofSeconds(1))
                .clusterName("it")
                .build());
    }

    @AfterAll
    static void stop() {
        if (monitor != null) {
            monitor.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static void createTopic(String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    private static KafkaProducer<String, String> producer(String transactionalId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        if (transactionalId != null) {
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    /** Writes {@code count} records to one partition, stamped {@code timestamp} (null for now). */
    private static void produce(String topic, int partition, int count, Long timestamp) throws Exception {
        try (KafkaProducer<String, String> producer = producer(null)) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, partition, timestamp, null, "r-" + i));
            }
            producer.flush();
        }
    }

    /** Commits offsets for a group the way a consumer does, then leaves, so the group has no members. */
    private static void commit(String group, Map<TopicPartition, Long> offsets) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
            offsets.forEach((partition, offset) -> commits.put(partition, new OffsetAndMetadata(offset)));
            consumer.commitSync(commits);
        }
    }

    private static Scrape scrape() {
        return Scrape.of(metricsPort);
    }

    private static double lag(String group, String topic, int partition) {
        return scrape().value("kafka_consumergroup_group_lag", "cluster_name", "it", "group", group, "topic", topic,
                "partition", Integer.toString(partition));
    }

    /** Rows of {@code kafka-consumer-groups --describe}, run in its own JVM as an operator would. */
    private static List<String[]> describeWithKafkaTool(String group) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
                "--bootstrap-server", broker.bootstrapServers(), "--describe", "--group", group)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("kafka-consumer-groups exits").isTrue();
        List<String[]> rows = new ArrayList<>();
        for (String line : output.split("\n")) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length >= 6 && columns[0].equals(group)) {
                rows.add(columns);
            }
        }
        return rows;
    }

    /**
     * Compares the committed offset, lag and log end of every partition that
     * {@code kafka-consumer-groups --describe} lists for {@code group} with the monitor's series,
     * and returns how many partitions it listed.
     */
    private static int assertMatchesKafkaTool(String group) throws Exception {
        List<String[]> rows = describeWithKafkaTool(group);
        Scrape scrape = scrape();
        for (String[] row : rows) {
            // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG ...
            String[] labels = {"group", group, "topic", row[1], "partition", row[2]};
            assertThat(scrape.value("kafka_consumergroup_group_offset", labels)).as("offset of %s", row[2])
                    .isEqualTo(Double.parseDouble(row[3]));
            assertThat(scrape.value("kafka_consumergroup_group_lag", labels)).as("lag of %s", row[2])
                    .isEqualTo(Double.parseDouble(row[5]));
            assertThat(scrape.value("kafka_partition_latest_offset", "topic", row[1], "partition", row[2]))
                    .as("log end of %s", row[2]).isEqualTo(Double.parseDouble(row[4]));
        }
        return rows.size();
    }

    @Test
    void plainOffsetsMatchKafkaConsumerGroups() throws Exception {
        String topic = "orders";
        createTopic(topic, 3);
        long stamped = System.currentTimeMillis() - 30_000;
        produce(topic, 0, 100, stamped);
        produce(topic, 1, 50, null);
        commit("billing", Map.of(new TopicPartition(topic, 0), 60L, new TopicPartition(topic, 1), 50L));

        await("offset lag of billing").atMost(Duration.ofSeconds(30))
                .until(() -> lag("billing", topic, 0) == 40 && lag("billing", topic, 1) == 0);

        assertThat(assertMatchesKafkaTool("billing")).isEqualTo(2);
        Scrape scrape = scrape();
        assertThat(scrape.value("kafka_consumergroup_group_sum_lag", "group", "billing")).isEqualTo(40);
        assertThat(scrape.value("kafka_consumergroup_group_max_lag", "group", "billing")).isEqualTo(40);
        assertThat(scrape.value("kafka_consumergroup_group_topic_sum_lag", "group", "billing", "topic", topic))
                .isEqualTo(40);
        double expectedAge = (System.currentTimeMillis() - stamped) / 1000.0;
        assertThat(scrape.value("kafka_consumergroup_group_lag_seconds", "group", "billing", "partition", "0"))
                .isCloseTo(expectedAge, within(5.0));
        assertThat(scrape.value("kafka_consumergroup_group_lag_seconds", "group", "billing", "partition", "1"))
                .isZero();
        assertThat(scrape.value("kafka_consumergroup_group_offset", "group", "billing", "partition", "0",
                "member_host", "unknown")).isEqualTo(60);
        assertThat(scrape.value("lagwatch_consumergroup_state", "group", "billing", "state", "Empty")).isEqualTo(1);
        assertThat(scrape.value("lagwatch_consumergroup_members", "group", "billing")).isZero();
        assertThat(scrape.find("kafka_consumergroup_group_lag", "group", "offset-lag-it")).isEmpty();
        assertThat(Promtool.findingsBesidesTargetInfo(scrape.text())).as("promtool findings").isEmpty();
    }

    @Test
    void transactionMarkersAreNotLag() throws Exception {
        String committedTopic = "payments";
        String abortedTopic = "refunds";
        createTopic(committedTopic, 1);
        createTopic(abortedTopic, 1);
        try (KafkaProducer<String, String> producer = producer("offset-lag-it-tx")) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(committedTopic, 0, null, "p-" + i));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(abortedTopic, 0, null, "aborted"));
            producer.flush();
            producer.abortTransaction();
        }
        // Records 0-9 and the commit marker at 10: the group read all ten and committed 10.
        commit("ledger", Map.of(new TopicPartition(committedTopic, 0), 10L));
        // An aborted record at 0 and the abort marker at 1: the group has nothing to read.
        commit("audit", Map.of(new TopicPartition(abortedTopic, 0), 0L));

        await("transactional partitions polled").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(scrape().value("kafka_partition_latest_offset", "topic", committedTopic)).isEqualTo(11);
            assertThat(scrape().value("kafka_partition_latest_offset", "topic", abortedTopic)).isEqualTo(2);
            assertThat(lag("ledger", committedTopic, 0)).isZero();
            assertThat(lag("audit", abortedTopic, 0)).isZero();
        });
        Scrape scrape = scrape();
        assertThat(scrape.value("kafka_consumergroup_group_lag_seconds", "group", "ledger")).isZero();
        assertThat(scrape.value("kafka_consumergroup_group_lag_seconds", "group", "audit")).isZero();
    }

    @Test
    void retentionBelowCommittedIsDataLoss() throws Exception {
        String topic = "clicks";
        createTopic(topic, 1);
        produce(topic, 0, 100, null);
        commit("slow", Map.of(new TopicPartition(topic, 0), 10L));
        // What retention does: the log now starts at 80.
        admin.deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(80)))
                .all().get(30, TimeUnit.SECONDS);

        await("data loss reported").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Scrape scrape = scrape();
            assertThat(scrape.value("kafka_partition_earliest_offset", "topic", topic)).isEqualTo(80);
            assertThat(scrape.value("kafka_consumergroup_group_lag", "group", "slow")).isEqualTo(20);
            assertThat(scrape.value("kafka_consumergroup_group_messages_lost", "group", "slow")).isEqualTo(70);
            assertThat(scrape.value("lagwatch_offset_partition_condition", "group", "slow", "condition", "data_loss"))
                    .isEqualTo(1);
        });
    }

    @Test
    void seriesFollowGroupsTopicsAndPartitions() throws Exception {
        String topic = "shipments";
        createTopic(topic, 1);
        produce(topic, 0, 10, null);
        commit("shipping", Map.of(new TopicPartition(topic, 0), 10L));
        await("caught-up group").atMost(Duration.ofSeconds(30)).until(() -> lag("shipping", topic, 0) == 0);

        // Its members are gone, the producer goes on: the lag keeps being reported and grows.
        produce(topic, 0, 25, null);
        await("lag of a group without members grows").atMost(Duration.ofSeconds(30))
                .until(() -> lag("shipping", topic, 0) == 25);

        admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(2))).all().get(30, TimeUnit.SECONDS);
        produce(topic, 1, 5, null);
        commit("shipping", Map.of(new TopicPartition(topic, 1), 0L));
        await("added partition appears").atMost(Duration.ofSeconds(30))
                .until(() -> lag("shipping", topic, 1) == 5);

        admin.deleteConsumerGroups(List.of("shipping")).all().get(30, TimeUnit.SECONDS);
        await("deleted group disappears").atMost(Duration.ofSeconds(30))
                .until(() -> scrape().find("kafka_consumergroup_group_lag", "group", "shipping").isEmpty()
                        && scrape().find("lagwatch_consumergroup_state", "group", "shipping").isEmpty());

        admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        await("deleted topic disappears").atMost(Duration.ofSeconds(30))
                .until(() -> scrape().find("kafka_partition_latest_offset", "topic", topic).isEmpty());
    }

    /** An ephemeral application's group stays after it stopped, and then its topic is deleted. */
    @Test
    void groupOfDeletedTopicDisappears() throws Exception {
        String topic = "test-run-events";
        createTopic(topic, 1);
        produce(topic, 0, 10, null);
        commit("test-run-7", Map.of(new TopicPartition(topic, 0), 4L));
        await("the stopped group is measured").atMost(Duration.ofSeconds(30))
                .until(() -> lag("test-run-7", topic, 0) == 6);

        admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);

        await("the group and its topic disappear").atMost(Duration.ofSeconds(60)).until(() -> {
            Scrape scrape = scrape();
            return scrape.find("kafka_consumergroup_group_lag", "group", "test-run-7").isEmpty()
                    && scrape.find("lagwatch_consumergroup_state", "group", "test-run-7").isEmpty()
                    && scrape.find("kafka_partition_latest_offset", "topic", topic).isEmpty();
        });
        assertThat(scrape().value("lagwatch_offset_polls_total", "result", "failure")).as("failed polls").isZero();
    }

    @Test
    void recreatedTopicStartsFromItsOwnOffsets() throws Exception {
        String topic = "invoices";
        createTopic(topic, 1);
        produce(topic, 0, 100, null);
        commit("invoicing", Map.of(new TopicPartition(topic, 0), 100L));
        await("first topic polled").atMost(Duration.ofSeconds(30)).until(() -> lag("invoicing", topic, 0) == 0);

        admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        await("topic deleted").atMost(Duration.ofSeconds(30))
                .until(() -> !admin.listTopics().names().get().contains(topic));
        createTopic(topic, 1);
        produce(topic, 0, 20, System.currentTimeMillis() - 60_000);
        commit("invoicing", Map.of(new TopicPartition(topic, 0), 20L));

        await("recreated topic polled").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(scrape().value("kafka_partition_latest_offset", "topic", topic)).isEqualTo(20);
            assertThat(lag("invoicing", topic, 0)).isZero();
            assertThat(scrape().value("kafka_consumergroup_group_lag_seconds", "group", "invoicing")).isZero();
        });
    }

    @Test
    void futureTimestampsGiveZeroTimeLag() throws Exception {
        String topic = "forecasts";
        createTopic(topic, 1);
        // A producer whose clock is ten minutes ahead.
        produce(topic, 0, 5, System.currentTimeMillis() + Duration.ofMinutes(10).toMillis());
        commit("forecasting", Map.of(new TopicPartition(topic, 0), 0L));

        await("future record read").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Scrape scrape = scrape();
            assertThat(scrape.value("kafka_consumergroup_group_lag", "group", "forecasting")).isEqualTo(5);
            assertThat(scrape.value("kafka_consumergroup_group_lag_seconds", "group", "forecasting")).isZero();
            assertThat(scrape.value("lagwatch_offset_timestamps_invalid_total", "reason", "future"))
                    .isGreaterThanOrEqualTo(1);
        });
    }

    @Test
    void timeLagTracksGroupThenZero() throws Exception {
        String topic = "reports";
        createTopic(topic, 1);
        // Forty records written 30 s ago; the group has read ten of them.
        long writtenAt = System.currentTimeMillis() - 30_000;
        produce(topic, 0, 40, writtenAt);
        commit("reporting", Map.of(new TopicPartition(topic, 0), 10L));

        await("group 30 s behind").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            double expected = (System.currentTimeMillis() - writtenAt) / 1000.0;
            assertThat(scrape().value("kafka_consumergroup_group_lag_seconds", "group", "reporting"))
                    .isCloseTo(expected, within(3.0));
            assertThat(scrape().value("kafka_consumergroup_group_max_lag_seconds", "group", "reporting"))
                    .isCloseTo(expected, within(3.0));
        });

        // The group catches up and the producer stays idle: 0 within one poll, and it stays 0.
        commit("reporting", Map.of(new TopicPartition(topic, 0), 40L));
        await("caught up").atMost(Duration.ofSeconds(3))
                .until(() -> scrape().value("kafka_consumergroup_group_lag_seconds", "group", "reporting") == 0);
        await("still 0 while idle").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> scrape().value("kafka_consumergroup_group_lag_seconds", "group", "reporting") == 0);
    }

    @Test
    void committedBeyondEndIsCondition() throws Exception {
        String topic = "ledger-entries";
        createTopic(topic, 1);
        produce(topic, 0, 100, null);
        // What a truncated log leaves behind: a committed offset above the high watermark.
        commit("reconciler", Map.of(new TopicPartition(topic, 0), 5_000L));

        await("truncation reported").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Scrape scrape = scrape();
            assertThat(scrape.value("kafka_consumergroup_group_lag", "group", "reconciler")).isZero();
            assertThat(scrape.value("lagwatch_offset_partition_condition", "group", "reconciler", "condition",
                    "offset_beyond_end")).isEqualTo(1);
        });
    }

    @Test
    void assignedPartitionWithoutCommitHasNoLagSample() throws Exception {
        String topic = "mirror-source";
        createTopic(topic, 1);
        produce(topic, 0, 30, null);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "mirror");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await("member joined with an assignment").atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100));
                return !consumer.assignment().isEmpty();
            });

            await("no committed offset reported").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                consumer.poll(Duration.ZERO);
                Scrape scrape = scrape();
                assertThat(scrape.value("lagwatch_offset_partition_condition", "group", "mirror", "condition",
                        "no_committed_offset")).isEqualTo(1);
                assertThat(scrape.find("kafka_consumergroup_group_lag", "group", "mirror")).isEmpty();
                assertThat(scrape.find("kafka_consumergroup_group_sum_lag", "group", "mirror"))
                        .as("no 0 that would read as caught up").isEmpty();
                assertThat(scrape.find("kafka_consumergroup_group_max_lag", "group", "mirror")).isEmpty();
                assertThat(scrape.value("lagwatch_consumergroup_members", "group", "mirror")).isEqualTo(1);
                assertThat(scrape.value("lagwatch_consumergroup_state", "group", "mirror", "state", "Stable"))
                        .isEqualTo(1);
            });
        }
    }

    @Test
    void zeroTimestampGivesNoTimeLag() throws Exception {
        String topic = "legacy";
        createTopic(topic, 1);
        // A producer that sets no time of its own; -1 cannot be sent by the Java client, 0 can.
        produce(topic, 0, 3, 0L);
        commit("legacy-readers", Map.of(new TopicPartition(topic, 0), 0L));

        await("zero timestamp counted").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Scrape scrape = scrape();
            assertThat(scrape.value("kafka_consumergroup_group_lag", "group", "legacy-readers")).isEqualTo(3);
            assertThat(scrape.find("kafka_consumergroup_group_lag_seconds", "group", "legacy-readers")).isEmpty();
            assertThat(scrape.value("lagwatch_offset_timestamps_invalid_total", "reason", "missing"))
                    .isGreaterThanOrEqualTo(1);
        });
    }

    @Test
    void streamsInternalTopicsAreLeftOut() throws Exception {
        createTopic("enricher-store-changelog", 1);
        createTopic("enricher-by-key-repartition", 1);
        createTopic("enricher-input", 1);
        produce("enricher-store-changelog", 0, 5, null);
        produce("enricher-by-key-repartition", 0, 5, null);
        produce("enricher-input", 0, 5, null);
        commit("enricher", Map.of(new TopicPartition("enricher-store-changelog", 0), 0L,
                new TopicPartition("enricher-by-key-repartition", 0), 0L,
                new TopicPartition("enricher-input", 0), 0L));

        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "store-restorer");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> restorer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            // A live group that reads nothing but a changelog topic.
            restorer.subscribe(List.of("enricher-store-changelog"));
            await("restorer assigned").atMost(Duration.ofSeconds(30)).until(() -> {
                restorer.poll(Duration.ofMillis(100));
                return !restorer.assignment().isEmpty();
            });

            await("only the input topic measured").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                restorer.poll(Duration.ZERO);
                Scrape scrape = scrape();
                assertThat(scrape.value("kafka_consumergroup_group_lag", "group", "enricher", "topic",
                        "enricher-input")).isEqualTo(5);
                assertThat(scrape.find("kafka_consumergroup_group_lag", "group", "enricher")).hasSize(1);
                assertThat(scrape.find("kafka_partition_latest_offset", "topic", "enricher-store-changelog"))
                        .isEmpty();
            });
            await("no series for a group of left-out topics").during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(4)).until(() -> {
                        restorer.poll(Duration.ZERO);
                        Scrape scrape = scrape();
                        return scrape.samples().stream().noneMatch(sample -> sample.has("group", "store-restorer"));
                    });
        }
    }

    @Test
    void kcatGroupMatchesKafkaConsumerGroups() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/kcat")), "kcat is not installed (apt-get install kcat)");
        String topic = "tickets";
        createTopic(topic, 2);
        produce(topic, 0, 30, null);
        produce(topic, 1, 20, null);
        // librdkafka's balanced consumer reads 35 records, commits what it read on close, and exits.
        Process kcat = new ProcessBuilder("kcat", "-b", broker.bootstrapServers(), "-G", "kcat-readers",
                "-X", "auto.offset.reset=earliest", "-c", "35", "-q", topic)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(kcat.waitFor(60, TimeUnit.SECONDS)).as("kcat exits").isTrue();

        await("kcat group polled").atMost(Duration.ofSeconds(30))
                .until(() -> scrape().value("kafka_consumergroup_group_sum_lag", "group", "kcat-readers") == 15);
        assertThat(assertMatchesKafkaTool("kcat-readers")).isEqualTo(2);
    }

    @Test
    void backwardCommitIsCounted() throws Exception {
        String topic = "audit-log";
        createTopic(topic, 1);
        produce(topic, 0, 3, null);
        // The partition's new owner read everything and committed 3.
        commit("auditors", Map.of(new TopicPartition(topic, 0), 3L));
        await("caught up").atMost(Duration.ofSeconds(30)).until(() -> lag("auditors", topic, 0) == 0);

        // The previous owner finishes late and commits its older position.
        commit("auditors", Map.of(new TopicPartition(topic, 0), 2L));

        await("backward commit counted").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Scrape scrape = scrape();
            assertThat(scrape.value("lagwatch_offset_commits_backward_total", "group", "auditors", "topic", topic))
                    .isEqualTo(1);
            assertThat(lag("auditors", topic, 0)).isEqualTo(1);
        });
    }

    @Test
    void lagNeverNegativeWhileGroupCommits() throws Exception {
        String topic = "ticks";
        createTopic(topic, 4);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread producing = new Thread(() -> {
            try (KafkaProducer<String, String> producer = producer(null)) {
                while (running.get()) {
                    producer.send(new ProducerRecord<>(topic, "tick"));
                    Thread.sleep(2);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "tick-readers");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        producing.start();
        List<Double> lags = new ArrayList<>();
        int beyondEnd = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            // The group keeps up and commits after every poll, so its commits race the monitor's reads.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            long nextScrape = 0;
            while (System.nanoTime() < deadline) {
                if (!consumer.poll(Duration.ofMillis(20)).isEmpty()) {
                    consumer.commitSync();
                }
                if (System.nanoTime() > nextScrape) {
                    Scrape scrape = scrape();
                    scrape.find("kafka_consumergroup_group_lag", "group", "tick-readers")
                            .forEach(sample -> lags.add(sample.value()));
                    beyondEnd += scrape.find("lagwatch_offset_partition_condition", "group", "tick-readers",
                            "condition", "offset_beyond_end").size();
                    nextScrape = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(250);
                }
            }
        } finally {
            running.set(false);
            producing.join(10_000);
        }

        assertThat(lags).as("lag samples").isNotEmpty().allSatisfy(lag -> assertThat(lag).isNotNegative());
        assertThat(beyondEnd).as("partitions reported beyond the end").isZero();
    }
}
