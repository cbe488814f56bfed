package dev.lagwatch.sim;

import dev.lagwatch.client.LifecycleRecorder;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The end of a simulator's command-line run, exactly once: stop the simulator, flush and close the
 * recorder, write the ledger. It runs from a JVM shutdown hook on Ctrl-C or SIGTERM, or when the
 * run ends by itself through {@link #stopNow()}.
 */
public final class SimulatorShutdown {

    private final AtomicBoolean stopped = new AtomicBoolean();
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
        this.stopSimulator = stopSimulator;
        this.recorder = recorder;
        this.ledger = ledger;
        this.ledgerFile = ledgerFile;
        this.hook = new Thread(this::stop, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private void stop() {
        if (stopped.compareAndSet(false, true)) {
            stopSimulator.run();
            recorder.close();
            LedgerFile.write(ledger, ledgerFile);
        }
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
