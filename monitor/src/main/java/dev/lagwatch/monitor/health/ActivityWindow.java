package dev.lagwatch.monitor.health;

import dev.lagwatch.client.event.EventType;
import dev.lagwatch.client.event.LifecycleEvent;
import java.util.Arrays;

/**
 * What happened on one queue over the recent past, in a ring of fixed-width time slots keyed by
 * the events' own timestamps. Each slot counts messages enqueued, attempts started and finished,
 * messages finished for good, busy time (the processing time of finished attempts, counted when
 * they finish), and how often the queue was left empty.
 * Events older than the ring are ignored. Memory is constant: {@link #SLOTS} slots per queue.
 */
public final class ActivityWindow {

    /** Slots in the ring; the window is {@code SLOTS} slots wide. */
    public static final int SLOTS = 12;

    /** Slots, at the newest end of the window, in which an empty queue counts as recently empty: a quarter of it. */
    public static final int RECENT_SLOTS = SLOTS / 4;

    private final long slotMillis;
    /** Slot number (timestamp ÷ slot width) each ring position holds, or -1 when empty. */
    final long[] slotNumbers;
    final long[] enqueued;
    final long[] started;
    final long[] attemptsFinished;
    final long[] messagesFinished;
    final long[] busyMillis;
    /** Events after which the queue's depth was 0. */
    final long[] emptied;
    /** Timestamp of the first event ever recorded, so a young queue's rates use the time it existed. */
    long firstEventMillis;

    public ActivityWindow(long slotMillis) {
        this(slotMillis, new long[SLOTS], new long[SLOTS], new long[SLOTS], new long[SLOTS], new long[SLOTS],
                new long[SLOTS], new long[SLOTS], Long.MAX_VALUE);
        Arrays.fill(slotNumbers, -1);
    }

    ActivityWindow(long slotMillis, long[] slotNumbers, long[] enqueued, long[] started, long[] attemptsFinished,
            long[] messagesFinished, long[] busyMillis, long[] emptied, long firstEventMillis) {
        if (slotMillis < 1) {
            throw new IllegalArgumentException("slot width must be at least 1 ms, got " + slotMillis);
        }
        this.slotMillis = slotMillis;
        this.slotNumbers = slotNumbers;
        this.enqueued = enqueued;
        this.started = started;
        this.attemptsFinished = attemptsFinished;
        this.messagesFinished = messagesFinished;
        this.busyMillis = busyMillis;
        this.emptied = emptied;
        this.firstEventMillis = firstEventMillis;
    }

    public long slotMillis() {
        return slotMillis;
    }

    public long windowMillis() {
        return slotMillis * SLOTS;
    }

    /** Counts {@code event} in the slot of its timestamp; heartbeats and events older than the ring count nothing. */
    public void record(LifecycleEvent event) {
        record(event, event.ts());
    }

    /**
     * Counts {@code event} in the slot of {@code atMillis}, which is the event's timestamp unless
     * the caller moved it back from the future: one event far ahead would otherwise claim a ring
     * position that the present needs. Busy time still comes from the event's own timestamps.
     */
    public void record(LifecycleEvent event, long atMillis) {
        if (event.type() == EventType.HEARTBEAT) {
            return;
        }
        int position = positionFor(atMillis);
        if (position < 0) {
            return;
        }
        firstEventMillis = Math.min(firstEventMillis, atMillis);
        switch (event.type()) {
            case ENQUEUED -> enqueued[position]++;
            case STARTED -> started[position]++;
            case COMPLETED, FAILED -> {
                attemptsFinished[position]++;
                busyMillis[position] += Math.max(0, event.ts() - event.startedAt());
                if (event.isFinalOutcome()) {
                    messagesFinished[position]++;
                }
            }
            default -> throw new IllegalStateException("Unhandled event type " + event.type());
        }
    }

    /** Notes that the queue was empty after an event at {@code timestampMillis}. */
    public void recordEmpty(long timestampMillis) {
        int position = positionFor(timestampMillis);
        if (position >= 0) {
            emptied[position]++;
        }
    }

    /** Returns the ring position for a timestamp, resetting a position that held an older slot, or -1. */
    private int positionFor(long timestampMillis) {
        long slot = Math.floorDiv(timestampMillis, slotMillis);
        int position = (int) Math.floorMod(slot, (long) SLOTS);
        if (slotNumbers[position] == slot) {
            return position;
        }
        if (slotNumbers[position] > slot) {
            // A newer slot already took this position, so the event is older than the ring.
            return -1;
        }
        slotNumbers[position] = slot;
        enqueued[position] = 0;
        started[position] = 0;
        attemptsFinished[position] = 0;
        messagesFinished[position] = 0;
        busyMillis[position] = 0;
        emptied[position] = 0;
        return position;
    }

    /** Sums the slots that lie within the window ending at {@code nowMillis}. */
    public WindowTotals totals(long nowMillis) {
        long newestSlot = Math.floorDiv(nowMillis, slotMillis);
        long oldestSlot = newestSlot - SLOTS + 1;
        long sumEnqueued = 0;
        long sumStarted = 0;
        long sumAttempts = 0;
        long sumMessages = 0;
        long sumBusy = 0;
        long recentEmptied = 0;
        long recentEnqueued = 0;
        long recentFinished = 0;
        for (int i = 0; i < SLOTS; i++) {
            long slot = slotNumbers[i];
            if (slot >= oldestSlot && slot <= newestSlot) {
                sumEnqueued += enqueued[i];
                sumStarted += started[i];
                sumAttempts += attemptsFinished[i];
                sumMessages += messagesFinished[i];
                sumBusy += busyMillis[i];
                if (slot > newestSlot - RECENT_SLOTS) {
                    recentEmptied += emptied[i];
                    recentEnqueued += enqueued[i];
                    recentFinished += messagesFinished[i];
                }
            }
        }
        // The window spans from the start of its oldest slot to now, but never before the queue's first event.
        long windowStart = Math.max(oldestSlot * slotMillis, firstEventMillis);
        long spanMillis = Math.max(slotMillis, nowMillis - windowStart);
        return new WindowTotals(sumEnqueued, sumStarted, sumAttempts, sumMessages, sumBusy, recentEmptied > 0, recentEnqueued, recentFinished,
                Math.min(spanMillis, windowMillis()), nowMillis - firstEventMillis >= windowMillis());
    }

    /** Returns an independent copy for a snapshot. */
    public ActivityWindow copy() {
        return new ActivityWindow(slotMillis, slotNumbers.clone(), enqueued.clone(), started.clone(),
                attemptsFinished.clone(), messagesFinished.clone(), busyMillis.clone(), emptied.clone(),
                firstEventMillis);
    }
}
