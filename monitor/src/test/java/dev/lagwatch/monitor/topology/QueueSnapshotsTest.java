package dev.lagwatch.monitor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwatch.client.event.ErrorCategory;
import dev.lagwatch.client.event.LifecycleEvent;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

class QueueSnapshotsTest {

    private static final long T0 = 1_767_225_600_000L;
    private static final TaskId TASK = new TaskId(0, 0);

    private final QueueSnapshots snapshots = new QueueSnapshots();

    /** State of queue {@code q} after {@code messages} messages, each enqueued and then completed or failed. */
    private static QueueState stateAfter(int messages) {
        QueueState state = new QueueState();
        for (int i = 0; i < messages; i++) {
            state.apply(LifecycleEvent.enqueued("q", "m-" + i, T0 + i), T0 + 10_000);
            if (i % 2 == 0) {
                state.apply(LifecycleEvent.completed("q", "g", "c", "m-" + i, 1, T0 + i + 50, T0 + i,
                        LifecycleEvent.NOT_SET, T0 + i + 10), T0 + 10_000);
            } else {
                state.apply(LifecycleEvent.failed("q", "g", "c", "m-" + i, 1, T0 + i + 50, T0 + i,
                        LifecycleEvent.NOT_SET, T0 + i + 10, ErrorCategory.TIMEOUT, true), T0 + 10_000);
            }
        }
        return state;
    }

    @Test
    void rolledBackStateDoesNotLowerCounters() {
        snapshots.publish(TASK, QueueSnapshot.of("q", stateAfter(10), T0));
        // An aborted transaction restored the store to an earlier state.
        snapshots.publish(TASK, QueueSnapshot.of("q", stateAfter(6), T0 + 1_000));

        QueueSnapshot published = snapshots.get("q");
        GroupSnapshot group = published.groups().get(0);

        assertThat(published.enqueued()).isEqualTo(10);
        assertThat(group.completed()).isEqualTo(5);
        assertThat(group.failed(ErrorCategory.TIMEOUT)).isEqualTo(5);
        assertThat(group.retries()).isEqualTo(5);
        assertThat(group.processing().count()).isEqualTo(10);
        assertThat(group.processing().sumMillis()).isEqualTo(400);
        assertThat(published.depth()).as("depth is a gauge, not held").isEqualTo(3);
    }

    @Test
    void countersFollowOnceStateCatchesUp() {
        snapshots.publish(TASK, QueueSnapshot.of("q", stateAfter(10), T0));
        snapshots.publish(TASK, QueueSnapshot.of("q", stateAfter(6), T0 + 1_000));
        snapshots.publish(TASK, QueueSnapshot.of("q", stateAfter(12), T0 + 2_000));

        assertThat(snapshots.get("q").enqueued()).isEqualTo(12);
        assertThat(snapshots.get("q").groups().get(0).completed()).isEqualTo(6);
    }
}
