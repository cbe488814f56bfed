package dev.lagwatch.monitor.offsets;

/**
 * Result of a read from a start offset: the first record a consumer would receive, or the finding
 * that nothing readable lies before the end of the log (only transaction markers or aborted records).
 *
 * @param offset offset of the first readable record, or of the position the read reached when none was found
 * @param timestamp the record's timestamp in epoch milliseconds, or -1 when none was found
 * @param found whether a readable record was found
 */
public record FirstRecord(long offset, long timestamp, boolean found) {

    /** Returns the first readable record at {@code offset}, stamped {@code timestamp}. */
    public static FirstRecord at(long offset, long timestamp) {
        return new FirstRecord(offset, timestamp, true);
    }

    /** Returns a read that reached {@code position}, the end of the log, without a readable record. */
    public static FirstRecord noneBefore(long position) {
        return new FirstRecord(position, -1, false);
    }
}
