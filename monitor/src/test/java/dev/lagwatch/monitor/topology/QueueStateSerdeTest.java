package dev.lagwatch.monitor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwatch.client.event.ErrorCategory;
import dev.lagwatch.client.event.LifecycleEvent;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class QueueStateSerdeTest {

    /** The monitor's clock while applying events: after every event here. */
    private static final long NOW = 3_000_000;

    @Test
    void roundTripKeepsCountsAndHistograms() {
        QueueState state = new QueueState();
        state.apply(LifecycleEvent.enqueued("q", null, 1000), NOW);
        state.apply(LifecycleEvent.started("q", "g1", "c", null, 1, 1100, LifecycleEvent.NOT_SET), NOW);
        state.apply(LifecycleEvent.failed("q", "g1", "c", null, 1, 1200, 1000, LifecycleEvent.NOT_SET, 1100,
                ErrorCategory.RATE_LIMIT, true), NOW);
        state.apply(LifecycleEvent.completed("q", "g2", "c", null, 1, 2_000_000, 1000, LifecycleEvent.NOT_SET,
                1100), NOW);

        QueueState copy = QueueStateSerde.read(QueueStateSerde.write(state));

        assertThat(copy.enqueued()).isEqualTo(1);
        assertThat(copy.started()).isEqualTo(1);
        assertThat(copy.groups).containsOnlyKeys("g1", "g2");
        assertThat(copy.groups.get("g1").failedByCategory).containsExactly(0, 0, 0, 1, 0);
        assertThat(copy.groups.get("g1").retries).isEqualTo(1);
        assertThat(copy.groups.get("g2").endToEnd).isEqualTo(state.groups.get("g2").endToEnd);
        assertThat(copy.groups.get("g2").processing.sumMillis()).isEqualTo(1_998_900);
    }

    @Test
    void roundTripKeepsWindowAndConsumers() {
        QueueState state = new QueueState(2_000);
        state.apply(LifecycleEvent.heartbeat("q", "g1", "c-1", 10_000, 3), NOW);
        state.apply(LifecycleEvent.closing("q", "g1", "c-2", 10_500), NOW);
        state.apply(LifecycleEvent.completed("q", "g1", "c-1", null, 1, 11_000, 9_000, LifecycleEvent.NOT_SET,
                10_600), NOW);

        QueueState copy = QueueStateSerde.read(QueueStateSerde.write(state));

        assertThat(copy.window.totals(12_000)).isEqualTo(state.window.totals(12_000));
        assertThat(copy.window.windowMillis()).isEqualTo(24_000);
        assertThat(copy.consumers.liveness(12_000, 5_000)).isEqualTo(state.consumers.liveness(12_000, 5_000));
        assertThat(copy.consumers.liveness(12_000, 5_000).capacity()).isEqualTo(3);
    }

    @Test
    void roundTripKeepsUnfinishedMessagesWithNegativeCounts() {
        QueueState state = new QueueState();
        state.apply(LifecycleEvent.enqueued("q", null, 5_000), NOW);
        state.apply(LifecycleEvent.enqueued("q", null, 7_000), NOW);
        // An outcome whose enqueued event has not arrived yet leaves a negative count.
        state.apply(LifecycleEvent.completed("q", "g", "c", null, 1, 9_500, 9_000, LifecycleEvent.NOT_SET, 9_100), NOW);

        QueueState copy = QueueStateSerde.read(QueueStateSerde.write(state));

        assertThat(copy.unfinished.byBucketView()).isEqualTo(state.unfinished.byBucketView());
        assertThat(copy.unfinished.oldestAgeSeconds(2, 15_000)).isEqualTo(10.0);
    }

    @Test
    void duplicateOutcomeStopsLoweringDepthAfterAWindow() {
        QueueState state = new QueueState();
        for (int i = 0; i < 3; i++) {
            state.apply(LifecycleEvent.enqueued("q", "m-" + i, NOW), NOW);
        }
        // m-0 is delivered twice after a consumer crash, and completed both times.
        state.apply(completed("m-0"), NOW);
        state.apply(completed("m-0"), NOW + 100);
        assertThat(state.depth()).as("depth while the duplicate counts").isEqualTo(1);

        state.apply(completed("m-1"), NOW + 200);
        state.apply(completed("m-2"), NOW + 300);
        state.apply(LifecycleEvent.heartbeat("q", "g", "c", NOW + 60_000, 1), NOW + 60_300);
        state.apply(LifecycleEvent.enqueued("q", "m-3", NOW + 61_000), NOW + 61_000);

        assertThat(state.depth()).as("depth once the duplicate is written off").isEqualTo(1);
        QueueState copy = QueueStateSerde.read(QueueStateSerde.write(state));
        assertThat(copy.depth()).as("depth after a round trip").isEqualTo(1);
        assertThat(copy.surplus.writtenOff()).isEqualTo(1);
    }

    @Test
    void surplusRunSurvivesRoundTrip() {
        QueueState state = new QueueState();
        state.apply(completed("m-0"), NOW);

        QueueState copy = QueueStateSerde.read(QueueStateSerde.write(state));

        assertThat(copy.surplus.positiveSinceMillis()).isEqualTo(NOW);
        assertThat(copy.surplus.smallestSurplus()).isEqualTo(1);
    }

    @Test
    void roundTripKeepsTimeOfLatestEvent() {
        QueueState state = new QueueState();
        state.apply(LifecycleEvent.enqueued("q", null, 5_000), NOW);

        assertThat(QueueStateSerde.read(QueueStateSerde.write(state)).lastEventMillis()).isEqualTo(NOW);
    }

    @Test
    void versionThreeRecordReads() {
        QueueState state = new QueueState();
        state.apply(LifecycleEvent.enqueued("q", null, 5_000), NOW);
        state.lastEventMillis = QueueState.UNKNOWN;
        byte[] current = QueueStateSerde.write(state);
        // Version 3 is version 4 without the time of the latest event, one byte here.
        byte[] versionThree = java.util.Arrays.copyOf(current, current.length - 1);
        versionThree[0] = 3;

        QueueState read = QueueStateSerde.read(versionThree);

        assertThat(read.enqueued()).isEqualTo(1);
        assertThat(read.lastEventMillis()).isEqualTo(QueueState.UNKNOWN);
    }

    @Test
    void versionTwoRecordReadsWithoutSurplus() {
        QueueState state = new QueueState();
        state.apply(LifecycleEvent.enqueued("q", null, 5_000), NOW);
        state.lastEventMillis = QueueState.UNKNOWN;
        byte[] current = QueueStateSerde.write(state);
        // Version 2 is version 4 without the three surplus fields and the time of the latest event at
        // the end, each one byte here.
        byte[] versionTwo = java.util.Arrays.copyOf(current, current.length - 4);
        versionTwo[0] = 2;

        QueueState read = QueueStateSerde.read(versionTwo);

        assertThat(read.enqueued()).isEqualTo(1);
        assertThat(read.surplus.writtenOff()).isZero();
        assertThat(read.surplus.positiveSinceMillis()).isEqualTo(-1);
    }

    private static LifecycleEvent completed(String id) {
        return LifecycleEvent.completed("q", "g", "c", id, 1, NOW - 100, NOW - 1_000, LifecycleEvent.NOT_SET,
                NOW - 500);
    }

    @Test
    void versionOneRecordReadsWithAnEmptyWindow() {
        byte[] versionOne = {1, 7, 3, 0};

        QueueState state = QueueStateSerde.read(versionOne);

        assertThat(state.enqueued()).isEqualTo(7);
        assertThat(state.started()).isEqualTo(3);
        assertThat(state.window.totals(1_000).enqueued()).isZero();
    }

    @Test
    void varlongRoundTripsLargeValues() {
        QueueState state = new QueueState();
        state.enqueued = Long.MAX_VALUE;

        assertThat(QueueStateSerde.read(QueueStateSerde.write(state)).enqueued()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void groupNamesOutsideTheBasicPlaneRoundTrip() {
        QueueState state = new QueueState();
        state.apply(LifecycleEvent.heartbeat("q", "billing-\uD83D\uDCB0-\u00e9", "c", 1000, 1), NOW);

        assertThat(QueueStateSerde.read(QueueStateSerde.write(state)).groups).containsOnlyKeys("billing-\uD83D\uDCB0-\u00e9");
    }

    @Test
    void unknownFormatVersionIsRejected() {
        byte[] data = QueueStateSerde.write(new QueueState());
        data[0] = 42;

        assertThatThrownBy(() -> QueueStateSerde.read(data))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("format version 42");
    }

    @Test
    void truncatedRecordIsRejected() {
        byte[] data = QueueStateSerde.write(new QueueState());

        assertThatThrownBy(() -> QueueStateSerde.read(java.util.Arrays.copyOf(data, 2)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Corrupt queue state");
    }
}
