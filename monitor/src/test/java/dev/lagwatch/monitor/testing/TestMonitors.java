package dev.lagwatch.monitor.testing;

import dev.lagwatch.monitor.Monitor;
import dev.lagwatch.monitor.MonitorConfig;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;

/** Monitors started in the test JVM for integration tests. */
public final class TestMonitors {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private TestMonitors() {
    }

    /**
     * Starts a monitor of lifecycle events only, without offset lag, serving {@code /metrics} on
     * loopback at {@code metricsPort}, and waits until it runs.
     *
     * @throws IllegalStateException when it does not run within 60 s; the monitor is closed then
     */
    public static Monitor startLifecycleOnly(EmbeddedKafkaBroker broker, String applicationId, Path stateDirectory,
            int metricsPort) throws InterruptedException {
        Monitor monitor = Monitor.start(MonitorConfig.builder()
                .bootstrapServers(broker.bootstrapServers())
                .applicationId(applicationId)
                .stateDirectory(stateDirectory)
                .metricsHost("127.0.0.1")
                .metricsPort(metricsPort)
                .offsetLag(false)
                .build());
        if (!monitor.awaitRunning(START_TIMEOUT)) {
            monitor.close();
            throw new IllegalStateException("Monitor " + applicationId + " did not run within " + START_TIMEOUT
                    + "; its state is " + monitor.state());
        }
        return monitor;
    }
}
