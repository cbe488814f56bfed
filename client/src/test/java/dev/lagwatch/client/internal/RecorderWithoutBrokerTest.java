package dev.lagwatch.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lagwatch.client.Attempt;
import dev.lagwatch.client.ConsumerRecorder;
import dev.lagwatch.client.DropReason;
import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.client.RecorderStats;
import dev.lagwatch.client.event.ErrorCategory;
import dev.lagwatch.client.event.LifecycleEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The recorder pointed at a closed loopback port: nothing can be sent, so every event must end up
 * counted as dropped, and application threads must never wait for the brokers.
 */
class RecorderWithoutBrokerTest {

    /** Port 1 on loopback: nothing listens there, so connections are refused at once. */
    private static final String NO_BROKER = "127.0.0.1:1";

    private static LifecycleRecorder recorder(int bufferCapacity) {
        return recorder(bufferCapacity, Duration.ZERO);
    }

    private static LifecycleRecorder recorder(int bufferCapacity, Duration heartbeatInterval) {
        return LifecycleRecorder.builder()
                .bootstrapServers(NO_BROKER)
                .bufferCapacity(bufferCapacity)
                .closeTimeout(Duration.ofSeconds(1))
                .heartbeatInterval(heartbeatInterval)
                .build();
    }

    @Test
    void invalidArgumentsAreDroppedWithReason() {
        LifecycleRecorder recorder = recorder(100);

        recorder.enqueued(null, "m-1");
        recorder.enqueued("", "m-2");
        recorder.enqueued("q".repeat(250), "m-3");
        recorder.enqueued("orders", "m-4", 0);
        recorder.enqueued("orders", "m-5", -5);
        recorder.record(null);
        recorder.consumer("orders", null, "c-1").heartbeat();
        recorder.consumer("orders", "billing", "c-1").heartbeat(0);
        recorder.consumer("orders", "billing", "c-1").started("m-6", 1000L, 0);
        recorder.record(LifecycleEvent.completed("orders", "billing", "c-1", "m-7", 1, 2000L,
                LifecycleEvent.NOT_SET, LifecycleEvent.NOT_SET, 1500L));
        recorder.enqueued("orders", "m".repeat(LifecycleEvent.MAX_ID_LENGTH + 1));
        recorder.consumer("orders", "g".repeat(LifecycleEvent.MAX_NAME_LENGTH + 1), "c-1").heartbeat();
        recorder.close(Duration.ZERO);

        RecorderStats stats = recorder.stats();
        assertThat(stats.recorded()).isEqualTo(12);
        assertThat(stats.dropped(DropReason.INVALID_QUEUE)).isEqualTo(3);
        assertThat(stats.dropped(DropReason.INVALID_TIMESTAMP)).isEqualTo(3);
        assertThat(stats.dropped(DropReason.INVALID_ARGUMENT)).isEqualTo(6);
        assertThat(stats.sent()).isZero();
    }

    @Test
    void secondOutcomeOfAnAttemptIsDropped() {
        LifecycleRecorder recorder = recorder(100);
        ConsumerRecorder consumer = recorder.consumer("orders", "billing", "c-1");

        Attempt attempt = consumer.started("m-1", 1000L, 1);
        attempt.completed();
        attempt.failed(ErrorCategory.TIMEOUT, false);
        attempt.failed(new IllegalStateException("late"), true);
        recorder.close(Duration.ZERO);

        RecorderStats stats = recorder.stats();
        assertThat(stats.dropped(DropReason.DUPLICATE_OUTCOME)).isEqualTo(2);
        assertThat(stats.recorded()).isEqualTo(stats.sent() + stats.dropped());
    }

    @Test
    void openConsumerSendsHeartbeatsUntilClosed() {
        LifecycleRecorder recorder = recorder(100, Duration.ofMillis(100));

        ConsumerRecorder consumer = recorder.consumer("orders", "billing", "c-1", 4);
        await("an immediate heartbeat and three scheduled ones").atMost(Duration.ofSeconds(5))
                .until(() -> recorder.stats().recorded() >= 4);
        consumer.close();
        long afterClose = recorder.stats().recorded();

        await("no heartbeat after the consumer closed").during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2))
                .until(() -> recorder.stats().recorded() == afterClose);
        consumer.close();
        assertThat(recorder.stats().recorded()).as("a second close records nothing").isEqualTo(afterClose);
        recorder.close(Duration.ZERO);
        assertThat(recorder.stats().dropped(DropReason.INVALID_ARGUMENT)).isZero();
    }

    @Test
    void closingRecorderClosesOpenConsumers() {
        LifecycleRecorder recorder = recorder(100, Duration.ofSeconds(60));
        recorder.consumer("orders", "billing", "c-1");
        recorder.consumer("emails", "mailer", "c-2");
        long beforeClose = recorder.stats().recorded();

        recorder.close(Duration.ZERO);

        assertThat(recorder.stats().recorded()).as("one closing heartbeat per open consumer")
                .isEqualTo(beforeClose + 2);
    }

    @Test
    void recordingAfterCloseIsDroppedAsClosed() {
        LifecycleRecorder recorder = recorder(100);
        recorder.close(Duration.ZERO);

        recorder.enqueued("orders", "m-1");

        assertThat(recorder.stats().dropped(DropReason.CLOSED)).isEqualTo(1);
    }

    @Test
    void millionEventsAllAccountedFor() throws Exception {
        int threads = 8;
        int perThread = 750_000 / 8;
        int bufferCapacity = 10_000;
        LifecycleRecorder recorder = recorder(bufferCapacity);
        long heapBefore = usedHeapAfterGc();

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Long>> slowestCallNanos = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            slowestCallNanos.add(pool.submit(() -> recordMany(recorder, "queue-" + thread, perThread)));
        }
        long slowest = 0;
        for (Future<Long> result : slowestCallNanos) {
            slowest = Math.max(slowest, result.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();

        RecorderStats duringRun = recorder.stats();
        long heapGrowth = usedHeapAfterGc() - heapBefore;
        recorder.close(Duration.ofSeconds(1));
        RecorderStats stats = recorder.stats();

        // Every third iteration records two events: started and completed.
        long eventsPerThread = perThread + perThread / 3;
        assertThat(stats.recorded()).isEqualTo(threads * eventsPerThread);
        assertThat(stats.recorded()).isEqualTo(stats.sent() + stats.dropped());
        assertThat(stats.dropped(DropReason.BUFFER_FULL)).isGreaterThan(0);
        // The buffer is the only place events wait, so what is pending can never exceed it by more
        // than the emitter's batch in hand.
        assertThat(duringRun.pending()).isLessThanOrEqualTo(bufferCapacity + 512L);
        // A blocked call would take max.block.ms (10 s); a generous bound keeps this a check of blocking,
        // not of speed.
        assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofSeconds(2));
        // A million retained events would take roughly 150 MiB (an estimate at about 160 bytes each).
        // What a full GC leaves behind besides the buffer varies: one run on a busy machine measured
        // 47 MiB of growth, hence the margin.
        assertThat(heapGrowth).isLessThan(64L * 1024 * 1024);
    }

    private static long recordMany(LifecycleRecorder recorder, String queue, int count) {
        ConsumerRecorder consumer = recorder.consumer(queue, "group", "consumer");
        long slowest = 0;
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            switch (i % 3) {
                case 0 -> recorder.enqueued(queue, "m-" + i);
                case 1 -> consumer.heartbeat();
                default -> consumer.started("m-" + i, 1000L, 1).completed();
            }
            slowest = Math.max(slowest, System.nanoTime() - start);
        }
        return slowest;
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
