package dev.lagwatch.sim;

import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.client.RecorderStats;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a simulator's command-line run, exactly once: stop the simulator, flush and close the
 * recorder, write the ledger. It runs from a JVM shutdown hook on Ctrl-C or SIGTERM, or when the
 * run ends by itself through {@link #stopNow()}.
 */
public final class SimulatorShutdown {

    private static final Logger log = LoggerFactory.getLogger(SimulatorShutdown.class);

    private final AtomicBoolean stopped = new AtomicBoolean();
    private final String name;
    private final Runnable stopSimulator;
    private final LifecycleRecorder recorder;
    private final Ledger ledger;
    private final Path ledgerFile;
    private final Thread hook;

    /**
     * Registers the shutdown hook.
     *
     * @param ledgerFile where to write the ledger, or {@code null} for nowhere
     */
    public SimulatorShutdown(String name, Runnable stopSimulator, LifecycleRecorder recorder, Ledger ledger,
            Path ledgerFile) {
        this.name = name;
        this.stopSimulator = stopSimulator;
        this.recorder = recorder;
        this.ledger = ledger;
        this.ledgerFile = ledgerFile;
        this.hook = new Thread(this::stop, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private void stop() {
        if (stopped.compareAndSet(false, true)) {
            long startedAt = System.nanoTime();
            log.info("Stopping {}: finishing current messages, then flushing the lifecycle events", name);
            stopSimulator.run();
            recorder.close();
            LedgerFile.write(ledger, ledgerFile);
            RecorderStats stats = recorder.stats();
            log.info("{} stopped in {} ms: {} lifecycle events recorded, {} sent, {} dropped{}", name,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt), stats.recorded(), stats.sent(),
                    stats.dropped(), droppedByReason(stats));
        }
    }

    private static String droppedByReason(RecorderStats stats) {
        return stats.droppedByReason().entrySet().stream()
                .filter(entry -> entry.getValue() > 0)
                .sorted(Map.Entry.comparingByKey())
                .map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.joining(", ", " (", ")"))
                .replace(" ()", "");
    }

    /** Stops now, unless the shutdown hook already did, and unregisters the hook. */
    public void stopNow() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down, and the hook has run or is running.
        }
    }
}
