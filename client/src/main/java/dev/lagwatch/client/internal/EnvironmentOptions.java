package dev.lagwatch.client.internal;

import dev.lagwatch.client.ClientProperties;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Command-line options of the lagwatch commands set from environment variables, as containers
 * configure programs: {@code LAGWATCH_MAX_QUEUES=5000} sets {@code --max-queues 5000}. A value on
 * the command line wins over the environment.
 */
public final class EnvironmentOptions {

    /** Prefix of every variable lagwatch reads. */
    public static final String PREFIX = "LAGWATCH_";

    /** Level of lagwatch's log output, read by the logging configuration of every program. */
    public static final String LOG_LEVEL = "LAGWATCH_LOG_LEVEL";

    private EnvironmentOptions() {
    }

    /** Returns the variable that sets the option {@code longOption}: {@code --max-queues} gives {@code LAGWATCH_MAX_QUEUES}. */
    public static String variableOf(String longOption) {
        String name = longOption.startsWith("--") ? longOption.substring(2) : longOption;
        return PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /**
     * Returns a note to append to the error about {@code longOption}'s value when the value comes
     * from the environment, naming the variable, or an empty string when it does not.
     */
    public static String originOf(String longOption, Map<String, String> environment) {
        String variable = variableOf(longOption);
        return environment.containsKey(variable) ? " (the value comes from the environment variable " + variable + ")"
                : "";
    }

    /**
     * Returns an error message naming the variables of {@code environment} that start with
     * {@value #PREFIX} but set nothing, with the list of those that do, or {@code null} when there
     * are none. A misspelt variable would otherwise be ignored without a word.
     *
     * @param known the variables that set an option; {@value #LOG_LEVEL} and those starting with
     *     {@link ClientProperties#ENVIRONMENT_PREFIX} are always valid
     */
    public static String unknownVariablesError(Map<String, String> environment, Collection<String> known) {
        List<String> unknown = new ArrayList<>();
        for (String name : new TreeSet<>(environment.keySet())) {
            if (name.startsWith(PREFIX) && !name.startsWith(ClientProperties.ENVIRONMENT_PREFIX)
                    && !name.equals(LOG_LEVEL) && !known.contains(name)) {
                unknown.add(name);
            }
        }
        if (unknown.isEmpty()) {
            return null;
        }
        return "unknown environment variable(s) " + String.join(", ", unknown) + ". Valid ones are "
                + String.join(", ", new TreeSet<>(known)) + ", " + LOG_LEVEL + ", and "
                + ClientProperties.ENVIRONMENT_PREFIX + "<SETTING> for Kafka client settings";
    }
}
