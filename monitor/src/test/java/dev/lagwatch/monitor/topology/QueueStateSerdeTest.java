package dev.lagwatch.monitor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwatch.client.event.ErrorCategory;
import dev.lagwatch.client.event.LifecycleEvent;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class QueueStateSerdeTest {

    @Test
    void roundTripKeepsCountsAndHistograms() {
        QueueState state = new QueueState();
        state.apply(LifecycleEvent.enqueued("q", null, 1000));
        state.apply(LifecycleEvent.started("q", "g1", "c", null, 1, 1100, LifecycleEvent.NOT_SET));
        state.apply(LifecycleEvent.failed("q", "g1", "c", null, 1, 1200, 1000, LifecycleEvent.NOT_SET, 1100,
                ErrorCategory.RATE_LIMIT, true));
        state.apply(LifecycleEvent.completed("q", "g2", "c", null, 1, 2_000_000, 1000, LifecycleEvent.NOT_SET,
                1100));

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
    void varlongRoundTripsLargeValues() {
        QueueState state = new QueueState();
        state.enqueued = Long.MAX_VALUE;

        assertThat(QueueStateSerde.read(QueueStateSerde.write(state)).enqueued()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void groupNamesOutsideTheBasicPlaneRoundTrip() {
        QueueState state = new QueueState();
        state.apply(LifecycleEvent.heartbeat("q", "billing-\uD83D\uDCB0-\u00e9", "c", 1000, 1));

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
