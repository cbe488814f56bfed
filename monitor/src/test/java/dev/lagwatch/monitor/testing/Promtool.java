package dev.lagwatch.monitor.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Prometheus' own checker of the exposition format, for tests. */
public final class Promtool {

    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    private Promtool() {
    }

    /**
     * Runs {@code promtool check metrics} on {@code exposition} and returns its findings, one per
     * line. Skips the calling test where promtool is not installed.
     */
    public static List<String> checkMetrics(String exposition) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(PROMTOOL),
                "promtool is not installed (apt-get install prometheus); .ci/run installs it");
        Process process = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics")
                .redirectErrorStream(true)
                .start();
        process.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(30, TimeUnit.SECONDS);
        return output.lines().filter(line -> !line.isBlank()).toList();
    }

    /**
     * Runs {@code promtool check metrics} and returns its findings apart from the one every
     * OpenTelemetry exposition gets: {@code target_info} has no HELP text (docs/metrics.md explains it).
     */
    public static List<String> findingsBesidesTargetInfo(String exposition) throws IOException, InterruptedException {
        return checkMetrics(exposition).stream()
                .filter(line -> !line.startsWith("target_info no help text"))
                .toList();
    }
}
