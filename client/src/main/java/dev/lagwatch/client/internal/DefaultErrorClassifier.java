package dev.lagwatch.client.internal;

import dev.lagwatch.client.ErrorClassifier;
import dev.lagwatch.client.event.ErrorCategory;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.ThrottlingQuotaExceededException;

/** The mapping documented on {@link ErrorClassifier#defaults()}. */
public final class DefaultErrorClassifier implements ErrorClassifier {

    public static final DefaultErrorClassifier INSTANCE = new DefaultErrorClassifier();

    /** Bounds the walk down a cause chain that a buggy exception made very long. */
    private static final int MAX_CAUSE_DEPTH = 32;

    private DefaultErrorClassifier() {
    }

    @Override
    public ErrorCategory classify(Throwable error) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable current = error;
        for (int depth = 0; current != null && depth < MAX_CAUSE_DEPTH && seen.add(current); depth++) {
            ErrorCategory category = classifyOne(current);
            if (category != null) {
                return category;
            }
            current = current.getCause();
        }
        return ErrorCategory.UNKNOWN;
    }

    /** Returns the category of this exception alone, or {@code null} when it is not recognised. */
    private static ErrorCategory classifyOne(Throwable error) {
        String name = error.getClass().getSimpleName();
        // Timeouts first: SocketTimeoutException is also an IOException of the network kind.
        if (error instanceof java.util.concurrent.TimeoutException
                || error instanceof InterruptedIOException
                || error instanceof HttpTimeoutException
                || error instanceof org.apache.kafka.common.errors.TimeoutException
                || name.contains("Timeout") || name.contains("TimedOut")) {
            return ErrorCategory.TIMEOUT;
        }
        if (error instanceof ThrottlingQuotaExceededException
                || name.contains("RateLimit") || name.contains("Throttl") || name.contains("TooManyRequests")
                || name.contains("QuotaExceeded") || name.contains("RequestNotPermitted")) {
            return ErrorCategory.RATE_LIMIT;
        }
        if (error instanceof SocketException
                || error instanceof UnknownHostException
                || error instanceof ClosedChannelException
                || error instanceof SSLException
                || error instanceof NetworkException
                || error instanceof DisconnectException
                || name.contains("Connect")) {
            return ErrorCategory.CONNECTION;
        }
        if (error instanceof IllegalArgumentException
                || error instanceof DateTimeParseException
                || error instanceof SerializationException
                || name.contains("Validation") || name.contains("ConstraintViolation")
                || name.contains("JsonProcessing") || name.contains("Parse") || name.contains("Malformed")) {
            return ErrorCategory.VALIDATION;
        }
        return null;
    }
}
