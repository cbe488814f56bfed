package dev.lagwatch.client.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwatch.client.event.InvalidEventException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventCodecTest {

    private final EventCodec codec = new EventCodec();

    static List<LifecycleEvent> everyEventType() {
        return List.of(
                LifecycleEvent.enqueued("orders", "m-1", 1_700_000_000_000L),
                LifecycleEvent.enqueued("orders", null, 1_700_000_000_000L),
                LifecycleEvent.started("orders", "billing", "billing-1", "m-1", 2, 1_700_000_000_500L,
                        1_700_000_000_400L),
                LifecycleEvent.started("orders", "billing", null, null, 1, 1_700_000_000_500L, LifecycleEvent.NOT_SET),
                LifecycleEvent.completed("orders", "billing", "billing-1", "m-1", 1, 1_700_000_001_000L,
                        1_700_000_000_000L, LifecycleEvent.NOT_SET, 1_700_000_000_500L),
                LifecycleEvent.failed("orders", "billing", "billing-1", "m-1", 3, 1_700_000_001_000L,
                        1_700_000_000_000L, 1_700_000_000_300L, 1_700_000_000_500L, ErrorCategory.TIMEOUT, true),
                LifecycleEvent.failed("orders", "billing", "billing-1", "m-1", 1, 1_700_000_001_000L,
                        1_700_000_000_000L, LifecycleEvent.NOT_SET, 1_700_000_000_500L, ErrorCategory.VALIDATION,
                        false),
                LifecycleEvent.heartbeat("orders", "billing", "billing-1", 1_700_000_002_000L, 4),
                LifecycleEvent.closing("orders", "billing", "billing-1", 1_700_000_003_000L));
    }

    @ParameterizedTest
    @MethodSource("everyEventType")
    void roundTripKeepsEveryField(LifecycleEvent event) throws InvalidEventException {
        assertThat(codec.decode(codec.encode(event))).isEqualTo(event);
    }

    @Test
    void encodeWritesContractFieldNames() {
        LifecycleEvent event = LifecycleEvent.failed("orders", "billing", "c-1", "m-9", 2, 2000L, 1000L, 1500L,
                1600L, ErrorCategory.RATE_LIMIT, true);

        String json = new String(codec.encode(event), StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"v\":1,\"type\":\"failed\",\"queue\":\"orders\",\"ts\":2000,\"id\":\"m-9\","
                + "\"group\":\"billing\",\"consumer\":\"c-1\",\"attempt\":2,\"enqueued_at\":1000,"
                + "\"available_at\":1500,\"started_at\":1600,\"error_type\":\"RateLimitError\",\"retry\":true}");
    }

    @Test
    void decodeAcceptsHandWrittenJsonWithUnknownFields() throws InvalidEventException {
        String json = "{\"v\":1,\"type\":\"completed\",\"queue\":\"emails\",\"ts\":3000,\"group\":\"mailer\","
                + "\"enqueued_at\":1000,\"started_at\":2000,\"trace\":{\"id\":[1,2]},\"note\":\"x\"}";

        LifecycleEvent event = codec.decode(json.getBytes(StandardCharsets.UTF_8));

        assertThat(event.type()).isEqualTo(EventType.COMPLETED);
        assertThat(event.attempt()).isEqualTo(1);
        assertThat(event.effectiveAvailableAt()).isEqualTo(1000L);
        assertThat(event.ts() - event.startedAt()).isEqualTo(1000L);
    }

    static List<Arguments> invalidEvents() {
        String tooLongQueue = "q".repeat(250);
        return List.of(
                Arguments.of("", Reason.MALFORMED_JSON),
                Arguments.of("{\"v\":1,", Reason.MALFORMED_JSON),
                Arguments.of("\u00ff\u00fe garbage", Reason.MALFORMED_JSON),
                Arguments.of("{\"v\":1,\"type\":\"enqueued\",\"queue\":\"a\",\"ts\":5} {}", Reason.MALFORMED_JSON),
                // A repeated field could show one queue to one parser and another to the next.
                Arguments.of("{\"v\":1,\"type\":\"enqueued\",\"queue\":\"a\",\"queue\":\"b\",\"ts\":5}",
                        Reason.MALFORMED_JSON),
                Arguments.of("[1,2]", Reason.NOT_AN_OBJECT),
                Arguments.of("42", Reason.NOT_AN_OBJECT),
                Arguments.of("{\"type\":\"enqueued\",\"queue\":\"a\",\"ts\":5}", Reason.MISSING_FIELD),
                Arguments.of("{\"v\":2,\"type\":\"enqueued\",\"queue\":\"a\",\"ts\":5}", Reason.UNSUPPORTED_VERSION),
                Arguments.of("{\"v\":\"1\",\"type\":\"enqueued\",\"queue\":\"a\",\"ts\":5}", Reason.WRONG_TYPE),
                Arguments.of("{\"v\":1,\"type\":\"vanished\",\"queue\":\"a\",\"ts\":5}", Reason.UNKNOWN_TYPE),
                Arguments.of("{\"v\":1,\"queue\":\"a\",\"ts\":5}", Reason.MISSING_FIELD),
                Arguments.of("{\"v\":1,\"type\":\"enqueued\",\"ts\":5}", Reason.MISSING_FIELD),
                Arguments.of("{\"v\":1,\"type\":\"enqueued\",\"queue\":\"\",\"ts\":5}", Reason.INVALID_QUEUE),
                Arguments.of("{\"v\":1,\"type\":\"enqueued\",\"queue\":\"" + tooLongQueue + "\",\"ts\":5}",
                        Reason.INVALID_QUEUE),
                Arguments.of("{\"v\":1,\"type\":\"enqueued\",\"queue\":7,\"ts\":5}", Reason.WRONG_TYPE),
                Arguments.of("{\"v\":1,\"type\":\"enqueued\",\"queue\":\"a\"}", Reason.MISSING_FIELD),
                Arguments.of("{\"v\":1,\"type\":\"enqueued\",\"queue\":\"a\",\"ts\":-1}", Reason.INVALID_TIMESTAMP),
                Arguments.of("{\"v\":1,\"type\":\"enqueued\",\"queue\":\"a\",\"ts\":0}", Reason.INVALID_TIMESTAMP),
                Arguments.of("{\"v\":1,\"type\":\"enqueued\",\"queue\":\"a\",\"ts\":1.5}", Reason.WRONG_TYPE),
                Arguments.of("{\"v\":1,\"type\":\"enqueued\",\"queue\":\"a\",\"ts\":99999999999999999999}",
                        Reason.INVALID_VALUE),
                Arguments.of("{\"v\":1,\"type\":\"started\",\"queue\":\"a\",\"ts\":5}", Reason.MISSING_FIELD),
                Arguments.of("{\"v\":1,\"type\":\"started\",\"queue\":\"a\",\"ts\":5,\"group\":\"g\",\"attempt\":0}",
                        Reason.INVALID_VALUE),
                Arguments.of("{\"v\":1,\"type\":\"completed\",\"queue\":\"a\",\"ts\":5,\"group\":\"g\","
                        + "\"started_at\":4}", Reason.MISSING_FIELD),
                Arguments.of("{\"v\":1,\"type\":\"completed\",\"queue\":\"a\",\"ts\":5,\"group\":\"g\","
                        + "\"enqueued_at\":3}", Reason.MISSING_FIELD),
                Arguments.of("{\"v\":1,\"type\":\"failed\",\"queue\":\"a\",\"ts\":5,\"group\":\"g\","
                        + "\"enqueued_at\":3,\"started_at\":4,\"retry\":false}", Reason.MISSING_FIELD),
                Arguments.of("{\"v\":1,\"type\":\"failed\",\"queue\":\"a\",\"ts\":5,\"group\":\"g\","
                        + "\"enqueued_at\":3,\"started_at\":4,\"error_type\":\"DiskFull\",\"retry\":false}",
                        Reason.UNKNOWN_ERROR_TYPE),
                Arguments.of("{\"v\":1,\"type\":\"failed\",\"queue\":\"a\",\"ts\":5,\"group\":\"g\","
                        + "\"enqueued_at\":3,\"started_at\":4,\"error_type\":\"TimeoutError\"}", Reason.MISSING_FIELD),
                Arguments.of("{\"v\":1,\"type\":\"failed\",\"queue\":\"a\",\"ts\":5,\"group\":\"g\","
                        + "\"enqueued_at\":3,\"started_at\":4,\"error_type\":\"TimeoutError\",\"retry\":\"yes\"}",
                        Reason.WRONG_TYPE),
                Arguments.of("{\"v\":1,\"type\":\"heartbeat\",\"queue\":\"a\",\"ts\":5,\"group\":\"g\",\"capacity\":0}",
                        Reason.INVALID_VALUE),
                Arguments.of("{\"v\":1,\"type\":\"heartbeat\",\"queue\":\"a\",\"ts\":5,\"group\":\""
                        + "g".repeat(250) + "\"}", Reason.OVERSIZED),
                Arguments.of("{\"v\":1,\"type\":\"heartbeat\",\"queue\":\"a\",\"ts\":5,\"group\":\"g\",\"consumer\":\""
                        + "c".repeat(250) + "\"}", Reason.OVERSIZED),
                Arguments.of("{\"v\":1,\"type\":\"enqueued\",\"queue\":\"a\",\"ts\":5,\"id\":\""
                        + "m".repeat(1_025) + "\"}", Reason.OVERSIZED),
                Arguments.of("{\"v\":1,\"type\":\"enqueued\",\"queue\":\"a\",\"ts\":5,\"padding\":\""
                        + " ".repeat(16_384) + "\"}", Reason.OVERSIZED));
    }

    @ParameterizedTest
    @MethodSource("invalidEvents")
    void decodeRejectsWithReason(String json, Reason expected) {
        assertThatThrownBy(() -> codec.decode(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(expected));
    }

    @Test
    void decodeRejectsNullValue() {
        assertThatThrownBy(() -> codec.decode(null))
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_JSON));
    }

    @Test
    void rejectionMessageNamesTheField() {
        String json = "{\"v\":1,\"type\":\"completed\",\"queue\":\"a\",\"ts\":5,\"group\":\"g\",\"enqueued_at\":3}";

        assertThatThrownBy(() -> codec.decode(json.getBytes(StandardCharsets.UTF_8)))
                .hasMessage("required field 'started_at' is missing");
    }
}
