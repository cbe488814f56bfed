package dev.lagwatch.monitor.topology;

import dev.lagwatch.client.event.ErrorCategory;

/** Cumulative outcome counts and duration histograms of one consumer group on one queue. */
public final class GroupState {

    long completed;
    /** Failed attempts, indexed by {@link ErrorCategory#ordinal()}. */
    final long[] failedByCategory;
    /** Failed attempts that will be delivered again. */
    long retries;
    final DurationHistogram processing;
    final DurationHistogram waiting;
    final DurationHistogram endToEnd;

    GroupState() {
        this(0, new long[ErrorCategory.values().length], 0, new DurationHistogram(), new DurationHistogram(),
                new DurationHistogram());
    }

    GroupState(long completed, long[] failedByCategory, long retries, DurationHistogram processing,
            DurationHistogram waiting, DurationHistogram endToEnd) {
        this.completed = completed;
        this.failedByCategory = failedByCategory;
        this.retries = retries;
        this.processing = processing;
        this.waiting = waiting;
        this.endToEnd = endToEnd;
    }

    long failed() {
        long total = 0;
        for (long count : failedByCategory) {
            total += count;
        }
        return total;
    }

    /** Failed attempts that were the message's final outcome. */
    long failedFinal() {
        return failed() - retries;
    }
}
