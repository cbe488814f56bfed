package dev.lagwatch.sim;

import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writing of a simulator's ledger when it stops, for the {@code --ledger FILE} option. */
public final class LedgerFile {

    private static final Logger log = LoggerFactory.getLogger(LedgerFile.class);

    private LedgerFile() {
    }

    /** Writes {@code ledger} to {@code file}, or does nothing when {@code file} is null; failures are logged. */
    public static void write(Ledger ledger, Path file) {
        if (file == null) {
            return;
        }
        try {
            ledger.writeJson(file);
            log.info("Ledger written to {}", file);
        } catch (IOException e) {
            log.error("Failed to write the ledger to {}", file, e);
        }
    }
}
