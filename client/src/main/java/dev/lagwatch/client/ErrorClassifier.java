package dev.lagwatch.client;

import dev.lagwatch.client.event.ErrorCategory;
import dev.lagwatch.client.internal.DefaultErrorClassifier;

/**
 * Maps an exception thrown while processing a message to an {@link ErrorCategory}.
 *
 * <p>A custom classifier may return {@code null} for exceptions it does not recognise; the recorder
 * then falls back to {@link #defaults()}. A classifier that throws is treated the same way, so a bug
 * in it never reaches the application.
 */
@FunctionalInterface
public interface ErrorClassifier {

    /** Returns the category of {@code error}, or {@code null} to defer to the default mapping. */
    ErrorCategory classify(Throwable error);

    /**
     * Returns the built-in mapping. It walks the exception and its causes from the outside in and
     * takes the first one it recognises:
     *
     * <ul>
     *   <li>{@code TimeoutError}: {@link java.util.concurrent.TimeoutException},
     *       {@link java.net.SocketTimeoutException}, {@link java.net.http.HttpTimeoutException},
     *       {@link java.io.InterruptedIOException}, Kafka's {@code TimeoutException}, and any class whose
     *       simple name contains {@code Timeout} or {@code TimedOut};</li>
     *   <li>{@code RateLimitError}: Kafka's {@code ThrottlingQuotaExceededException}, and any class whose
     *       simple name contains {@code RateLimit}, {@code Throttl}, {@code TooManyRequests},
     *       {@code QuotaExceeded} or {@code RequestNotPermitted};</li>
     *   <li>{@code ConnectionError}: {@link java.net.ConnectException}, {@link java.net.SocketException},
     *       {@link java.net.UnknownHostException}, {@link java.net.NoRouteToHostException},
     *       {@link java.nio.channels.ClosedChannelException}, {@link javax.net.ssl.SSLException}, Kafka's
     *       {@code NetworkException} and {@code DisconnectException}, and any class whose simple name
     *       contains {@code Connect};</li>
     *   <li>{@code ValidationError}: {@link IllegalArgumentException} (and so {@link NumberFormatException}),
     *       {@link java.time.format.DateTimeParseException}, Kafka's {@code SerializationException}, and any
     *       class whose simple name contains {@code Validation}, {@code ConstraintViolation},
     *       {@code JsonProcessing}, {@code Parse} or {@code Malformed};</li>
     *   <li>{@code UnknownError}: everything else, including {@code null}.</li>
     * </ul>
     *
     * Wrappers such as {@link java.util.concurrent.ExecutionException} match nothing, so their cause decides.
     */
    static ErrorClassifier defaults() {
        return DefaultErrorClassifier.INSTANCE;
    }
}
