package dev.lagwatch.monitor.metrics;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Asynchronous instruments registered together and unregistered together. */
final class InstrumentGroup implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(InstrumentGroup.class);

    private final List<AutoCloseable> instruments = new ArrayList<>();

    void add(AutoCloseable instrument) {
        instruments.add(instrument);
    }

    /** Removes every callback; a failure is logged and the remaining ones are still removed. */
    @Override
    public void close() {
        for (AutoCloseable instrument : instruments) {
            try {
                instrument.close();
            } catch (Exception e) {
                log.warn("Failed to unregister a metric callback; continuing with the others", e);
            }
        }
        instruments.clear();
    }
}
