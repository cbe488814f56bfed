package dev.lagwatch.monitor.topology;

import dev.lagwatch.client.event.LifecycleEvent;

/**
 * A record of the events topic after decoding: the event when it is valid, otherwise the bytes as
 * they arrived, for the dead-letter topic.
 *
 * @param event the valid event, or {@code null}
 * @param invalidValue the record's value when it is invalid, or {@code null}
 */
record Decoded(LifecycleEvent event, byte[] invalidValue) {

    static Decoded valid(LifecycleEvent event) {
        return new Decoded(event, null);
    }

    static Decoded invalid(byte[] value) {
        return new Decoded(null, value);
    }

    boolean isValid() {
        return event != null;
    }
}
