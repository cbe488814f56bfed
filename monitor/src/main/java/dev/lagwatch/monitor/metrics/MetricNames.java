package dev.lagwatch.monitor.metrics;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The monitor's metric catalogue: OpenTelemetry instrument names in dotted form, their units and
 * attribute keys. The Prometheus exporter derives the exposed names from name and unit, shown on
 * each constant; docs/metrics.md describes what each series means.
 */
public final class MetricNames {

    /** Instrumentation scope of every lagwatch instrument. */
    public static final String SCOPE = "dev.lagwatch.monitor";

    public static final String UNIT_MESSAGES = "{message}";
    public static final String UNIT_EVENTS = "{event}";
    public static final String UNIT_SECONDS = "s";

    /** Exposed as {@code messaging_queue_depth}. */
    public static final String QUEUE_DEPTH = "messaging.queue.depth";
    /** Exposed as {@code messaging_queue_in_flight}. */
    public static final String QUEUE_IN_FLIGHT = "messaging.queue.in_flight";
    /** Exposed as {@code messaging_messages_enqueued_total}. */
    public static final String MESSAGES_ENQUEUED = "messaging.messages.enqueued";
    /** Exposed as {@code messaging_messages_processed_total}. */
    public static final String MESSAGES_PROCESSED = "messaging.messages.processed";
    /** Exposed as {@code messaging_messages_failed_total}. */
    public static final String MESSAGES_FAILED = "messaging.messages.failed";
    /** Exposed as {@code messaging_retries_total}. */
    public static final String RETRIES = "messaging.retries";
    /** Exposed as {@code messaging_processing_duration_seconds}. */
    public static final String PROCESSING_DURATION = "messaging.processing.duration";
    /** Exposed as {@code messaging_wait_time_seconds}. */
    public static final String WAIT_TIME = "messaging.wait.time";
    /** Exposed as {@code messaging_end_to_end_latency_seconds}. */
    public static final String END_TO_END_LATENCY = "messaging.end_to_end.latency";

    /** Exposed as {@code messaging_consumer_lag_seconds}. */
    public static final String CONSUMER_LAG = "messaging.consumer.lag";
    /** Exposed as {@code messaging_oldest_message_age_seconds}. */
    public static final String OLDEST_MESSAGE_AGE = "messaging.oldest_message.age";
    /** Exposed as {@code messaging_consumer_saturation}. */
    public static final String CONSUMER_SATURATION = "messaging.consumer.saturation";
    /** Exposed as {@code messaging_active_consumers}. */
    public static final String ACTIVE_CONSUMERS = "messaging.active_consumers";
    /** Exposed as {@code messaging_queue_status}. */
    public static final String QUEUE_STATUS = "messaging.queue.status";

    /** Exposed as {@code lagwatch_events_consumed_total}. */
    public static final String EVENTS_CONSUMED = "lagwatch.events.consumed";
    /** Exposed as {@code lagwatch_events_invalid_total}. */
    public static final String EVENTS_INVALID = "lagwatch.events.invalid";
    /** Exposed as {@code lagwatch_events_rekeyed_total}. */
    public static final String EVENTS_REKEYED = "lagwatch.events.rekeyed";

    /** Exposed as {@code lagwatch_events_clock_skew_total}. */
    public static final String EVENTS_CLOCK_SKEW = "lagwatch.events.clock_skew";
    /** Exposed as {@code lagwatch_events_overflow_total}. */
    public static final String EVENTS_OVERFLOW = "lagwatch.events.overflow";
    /** Exposed as {@code lagwatch_queues_expired_total}. */
    public static final String QUEUES_EXPIRED = "lagwatch.queues.expired";
    /** Exposed as {@code lagwatch_streams_state}. */
    public static final String STREAMS_STATE = "lagwatch.streams.state";
    /** Exposed as {@code lagwatch_queues_owned}. */
    public static final String QUEUES_OWNED = "lagwatch.queues.owned";

    public static final AttributeKey<String> QUEUE = AttributeKey.stringKey("queue");
    public static final AttributeKey<String> CONSUMER_GROUP = AttributeKey.stringKey("consumer_group");
    public static final AttributeKey<String> STATUS = AttributeKey.stringKey("status");
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error_type");
    public static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");
    public static final AttributeKey<String> LIMIT = AttributeKey.stringKey("limit");
    public static final AttributeKey<String> STATE = AttributeKey.stringKey("state");

    public static final String STATUS_SUCCESS = "success";
    public static final String STATUS_FAILURE = "failure";

    private MetricNames() {
    }
}
