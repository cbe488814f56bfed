package dev.lagwatch.bench;

import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.client.RecorderStats;
import dev.lagwatch.client.event.EventCodec;
import dev.lagwatch.client.event.LifecycleEvent;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost to the calling thread of recording one {@code enqueued} event, next to a
 * {@link KafkaProducer#send} of the same key and JSON payload, both against a real broker.
 *
 * <p>Each invocation makes {@value #CALLS} calls from an empty buffer and the iteration's tear-down
 * waits until everything is sent, so neither the recorder's buffer nor the producer's
 * {@code buffer.memory} is ever full: the numbers are the cost of the calls, not of Kafka's
 * throughput. JMH's {@code -prof gc} counts what every thread allocates, the recorder's and the
 * producer's background threads included; the bytes the calling thread itself allocates per call
 * are measured separately and printed at the end of each trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 30, batchSize = 1)
@Measurement(iterations = 60, batchSize = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class RecordBenchmark {

    static final int CALLS = 10_000;
    private static final String QUEUE = "bench-orders";

    private EmbeddedKafkaBroker broker;
    private LifecycleRecorder recorder;
    private Producer<byte[], byte[]> producer;
    private byte[] key;
    private byte[] payload;
    private final String[] messageIds = new String[CALLS];
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    private long callerBytes;
    private long callerCalls;

    @Setup(Level.Trial)
    public void start() {
        broker = EmbeddedKafkaBroker.start();
        recorder = LifecycleRecorder.builder()
                .bootstrapServers(broker.bootstrapServers())
                .topic("bench-events")
                .bufferCapacity(4 * CALLS)
                .build();
        // The recorder's own producer settings, so that both sides pay for the same work.
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new ByteArraySerializer(), new ByteArraySerializer());
        for (int i = 0; i < CALLS; i++) {
            messageIds[i] = "m-" + i;
        }
        key = QUEUE.getBytes(StandardCharsets.UTF_8);
        payload = new EventCodec().encode(LifecycleEvent.enqueued(QUEUE, "m-1234", System.currentTimeMillis()));
        producer.send(new ProducerRecord<>("bench-send", key, payload));
        producer.flush();
    }

    @TearDown(Level.Iteration)
    public void drain() throws InterruptedException {
        producer.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (recorder.stats().pending() > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(1);
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        System.out.printf("%nCalling thread allocated %.1f bytes per call over %d calls%n",
                (double) callerBytes / callerCalls, callerCalls);
        recorder.close(Duration.ofSeconds(10));
        RecorderStats stats = recorder.stats();
        if (stats.dropped() > 0) {
            throw new IllegalStateException("The recorder dropped events, so the record path measured was not"
                    + " the one that buffers: " + stats);
        }
        producer.close();
        broker.close();
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void recordEnqueued() {
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < CALLS; i++) {
            recorder.enqueued(QUEUE, messageIds[i]);
        }
        countAllocation(before);
    }

    private void countAllocation(long before) {
        callerBytes += threads.getCurrentThreadAllocatedBytes() - before;
        callerCalls += CALLS;
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void kafkaProducerSend(Blackhole blackhole) {
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < CALLS; i++) {
            blackhole.consume(producer.send(new ProducerRecord<>("bench-send", key, payload)));
        }
        countAllocation(before);
    }
}
