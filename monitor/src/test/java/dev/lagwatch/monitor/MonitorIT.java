package dev.lagwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.client.event.ErrorCategory;
import dev.lagwatch.client.event.LifecycleEvent;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import dev.lagwatch.monitor.testing.FreePort;
import dev.lagwatch.monitor.testing.Promtool;
import dev.lagwatch.monitor.metrics.Scrape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor on a real broker, fed hand-written events whose metric values are computed by hand
 * below, and scraped over HTTP.
 */
class MonitorIT {

    /**
     * A minute ago. Events keep their own timestamps as record timestamps, so events stamped long
     * ago would be deleted by the topic's retention (7 days) at the broker's first retention check.
     */
    private static final long T0 = System.currentTimeMillis() - 60_000;

    private static EmbeddedKafkaBroker broker;
    private static Monitor monitor;
    private static int metricsPort;

    @TempDir
    static Path stateDirectory;

    @BeforeAll
    static void startMonitor() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        metricsPort = FreePort.find();
        monitor = Monitor.start(MonitorConfig.builder()
                .bootstrapServers(broker.bootstrapServers())
                .applicationId("monitor-it")
                .eventsTopicPartitions(3)
                .stateDirectory(stateDirectory)
                .metricsHost("127.0.0.1")
                .metricsPort(metricsPort)
                .build());
        assertThat(monitor.awaitRunning(Duration.ofSeconds(60))).as("monitor reaches RUNNING").isTrue();
    }

    @AfterAll
    static void stop() {
        if (monitor != null) {
            monitor.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void handWrittenEventsGiveHandComputedMetrics() {
        try (LifecycleRecorder recorder = LifecycleRecorder.builder()
                .bootstrapServers(broker.bootstrapServers())
                .build()) {
            for (int i = 1; i <= 4; i++) {
                recorder.enqueued("it-orders", "m-" + i, T0);
            }
            // m-1 completes: waited 40 ms, processed 120 ms, end to end 160 ms.
            recorder.record(LifecycleEvent.started("it-orders", "billing", "c-1", "m-1", 1, T0 + 40,
                    LifecycleEvent.NOT_SET));
            recorder.record(LifecycleEvent.completed("it-orders", "billing", "c-1", "m-1", 1, T0 + 160, T0,
                    LifecycleEvent.NOT_SET, T0 + 40));
            // m-2 times out, is retried 500 ms later, then fails for good with a validation error.
            recorder.record(LifecycleEvent.started("it-orders", "billing", "c-1", "m-2", 1, T0 + 1_000,
                    LifecycleEvent.NOT_SET));
            recorder.record(LifecycleEvent.started("it-orders", "billing", "c-1", "m-2", 2, T0 + 2_550,
                    T0 + 2_500));
            recorder.record(LifecycleEvent.failed("it-orders", "billing", "c-1", "m-2", 1, T0 + 2_000, T0,
                    LifecycleEvent.NOT_SET, T0 + 1_000, ErrorCategory.TIMEOUT, true));
            recorder.record(LifecycleEvent.failed("it-orders", "billing", "c-1", "m-2", 2, T0 + 2_600, T0,
                    T0 + 2_500, T0 + 2_550, ErrorCategory.VALIDATION, false));
            // m-3 is in flight; m-4 waits.
            recorder.record(LifecycleEvent.started("it-orders", "billing", "c-1", "m-3", 1, T0 + 3_000,
                    LifecycleEvent.NOT_SET));
        }

        await("monitor publishes every event of it-orders").atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(Scrape.of(metricsPort)
                        .value("messaging_messages_processed_total", "queue", "it-orders", "status", "failure"))
                        .isEqualTo(2.0));
        Scrape scrape = Scrape.of(metricsPort);

        assertThat(scrape.value("messaging_messages_enqueued_total", "queue", "it-orders")).isEqualTo(4);
        assertThat(scrape.value("messaging_queue_depth", "queue", "it-orders")).isEqualTo(2);
        assertThat(scrape.value("messaging_queue_in_flight", "queue", "it-orders")).isEqualTo(1);
        assertThat(scrape.value("messaging_messages_processed_total", "queue", "it-orders",
                "consumer_group", "billing", "status", "success")).isEqualTo(1);
        assertThat(scrape.value("messaging_messages_failed_total", "queue", "it-orders", "error_type",
                "TimeoutError")).isEqualTo(1);
        assertThat(scrape.value("messaging_messages_failed_total", "queue", "it-orders", "error_type",
                "ValidationError")).isEqualTo(1);
        assertThat(scrape.value("messaging_messages_failed_total", "queue", "it-orders", "error_type",
                "ConnectionError")).isZero();
        assertThat(scrape.value("messaging_retries_total", "queue", "it-orders")).isEqualTo(1);

        // Processing: 0.12 s, 1.0 s, 0.05 s. Waiting: 0.04 s, 1.0 s, 0.05 s. End to end: 0.16 s, 2.6 s.
        assertThat(scrape.value("messaging_processing_duration_seconds_count", "queue", "it-orders")).isEqualTo(3);
        assertThat(scrape.value("messaging_processing_duration_seconds_sum", "queue", "it-orders"))
                .isEqualTo(1.17, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(scrape.value("messaging_processing_duration_seconds_bucket", "queue", "it-orders", "le", "0.05"))
                .isEqualTo(1);
        assertThat(scrape.value("messaging_processing_duration_seconds_bucket", "queue", "it-orders", "le", "0.25"))
                .isEqualTo(2);
        assertThat(scrape.value("messaging_processing_duration_seconds_bucket", "queue", "it-orders", "le", "1.0"))
                .isEqualTo(3);
        assertThat(scrape.value("messaging_wait_time_seconds_count", "queue", "it-orders")).isEqualTo(3);
        assertThat(scrape.value("messaging_wait_time_seconds_bucket", "queue", "it-orders", "le", "0.025"))
                .isZero();
        assertThat(scrape.value("messaging_wait_time_seconds_bucket", "queue", "it-orders", "le", "0.05"))
                .isEqualTo(2);
        assertThat(scrape.value("messaging_end_to_end_latency_seconds_count", "queue", "it-orders")).isEqualTo(2);
        assertThat(scrape.value("messaging_end_to_end_latency_seconds_bucket", "queue", "it-orders", "le", "2.5"))
                .isEqualTo(1);
        assertThat(scrape.value("messaging_end_to_end_latency_seconds_bucket", "queue", "it-orders", "le", "5.0"))
                .isEqualTo(2);
        assertThat(scrape.text()).doesNotContain("le=\"5000.0\"").doesNotContain("le=\"750.0\"");
    }

    @Test
    void invalidStreamsSettingFailsStartup() {
        MonitorConfig config = MonitorConfig.builder()
                .bootstrapServers(broker.bootstrapServers())
                .applicationId("monitor-it-invalid")
                .stateDirectory(stateDirectory.resolve("invalid"))
                .metricsHost("127.0.0.1")
                .metricsPort(FreePort.find())
                .kafkaProperties(Map.of("commit.interval.ms", "60000"))
                .build();

        assertThatThrownBy(() -> Monitor.start(config))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Invalid Kafka Streams setting: ")
                .hasMessageContaining("commit interval 60000")
                .hasMessageEndingWith("Fix the --kafka-property or --command-config value named there.");
    }

    @Test
    void invalidRecordsLandInDeadLetters() throws Exception {
        String queue = "it-hostile";
        // Deeper than the JSON parser's nesting limit, yet under the 16 KiB limit of one event.
        String nested = "{\"a\":".repeat(2_000) + "1" + "}".repeat(2_000);
        // Each invalid value with the reason the contract gives it.
        Map<String, String> invalid = new LinkedHashMap<>();
        invalid.put("{not json", "malformed_json");
        invalid.put(nested, "malformed_json");
        invalid.put("[1,2]", "not_an_object");
        invalid.put("{\"v\":1,\"type\":\"enqueued\",\"queue\":\"" + queue + "\",\"ts\":" + T0 + ",\"padding\":\""
                + "x".repeat(20_000) + "\"}", "oversized");
        invalid.put("{\"v\":1,\"type\":\"heartbeat\",\"queue\":\"" + queue + "\",\"ts\":" + T0 + ",\"group\":\""
                + "g".repeat(250) + "\"}", "oversized");
        invalid.put("{\"v\":2,\"type\":\"enqueued\",\"queue\":\"" + queue + "\",\"ts\":" + T0 + "}",
                "unsupported_version");
        invalid.put("{\"v\":1,\"type\":\"dequeued\",\"queue\":\"" + queue + "\",\"ts\":" + T0 + "}", "unknown_type");
        invalid.put("{\"v\":1,\"type\":\"enqueued\",\"ts\":" + T0 + "}", "missing_field");
        invalid.put("{\"v\":1,\"type\":\"enqueued\",\"queue\":42,\"ts\":" + T0 + "}", "wrong_type");
        invalid.put("{\"v\":1,\"type\":\"enqueued\",\"queue\":\"\",\"ts\":" + T0 + "}", "invalid_queue");
        invalid.put("{\"v\":1,\"type\":\"enqueued\",\"queue\":\"" + queue + "\",\"ts\":-5}", "invalid_timestamp");
        invalid.put("{\"v\":1,\"type\":\"failed\",\"queue\":\"" + queue + "\",\"ts\":" + T0
                + ",\"group\":\"g\",\"enqueued_at\":" + T0 + ",\"started_at\":" + T0
                + ",\"error_type\":\"Boom\",\"retry\":false}", "unknown_error_type");
        String valid = "{\"v\":1,\"type\":\"enqueued\",\"queue\":\"" + queue + "\",\"ts\":" + T0 + "}";
        byte[] binary = {(byte) 0xff, (byte) 0xfe, 0x00, 0x7b};

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                broker.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(MonitorConfig.DEFAULT_EVENTS_TOPIC, queue, binary)).get(30, TimeUnit.SECONDS);
            for (String value : invalid.keySet()) {
                producer.send(new ProducerRecord<>(MonitorConfig.DEFAULT_EVENTS_TOPIC, queue,
                        value.getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
                producer.send(new ProducerRecord<>(MonitorConfig.DEFAULT_EVENTS_TOPIC, queue,
                        valid.getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
            }
        }
        int validSent = invalid.size();
        if (Files.isExecutable(Path.of("/usr/bin/kcat"))) {
            kcat(List.of(), queue + "|{\"v\":1,\"type\":\"enqueued\",\"queue\":\"" + queue + "\",\"ts\":\"soon\"}");
            invalid.put("{\"v\":1,\"type\":\"enqueued\",\"queue\":\"" + queue + "\",\"ts\":\"soon\"}", "wrong_type");
            kcat(List.of(), queue + "|" + valid);
            validSent++;
        }

        int expectedValid = validSent;
        await("every valid event around the invalid ones is counted").atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(Scrape.of(metricsPort)
                        .value("messaging_messages_enqueued_total", "queue", queue)).isEqualTo(expectedValid));
        Map<String, String> reasonByValue = new LinkedHashMap<>();
        int binaryLetters = 0;
        for (ConsumerRecord<String, byte[]> letter : deadLetters(queue, invalid.size() + 1)) {
            String reason = new String(letter.headers().lastHeader("lagwatch.invalid.reason").value(),
                    StandardCharsets.UTF_8);
            if (java.util.Arrays.equals(letter.value(), binary)) {
                binaryLetters++;
                assertThat(reason).as("reason of the binary garbage").isEqualTo("malformed_json");
            } else {
                reasonByValue.put(new String(letter.value(), StandardCharsets.UTF_8), reason);
            }
        }
        assertThat(binaryLetters).as("binary garbage, unchanged").isEqualTo(1);
        assertThat(reasonByValue).as("dead letters and their reasons").containsExactlyInAnyOrderEntriesOf(invalid);
        assertThat(monitor.state().isRunningOrRebalancing()).isTrue();
    }

    /** Reads the dead letters keyed {@code key}, in order, waiting until {@code expected} have arrived. */
    private static List<ConsumerRecord<String, byte[]>> deadLetters(String key, int expected) {
        List<ConsumerRecord<String, byte[]>> letters = new java.util.ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", broker.bootstrapServers(), "isolation.level", "read_committed",
                "auto.offset.reset", "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(MonitorConfig.DEFAULT_DEAD_LETTER_TOPIC).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await("the dead-letter topic holds " + expected + " records keyed " + key).atMost(Duration.ofSeconds(30))
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                            if (key.equals(record.key())) {
                                letters.add(record);
                            }
                        });
                        return letters.size() >= expected;
                    });
        }
        assertThat(letters).as("dead letters keyed %s", key).hasSize(expected);
        return letters;
    }

    @Test
    void eventsOnAnyPartitionCountUnderOneSeries() throws Exception {
        String queue = "it-misplaced";
        String event = "{\"v\":1,\"type\":\"enqueued\",\"queue\":\"" + queue + "\",\"ts\":" + T0 + "}";
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                broker.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            // Correctly keyed, but on every partition, as producers with another partitioner place them.
            for (int partition = 0; partition < 3; partition++) {
                producer.send(new ProducerRecord<>(MonitorConfig.DEFAULT_EVENTS_TOPIC, partition, queue, event))
                        .get(30, TimeUnit.SECONDS);
            }
            producer.send(new ProducerRecord<>(MonitorConfig.DEFAULT_EVENTS_TOPIC, queue, event)).get(30, TimeUnit.SECONDS);
        }

        await("all four events of " + queue + " are counted").atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(Scrape.of(metricsPort)
                        .value("messaging_messages_enqueued_total", "queue", queue)).isEqualTo(4));
        // One owner: repeated scrapes never fall back to a partial count.
        for (int i = 0; i < 10; i++) {
            assertThat(Scrape.of(metricsPort).value("messaging_messages_enqueued_total", "queue", queue))
                    .as("scrape %d", i).isEqualTo(4);
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    @Test
    void kcatEventsFromTheDocsAreCounted() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/kcat")),
                "kcat is not installed (apt-get install kcat); .ci/run installs it");
        // The three events of docs/events.md, once with the partitioner it recommends and once with
        // kcat's default one, which places keys differently from the Java client.
        for (String queue : List.of("it-kcat-murmur2", "it-kcat-default")) {
            List<String> options = queue.endsWith("murmur2") ? List.of("-X", "partitioner=murmur2_random") : List.of();
            kcat(options, queue + "|{\"v\":1,\"type\":\"enqueued\",\"queue\":\"" + queue + "\",\"ts\":" + T0
                    + ",\"id\":\"m-1\"}");
            kcat(options, queue + "|{\"v\":1,\"type\":\"started\",\"queue\":\"" + queue + "\",\"ts\":" + (T0 + 100)
                    + ",\"group\":\"billing\",\"consumer\":\"billing-1\",\"id\":\"m-1\"}");
            kcat(options, queue + "|{\"v\":1,\"type\":\"completed\",\"queue\":\"" + queue + "\",\"ts\":" + (T0 + 300)
                    + ",\"group\":\"billing\",\"consumer\":\"billing-1\",\"id\":\"m-1\",\"enqueued_at\":" + T0
                    + ",\"started_at\":" + (T0 + 100) + "}");
        }

        for (String queue : List.of("it-kcat-murmur2", "it-kcat-default")) {
            await(queue + " completes its message").atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(Scrape.of(metricsPort).value("messaging_messages_processed_total",
                            "queue", queue, "status", "success")).isEqualTo(1));
            Scrape scrape = Scrape.of(metricsPort);
            assertThat(scrape.value("messaging_messages_enqueued_total", "queue", queue)).as(queue).isEqualTo(1);
            assertThat(scrape.value("messaging_queue_depth", "queue", queue)).as(queue).isZero();
            assertThat(scrape.value("messaging_queue_in_flight", "queue", queue)).as(queue).isZero();
            assertThat(scrape.value("messaging_end_to_end_latency_seconds_sum", "queue", queue)).as(queue)
                    .isEqualTo(0.3);
        }
    }

    private static void kcat(List<String> options, String line) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/kcat", "-b", broker.bootstrapServers(),
                "-t", MonitorConfig.DEFAULT_EVENTS_TOPIC, "-P", "-K", "|"));
        command.addAll(options);
        Process kcat = new ProcessBuilder(command).redirectErrorStream(true).start();
        kcat.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        kcat.getOutputStream().close();
        assertThat(kcat.waitFor(30, TimeUnit.SECONDS)).as("kcat finishes").isTrue();
        assertThat(kcat.exitValue()).as(new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
    }

    @Test
    void scrapeCarriesServiceNameAndPassesPromtool() throws Exception {
        Scrape scrape = Scrape.of(metricsPort);
        assertThat(scrape.find("target_info")).singleElement()
                .satisfies(info -> assertThat(info.labels()).containsEntry("service_name", "lagwatch-monitor"));

        assertThat(Promtool.findingsBesidesTargetInfo(scrape.text())).isEmpty();
    }
}
