package dev.lagwatch.client.internal;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations written as a number and a unit ({@code 250ms}, {@code 1.5s}, {@code 2m},
 * {@code 1h}, {@code 30d}), the form every lagwatch command line accepts. ISO-8601 ({@code PT0.25S}) is
 * accepted too.
 */
public final class Durations {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming the text and the expected form
     */
    public static Duration parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        if (trimmed.startsWith("PT") || trimmed.startsWith("pt")) {
            try {
                return Duration.parse(trimmed);
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("invalid duration '" + text + "': " + e.getMessage(), e);
            }
        }
        Matcher matcher = DURATION.matcher(trimmed);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("invalid duration '" + text
                    + "': expected a number and a unit of ms, s, m, h or d, for example 250ms or 1.5s");
        }
        double amount = Double.parseDouble(matcher.group(1));
        double millis = switch (matcher.group(2)) {
            case "ms" -> amount;
            case "s" -> amount * 1_000;
            case "m" -> amount * 60_000;
            case "h" -> amount * 3_600_000;
            default -> amount * 86_400_000;
        };
        return Duration.ofNanos(Math.round(millis * 1_000_000));
    }
}
