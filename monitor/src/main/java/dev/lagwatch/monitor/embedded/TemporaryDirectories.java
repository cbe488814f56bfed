package dev.lagwatch.monitor.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Clean-up of the temporary directories that the embedded broker, the demo and the benchmarks create. */
public final class TemporaryDirectories {

    private static final Logger log = LoggerFactory.getLogger(TemporaryDirectories.class);

    private TemporaryDirectories() {
    }

    /** Deletes {@code directory} and everything in it; logs what could not be deleted. Null is ignored. */
    public static void deleteRecursively(Path directory) {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log.warn("Could not delete {}; remove it by hand", directory, e);
        }
    }
}
