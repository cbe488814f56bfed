package dev.lagwatch.client.event;

import java.util.Locale;

/** Lifecycle event types of contract version 1, with their wire names. */
public enum EventType {
    ENQUEUED("enqueued"),
    STARTED("started"),
    COMPLETED("completed"),
    FAILED("failed"),
    HEARTBEAT("heartbeat");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    /** The value of the {@code type} field in the JSON form. */
    public String wireName() {
        return wireName;
    }

    /** Whether the event comes from a consumer and so carries {@code group} and {@code consumer}. */
    public boolean isConsumerEvent() {
        return this != ENQUEUED;
    }

    /** Whether the event finishes an attempt. */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED;
    }

    /** Returns the type with the given wire name, or {@code null} when there is none. */
    public static EventType fromWireName(String name) {
        if (name == null) {
            return null;
        }
        switch (name.toLowerCase(Locale.ROOT)) {
            case "enqueued":
                return ENQUEUED;
            case "started":
                return STARTED;
            case "completed":
                return COMPLETED;
            case "failed":
                return FAILED;
            case "heartbeat":
                return HEARTBEAT;
            default:
                return null;
        }
    }
}
