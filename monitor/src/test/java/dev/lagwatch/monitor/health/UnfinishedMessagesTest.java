package dev.lagwatch.monitor.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwatch.client.event.ErrorCategory;
import dev.lagwatch.client.event.LifecycleEvent;
import org.junit.jupiter.api.Test;

class UnfinishedMessagesTest {

    private static final long T0 = 1_767_225_600_000L;

    private final UnfinishedMessages unfinished = new UnfinishedMessages();

    private static LifecycleEvent enqueued(long ts) {
        return LifecycleEvent.enqueued("q", null, ts);
    }

    private static LifecycleEvent completed(long enqueuedAt, long ts) {
        return LifecycleEvent.completed("q", "g", "c", null, 1, ts, enqueuedAt, LifecycleEvent.NOT_SET, ts - 1);
    }

    @Test
    void emptyQueueHasAgeZero() {
        assertThat(unfinished.oldestAgeSeconds(0, T0)).isZero();
    }

    @Test
    void ageOfOldestWaitingMessage() {
        unfinished.record(enqueued(T0));
        unfinished.record(enqueued(T0 + 10_000));

        assertThat(unfinished.oldestAgeSeconds(2, T0 + 30_000)).isEqualTo(30.0);
    }

    @Test
    void finishingOldestMovesAge() {
        unfinished.record(enqueued(T0));
        unfinished.record(enqueued(T0 + 10_000));
        unfinished.record(completed(T0, T0 + 20_000));

        assertThat(unfinished.oldestAgeSeconds(1, T0 + 30_000)).isEqualTo(20.0);
    }

    @Test
    void outOfOrderFinishKeepsTheOldestWaiting() {
        unfinished.record(enqueued(T0));
        unfinished.record(enqueued(T0 + 10_000));
        unfinished.record(completed(T0 + 10_000, T0 + 20_000));

        assertThat(unfinished.oldestAgeSeconds(1, T0 + 30_000)).isEqualTo(30.0);
    }

    @Test
    void retriedFailureKeepsTheMessage() {
        unfinished.record(enqueued(T0));
        unfinished.record(LifecycleEvent.failed("q", "g", "c", null, 1, T0 + 5_000, T0, LifecycleEvent.NOT_SET,
                T0 + 4_000, ErrorCategory.TIMEOUT, true));

        assertThat(unfinished.oldestAgeSeconds(1, T0 + 10_000)).isEqualTo(10.0);
    }

    @Test
    void outcomeBeforeEnqueuedCancelsOut() {
        unfinished.record(completed(T0, T0 + 2_000));
        unfinished.record(enqueued(T0));

        assertThat(unfinished.oldestAgeSeconds(0, T0 + 10_000)).isZero();
        assertThat(unfinished.byBucket).isEmpty();
    }

    @Test
    void staleNegativeCountsAreDropped() {
        unfinished.record(completed(T0, T0 + 2_000));

        unfinished.dropStale(T0 + 30_000, 60_000);
        assertThat(unfinished.byBucket).hasSize(1);
        unfinished.dropStale(T0 + 61_000, 60_000);
        assertThat(unfinished.byBucket).isEmpty();
    }

    @Test
    void manySecondsWidenBuckets() {
        long messages = 2 * UnfinishedMessages.MAX_BUCKETS;
        for (long i = 0; i < messages; i++) {
            unfinished.record(enqueued(T0 + 1_000 + i * 1_000));
        }

        assertThat(unfinished.byBucket.size()).isLessThanOrEqualTo(UnfinishedMessages.MAX_BUCKETS);
        assertThat(unfinished.widthSeconds()).isBetween(2L, 4L);
        double trueAge = (T0 + 2_000_000 - (T0 + 1_000)) / 1000.0;
        assertThat(unfinished.oldestAgeSeconds(messages, T0 + 2_000_000))
                .isBetween(trueAge, trueAge + unfinished.widthSeconds());
    }

    @Test
    void widthReturnsToOneSecondWhenEmpty() {
        for (long i = 0; i < UnfinishedMessages.MAX_BUCKETS + 1; i++) {
            unfinished.record(enqueued(T0 + i * 1_000));
        }
        for (long i = 0; i < UnfinishedMessages.MAX_BUCKETS + 1; i++) {
            unfinished.record(completed(T0 + i * 1_000, T0 + 900_000));
        }

        assertThat(unfinished.byBucket).isEmpty();
        assertThat(unfinished.widthSeconds()).isEqualTo(1);
    }
}
