package dev.lagwatch.monitor.topology;

/** The limits of {@link CardinalityLimits}, as the {@code limit} label of the overflow counter names them. */
public enum CardinalityLimit {
    /** An event of a queue beyond the limit on queues went to the overflow queue. */
    QUEUES("queues"),
    /** An event of a consumer group beyond its queue's limit on groups went to the overflow group. */
    GROUPS("groups"),
    /** An event came from a consumer beyond its queue's limit on tracked consumers. */
    CONSUMERS("consumers");

    private final String label;

    CardinalityLimit(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
