package dev.lagwatch.monitor.offsets;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the consumer groups' offsets on its own thread at a fixed interval and keeps the latest
 * {@link OffsetSnapshot} for the metrics. A scrape reads the snapshot and never waits for Kafka.
 *
 * <p>Only one monitor instance polls: the one that currently runs the first task of the lifecycle
 * topology. The others skip their polls and serve no offset series, so that several instances
 * never export a group twice, and the task's ownership moves with Kafka Streams' rebalances.
 *
 * <p>When polls fail, the last snapshot is still served until it is {@link #STALE_AFTER_POLLS}
 * intervals old; after that no offset series are served, so that a dashboard shows a gap and an
 * alert on the poller's own metrics fires, instead of lag frozen at its last value.
 */
public final class OffsetPoller implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OffsetPoller.class);

    /** Polls after which an unrefreshed snapshot stops being served. */
    static final int STALE_AFTER_POLLS = 3;
    private static final Duration TICK = Duration.ofSeconds(1);

    private final OffsetCollector collector;
    private final FirstRecordReader reader;
    private final Duration interval;
    private final LongSupplier clock;
    private final TimestampStats timestamps;
    private final BooleanSupplier polling;
    private final ScheduledExecutorService scheduler;
    private final AtomicReference<OffsetSnapshot> latest = new AtomicReference<>();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private volatile String lastFailure;
    /** Start of the latest poll, or {@code Long.MIN_VALUE} to poll at the next tick; used by the poller thread only. */
    private long lastPollStartedMillis = Long.MIN_VALUE;

    private OffsetPoller(OffsetCollector collector, FirstRecordReader reader, Duration interval, LongSupplier clock,
            TimestampStats timestamps, BooleanSupplier polling) {
        this.collector = collector;
        this.polling = polling;
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
     * Starts polling as soon as this instance is the polling one, then every {@code interval} from
     * the start of the previous poll, or right after it when a poll takes longer than that.
     *
     * @param admin the monitor's admin client, used for every request
     * @param kafkaProperties client properties (security settings) for the consumers that read record timestamps
     * @param polling whether this instance is the one that polls, asked before every poll and scrape
     */
    public static OffsetPoller start(Admin admin, String bootstrapServers, Map<String, String> kafkaProperties,
            OffsetPollerConfig config, BooleanSupplier polling) {
        LongSupplier clock = System::currentTimeMillis;
        TimestampStats timestamps = new TimestampStats();
        FirstRecordReader reader = new FirstRecordReader(bootstrapServers, kafkaProperties, "lagwatch-offset-reader",
                clock);
        OffsetCollector collector = new OffsetCollector(admin, reader, config.groupFilter(), config.topicFilter(),
                config.requestTimeout(), config.readTimeout(), clock, timestamps);
        OffsetPoller poller = new OffsetPoller(collector, reader, config.interval(), clock, timestamps, polling);
        // Ticks come at least every second, so that an instance that becomes the polling one polls at once.
        long tickMillis = Math.min(config.interval().toMillis(), TICK.toMillis());
        poller.scheduler.scheduleWithFixedDelay(poller::tick, 0, tickMillis, TimeUnit.MILLISECONDS);
        return poller;
    }

    private void tick() {
        if (!polling.getAsBoolean()) {
            latest.set(null);
            lastPollStartedMillis = Long.MIN_VALUE;
            return;
        }
        long now = clock.getAsLong();
        if (lastPollStartedMillis != Long.MIN_VALUE && now - lastPollStartedMillis < interval.toMillis()) {
            return;
        }
        lastPollStartedMillis = now;
        pollOnce();
    }

    private void pollOnce() {
        try {
            OffsetSnapshot snapshot = collector.collect();
            latest.set(snapshot);
            if (succeeded.sum() == 0) {
                log.info("First offset poll: {} consumer groups, {} partitions in {} ms, of which {} ms read the first"
                        + " unconsumed record of {} partitions", snapshot.groups().size(), snapshot.partitions().size(),
                        snapshot.pollMillis(), snapshot.readMillis(), snapshot.recordsRead());
            }
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

    /** Returns the latest snapshot unless it is stale or another instance polls, see the class description. */
    public Optional<OffsetSnapshot> snapshot() {
        OffsetSnapshot snapshot = latest.get();
        if (snapshot == null || !polling.getAsBoolean()
                || clock.getAsLong() - snapshot.takenAtMillis() > STALE_AFTER_POLLS * interval.toMillis()) {
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
