package dev.lagwatch.monitor.topology;

/**
 * Renders names taken from events for log lines and terminals, where anyone writing to the events
 * topic chooses them.
 */
public final class LogText {

    private static final int MAX_CHARS = 64;

    private LogText() {
    }

    /**
     * Returns {@code name} in double quotes, at most {@value #MAX_CHARS} characters of it, with
     * quotes, backslashes and control characters escaped, so that a name cannot forge a log line.
     */
    static String quote(String name) {
        boolean cut = name.length() > MAX_CHARS;
        String escaped = escape(cut ? name.substring(0, MAX_CHARS) : name, true);
        return "\"" + escaped + "\"" + (cut ? "..." : "");
    }

    /**
     * Returns {@code name} with control characters (line breaks, tabs, escape sequences) written
     * as {@code \}{@code uXXXX}, so that printing it cannot move a terminal's cursor or break a table.
     */
    public static String escape(String name) {
        return escape(name, false);
    }

    private static String escape(String name, boolean quotes) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (quotes && (c == '"' || c == '\\')) {
                out.append('\\').append(c);
            } else if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
