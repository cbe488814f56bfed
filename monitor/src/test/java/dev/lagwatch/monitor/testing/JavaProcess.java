package dev.lagwatch.monitor.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
        return startWithHeap("512m", log, mainClass, arguments);
    }

    /** Starts {@code mainClass} with this JVM's class path and at most {@code maxHeap} of heap ({@code -Xmx}). */
    public static JavaProcess startWithHeap(String maxHeap, Path log, String mainClass, String... arguments)
            throws IOException {
        return start(maxHeap, Map.of(), log, mainClass, arguments);
    }

    /**
     * Starts {@code mainClass} with this JVM's class path, at most {@code maxHeap} of heap, and
     * {@code environment} added to this process's environment.
     */
    public static JavaProcess start(String maxHeap, Map<String, String> environment, Path log, String mainClass,
            String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx" + maxHeap);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
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

    /** Runs a full GC in the process and returns the heap it still uses, in bytes, as {@code jcmd} reports it. */
    public long usedHeapAfterGc() throws IOException, InterruptedException {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher matcher = Pattern.compile("used (\\d+)K").matcher(info);
        if (!matcher.find()) {
            throw new IllegalStateException("Unexpected output of jcmd GC.heap_info: " + info);
        }
        return Long.parseLong(matcher.group(1)) * 1024;
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process run = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), command)
                .redirectErrorStream(true)
                .start();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!run.waitFor(30, TimeUnit.SECONDS) || run.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed: " + output);
        }
        return output;
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
