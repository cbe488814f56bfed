package dev.lagwatch.monitor.health;

/** Verdict on a queue, in the spirit of Burrow's consumer evaluation. */
public enum QueueStatus {
    /** Nothing waits, or the backlog is not growing. */
    OK,
    /** Messages wait and the backlog grew over the window: consumers keep up less than producers send. */
    WARN,
    /** Messages wait and consumers are alive, but no message finished over a whole window. */
    STALL,
    /** Messages wait and no consumer is alive. */
    STOP
}
