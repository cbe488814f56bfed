package dev.lagwatch.monitor.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A main class run in a child JVM with this JVM's executable and class path, its output in a log
 * file, so that a test can stop it the way an operator or a crash does: SIGTERM or SIGKILL.
 * {@link #close()} kills it if it still runs.
 */
public final class JavaProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private JavaProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static JavaProcess start(Path log, String mainClass, String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new JavaProcess(process, log);
    }

    /** Asks the process to stop, as {@code kill} and container runtimes do. */
    public void sigterm() {
        process.destroy();
    }

    /** Kills the process at once; no shutdown hook runs. */
    public void sigkill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /**
     * Waits for the process to exit and returns its exit code.
     *
     * @throws AssertionError naming the bound and the log when it is still running after {@code timeout}
     */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("Process " + process.pid() + " still runs " + timeout.toSeconds()
                    + " s after it was asked to stop; its output is in " + log);
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Returns what the process has written so far. */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
