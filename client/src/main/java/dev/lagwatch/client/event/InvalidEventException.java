package dev.lagwatch.client.event;

/** Thrown by {@link EventCodec#decode} when a record is not a valid event of contract version 1. */
public final class InvalidEventException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why an event was rejected; {@link #label()} is the value of the {@code reason} metric label. */
    public enum Reason {
        MALFORMED_JSON("malformed_json"),
        NOT_AN_OBJECT("not_an_object"),
        UNSUPPORTED_VERSION("unsupported_version"),
        UNKNOWN_TYPE("unknown_type"),
        MISSING_FIELD("missing_field"),
        WRONG_TYPE("wrong_type"),
        INVALID_QUEUE("invalid_queue"),
        INVALID_TIMESTAMP("invalid_timestamp"),
        UNKNOWN_ERROR_TYPE("unknown_error_type"),
        INVALID_VALUE("invalid_value"),
        OVERSIZED("oversized");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final Reason reason;

    public InvalidEventException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
