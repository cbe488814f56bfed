package dev.lagwatch.client;

import java.util.Map;

/**
 * Counts of a recorder since it was built. Every recorded event is eventually either sent or
 * dropped, so once the recorder is closed {@code recorded == sent + dropped()}; before that the
 * difference is {@link #pending()}.
 *
 * @param recorded calls that recorded an event, including the ones dropped as invalid
 * @param sent events the brokers acknowledged
 * @param droppedByReason dropped events per reason, with every reason present
 */
public record RecorderStats(long recorded, long sent, Map<DropReason, Long> droppedByReason) {

    public RecorderStats {
        droppedByReason = Map.copyOf(droppedByReason);
    }

    /** Events dropped for any reason. */
    public long dropped() {
        return droppedByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Events dropped for {@code reason}. */
    public long dropped(DropReason reason) {
        return droppedByReason.getOrDefault(reason, 0L);
    }

    /** Events recorded but neither sent nor dropped yet: buffered or awaiting the brokers' answer. */
    public long pending() {
        return recorded - sent - dropped();
    }
}
