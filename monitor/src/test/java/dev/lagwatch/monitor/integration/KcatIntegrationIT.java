package dev.lagwatch.monitor.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lagwatch.monitor.Monitor;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import dev.lagwatch.monitor.testing.FreePort;
import dev.lagwatch.monitor.testing.TestMonitors;
import dev.lagwatch.monitor.testing.GroupOffsets;
import dev.lagwatch.monitor.metrics.Scrape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the shell scripts of docs/integration-kcat.md exactly as the page shows them, with bash and
 * kcat, against an embedded broker and the monitor. The scripts' own output is the truth the
 * monitor's numbers are checked against.
 */
class KcatIntegrationIT {

    private static final Path PAGE = Path.of("..", "docs", "integration-kcat.md").toAbsolutePath().normalize();
    private static final String QUEUE = "thumbnails";
    private static final String GROUP = "thumbnailer";
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(120);

    /** Arguments of produce.sh. The consumer's stand-in work accepts only .jpg and .png names. */
    private static final List<String> IMAGES = List.of("cat.jpg", "dog.png", "holiday photo.jpg", "notes.txt",
            "bird.jpg", "fish.png", "scan.pdf", "tree.jpg", "boat.png", "README", "moon.jpg", "sun.png");

    @TempDir
    Path stateDirectory;

    @TempDir
    Path scriptDirectory;

    @Test
    @SuppressWarnings("try") // The monitor runs while the try block does, and is read over HTTP.
    void monitorCountsEqualTheScripts() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/kcat")), "kcat is not installed (apt-get install kcat)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed (apt-get install curl)");
        writeScripts("produce.sh", "consume.sh", "check.sh");
        List<String> rejected = IMAGES.stream()
                .filter(name -> !name.endsWith(".jpg") && !name.endsWith(".png"))
                .toList();
        assertThat(rejected).as("names the consumer's work step fails on").isNotEmpty();

