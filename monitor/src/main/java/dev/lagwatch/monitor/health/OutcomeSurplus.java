package dev.lagwatch.monitor.health;

/**
 * Final outcomes of one queue that have no {@code enqueued} event to match, written off after a
 * tolerance so that they stop lowering the depth.
 *
 * <p>Depth is {@code enqueued - finished}. Two kinds of outcome make that negative:
 * <ul>
 *   <li>an outcome that overtook its {@code enqueued} event, which arrives moments later;</li>
 *   <li>an outcome with no {@code enqueued} ever: a message delivered again after a consumer
 *       crashed and finished twice, or one enqueued before its producer recorded events.</li>
 * </ul>
 * The first kind must count once its {@code enqueued} arrives; the second would otherwise lower
 * the depth forever. The surplus {@code finished - enqueued} is therefore written off only once
 * it has stayed above zero for the whole tolerance, and only its smallest value over that time,
 * which excludes outcomes that overtook their {@code enqueued} within that time.
 *
 * <p>While the real depth stays above the number of such outcomes, the surplus never shows and
 * depth reads low by that number. Once the backlog is smaller than the surplus for a whole
 * tolerance, the surplus is written off and depth is exact again.
 */
public final class OutcomeSurplus {

    long writtenOff;
    /** Start of the current run of positive surplus, on the monitor's clock; -1 outside one. */
    long positiveSinceMillis;
    /** Smallest surplus seen since {@link #positiveSinceMillis}. */
    long smallestSurplus;

    public OutcomeSurplus() {
        this(0, -1, 0);
    }

    public OutcomeSurplus(long writtenOff, long positiveSinceMillis, long smallestSurplus) {
        this.writtenOff = writtenOff;
        this.positiveSinceMillis = positiveSinceMillis;
        this.smallestSurplus = smallestSurplus;
    }

    /**
     * Records the counts after an event and writes off what has been surplus for the whole tolerance.
     *
     * @param enqueued {@code enqueued} events of the queue so far
     * @param finished final outcomes so far
     */
    public void update(long enqueued, long finished, long nowMillis, long toleranceMillis) {
        long surplus = finished - writtenOff - enqueued;
        if (surplus <= 0) {
            positiveSinceMillis = -1;
            return;
        }
        if (positiveSinceMillis < 0) {
            positiveSinceMillis = nowMillis;
            smallestSurplus = surplus;
            return;
        }
        smallestSurplus = Math.min(smallestSurplus, surplus);
        if (nowMillis - positiveSinceMillis >= toleranceMillis) {
            writtenOff += smallestSurplus;
            long left = surplus - smallestSurplus;
            positiveSinceMillis = left > 0 ? nowMillis : -1;
            smallestSurplus = left;
        }
    }

    /** Returns the outcomes written off so far, to subtract from the finished count. */
    public long writtenOff() {
        return writtenOff;
    }

    public long positiveSinceMillis() {
        return positiveSinceMillis;
    }

    public long smallestSurplus() {
        return smallestSurplus;
    }
}
