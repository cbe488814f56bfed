package dev.lagwatch.monitor.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PartitionLagTest {

    private static final long NOW = 1_767_225_600_000L;

    private final TimestampStats timestamps = new TimestampStats();

    @Test
    void lagIsEndMinusCommitted() {
        PartitionLag lag = PartitionLag.evaluate(70, 0, 100, 100, FirstRecord.at(70, NOW - 12_000), NOW, timestamps);

        assertThat(lag.lag()).isEqualTo(30);
        assertThat(lag.condition()).isEqualTo(PartitionCondition.OK);
        assertThat(lag.timeLagSeconds()).isEqualTo(12.0);
    }

    @Test
    void caughtUpReadsZero() {
        // The producer has been idle for an hour; the group has read everything.
        PartitionLag lag = PartitionLag.evaluate(1_000, 0, 1_000, 1_000, null, NOW, timestamps);

        assertThat(lag.lag()).isZero();
        assertThat(lag.timeLagSeconds()).isZero();
    }

    @Test
    void commitMarkerAtTheTailIsNotLag() {
        // Ten transactional records at 0-9 and their commit marker at 10; the group committed 10.
        long start = PartitionLag.readStart(10, 0, 11);
        PartitionLag lag = PartitionLag.evaluate(10, 0, 11, 11, FirstRecord.noneBefore(11), NOW, timestamps);

        assertThat(start).isEqualTo(10);
        assertThat(lag.lag()).isZero();
        assertThat(lag.timeLagSeconds()).isZero();
    }

    @Test
    void abortedRecordAndMarkerAreNotLag() {
        // An aborted record at 0 and its abort marker at 1; the group never committed past 0.
        PartitionLag lag = PartitionLag.evaluate(0, 0, 2, 2, FirstRecord.noneBefore(2), NOW, timestamps);

        assertThat(lag.lag()).isZero();
    }

    @Test
    void markersBeforeTheFirstReadableRecordAreSkipped() {
        PartitionLag lag = PartitionLag.evaluate(10, 0, 25, 25, FirstRecord.at(11, NOW - 3_000), NOW, timestamps);

        assertThat(lag.lag()).isEqualTo(14);
        assertThat(lag.timeLagSeconds()).isEqualTo(3.0);
    }

    @Test
    void retentionBelowCommittedIsDataLossNotLag() {
        // Committed 1,000; retention deleted everything up to 5,000,000, which is also the end.
        PartitionLag lag = PartitionLag.evaluate(1_000, 5_000_000, 5_000_000, 5_000_000, null, NOW, timestamps);

        assertThat(lag.lag()).isZero();
        assertThat(lag.condition()).isEqualTo(PartitionCondition.DATA_LOSS);
        assertThat(lag.messagesLost()).isEqualTo(4_999_000);
    }

    @Test
    void retentionBelowCommittedCountsOnlyWhatRemains() {
        long start = PartitionLag.readStart(100, 400, 1_000);
        PartitionLag lag = PartitionLag.evaluate(100, 400, 1_000, 1_000, FirstRecord.at(400, NOW - 60_000), NOW,
                timestamps);

        assertThat(start).isEqualTo(400);
        assertThat(lag.lag()).isEqualTo(600);
        assertThat(lag.messagesLost()).isEqualTo(300);
        assertThat(lag.timeLagSeconds()).isEqualTo(60.0);
    }

    @Test
    void committedBeyondEndIsAConditionNotNegativeLag() {
        // Committed 5,000; the log was truncated to 4,200.
        PartitionLag lag = PartitionLag.evaluate(5_000, 0, 4_200, 4_200, null, NOW, timestamps);

        assertThat(lag.lag()).isZero();
        assertThat(lag.condition()).isEqualTo(PartitionCondition.OFFSET_BEYOND_END);
    }

    @Test
    void noCommittedOffsetHasNoSample() {
        PartitionLag lag = PartitionLag.evaluate(-1, 1_234_000, 1_234_234, 1_234_234, null, NOW, timestamps);

        assertThat(lag.hasLag()).isFalse();
        assertThat(lag.hasTimeLag()).isFalse();
        assertThat(lag.condition()).isEqualTo(PartitionCondition.NO_COMMITTED_OFFSET);
        assertThat(PartitionLag.readStart(-1, 1_234_000, 1_234_234)).isEqualTo(-1);
    }

    @Test
    void pastStableOffsetUsesHighWatermark() {
        // A transaction is open from offset 50; a read_uncommitted group has read up to 80 of 90.
        PartitionLag lag = PartitionLag.evaluate(80, 0, 90, 50, FirstRecord.at(80, NOW - 1_000), NOW, timestamps);

        assertThat(lag.end()).isEqualTo(90);
        assertThat(lag.lag()).isEqualTo(10);
        assertThat(lag.condition()).isEqualTo(PartitionCondition.OK);
    }

    @Test
    void missingTimestampGivesNoTimeLag() {
        for (long timestamp : new long[] {-1, 0}) {
            PartitionLag lag = PartitionLag.evaluate(5, 0, 10, 10, FirstRecord.at(5, timestamp), NOW, timestamps);

            assertThat(lag.lag()).isEqualTo(5);
            assertThat(lag.hasTimeLag()).isFalse();
        }
        assertThat(timestamps.missing()).isEqualTo(2);
    }

    @Test
    void futureTimestampGivesZeroNotNegative() {
        PartitionLag lag = PartitionLag.evaluate(5, 0, 10, 10, FirstRecord.at(5, NOW + 2_000), NOW, timestamps);

        assertThat(lag.timeLagSeconds()).isZero();
        assertThat(timestamps.future()).isEqualTo(1);
    }

    @Test
    void unreadRecordKeepsOffsetLag() {
        PartitionLag lag = PartitionLag.evaluate(5, 0, 10, 10, null, NOW, timestamps);

        assertThat(lag.lag()).isEqualTo(5);
        assertThat(lag.hasTimeLag()).isFalse();
    }
}
