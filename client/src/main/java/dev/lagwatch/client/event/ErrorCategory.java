package dev.lagwatch.client.event;

/**
 * Error categories of failed attempts. The set is closed on purpose: each category becomes an
 * {@code error_type} label value, so the number of series stays bounded whatever applications throw.
 */
public enum ErrorCategory {
    /** The processor could not reach a dependency: refused, reset or unresolvable connections. */
    CONNECTION("ConnectionError"),
    /** The message itself is unacceptable: malformed, failing a schema or a business rule. */
    VALIDATION("ValidationError"),
    /** A dependency or the processing itself did not respond in time. */
    TIMEOUT("TimeoutError"),
    /** A dependency rejected the call because of a quota or rate limit. */
    RATE_LIMIT("RateLimitError"),
    /** Anything the classifier could not place in another category. */
    UNKNOWN("UnknownError");

    private final String wireName;

    ErrorCategory(String wireName) {
        this.wireName = wireName;
    }

    /** The value of the {@code error_type} field and label. */
    public String wireName() {
        return wireName;
    }

    /** Returns the category with the given wire name (exact match), or {@code null} when there is none. */
    public static ErrorCategory fromWireName(String name) {
        for (ErrorCategory category : values()) {
            if (category.wireName.equals(name)) {
                return category;
            }
        }
        return null;
    }
}
