package dev.lagwatch.demo;

import dev.lagwatch.monitor.health.QueueHealth;
import dev.lagwatch.monitor.topology.LogText;
import dev.lagwatch.monitor.topology.QueueSnapshot;
import dev.lagwatch.monitor.topology.QueueSnapshots;
import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints a table of every queue the monitor owns, one call per interval. */
final class SummaryPrinter {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final QueueSnapshots snapshots;
    private final PrintStream out;
    private final Map<String, QueueSnapshot> previous = new HashMap<>();
    private long previousPrintNanos = System.nanoTime();

    private final long livenessTimeoutMillis;

    SummaryPrinter(QueueSnapshots snapshots, long livenessTimeoutMillis, PrintStream out) {
        this.snapshots = snapshots;
        this.livenessTimeoutMillis = livenessTimeoutMillis;
        this.out = out;
    }

    void print() {
        List<QueueSnapshot> current = snapshots.all().stream()
                .sorted(Comparator.comparing(QueueSnapshot::queue))
                .toList();
        long now = System.nanoTime();
        double seconds = (now - previousPrintNanos) / 1e9;
        previousPrintNanos = now;
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "%n%s  %-10s %7s %9s %13s %15s %10s %9s %8s %10s %9s %7s%n",
                LocalTime.now().format(TIME), "queue", "depth", "in flight", "throughput/s", "p95 processing",
                "error rate", "lag", "oldest", "saturation", "consumers", "status"));
        if (current.isEmpty()) {
            table.append("          (no queues yet: waiting for the first lifecycle events)\n");
        }
        for (QueueSnapshot snapshot : current) {
            long nowMillis = System.currentTimeMillis();
            QueueHealth health = snapshot.health(nowMillis, livenessTimeoutMillis);
            QueueSummary summary = QueueSummary.between(previous.get(snapshot.queue()), snapshot, seconds, health);
            table.append(String.format(Locale.ROOT, "          %-10s %7d %9d %13s %15s %10s %9s %8s %10s %9d %7s%n",
                    LogText.escape(summary.queue()), summary.depth(), summary.inFlight(),
                    format(summary.throughputPerSecond(), "%.1f", 1),
                    format(summary.p95ProcessingSeconds(), "%.0f ms", 1000),
                    format(summary.errorRate(), "%.1f %%", 100), formatLag(health.lagSeconds()),
                    String.format(Locale.ROOT, "%.0f s", snapshot.oldestMessageAgeSeconds(nowMillis)),
                    format(health.saturation(), "%.0f %%", 100), health.activeConsumers(), health.status()));
            previous.put(snapshot.queue(), snapshot);
        }
        out.print(table);
        out.flush();
    }

    private static String formatLag(double seconds) {
        return Double.isInfinite(seconds) ? "+Inf" : String.format(Locale.ROOT, "%.1f s", seconds);
    }

    private static String format(double value, String pattern, double scale) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, pattern, value * scale);
    }
}
