package dev.lagwatch.monitor.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Prometheus' own checker of expositions, rules and configuration, for tests. */
public final class Promtool {

    /** Exit code and combined output of one promtool run. */
    public record Result(int exitCode, String output) {
    }

    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    private Promtool() {
    }

    /** Runs promtool with {@code arguments}. Skips the calling test where promtool is not installed. */
    public static Result run(String... arguments) throws IOException, InterruptedException {
        assumeInstalled();
        List<String> command = new ArrayList<>();
        command.add(PROMTOOL.toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("promtool " + String.join(" ", arguments) + " timed out after 120 s");
        }
        return new Result(process.exitValue(), output);
    }

    private static void assumeInstalled() {
        Assumptions.assumeTrue(Files.isExecutable(PROMTOOL),
                "promtool is not installed (apt-get install prometheus); .ci/run installs it");
    }

    /**
     * Runs {@code promtool check metrics} on {@code exposition} and returns its findings, one per
     * line. Skips the calling test where promtool is not installed.
     */
    public static List<String> checkMetrics(String exposition) throws IOException, InterruptedException {
        assumeInstalled();
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
