package dev.lagwatch.sim;

import dev.lagwatch.client.event.ErrorCategory;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;

/**
 * Probabilities of each error category per processing attempt, written as
 * {@code TimeoutError=0.05,ConnectionError=0.02}. The simulator throws a real exception of the
 * matching kind, so each failure goes through the client's classifier like an application's would.
 */
public final class FailureMix {

    private final Map<ErrorCategory, Double> probabilities;

    private FailureMix(Map<ErrorCategory, Double> probabilities) {
        this.probabilities = Collections.unmodifiableMap(probabilities);
    }

    public static FailureMix none() {
        return new FailureMix(new EnumMap<>(ErrorCategory.class));
    }

    /**
     * Parses a mix; an empty or blank text means no failures.
     *
     * @throws IllegalArgumentException naming the entry at fault, when a category is unknown, a
     *     probability is outside [0, 1] or the probabilities add up to more than 1
     */
    public static FailureMix parse(String spec) {
        Map<ErrorCategory, Double> probabilities = new EnumMap<>(ErrorCategory.class);
        if (spec == null || spec.isBlank()) {
            return new FailureMix(probabilities);
        }
        double total = 0;
        for (String entry : spec.split(",")) {
            String[] parts = entry.trim().split("=");
            ErrorCategory category = parts.length == 2 ? ErrorCategory.fromWireName(parts[0].trim()) : null;
            if (category == null) {
                throw new IllegalArgumentException("invalid failure entry '" + entry.trim() + "': expected CATEGORY=P"
                        + " with CATEGORY one of ConnectionError, ValidationError, TimeoutError, RateLimitError,"
                        + " UnknownError");
            }
            double probability;
            try {
                probability = Double.parseDouble(parts[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid probability in '" + entry.trim() + "'", e);
            }
            if (!(probability >= 0 && probability <= 1)) {
                throw new IllegalArgumentException("probability in '" + entry.trim() + "' must be between 0 and 1");
            }
            probabilities.merge(category, probability, Double::sum);
            total += probability;
        }
        if (total > 1.0 + 1e-9) {
            throw new IllegalArgumentException("failure probabilities add up to "
                    + String.format(java.util.Locale.ROOT, "%.3f", total) + ", more than 1");
        }
        return new FailureMix(probabilities);
    }

    /** Draws the outcome of one attempt: a category to fail with, or {@code null} for success. */
    public ErrorCategory draw(Random random) {
        double roll = random.nextDouble();
        double cumulative = 0;
        for (Map.Entry<ErrorCategory, Double> entry : probabilities.entrySet()) {
            cumulative += entry.getValue();
            if (roll < cumulative) {
                return entry.getKey();
            }
        }
        return null;
    }

    public Map<ErrorCategory, Double> probabilities() {
        return probabilities;
    }

    /** An exception that the default classifier maps to {@code category}. */
    public static Exception exceptionFor(ErrorCategory category) {
        return switch (category) {
            case CONNECTION -> new ConnectException("simulated: connection refused by a downstream service");
            case TIMEOUT -> new SocketTimeoutException("simulated: downstream read timed out");
            case VALIDATION -> new IllegalArgumentException("simulated: message failed validation");
            case RATE_LIMIT -> new SimulatedRateLimitException();
            case UNKNOWN -> new IllegalStateException("simulated: unexpected processing error");
        };
    }

    /** Stands for an HTTP 429 or a quota rejection from a downstream service. */
    static final class SimulatedRateLimitException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SimulatedRateLimitException() {
            super("simulated: rate limit exceeded (HTTP 429)");
        }
    }

    @Override
    public String toString() {
        return probabilities.toString();
    }
}
