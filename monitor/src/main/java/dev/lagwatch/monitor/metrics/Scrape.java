package dev.lagwatch.monitor.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One scrape of a Prometheus text-format endpoint, such as the monitor's {@code /metrics}, parsed
 * into samples. Tests and the testkit read what the monitor exports through it.
 */
public final class Scrape {

    /** One sample line: metric name, labels and value. */
    public record Sample(String name, Map<String, String> labels, double value) {
        public boolean has(String label, String expected) {
            return expected.equals(labels.get(label));
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String text;
    private final List<Sample> samples;

    private Scrape(String text, List<Sample> samples) {
        this.text = text;
        this.samples = samples;
    }

    /** Fetches {@code http://127.0.0.1:port/metrics}, waiting at most 10 s for the response. */
    public static Scrape of(int port) {
        return of(port, Duration.ofSeconds(10));
    }

    /** Fetches {@code http://127.0.0.1:port/metrics}, waiting at most {@code timeout} for the response. */
    public static Scrape of(int port, Duration timeout) {
        return of(URI.create("http://127.0.0.1:" + port + "/metrics"), timeout);
    }

    /** Fetches {@code uri}, waiting at most {@code timeout} for the response. */
    public static Scrape of(URI uri, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + uri + " returned " + response.statusCode());
            }
            return parse(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + uri + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Scrape parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            samples.add(parseLine(line));
        }
        return new Scrape(text, samples);
    }

    private static Sample parseLine(String line) {
        int brace = line.indexOf('{');
        int space = line.lastIndexOf(' ');
        Map<String, String> labels = new LinkedHashMap<>();
        String name;
        if (brace >= 0 && brace < space) {
            name = line.substring(0, brace);
            int i = brace + 1;
            while (line.charAt(i) != '}') {
                int equals = line.indexOf('=', i);
                String label = line.substring(i, equals);
                StringBuilder value = new StringBuilder();
                int j = equals + 2;
                while (line.charAt(j) != '"') {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        value.append(next == 'n' ? '\n' : next);
                    } else {
                        value.append(c);
                    }
                    j++;
                }
                labels.put(label, value.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
        } else {
            name = line.substring(0, space);
        }
        return new Sample(name, labels, parseValue(line.substring(space + 1).trim()));
    }

    /** Parses a sample value, including the exposition format's spellings of infinities. */
    private static double parseValue(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    public String text() {
        return text;
    }

    public List<Sample> samples() {
        return samples;
    }

    /** Samples of metric {@code name} whose labels include every given label pair. */
    public List<Sample> find(String name, String... labelPairs) {
        Predicate<Sample> matches = sample -> {
            if (!sample.name().equals(name)) {
                return false;
            }
            for (int i = 0; i < labelPairs.length; i += 2) {
                if (!sample.has(labelPairs[i], labelPairs[i + 1])) {
                    return false;
                }
            }
            return true;
        };
        return samples.stream().filter(matches).toList();
    }

    /** Returns the sum of the samples matching, or {@code NaN} when there is none. */
    public double sum(String name, String... labelPairs) {
        List<Sample> found = find(name, labelPairs);
        return found.isEmpty() ? Double.NaN : found.stream().mapToDouble(Sample::value).sum();
    }

    /** The value of the one sample matching, or {@code NaN} when there is none. */
    public double value(String name, String... labelPairs) {
        List<Sample> found = find(name, labelPairs);
        if (found.size() > 1) {
            throw new IllegalStateException(found.size() + " samples of " + name + " match " + List.of(labelPairs));
        }
        return found.isEmpty() ? Double.NaN : found.get(0).value();
    }
}
