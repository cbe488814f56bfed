package dev.lagwatch.monitor.topology;

import dev.lagwatch.client.event.ErrorCategory;
import java.util.List;

/**
 * Immutable view of one consumer group's cumulative values on one queue.
 *
 * @param failedByCategory failed attempts indexed by {@link ErrorCategory#ordinal()}
 */
public record GroupSnapshot(
        String group,
        long completed,
        List<Long> failedByCategory,
        long retries,
        HistogramSnapshot processing,
        HistogramSnapshot waiting,
        HistogramSnapshot endToEnd) {

    public GroupSnapshot {
        failedByCategory = List.copyOf(failedByCategory);
    }

    static GroupSnapshot of(String group, GroupState state) {
        Long[] failed = new Long[state.failedByCategory.length];
        for (int i = 0; i < failed.length; i++) {
            failed[i] = state.failedByCategory[i];
        }
        return new GroupSnapshot(group, state.completed, List.of(failed), state.retries,
                HistogramSnapshot.of(state.processing), HistogramSnapshot.of(state.waiting),
                HistogramSnapshot.of(state.endToEnd));
    }

    public long failed(ErrorCategory category) {
        return failedByCategory.get(category.ordinal());
    }

    /** Failed attempts of every category. */
    public long failed() {
        return failedByCategory.stream().mapToLong(Long::longValue).sum();
    }
}
