package dev.lagwatch.monitor.offsets;

/** State of a consumer group's committed offset on a partition, relative to the partition's log. */
public enum PartitionCondition {
    /** The committed offset lies within the log; the lag is exact. */
    OK("ok"),
    /**
     * The group has no committed offset for a partition it is assigned. It has no lag sample: the
     * lag depends on where its reset policy will start it, which the broker does not know.
     */
    NO_COMMITTED_OFFSET("no_committed_offset"),
    /** Retention deleted records before the group read them: the committed offset is below the log start. */
    DATA_LOSS("data_loss"),
    /** The committed offset is beyond the end of the log, after a truncation or a topic recreated under the same name. */
    OFFSET_BEYOND_END("offset_beyond_end");

    private final String label;

    PartitionCondition(String label) {
        this.label = label;
    }

    /** Returns the value of the {@code condition} label. */
    public String label() {
        return label;
    }
}
