package dev.lagwatch.monitor.topology;

/** Renders names taken from events for a log line, where anyone writing to the events topic chooses them. */
final class LogText {

    private static final int MAX_CHARS = 64;

    private LogText() {
    }

    /**
     * Returns {@code name} in double quotes, at most {@value #MAX_CHARS} characters of it, with
     * quotes, backslashes and control characters escaped, so that a name cannot forge a log line.
     */
    static String quote(String name) {
        StringBuilder out = new StringBuilder(Math.min(name.length(), MAX_CHARS) + 8).append('"');
        int end = Math.min(name.length(), MAX_CHARS);
        for (int i = 0; i < end; i++) {
            char c = name.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
        return name.length() > MAX_CHARS ? out.append("...").toString() : out.toString();
    }
}
