package dev.lagwatch.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwatch.client.ErrorClassifier;
import dev.lagwatch.client.event.ErrorCategory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.ThrottlingQuotaExceededException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DefaultErrorClassifierTest {

    private final ErrorClassifier classifier = ErrorClassifier.defaults();

    /** Stands for a vendor exception recognised by its class name only. */
    static final class TooManyRequestsException extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    /** Stands for a bean-validation style exception recognised by its class name only. */
    static final class ConstraintViolationException extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    static List<Arguments> mappings() {
        return List.of(
                Arguments.of(new ConnectException("refused"), ErrorCategory.CONNECTION),
                Arguments.of(new UnknownHostException("db.internal"), ErrorCategory.CONNECTION),
                Arguments.of(new SocketTimeoutException("read timed out"), ErrorCategory.TIMEOUT),
                Arguments.of(new TimeoutException(), ErrorCategory.TIMEOUT),
                Arguments.of(new org.apache.kafka.common.errors.TimeoutException("t"), ErrorCategory.TIMEOUT),
                Arguments.of(new ThrottlingQuotaExceededException("quota"), ErrorCategory.RATE_LIMIT),
                Arguments.of(new TooManyRequestsException(), ErrorCategory.RATE_LIMIT),
                Arguments.of(new IllegalArgumentException("bad amount"), ErrorCategory.VALIDATION),
                Arguments.of(new NumberFormatException("x"), ErrorCategory.VALIDATION),
                Arguments.of(new DateTimeParseException("bad date", "2026-13-01", 5), ErrorCategory.VALIDATION),
                Arguments.of(new ConstraintViolationException(), ErrorCategory.VALIDATION),
                Arguments.of(new IllegalStateException("boom"), ErrorCategory.UNKNOWN),
                Arguments.of(new IOException("disk"), ErrorCategory.UNKNOWN),
                Arguments.of(new ExecutionException(new ConnectException("refused")), ErrorCategory.CONNECTION),
                Arguments.of(new CompletionException(new ExecutionException(new SocketTimeoutException())),
                        ErrorCategory.TIMEOUT),
                Arguments.of(new UncheckedIOException(new ConnectException("refused")), ErrorCategory.CONNECTION),
                Arguments.of(new RuntimeException("wrapped", new TooManyRequestsException()),
                        ErrorCategory.RATE_LIMIT));
    }

    @ParameterizedTest
    @MethodSource("mappings")
    void mapsExceptionAndCauses(Throwable error, ErrorCategory expected) {
        assertThat(classifier.classify(error)).isEqualTo(expected);
    }

    @Test
    void outermostRecognisedExceptionWins() {
        Throwable error = new IllegalArgumentException("bad payload", new SocketTimeoutException());

        assertThat(classifier.classify(error)).isEqualTo(ErrorCategory.VALIDATION);
    }

    @Test
    void nullIsUnknown() {
        assertThat(classifier.classify(null)).isEqualTo(ErrorCategory.UNKNOWN);
    }

    @Test
    void causeCycleTerminates() {
        RuntimeException first = new RuntimeException("first");
        RuntimeException second = new RuntimeException("second", first);
        first.initCause(second);

        assertThat(classifier.classify(first)).isEqualTo(ErrorCategory.UNKNOWN);
    }
}
