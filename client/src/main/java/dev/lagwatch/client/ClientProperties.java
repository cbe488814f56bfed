package dev.lagwatch.client;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** Kafka client settings kept in a properties file, such as the file of {@code --command-config}. */
public final class ClientProperties {

    private ClientProperties() {
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
