package dev.lagwatch.monitor.offsets;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the consumer groups' offsets on its own thread at a fixed interval and keeps the latest
 * {@link OffsetSnapshot} for the metrics. A scrape reads the snapshot and never waits for Kafka.
 *
 * <p>When polls fail, the last snapshot is still served until it is {@link #STALE_AFTER_POLLS}
 * intervals old; after that no offset series are served, so that a dashboard shows a gap and an
 * alert on the poller's own metrics fires, instead of lag frozen at its last value.
 */
public final class OffsetPoller implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OffsetPoller.class);

    /** Polls after which an unrefreshed snapshot stops being served. */
    static final int STALE_AFTER_POLLS = 3;

    private final OffsetCollector collector;
    private final FirstRecordReader reader;
    private final Duration interval;
    private final LongSupplier clock;
    private final TimestampStats timestamps;
    private final ScheduledExecutorService scheduler;
    private final AtomicReference<OffsetSnapshot> latest = new AtomicReference<>();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private volatile String lastFailure;

    private OffsetPoller(OffsetCollector collector, FirstRecordReader reader, Duration interval, LongSupplier clock,
            TimestampStats timestamps) {
        this.collector = collector;
        this.reader = reader;
        this.interval = interval;
        this.clock = clock;
        this.timestamps = timestamps;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "lagwatch-offset-poller");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts polling at once and then every {@code interval} after the previous poll finished.
     *
     * @param admin the monitor's admin client, used for every request
     * @param kafkaProperties client properties (security settings) for the consumers that read record timestamps
     */
    public static OffsetPoller start(Admin admin, String bootstrapServers, Map<String, String> kafkaProperties,
            OffsetPollerConfig config) {
        LongSupplier clock = System::currentTimeMillis;
        TimestampStats timestamps = new TimestampStats();
        FirstRecordReader reader = new FirstRecordReader(bootstrapServers, kafkaProperties, "lagwatch-offset-reader",
                clock);
        OffsetCollector collector = new OffsetCollector(admin, reader, config.groupFilter(), config.topicFilter(),
                config.requestTimeout(), config.readTimeout(), clock, timestamps);
        OffsetPoller poller = new OffsetPoller(collector, reader, config.interval(), clock, timestamps);
        poller.scheduler.scheduleWithFixedDelay(poller::pollOnce, 0, config.interval().toMillis(),
                TimeUnit.MILLISECONDS);
        return poller;
    }

    private void pollOnce() {
        try {
            OffsetSnapshot snapshot = collector.collect();
            latest.set(snapshot);
            succeeded.increment();
            if (lastFailure != null) {
                log.info("Offset poll succeeded again after failures");
                lastFailure = null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failed.increment();
            String failure = e.toString();
            if (!failure.equals(lastFailure)) {
                log.warn("Offset poll failed; lag of consumer groups is not refreshed until a poll succeeds: {}",
                        failure);
            }
            lastFailure = failure;
        }
    }

    /** Returns the latest snapshot unless it is stale, see the class description. */
    public Optional<OffsetSnapshot> snapshot() {
        OffsetSnapshot snapshot = latest.get();
        if (snapshot == null || clock.getAsLong() - snapshot.takenAtMillis() > STALE_AFTER_POLLS * interval.toMillis()) {
            return Optional.empty();
        }
        return Optional.of(snapshot);
    }

    /** Returns the snapshot of the latest successful poll, however old. */
    public Optional<OffsetSnapshot> lastSuccessful() {
        return Optional.ofNullable(latest.get());
    }

    /** Polls that completed since the monitor started. */
    public long succeeded() {
        return succeeded.sum();
    }

    /** Polls that failed since the monitor started. */
    public long failed() {
        return failed.sum();
    }

    /** Counts of timestamps that could not give a time lag. */
    public TimestampStats timestamps() {
        return timestamps;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("Offset poller did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reader.close();
    }
}