        int port = FreePort.find();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
                Monitor monitor = TestMonitors.startLifecycleOnly(broker, "kcat-it", stateDirectory, port)) {
            Map<String, String> environment = Map.of("KAFKA", broker.bootstrapServers(),
                    "METRICS", "http://127.0.0.1:" + port + "/metrics");

            // Producer: one "sent <id> <image>" line per work message written.
            Process producer = startScript("produce.sh", environment, IMAGES);
            assertExitsNormally(producer, "produce.sh");
            Map<String, String> sent = imagesById(output("produce.sh"), "sent");
            assertThat(sent.values()).as("images sent, in order").containsExactlyElementsOf(IMAGES);
            await("the monitor counts the enqueued events").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .untilAsserted(() -> {
                        Scrape scrape = Scrape.of(port);
                        assertThat(scrape.value("messaging_messages_enqueued_total", "queue", QUEUE))
                                .isEqualTo(IMAGES.size());
                        assertThat(scrape.value("messaging_queue_depth", "queue", QUEUE)).isEqualTo(IMAGES.size());
                    });

            // Consumer: paused after its first message, so that a scrape shows it live at a known point.
            Process consumer = startScript("consume.sh", environment, List.of());
            try {
                await("consume.sh finishes its first message").atMost(SCRIPT_TIMEOUT)
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> !output("consume.sh").isEmpty() || !consumer.isAlive());
                assertThat(consumer.isAlive()).as("consume.sh still runs after its first message; output %s, "
                        + "errors:%n%s", output("consume.sh"), errors("consume.sh")).isTrue();
                signal(consumer, "STOP");
                try {
                    await("the monitor counts the consumer as live").atMost(Duration.ofSeconds(10))
                            .ignoreExceptions()
                            .until(() -> Scrape.of(port).value("messaging_active_consumers", "queue", QUEUE,
                                    "consumer_group", GROUP) == 1);
                } finally {
                    signal(consumer, "CONT");
                }
                assertExitsNormally(consumer, "consume.sh");
            } finally {
                // Has an effect only when a check above failed, because otherwise the script has exited.
                consumer.destroyForcibly();
            }

            // Every record reaches the consumer with the key and value the producer wrote.
            Map<String, String> completed = imagesById(output("consume.sh"), "completed");
            Map<String, String> failed = imagesById(output("consume.sh"), "failed");
            Map<String, String> received = new LinkedHashMap<>(completed);
            received.putAll(failed);
            assertThat(output("consume.sh")).as("one line per message").hasSize(IMAGES.size());
            assertThat(received).as("records as consumed").isEqualTo(sent);
            assertThat(failed.values()).as("failed").containsExactlyInAnyOrderElementsOf(rejected);
            assertThat(completed).as("completed").hasSize(IMAGES.size() - rejected.size());

            await("the monitor's counts equal the scripts'").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .untilAsserted(() -> assertCounts(Scrape.of(port), completed.size(), failed.size()));
            assertCheckScript(environment, completed.size(), failed.size());
            assertThat(GroupOffsets.uncommitted(broker.bootstrapServers(), GROUP, QUEUE))
                    .as("records after the offsets kcat committed").isZero();
        }
    }

    private static void assertCounts(Scrape scrape, int completed, int failed) {
        int messages = completed + failed;
        assertThat(scrape.value("messaging_messages_enqueued_total", "queue", QUEUE)).as("enqueued")
                .isEqualTo(messages);
        assertThat(scrape.value("messaging_messages_processed_total", "queue", QUEUE, "consumer_group", GROUP,
                "status", "success")).as("processed, success").isEqualTo(completed);
        assertThat(scrape.value("messaging_messages_processed_total", "queue", QUEUE, "consumer_group", GROUP,
                "status", "failure")).as("processed, failure").isEqualTo(failed);
        for (String errorType : List.of("ConnectionError", "ValidationError", "TimeoutError", "RateLimitError",
                "UnknownError")) {
            assertThat(scrape.value("messaging_messages_failed_total", "queue", QUEUE, "consumer_group", GROUP,
                    "error_type", errorType)).as("failed, " + errorType)
                    .isEqualTo(errorType.equals("ValidationError") ? failed : 0);
        }
        assertThat(scrape.value("messaging_retries_total", "queue", QUEUE)).as("retries").isZero();
        assertThat(scrape.value("messaging_queue_depth", "queue", QUEUE)).as("depth").isZero();
        assertThat(scrape.value("messaging_queue_in_flight", "queue", QUEUE)).as("in flight").isZero();
        assertThat(scrape.value("messaging_active_consumers", "queue", QUEUE, "consumer_group", GROUP))
                .as("live consumers after the closing heartbeat").isZero();

        // Every failure is final, so each message has one observation in each histogram.
        for (String histogram : List.of("messaging_processing_duration_seconds", "messaging_wait_time_seconds",
                "messaging_end_to_end_latency_seconds")) {
            assertThat(scrape.value(histogram + "_count", "queue", QUEUE, "consumer_group", GROUP))
                    .as(histogram + "_count").isEqualTo(messages);
        }
        assertThat(scrape.value("messaging_processing_duration_seconds_sum", "queue", QUEUE, "consumer_group", GROUP))
                .as("processing time").isPositive();

        // One enqueued, started and outcome event per message and two heartbeats, all valid and nothing more.
        assertThat(scrape.value("lagwatch_events_consumed_total")).as("events read").isEqualTo(3 * messages + 2);
        assertThat(scrape.find("lagwatch_events_invalid_total")).as("invalid events")
                .allSatisfy(sample -> assertThat(sample.value()).as(sample.labels().toString()).isZero());
        assertThat(scrape.value("lagwatch_events_rekeyed_total"))
                .as("events on another partition than the Java client picks").isZero();
    }

    /** Runs check.sh, the page's curl | grep line, and reads the series it keeps. */
    private void assertCheckScript(Map<String, String> environment, int completed, int failed) throws Exception {
        Process check = startScript("check.sh", environment, List.of());
        assertExitsNormally(check, "check.sh");
        Scrape series = Scrape.parse(String.join("\n", output("check.sh")));

        assertThat(series.samples()).as("series kept by check.sh").hasSize(10)
                .allSatisfy(sample -> assertThat(sample.labels()).containsEntry("queue", QUEUE));
        assertThat(series.value("messaging_messages_enqueued_total")).isEqualTo(completed + failed);
        assertThat(series.value("messaging_messages_processed_total", "status", "success")).isEqualTo(completed);
        assertThat(series.value("messaging_messages_processed_total", "status", "failure")).isEqualTo(failed);
        assertThat(series.value("messaging_messages_failed_total", "error_type", "ValidationError")).isEqualTo(failed);
        assertThat(series.value("messaging_queue_depth")).isZero();
        assertThat(series.value("messaging_active_consumers")).isZero();
    }

    /**
     * Writes each named script of the page to the script directory. A script is the fenced block
     * that follows the line {@code <!-- script: NAME -->}.
     */
    private void writeScripts(String... names) throws IOException {
        List<String> page = Files.readAllLines(PAGE, StandardCharsets.UTF_8);
        for (String name : names) {
            int marker = page.indexOf("<!-- script: " + name + " -->");
            assertThat(marker).as("marker of %s in %s", name, PAGE).isNotNegative();
            assertThat(page.get(marker + 1)).as("line after the marker of %s", name).startsWith("```");
            int end = marker + 2;
            while (end < page.size() && !page.get(end).equals("```")) {
                end++;
            }
            assertThat(end).as("end of the code block of %s", name).isLessThan(page.size());
            Files.write(scriptDirectory.resolve(name), page.subList(marker + 2, end), StandardCharsets.UTF_8);
        }
    }

    private Process startScript(String name, Map<String, String> environment, List<String> arguments)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", scriptDirectory.resolve(name).toString()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(scriptDirectory.toFile())
                .redirectOutput(scriptDirectory.resolve(name + ".out").toFile())
                .redirectError(scriptDirectory.resolve(name + ".err").toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }

    private void assertExitsNormally(Process process, String name) throws Exception {
        boolean exited = process.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        String errors = errors(name);
        assertThat(exited).as("%s exits within %s; standard error:%n%s", name, SCRIPT_TIMEOUT, errors).isTrue();
        assertThat(process.exitValue()).as("exit code of %s; standard error:%n%s", name, errors).isZero();
    }

    private List<String> output(String name) throws IOException {
        return Files.readAllLines(scriptDirectory.resolve(name + ".out"), StandardCharsets.UTF_8);
    }

    private String errors(String name) throws IOException {
        return Files.readString(scriptDirectory.resolve(name + ".err"), StandardCharsets.UTF_8);
    }

    /** Maps message id to image name for the script's output lines "{@code verb} ID IMAGE". */
    private static Map<String, String> imagesById(List<String> lines, String verb) {
        Map<String, String> images = new LinkedHashMap<>();
        for (String line : lines) {
            String[] fields = line.split(" ", 3);
            if (fields[0].equals(verb)) {
                assertThat(fields).as("output line '%s'", line).hasSize(3);
                assertThat(images.put(fields[1], fields[2])).as("message id %s seen once", fields[1]).isNull();
            }
        }
        return images;
    }

    /** Sends a signal, such as STOP or CONT, to a script's bash process. */
    private static void signal(Process process, String signal) throws Exception {
        Process kill = new ProcessBuilder("bash", "-c", "kill -" + signal + " " + process.pid())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).as("kill -%s exits", signal).isTrue();
        assertThat(kill.exitValue()).as("exit code of kill -%s", signal).isZero();
    }
}
