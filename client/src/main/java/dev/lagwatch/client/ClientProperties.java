package dev.lagwatch.client;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Kafka client settings from outside the code: a properties file, such as the file of
 * {@code --command-config}, and environment variables.
 */
public final class ClientProperties {

    /**
     * Prefix of the environment variables that carry Kafka client settings. The rest of the name,
     * in lower case with {@code _} read as {@code .}, is the setting:
     * {@code LAGWATCH_KAFKA_SASL_JAAS_CONFIG} sets {@code sasl.jaas.config}.
     */
    public static final String ENVIRONMENT_PREFIX = "LAGWATCH_KAFKA_";

    private static final String LAGWATCH_PREFIX = "lagwatch.";

    private ClientProperties() {
    }

    /**
     * Returns the Kafka client settings in {@code environment}, from its variables named
     * {@value #ENVIRONMENT_PREFIX}{@code <SETTING>}. Other variables are ignored.
     */
    public static Map<String, String> fromEnvironment(Map<String, String> environment) {
        Map<String, String> values = new HashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(ENVIRONMENT_PREFIX) && name.length() > ENVIRONMENT_PREFIX.length()) {
                String key = name.substring(ENVIRONMENT_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                values.put(key, value);
            }
        });
        return values;
    }

    /**
     * Returns the settings of a process's Kafka clients: those of {@code file} (when not {@code null}),
     * overridden by those of the environment, overridden by {@code explicit} (the command line's).
     *
     * @throws IllegalArgumentException naming the file when it cannot be read
     */
    public static Map<String, String> merge(Path file, Map<String, String> environment, Map<String, String> explicit) {
        Map<String, String> merged = new HashMap<>();
        if (file != null) {
            merged.putAll(fromFile(file));
        }
        merged.putAll(fromEnvironment(environment));
        merged.putAll(explicit);
        return merged;
    }

    /**
     * Returns an error message listing the keys of {@code properties} that start with
     * {@code lagwatch.}, which no Kafka client recognizes, or {@code null} when there are none.
     * lagwatch's own settings are command-line options, so such a key is a mistake.
     */
    public static String lagwatchKeysError(Map<String, String> properties) {
        List<String> misplaced = lagwatchKeys(properties);
        if (misplaced.isEmpty()) {
            return null;
        }
        return "unknown Kafka client setting(s) " + String.join(", ", misplaced) + ": settings starting with"
                + " 'lagwatch.' are not Kafka's, and lagwatch's own settings are command-line options (see --help)."
                + " Remove them from --command-config, --kafka-property and the " + ENVIRONMENT_PREFIX
                + "* environment variables";
    }

    /** Returns the keys of {@code properties} that start with {@code lagwatch.}, sorted. */
    public static List<String> lagwatchKeys(Map<String, ?> properties) {
        List<String> keys = new ArrayList<>();
        for (String key : properties.keySet()) {
            if (key.startsWith(LAGWATCH_PREFIX)) {
                keys.add(key);
            }
        }
        Collections.sort(keys);
        return keys;
    }

    /**
     * Returns the message for a client whose authentication Kafka refused or whose TLS handshake
     * failed: the broker's reason, and where the settings to fix come from.
     */
    public static String authenticationFailed(String bootstrapServers, Throwable cause) {
        return "Authentication with Kafka at " + bootstrapServers + " failed: " + cause.getMessage()
                + ". Check security.protocol, sasl.mechanism, sasl.jaas.config and the ssl.* settings given with"
                + " --command-config, --kafka-property or the " + ENVIRONMENT_PREFIX + "* environment variables";
    }

    /**
     * Returns the message for a Kafka client that could not be created from the settings given,
     * naming the innermost cause: Kafka wraps it in "Failed to construct kafka producer" and the like.
     *
     * @param client what was being created, such as "admin client" or "producer"
     */
    public static String clientCreationFailed(String client, Throwable error) {
        return clientCreationFailed(client, error, "--command-config, --kafka-property or the "
                + ENVIRONMENT_PREFIX + "* environment variables");
    }

    /**
     * Returns the message for Kafka settings that a client cannot be built from, such as SASL
     * without {@code sasl.jaas.config}, naming where the settings come from in {@code settingsSource}.
     */
    public static String clientCreationFailed(String client, Throwable error, String settingsSource) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String reason = cause == error ? String.valueOf(error.getMessage())
                : error.getMessage() + ": " + cause.getMessage();
        return "Cannot create the Kafka " + client + " from the settings given: " + reason + ". Check"
                + " security.protocol, sasl.mechanism, sasl.jaas.config and the ssl.* settings given with "
                + settingsSource;
    }

    /**
     * Returns the message for brokers that did not respond within {@code seconds}: a wrong address,
     * brokers down, or a client without TLS talking to a TLS listener (or the reverse), which the
     * client cannot tell apart.
     */
    public static String unreachable(String bootstrapServers, long seconds) {
        return "Kafka at " + bootstrapServers + " did not respond within " + seconds + " s. Check --bootstrap-servers,"
                + " and that security.protocol matches the listener: SSL or SASL_SSL for a TLS listener,"
                + " PLAINTEXT or SASL_PLAINTEXT otherwise";
    }

    /**
     * Reads a Java properties file into a map of Kafka client settings.
     *
     * @throws IllegalArgumentException naming the file when it is missing or unreadable
     */
    public static Map<String, String> fromFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read Kafka client properties from " + file + ": " + e, e);
        }
        Map<String, String> values = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> values.put(name, properties.getProperty(name)));
        return values;
    }
}
