package dev.lagwatch.monitor.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwatch.client.event.ErrorCategory;
import dev.lagwatch.client.event.LifecycleEvent;
import org.junit.jupiter.api.Test;

class ActivityWindowTest {

    private static final long SLOT = 5_000;
    /** A round start, so that slot edges are easy to read: slots start at multiples of 5 s. */
    private static final long T0 = 1_767_225_600_000L;

    private final ActivityWindow window = new ActivityWindow(SLOT);

    private static LifecycleEvent completedAt(long ts, long processingMillis) {
        return LifecycleEvent.completed("q", "g", "c", null, 1, ts, ts - 1_000, LifecycleEvent.NOT_SET,
                ts - processingMillis);
    }

    @Test
    void windowIsTwelveSlotsWide() {
        assertThat(window.windowMillis()).isEqualTo(60_000);
    }

    @Test
    void countsEventsInsideTheWindow() {
        window.record(LifecycleEvent.enqueued("q", null, T0));
        window.record(LifecycleEvent.started("q", "g", "c", null, 1, T0 + 1_000, LifecycleEvent.NOT_SET));
        window.record(completedAt(T0 + 2_000, 250));
        window.record(LifecycleEvent.failed("q", "g", "c", null, 1, T0 + 3_000, T0, LifecycleEvent.NOT_SET,
                T0 + 2_900, ErrorCategory.TIMEOUT, true));

        WindowTotals totals = window.totals(T0 + 10_000);

        assertThat(totals.enqueued()).isEqualTo(1);
        assertThat(totals.started()).isEqualTo(1);
        assertThat(totals.attemptsFinished()).isEqualTo(2);
        assertThat(totals.messagesFinished()).isEqualTo(1);
        assertThat(totals.busyMillis()).isEqualTo(350);
    }

    @Test
    void oldSlotLeavesWindow() {
        window.record(completedAt(T0, 10));

        // The slot [T0, T0 + 5 s) is the oldest of the window until now reaches T0 + 60 s.
        assertThat(window.totals(T0 + 59_999).messagesFinished()).isEqualTo(1);
        assertThat(window.totals(T0 + 60_000).messagesFinished()).isZero();
    }

    @Test
    void eventOlderThanTheRingIsIgnored() {
        window.record(completedAt(T0 + 120_000, 10));
        window.record(completedAt(T0, 10));

        assertThat(window.totals(T0 + 120_000).messagesFinished()).isEqualTo(1);
        assertThat(window.totals(T0 + 60_000).messagesFinished()).isZero();
    }

    @Test
    void ringReusesPositionsOfOldSlots() {
        window.record(completedAt(T0, 10));
        window.record(completedAt(T0 + 60_000, 10));

        assertThat(window.totals(T0 + 60_000).messagesFinished()).isEqualTo(1);
    }

    @Test
    void youngQueueSpansOnlyItsLifetime() {
        window.record(completedAt(T0 + 1_000, 10));

        assertThat(window.totals(T0 + 21_000).spanMillis()).isEqualTo(20_000);
        assertThat(window.totals(T0 + 21_000).full()).isFalse();
        assertThat(window.totals(T0 + 1_200).spanMillis()).as("never shorter than one slot").isEqualTo(SLOT);
        assertThat(window.totals(T0 + 61_000).full()).isTrue();
        // An old queue spans its eleven complete slots plus the elapsed part of the current one.
        assertThat(window.totals(T0 + 200_000).spanMillis()).isEqualTo(55_000);
        assertThat(window.totals(T0 + 204_999).spanMillis()).isEqualTo(59_999);
    }

    @Test
    void rateIsFinishedMessagesPerSecondOfSpan() {
        for (int i = 0; i < 120; i++) {
            window.record(completedAt(T0 + i * 500L, 10));
        }

        WindowTotals totals = window.totals(T0 + 60_000);

        // The slot of T0 has left the window; 110 messages finished in the last 55 s plus the current slot.
        assertThat(totals.messagesFinished()).isEqualTo(110);
        assertThat(totals.processingRatePerSecond()).isEqualTo(110 / 55.0);
    }

    @Test
    void emptyIsRecentForQuarterWindow() {
        window.recordEmpty(T0);

        assertThat(window.totals(T0 + 2 * SLOT).emptiedRecently()).as("two slots later").isTrue();
        assertThat(window.totals(T0 + 3 * SLOT).emptiedRecently()).as("three slots later").isFalse();
    }

    @Test
    void heartbeatsCountNothing() {
        window.record(LifecycleEvent.heartbeat("q", "g", "c", T0, 1));

        assertThat(window.totals(T0).attemptsFinished()).isZero();
        assertThat(window.totals(T0).enqueued()).isZero();
    }
}
