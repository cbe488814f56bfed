package dev.lagwatch.monitor.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutcomeSurplusTest {

    private static final long TOLERANCE = 60_000;
    private static final long T0 = 1_000_000;

    private final OutcomeSurplus surplus = new OutcomeSurplus();

    @Test
    void outcomeBeforeItsEnqueuedIsNotWrittenOff() {
        surplus.update(0, 1, T0, TOLERANCE);
        surplus.update(1, 1, T0 + 1_000, TOLERANCE);
        surplus.update(1, 1, T0 + 2 * TOLERANCE, TOLERANCE);

        assertThat(surplus.writtenOff()).isZero();
    }

    @Test
    void duplicatesWrittenOffAfterTolerance() {
        // Ten messages, two of them finished twice.
        surplus.update(10, 12, T0, TOLERANCE);
        surplus.update(10, 12, T0 + TOLERANCE - 1, TOLERANCE);
        assertThat(surplus.writtenOff()).as("before the tolerance").isZero();

        surplus.update(10, 12, T0 + TOLERANCE, TOLERANCE);
        assertThat(surplus.writtenOff()).as("after the tolerance").isEqualTo(2);
        assertThat(surplus.positiveSinceMillis()).isEqualTo(-1);
    }

    @Test
    void onlyTheSmallestSurplusIsWrittenOff() {
        surplus.update(10, 12, T0, TOLERANCE);
        // A late outcome overtakes its enqueued event just before the tolerance ends.
        surplus.update(10, 13, T0 + TOLERANCE - 500, TOLERANCE);
        surplus.update(10, 13, T0 + TOLERANCE, TOLERANCE);

        assertThat(surplus.writtenOff()).isEqualTo(2);
        surplus.update(11, 13, T0 + TOLERANCE + 100, TOLERANCE);
        assertThat(surplus.positiveSinceMillis()).as("nothing left over once the enqueued arrives").isEqualTo(-1);
    }

    @Test
    void backlogAboveSurplusRestartsTheClock() {
        surplus.update(10, 12, T0, TOLERANCE);
        // New messages wait: the backlog hides the surplus.
        surplus.update(15, 12, T0 + 30_000, TOLERANCE);
        surplus.update(15, 17, T0 + 40_000, TOLERANCE);
        surplus.update(15, 17, T0 + TOLERANCE + 1, TOLERANCE);
        assertThat(surplus.writtenOff()).as("surplus seen for 20 s only").isZero();

        surplus.update(15, 17, T0 + 40_000 + TOLERANCE, TOLERANCE);
        assertThat(surplus.writtenOff()).isEqualTo(2);
    }
}
