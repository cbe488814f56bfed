package dev.lagwatch.bench;

import dev.lagwatch.client.RecorderStats;
import dev.lagwatch.client.event.EventCodec;
import dev.lagwatch.client.event.LifecycleEvent;
import dev.lagwatch.client.kafka.LagwatchProducerInterceptor;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Cost of {@link LagwatchProducerInterceptor} to an application's {@link KafkaProducer}: the same
 * producer settings, key and JSON payload, sent once by a producer without interceptors
 * ({@code plain}) and once by one with {@code interceptor.classes} set to the interceptor
 * ({@code intercepted}), against a real broker.
 *
 * <p>The interceptor does its work on the producer's I/O thread when the broker acknowledges a
 * record, and its recorder then sends an event with its own producer. So the benchmark times three
 * things, each invocation starting from empty buffers:
 * <ul>
 *   <li>{@code send}: {@value #RECORDS} {@code send()} calls alone, on the calling thread;
 *   <li>{@code sendAndFlush}: {@value #RECORDS} calls and {@code flush()}, which returns once every
 *       record is acknowledged and every acknowledgement callback, the interceptor's included, has run;
 *   <li>{@code sendFlushAndAwaitEvents}: {@value #LARGE_BATCH} calls and {@code flush()}, then waiting
 *       until the broker has acknowledged the interceptor's event for each record. The recorder's
 *       producer is not flushed, so its last batch waits up to its {@code linger.ms} of 20 ms. The
 *       larger batch makes that wait at most 0.2 µs per record. The plain producer has no events to
 *       wait for, so for it this is {@code sendAndFlush} with the larger batch.
 * </ul>
 * Each iteration's tear-down waits until every record and event is acknowledged, so work left
 * from one iteration never runs during the next one. It also fails the run unless the
 * interceptor recorded and sent exactly one event per acknowledged record, and unless the plain
 * producer has no interceptor recording for it.
 *
 * <p>Wall-clock times on a shared machine move with its load, so each trial also prints, per
 * record of the measured iterations, the CPU time of the calling thread in {@code send()}, of the
 * producer's I/O thread together with the recorder's emitter and I/O threads, and of the whole
 * process, the embedded broker included. These count the work of each record from its
 * {@code send()} to its event's acknowledgement, whichever part the benchmark method times.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 50, batchSize = 1)
@Measurement(iterations = 100, batchSize = 1)
@Fork(value = 3, jvmArgsAppend = "-Xmx2g")
public class InterceptorBenchmark {

    static final int RECORDS = 10_000;
    static final int LARGE_BATCH = 100_000;
    private static final String TOPIC = "bench-orders";
    private static final String EVENTS_TOPIC = "bench-events";
    /** The client id of both producers, so that the plain one's check finds no interceptor under it. */
    private static final String CLIENT_ID = "bench-producer";
    private static final long EVENTS_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Pause between two reads of the interceptor's counts while the benchmark waits for its events. */
    private static final long MEASURED_POLL_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    /** The same pause outside the measured code, longer so that polling costs less CPU time. */
    private static final long TEAR_DOWN_POLL_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Kafka 4.4.0 names a producer's I/O thread with this prefix and the producer's {@code client.id}. */
    private static final String IO_THREAD_PREFIX = "kafka-producer-network-thread | ";

    /** {@code plain}: no interceptor. {@code intercepted}: {@link LagwatchProducerInterceptor}. */
    @Param({"plain", "intercepted"})
    public String producerType;

    private EmbeddedKafkaBroker broker;
    private Producer<byte[], byte[]> producer;
    private boolean intercepted;
    private byte[] key;
    private byte[] payload;
    /** Records handed to {@code send()}, all of them acknowledged by the end of each iteration. */
    private long recordsSent;
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean system =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    /** The producer's I/O thread and, when intercepted, the recorder's producer I/O and emitter threads. */
    private List<String> producerThreadNames;
    private long[] producerThreadIds;

    private boolean measuring;
    private long recordsAtIterationStart;
    private long[] producerThreadsCpuAtIterationStart;
    private long processCpuAtIterationStart;

    /** Totals over the measured iterations, printed when the trial ends. */
    private long measuredRecords;
    private long callerCpuNanos;
    private long callerBytes;
    private long[] producerThreadsCpuNanos;
    private long processCpuNanos;

    @Setup(Level.Trial)
    public void start() {
        intercepted = switch (producerType) {
            case "plain" -> false;
            case "intercepted" -> true;
            default -> throw new IllegalArgumentException("producerType must be plain or intercepted, got "
                    + producerType);
        };
        broker = EmbeddedKafkaBroker.start();
        try {
            producer = new KafkaProducer<>(producerConfig(), new ByteArraySerializer(), new ByteArraySerializer());
            key = TOPIC.getBytes(StandardCharsets.UTF_8);
            payload = new EventCodec().encode(LifecycleEvent.enqueued(TOPIC, "m-1234", System.currentTimeMillis()));
            // One record before measuring, so that both topics exist and their metadata is cached.
            producer.send(newRecord());
            recordsSent++;
            producer.flush();
            awaitEvents(TEAR_DOWN_POLL_PAUSE_NANOS);
            verify();
            producerThreadNames = producerThreadNames();
            producerThreadIds = findThreads(producerThreadNames);
            producerThreadsCpuNanos = new long[producerThreadIds.length];
        } catch (RuntimeException e) {
            // The broker's threads would otherwise keep the forked JVM alive after the failure.
            stop();
            throw e;
        }
    }

    /**
     * Returns the settings of RecordBenchmark's producer, which are the recorder's own, and for the
     * intercepted producer the interceptor's.
     */
    private Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.CLIENT_ID_CONFIG, CLIENT_ID,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"));
        if (intercepted) {
            config.put(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, LagwatchProducerInterceptor.class.getName());
            config.put(LagwatchProducerInterceptor.EVENTS_TOPIC, EVENTS_TOPIC);
            // Room for the events of a whole batch, so that a burst of acknowledgements drops none.
            config.put(LagwatchProducerInterceptor.BUFFER_CAPACITY, 2 * LARGE_BATCH);
        }
        return config;
    }

    /**
     * Returns a record with the same key, payload and an explicit timestamp, so that the
     * interceptor's {@code onSend} also reads the record's headers, as it does for every record
     * that has a timestamp.
     */
    private ProducerRecord<byte[], byte[]> newRecord() {
        return new ProducerRecord<>(TOPIC, null, System.currentTimeMillis(), key, payload);
    }

    @Setup(Level.Iteration)
    public void startIteration(IterationParams params) {
        measuring = params.getType() == IterationType.MEASUREMENT;
        recordsAtIterationStart = recordsSent;
        producerThreadsCpuAtIterationStart = producerThreadsCpuNanos();
        processCpuAtIterationStart = system.getProcessCpuTime();
    }

    /**
     * Waits until every record and event of the iteration is acknowledged, checks the counts, and
     * adds the CPU time spent since the iteration started to the totals. So the CPU time per record
     * covers each record from its {@code send()} to its event's acknowledgement, whichever part the
     * benchmark method timed.
     */
    @TearDown(Level.Iteration)
    public void finishIteration() {
        producer.flush();
        awaitEvents(TEAR_DOWN_POLL_PAUSE_NANOS);
        verify();
        if (measuring) {
            measuredRecords += recordsSent - recordsAtIterationStart;
            long[] cpu = producerThreadsCpuNanos();
            for (int i = 0; i < cpu.length; i++) {
                producerThreadsCpuNanos[i] += cpu[i] - producerThreadsCpuAtIterationStart[i];
            }
            processCpuNanos += system.getProcessCpuTime() - processCpuAtIterationStart;
        }
    }

    @TearDown(Level.Trial)
    public void report(BenchmarkParams params) {
        double records = measuredRecords;
        StringBuilder threadsCpu = new StringBuilder();
        long producerThreadsTotal = 0;
        for (int i = 0; i < producerThreadIds.length; i++) {
            producerThreadsTotal += producerThreadsCpuNanos[i];
            threadsCpu.append(String.format("; %.0f ns CPU in '%s'", producerThreadsCpuNanos[i] / records,
                    producerThreadNames.get(i)));
        }
        System.out.printf("%n%s, %s, per record over %d measured records: calling thread %.0f ns CPU and %.0f bytes"
                + " in send(); producer threads %.0f ns CPU%s; whole process %.0f ns CPU%n",
                params.getBenchmark(), producerType, measuredRecords, callerCpuNanos / records, callerBytes / records,
                producerThreadsTotal / records, threadsCpu, processCpuNanos / records);
        stop();
    }

    private void stop() {
        try {
            if (producer != null) {
                producer.close();
            }
        } finally {
            broker.close();
        }
    }

    /**
     * Waits until the interceptor's recorder has neither buffered nor unacknowledged events left
     * and has recorded one event per record sent. Returns at once for the plain producer.
     *
     * @param pauseNanos pause between two reads of the recorder's counts
     * @throws IllegalStateException if the recorder drops an event, or does not catch up within 30 s
     */
    private void awaitEvents(long pauseNanos) {
        if (!intercepted) {
            return;
        }
        long deadline = System.nanoTime() + EVENTS_TIMEOUT_NANOS;
        while (true) {
            RecorderStats stats = interceptorStats();
            if (stats.dropped() > 0) {
                throw new IllegalStateException("The interceptor dropped events, so the timings would leave out"
                        + " the cost of sending them: " + stats);
            }
            if (stats.recorded() >= recordsSent && stats.pending() == 0) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Timed out after 30 s waiting for the interceptor's events: " + stats
                        + " after " + recordsSent + " records");
            }
            LockSupport.parkNanos(pauseNanos);
        }
    }

    /**
     * Checks, once every record is acknowledged, that the producer reported no failed record, and
     * that the interceptor recorded and sent exactly one event per record, or that the plain
     * producer has no interceptor recording at all.
     *
     * @throws IllegalStateException if any of these does not hold
     */
    private void verify() {
        double failed = producerMetric("record-error-total");
        if (failed != 0) {
            throw new IllegalStateException("The producer failed to send " + failed + " records, so the timings"
                    + " would include failed sends");
        }
        if (!intercepted) {
            if (LagwatchProducerInterceptor.statsByClientId().containsKey(CLIENT_ID)) {
                throw new IllegalStateException("An interceptor is recording for the plain producer " + CLIENT_ID);
            }
            return;
        }
        RecorderStats stats = interceptorStats();
        if (stats.recorded() != recordsSent || stats.sent() != recordsSent || stats.dropped() != 0) {
            throw new IllegalStateException("The interceptor must record and send one event per acknowledged record: "
                    + recordsSent + " records acknowledged, interceptor " + stats);
        }
    }

    private RecorderStats interceptorStats() {
        RecorderStats stats = LagwatchProducerInterceptor.statsByClientId().get(CLIENT_ID);
        if (stats == null) {
            throw new IllegalStateException("No lagwatch interceptor is recording for producer " + CLIENT_ID
                    + "; its configuration was rejected, see the log");
        }
        return stats;
    }

    private double producerMetric(String name) {
        for (Map.Entry<MetricName, ? extends Metric> entry : producer.metrics().entrySet()) {
            if (entry.getKey().name().equals(name) && entry.getKey().group().equals("producer-metrics")) {
                return ((Number) entry.getValue().metricValue()).doubleValue();
            }
        }
        throw new IllegalStateException("The producer reports no metric " + name);
    }

    /** Returns the names of the threads that do a send's work besides the calling thread. */
    private List<String> producerThreadNames() {
        List<String> names = new ArrayList<>(List.of(IO_THREAD_PREFIX + CLIENT_ID));
        if (intercepted) {
            // The interceptor gives its recorder's producer this client id, and the recorder names its thread.
            names.add(IO_THREAD_PREFIX + "lagwatch-interceptor-" + CLIENT_ID);
            names.add("lagwatch-recorder-emitter");
        }
        return names;
    }

    /**
     * Returns the ids of the live threads with {@code names}.
     *
     * @throws IllegalStateException unless exactly one thread has each name, since the CPU time
     *     per record would then leave out or double a thread's work
     */
    private long[] findThreads(List<String> names) {
        Map<String, List<Long>> idsByName = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && names.contains(info.getThreadName())) {
                idsByName.computeIfAbsent(info.getThreadName(), name -> new ArrayList<>()).add(info.getThreadId());
            }
        }
        long[] ids = new long[names.size()];
        for (int i = 0; i < names.size(); i++) {
            List<Long> found = idsByName.getOrDefault(names.get(i), List.of());
            if (found.size() != 1) {
                throw new IllegalStateException("Expected one thread named '" + names.get(i) + "', found "
                        + found.size());
            }
            ids[i] = found.get(0);
        }
        return ids;
    }

    private long[] producerThreadsCpuNanos() {
        long[] cpu = new long[producerThreadIds.length];
        for (int i = 0; i < cpu.length; i++) {
            cpu[i] = threads.getThreadCpuTime(producerThreadIds[i]);
            if (cpu[i] < 0) {
                throw new IllegalStateException("No CPU time for thread '" + producerThreadNames.get(i)
                        + "': it ended, or this JVM does not measure thread CPU time");
            }
        }
        return cpu;
    }

    private void sendRecords(Blackhole blackhole, int count) {
        long bytesBefore = threads.getCurrentThreadAllocatedBytes();
        long cpuBefore = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < count; i++) {
            blackhole.consume(producer.send(newRecord()));
        }
        if (measuring) {
            callerCpuNanos += threads.getCurrentThreadCpuTime() - cpuBefore;
            callerBytes += threads.getCurrentThreadAllocatedBytes() - bytesBefore;
        }
        recordsSent += count;
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void send(Blackhole blackhole) {
        sendRecords(blackhole, RECORDS);
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void sendAndFlush(Blackhole blackhole) {
        sendRecords(blackhole, RECORDS);
        producer.flush();
    }

    @Benchmark
    @OperationsPerInvocation(LARGE_BATCH)
    @Warmup(iterations = 10, batchSize = 1)
    @Measurement(iterations = 30, batchSize = 1)
    public void sendFlushAndAwaitEvents(Blackhole blackhole) {
        sendRecords(blackhole, LARGE_BATCH);
        producer.flush();
        awaitEvents(MEASURED_POLL_PAUSE_NANOS);
    }
}
