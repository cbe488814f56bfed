package dev.lagwatch.monitor.offsets;

/**
 * The lag of one consumer group on one partition, and the rules that turn offsets into it.
 *
 * @param committed the group's committed offset (the next record it will read), or -1 when it has none
 * @param logStart the first offset still in the log
 * @param end the end offset the group reads up to: the last stable offset, or the high watermark
 *     for a group that has read past it
 * @param condition what, if anything, makes this partition's lag more than a difference of offsets
 * @param lag records the group has still to read; -1 when it has no committed offset
 * @param messagesLost records deleted by retention before the group read them, 0 unless {@link PartitionCondition#DATA_LOSS}
 * @param timeLagSeconds now minus the timestamp of the first record the group has not read; 0 when
 *     caught up, NaN when no valid timestamp is known
 */
public record PartitionLag(
        long committed,
        long logStart,
        long end,
        PartitionCondition condition,
        long lag,
        long messagesLost,
        double timeLagSeconds) {

    /** Returns whether the partition has an offset lag sample. */
    public boolean hasLag() {
        return lag >= 0;
    }

    /** Returns whether the partition has a time lag sample. */
    public boolean hasTimeLag() {
        return !Double.isNaN(timeLagSeconds);
    }

    /**
     * Returns the offset where a read for the first unread record must start: the committed
     * offset, or the log start when retention has already deleted it. Returns -1 when nothing
     * needs reading because the group has no committed offset or has nothing left to read.
     */
    public static long readStart(long committed, long logStart, long end) {
        if (committed < 0) {
            return -1;
        }
        long start = Math.max(committed, logStart);
        return start < end ? start : -1;
    }

    /**
     * Computes the lag from offsets read in this order: the group's committed offset first, then the
     * partition's log start and end, so that a commit between the two reads cannot make the lag
     * negative.
     *
     * @param committed committed offset, or -1 when the group has none
     * @param logStart first offset in the log
     * @param highWatermark offset the next record will get
     * @param lastStableOffset end offset for readers of committed data only
     * @param first what a read from {@link #readStart} found, or {@code null} when no read was needed or it timed out
     * @param nowMillis the monitor's clock
     * @param timestamps counts timestamps that cannot give a time lag
     */
    public static PartitionLag evaluate(long committed, long logStart, long highWatermark, long lastStableOffset,
            FirstRecord first, long nowMillis, TimestampStats timestamps) {
        if (committed < 0) {
            return new PartitionLag(-1, logStart, lastStableOffset, PartitionCondition.NO_COMMITTED_OFFSET, -1, 0,
                    Double.NaN);
        }
        if (committed > highWatermark) {
            return new PartitionLag(committed, logStart, highWatermark, PartitionCondition.OFFSET_BEYOND_END, 0, 0, 0);
        }
        // A group past the last stable offset reads uncommitted records, so its end is the high watermark.
        long end = committed > lastStableOffset ? highWatermark : lastStableOffset;
        PartitionCondition condition = committed < logStart ? PartitionCondition.DATA_LOSS : PartitionCondition.OK;
        long messagesLost = Math.max(0, logStart - committed);
        long start = Math.max(committed, logStart);
        if (first != null) {
            // Transaction markers and aborted records between the start and the first readable record are not lag.
            start = Math.max(start, first.offset());
        }
        long lag = Math.max(0, end - start);
        double timeLag;
        if (lag == 0) {
            timeLag = 0;
        } else if (first == null || !first.found()) {
            timeLag = Double.NaN;
        } else {
            timeLag = timestamps.timeLagSeconds(first.timestamp(), nowMillis);
        }
        return new PartitionLag(committed, logStart, end, condition, lag, messagesLost, timeLag);
    }
}
