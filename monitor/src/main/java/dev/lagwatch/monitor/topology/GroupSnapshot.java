package dev.lagwatch.monitor.topology;

import dev.lagwatch.client.event.ErrorCategory;
import java.util.ArrayList;
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

    /** Returns {@code next} with every count raised to at least its value in {@code previous}. */
    static GroupSnapshot holdingCumulative(GroupSnapshot previous, GroupSnapshot next) {
        List<Long> failed = new ArrayList<>(next.failedByCategory.size());
        for (int i = 0; i < next.failedByCategory.size(); i++) {
            failed.add(Math.max(previous.failedByCategory.get(i), next.failedByCategory.get(i)));
        }
        return new GroupSnapshot(next.group, Math.max(previous.completed, next.completed), failed,
                Math.max(previous.retries, next.retries),
                HistogramSnapshot.holdingCumulative(previous.processing, next.processing),
                HistogramSnapshot.holdingCumulative(previous.waiting, next.waiting),
                HistogramSnapshot.holdingCumulative(previous.endToEnd, next.endToEnd));
    }

    public long failed(ErrorCategory category) {
        return failedByCategory.get(category.ordinal());
    }

    /** Failed attempts of every category. */
    public long failed() {
        return failedByCategory.stream().mapToLong(Long::longValue).sum();
    }
}
