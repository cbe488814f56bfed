package dev.lagwatch.sim.producer;

import java.time.Duration;

/**
 * The load on one queue.
 *
 * @param queue queue name, which is also the topic the messages go to
 * @param ratePerSecond messages per second outside bursts
 * @param burstRatePerSecond messages per second during a burst
 * @param burstEvery time from the start of one burst to the start of the next; zero for no bursts
 * @param burstLength how long each burst lasts
 * @param maxMessages messages to send before stopping; 0 for no limit
 */
public record QueueLoad(String queue, double ratePerSecond, double burstRatePerSecond, Duration burstEvery,
        Duration burstLength, long maxMessages) {

    /** A steady load without bursts. */
    public static QueueLoad steady(String queue, double ratePerSecond, long maxMessages) {
        return new QueueLoad(queue, ratePerSecond, ratePerSecond, Duration.ZERO, Duration.ZERO, maxMessages);
    }

    /** The rate in force {@code elapsed} after the start. */
    double rateAt(Duration elapsed) {
        if (burstEvery.isZero() || burstLength.isZero()) {
            return ratePerSecond;
        }
        long phase = elapsed.toMillis() % burstEvery.toMillis();
        return phase < burstLength.toMillis() ? burstRatePerSecond : ratePerSecond;
    }
}
