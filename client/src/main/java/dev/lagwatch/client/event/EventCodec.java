package dev.lagwatch.client.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.lagwatch.client.event.InvalidEventException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON form of lifecycle events, contract version 1: one UTF-8 JSON object per Kafka record.
 * {@link #encode} writes only the fields an event type uses; {@link #decode} checks the fields
 * each type requires and rejects the record with a {@link Reason} otherwise. Unknown fields are
 * ignored so that later minor additions stay readable. Instances are thread-safe.
 */
public final class EventCodec {

    static final String V = "v";
    static final String TYPE = "type";
    static final String QUEUE = "queue";
    static final String TS = "ts";
    static final String ID = "id";
    static final String GROUP = "group";
    static final String CONSUMER = "consumer";
    static final String ATTEMPT = "attempt";
    static final String ENQUEUED_AT = "enqueued_at";
    static final String AVAILABLE_AT = "available_at";
    static final String STARTED_AT = "started_at";
    static final String ERROR_TYPE = "error_type";
    static final String RETRY = "retry";
    static final String CAPACITY = "capacity";
    static final String CLOSING = "closing";

    // A repeated field is rejected: parsers disagree on which copy wins, so it could show one queue
    // to one reader and another to the next.
    private final JsonFactory factory = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Serialises an event to its JSON form. */
    public byte[] encode(LifecycleEvent event) {
        try (ByteArrayBuilder buffer = new ByteArrayBuilder(256);
                JsonGenerator json = factory.createGenerator(buffer)) {
            json.writeStartObject();
            json.writeNumberField(V, LifecycleEvent.VERSION);
            json.writeStringField(TYPE, event.type().wireName());
            json.writeStringField(QUEUE, event.queue());
            json.writeNumberField(TS, event.ts());
            if (event.id() != null) {
                json.writeStringField(ID, event.id());
            }
            if (event.type().isConsumerEvent()) {
                json.writeStringField(GROUP, event.group());
                if (event.consumer() != null) {
                    json.writeStringField(CONSUMER, event.consumer());
                }
            }
            if (event.attempt() > 0) {
                json.writeNumberField(ATTEMPT, event.attempt());
            }
            writeTimestamp(json, ENQUEUED_AT, event.enqueuedAt());
            writeTimestamp(json, AVAILABLE_AT, event.availableAt());
            writeTimestamp(json, STARTED_AT, event.startedAt());
            if (event.type() == EventType.FAILED) {
                json.writeStringField(ERROR_TYPE, event.errorCategory().wireName());
                json.writeBooleanField(RETRY, event.retry());
            }
            if (event.capacity() > 0) {
                json.writeNumberField(CAPACITY, event.capacity());
            }
            if (event.closing()) {
                json.writeBooleanField(CLOSING, true);
            }
            json.writeEndObject();
            json.flush();
            return buffer.toByteArray();
        } catch (IOException e) {
            // Writing to an in-memory buffer does not perform I/O.
            throw new UncheckedIOException("Failed to serialise a lifecycle event", e);
        }
    }

    private static void writeTimestamp(JsonGenerator json, String field, long value) throws IOException {
        if (value != LifecycleEvent.NOT_SET) {
            json.writeNumberField(field, value);
        }
    }

    /**
     * Parses and validates one record value.
     *
     * @throws InvalidEventException when the value is not a valid version 1 event; the exception
     *     names the reason and the offending field
     */
    public LifecycleEvent decode(byte[] value) throws InvalidEventException {
        if (value == null || value.length == 0) {
            throw new InvalidEventException(Reason.MALFORMED_JSON, "empty record value");
        }
        if (value.length > LifecycleEvent.MAX_ENCODED_BYTES) {
            throw new InvalidEventException(Reason.OVERSIZED, "record value of " + value.length
                    + " bytes is over the limit of " + LifecycleEvent.MAX_ENCODED_BYTES + " bytes for one event");
        }
        try (JsonParser parser = factory.createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidEventException(Reason.NOT_AN_OBJECT, "the record value is not a JSON object");
            }
            Fields fields = new Fields();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                fields.read(name, token, parser);
            }
            if (parser.nextToken() != null) {
                throw new InvalidEventException(Reason.MALFORMED_JSON, "trailing content after the JSON object");
            }
            return fields.toEvent();
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(Reason.MALFORMED_JSON, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidEventException(Reason.MALFORMED_JSON, "unreadable JSON: " + e.getMessage());
        }
    }

    /** Field values collected while parsing one object, before validation. */
    private static final class Fields {
        private Long version;
        private String type;
        private String queue;
        private Long ts;
        private String id;
        private String group;
        private String consumer;
        private Long attempt;
        private Long enqueuedAt;
        private Long availableAt;
        private Long startedAt;
        private String errorType;
        private Boolean retry;
        private Long capacity;
        private Boolean closing;

        void read(String name, JsonToken token, JsonParser parser) throws IOException, InvalidEventException {
            switch (name) {
                case V -> version = readLong(name, token, parser);
                case TYPE -> type = readString(name, token, parser);
                case QUEUE -> queue = readString(name, token, parser);
                case TS -> ts = readLong(name, token, parser);
                case ID -> id = readString(name, token, parser);
                case GROUP -> group = readString(name, token, parser);
                case CONSUMER -> consumer = readString(name, token, parser);
                case ATTEMPT -> attempt = readLong(name, token, parser);
                case ENQUEUED_AT -> enqueuedAt = readLong(name, token, parser);
                case AVAILABLE_AT -> availableAt = readLong(name, token, parser);
                case STARTED_AT -> startedAt = readLong(name, token, parser);
                case ERROR_TYPE -> errorType = readString(name, token, parser);
                case RETRY -> retry = readBoolean(name, token);
                case CAPACITY -> capacity = readLong(name, token, parser);
                case CLOSING -> closing = readBoolean(name, token);
                default -> parser.skipChildren();
            }
        }

        private static String readString(String name, JsonToken token, JsonParser parser) throws IOException,
                InvalidEventException {
            if (token == JsonToken.VALUE_NULL) {
                return null;
            }
            if (token != JsonToken.VALUE_STRING) {
                parser.skipChildren();
                throw new InvalidEventException(Reason.WRONG_TYPE, "field '" + name + "' must be a string");
            }
            return parser.getText();
        }

        private static Long readLong(String name, JsonToken token, JsonParser parser) throws IOException,
                InvalidEventException {
            if (token == JsonToken.VALUE_NULL) {
                return null;
            }
            if (token != JsonToken.VALUE_NUMBER_INT) {
                parser.skipChildren();
                throw new InvalidEventException(Reason.WRONG_TYPE, "field '" + name + "' must be an integer");
            }
            if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw new InvalidEventException(Reason.INVALID_VALUE, "field '" + name + "' is out of the int64 range");
            }
            return parser.getLongValue();
        }

        private static Boolean readBoolean(String name, JsonToken token) throws InvalidEventException {
            if (token == JsonToken.VALUE_NULL) {
                return null;
            }
            if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
                throw new InvalidEventException(Reason.WRONG_TYPE, "field '" + name + "' must be a boolean");
            }
            return token == JsonToken.VALUE_TRUE;
        }

        LifecycleEvent toEvent() throws InvalidEventException {
            if (version == null) {
                throw missing(V);
            }
            if (version != LifecycleEvent.VERSION) {
                throw new InvalidEventException(Reason.UNSUPPORTED_VERSION,
                        "unsupported contract version " + version + ", expected " + LifecycleEvent.VERSION);
            }
            if (type == null) {
                throw missing(TYPE);
            }
            EventType eventType = EventType.fromWireName(type);
            if (eventType == null) {
                throw new InvalidEventException(Reason.UNKNOWN_TYPE, "unknown event type '" + abbreviate(type) + "'");
            }
            checkQueue();
            checkLengths();
            long timestamp = requireTimestamp(TS, ts);

            if (!eventType.isConsumerEvent()) {
                return LifecycleEvent.enqueued(queue, id, timestamp);
            }
            if (group == null || group.isEmpty()) {
                throw missing(GROUP);
            }
            if (group.equals(LifecycleEvent.OVERFLOW_NAME)) {
                throw new InvalidEventException(Reason.INVALID_VALUE, "group name '" + LifecycleEvent.OVERFLOW_NAME
                        + "' is reserved for the monitor's overflow series; use another name");
            }
            int attemptNumber = checkAttempt(eventType);
            long available = availableAt == null ? LifecycleEvent.NOT_SET : requireTimestamp(AVAILABLE_AT, availableAt);
            switch (eventType) {
                case STARTED:
                    return LifecycleEvent.started(queue, group, consumer, id, attemptNumber, timestamp, available);
                case HEARTBEAT:
                    if (Boolean.TRUE.equals(closing)) {
                        return LifecycleEvent.closing(queue, group, consumer, timestamp);
                    }
                    return LifecycleEvent.heartbeat(queue, group, consumer, timestamp, checkCapacity());
                case COMPLETED:
                    return LifecycleEvent.completed(queue, group, consumer, id, attemptNumber, timestamp,
                            requireTimestamp(ENQUEUED_AT, enqueuedAt), available,
                            requireTimestamp(STARTED_AT, startedAt));
                case FAILED:
                    return LifecycleEvent.failed(queue, group, consumer, id, attemptNumber, timestamp,
                            requireTimestamp(ENQUEUED_AT, enqueuedAt), available,
                            requireTimestamp(STARTED_AT, startedAt), checkErrorType(), checkRetry());
                default:
                    throw new IllegalStateException("Unhandled event type " + eventType);
            }
        }

        private void checkLengths() throws InvalidEventException {
            checkLength(GROUP, group, LifecycleEvent.MAX_NAME_LENGTH);
            checkLength(CONSUMER, consumer, LifecycleEvent.MAX_NAME_LENGTH);
            checkLength(ID, id, LifecycleEvent.MAX_ID_LENGTH);
        }

        private static void checkLength(String name, String value, int max) throws InvalidEventException {
            if (value != null && value.length() > max) {
                throw new InvalidEventException(Reason.OVERSIZED, "field '" + name + "' has " + value.length()
                        + " characters, at most " + max + " are allowed");
            }
        }

        private void checkQueue() throws InvalidEventException {
            if (queue == null) {
                throw missing(QUEUE);
            }
            if (queue.isEmpty() || queue.length() > LifecycleEvent.MAX_QUEUE_LENGTH) {
                throw new InvalidEventException(Reason.INVALID_QUEUE, "field 'queue' must have 1 to "
                        + LifecycleEvent.MAX_QUEUE_LENGTH + " characters, got " + queue.length());
            }
            if (queue.equals(LifecycleEvent.OVERFLOW_NAME)) {
                throw new InvalidEventException(Reason.INVALID_QUEUE, "queue name '" + LifecycleEvent.OVERFLOW_NAME
                        + "' is reserved for the monitor's overflow series; use another name");
            }
        }

        private int checkAttempt(EventType eventType) throws InvalidEventException {
            if (attempt == null || eventType == EventType.HEARTBEAT) {
                return eventType == EventType.HEARTBEAT ? 0 : 1;
            }
            if (attempt < 1 || attempt > Integer.MAX_VALUE) {
                throw new InvalidEventException(Reason.INVALID_VALUE, "field 'attempt' must be at least 1, got " + attempt);
            }
            return attempt.intValue();
        }

        private int checkCapacity() throws InvalidEventException {
            if (capacity == null) {
                return 1;
            }
            if (capacity < 1 || capacity > Integer.MAX_VALUE) {
                throw new InvalidEventException(Reason.INVALID_VALUE, "field 'capacity' must be at least 1, got " + capacity);
            }
            return capacity.intValue();
        }

        private ErrorCategory checkErrorType() throws InvalidEventException {
            if (errorType == null) {
                throw missing(ERROR_TYPE);
            }
            ErrorCategory category = ErrorCategory.fromWireName(errorType);
            if (category == null) {
                throw new InvalidEventException(Reason.UNKNOWN_ERROR_TYPE, "unknown error_type '"
                        + abbreviate(errorType) + "', expected ConnectionError, ValidationError, TimeoutError,"
                        + " RateLimitError or UnknownError");
            }
            return category;
        }

        private boolean checkRetry() throws InvalidEventException {
            if (retry == null) {
                throw missing(RETRY);
            }
            return retry;
        }

        private static long requireTimestamp(String name, Long value) throws InvalidEventException {
            if (value == null) {
                throw missing(name);
            }
            if (value <= 0) {
                throw new InvalidEventException(Reason.INVALID_TIMESTAMP,
                        "field '" + name + "' must be epoch milliseconds greater than 0, got " + value);
            }
            return value;
        }

        private static InvalidEventException missing(String name) {
            return new InvalidEventException(Reason.MISSING_FIELD, "required field '" + name + "' is missing");
        }

        private static String abbreviate(String value) {
            return value.length() <= 64 ? value : value.substring(0, 64) + "...";
        }
    }
}
