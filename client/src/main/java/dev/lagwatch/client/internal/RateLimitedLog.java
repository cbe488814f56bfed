package dev.lagwatch.client.internal;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs a warning at most once per interval and key, with the number of occurrences since the last
 * line, so a fault that repeats on every record fills neither the disk nor the hot path.
 */
final class RateLimitedLog {

    private final Logger log;
    private final Clock clock;
    private final long intervalMillis;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    RateLimitedLog(Logger log, Clock clock, long intervalMillis) {
        this.log = log;
        this.clock = clock;
        this.intervalMillis = intervalMillis;
    }

    void warn(String key, String message, Object... arguments) {
        Window window = windows.computeIfAbsent(key, k -> new Window());
        long occurrences = window.count.incrementAndGet();
        long now = clock.millis();
        long last = window.lastLoggedAt.get();
        if (now - last < intervalMillis || !window.lastLoggedAt.compareAndSet(last, now)) {
            return;
        }
        window.count.addAndGet(-occurrences);
        if (log.isWarnEnabled()) {
            log.warn(message + " ({} times since the last report, reported at most every {} s)",
                    append(arguments, occurrences, intervalMillis / 1000));
        }
    }

    private static Object[] append(Object[] arguments, Object... more) {
        Object[] all = new Object[arguments.length + more.length];
        System.arraycopy(arguments, 0, all, 0, arguments.length);
        System.arraycopy(more, 0, all, arguments.length, more.length);
        return all;
    }

    private static final class Window {
        final AtomicLong count = new AtomicLong();
        final AtomicLong lastLoggedAt = new AtomicLong(Long.MIN_VALUE / 2);
    }
}
