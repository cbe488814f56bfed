package dev.lagwatch.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ground truth of a simulation, per queue, to compare with what the monitor reports. The producer
 * simulator writes the enqueued counts, the consumer simulator the rest; in one process they can
 * share one ledger. Thread-safe.
 */
public final class Ledger {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ConcurrentHashMap<String, QueueLedger> queues = new ConcurrentHashMap<>();

    /** Returns the ledger of {@code queue}, creating it on first use. */
    public QueueLedger queue(String queue) {
        return queues.computeIfAbsent(queue, name -> new QueueLedger());
    }

    public Set<String> queueNames() {
        return Set.copyOf(queues.keySet());
    }

    /** Writes the ledger as JSON, replacing {@code file} atomically so a reader never sees half of it. */
    public void writeJson(Path file) throws IOException {
        Map<String, Object> report = new TreeMap<>();
        queues.forEach((name, ledger) -> report.put(name, ledger.toReport()));
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, file.getFileName().toString(), ".tmp");
        JSON.writeValue(temporary.toFile(), Map.of("queues", report));
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
