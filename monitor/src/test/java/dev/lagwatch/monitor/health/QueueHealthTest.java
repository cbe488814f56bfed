package dev.lagwatch.monitor.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwatch.monitor.health.ConsumerRegistry.Liveness;
import org.junit.jupiter.api.Test;

class QueueHealthTest {

    private static final Liveness ONE_CONSUMER = new Liveness(1, 1);
    private static final Liveness NO_CONSUMER = new Liveness(0, 0);

    /** Totals of a full 60 s window, with a quarter of its traffic in the latest quarter. */
    private static WindowTotals window(long enqueued, long messagesFinished, long busyMillis) {
        return new WindowTotals(enqueued, messagesFinished, messagesFinished, messagesFinished, busyMillis, false,
                enqueued / 4, messagesFinished / 4, 60_000, true);
    }

    @Test
    void emptyQueueIsOkWithZeroLag() {
        QueueHealth health = QueueHealth.evaluate(0, window(0, 0, 0), NO_CONSUMER);

        assertThat(health.lagSeconds()).isZero();
        assertThat(health.status()).isEqualTo(QueueStatus.OK);
    }

    @Test
    void lagIsDepthOverProcessingRate() {
        // 120 messages finished in 60 s: 2 per second, so 30 waiting take 15 s.
        QueueHealth health = QueueHealth.evaluate(30, window(120, 120, 0), ONE_CONSUMER);

        assertThat(health.lagSeconds()).isEqualTo(15.0);
        assertThat(health.status()).isEqualTo(QueueStatus.OK);
    }

    @Test
    void backlogWithoutProgressHasInfiniteLag() {
        QueueHealth health = QueueHealth.evaluate(5, window(5, 0, 0), ONE_CONSUMER);

        assertThat(health.lagSeconds()).isInfinite();
    }

    @Test
    void noProgressWithoutBacklogHasZeroLag() {
        assertThat(QueueHealth.evaluate(0, window(0, 0, 0), ONE_CONSUMER).lagSeconds()).isZero();
    }

    @Test
    void waitingWithoutConsumersIsStop() {
        QueueHealth health = QueueHealth.evaluate(5, window(5, 3, 0), NO_CONSUMER);

        assertThat(health.status()).isEqualTo(QueueStatus.STOP);
        assertThat(health.activeConsumers()).isZero();
    }

    @Test
    void noProgressForWindowIsStall() {
        assertThat(QueueHealth.evaluate(5, window(0, 0, 0), ONE_CONSUMER).status()).isEqualTo(QueueStatus.STALL);
    }

    @Test
    void youngQueueWithoutProgressIsNotYetStall() {
        WindowTotals young = new WindowTotals(5, 1, 0, 0, 0, false, 5, 0, 10_000, false);

        assertThat(QueueHealth.evaluate(5, young, ONE_CONSUMER).status()).isEqualTo(QueueStatus.WARN);
    }

    @Test
    void growingBacklogIsWarn() {
        assertThat(QueueHealth.evaluate(40, window(100, 60, 0), ONE_CONSUMER).status()).isEqualTo(QueueStatus.WARN);
    }

    @Test
    void backlogEmptiedRecentlyIsOk() {
        WindowTotals emptiedOnce = new WindowTotals(100, 98, 98, 98, 0, true, 25, 24, 60_000, true);

        assertThat(QueueHealth.evaluate(2, emptiedOnce, ONE_CONSUMER).status()).isEqualTo(QueueStatus.OK);
    }

    @Test
    void steadyHighRateQueueIsOk() {
        // 1,000 messages per second; 50 more came in than went out over the minute, far less than a second's work.
        assertThat(QueueHealth.evaluate(50, window(60_050, 60_000, 0), ONE_CONSUMER).status())
                .isEqualTo(QueueStatus.OK);
    }

    @Test
    void slowQueueGrowingByOneMessageIsWarn() {
        // Six messages finished in the minute, 0.1 per second; one more came in than went out.
        assertThat(QueueHealth.evaluate(1, window(7, 6, 0), ONE_CONSUMER).status()).isEqualTo(QueueStatus.WARN);
    }

    @Test
    void backlogDrainingNowIsOk() {
        // The backlog grew by 40 over the window, but in its latest quarter 20 finished and none came in.
        WindowTotals draining = new WindowTotals(100, 60, 60, 60, 0, false, 0, 20, 60_000, true);

        assertThat(QueueHealth.evaluate(40, draining, ONE_CONSUMER).status()).isEqualTo(QueueStatus.OK);
    }

    @Test
    void shrinkingBacklogIsOk() {
        assertThat(QueueHealth.evaluate(40, window(60, 100, 0), ONE_CONSUMER).status()).isEqualTo(QueueStatus.OK);
    }

    @Test
    void saturationIsBusyTimeOverCapacity() {
        // 30 s busy out of 60 s with capacity 2: a quarter.
        QueueHealth health = QueueHealth.evaluate(0, window(0, 10, 30_000), new Liveness(1, 2));

        assertThat(health.saturation()).isEqualTo(0.25);
    }

    @Test
    void saturationIsClampedToOne() {
        QueueHealth health = QueueHealth.evaluate(0, window(0, 10, 500_000), ONE_CONSUMER);

        assertThat(health.saturation()).isEqualTo(1.0);
    }

    @Test
    void waitingWithoutLiveCapacityIsFullySaturated() {
        assertThat(QueueHealth.evaluate(3, window(0, 1, 100), NO_CONSUMER).saturation()).isEqualTo(1.0);
        assertThat(QueueHealth.evaluate(3, window(0, 0, 0), NO_CONSUMER).saturation()).isEqualTo(1.0);
    }

    @Test
    void idleWithoutConsumersIsNotSaturated() {
        // Consumers that did some work and then closed leave nothing waiting: no pressure.
        assertThat(QueueHealth.evaluate(0, window(0, 1, 100), NO_CONSUMER).saturation()).isZero();
        assertThat(QueueHealth.evaluate(0, window(0, 0, 0), NO_CONSUMER).saturation()).isZero();
    }
}
