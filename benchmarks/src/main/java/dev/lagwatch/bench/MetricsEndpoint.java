package dev.lagwatch.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads a monitor's {@code /metrics} endpoint for the harnesses. */
final class MetricsEndpoint {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private MetricsEndpoint() {
    }

    /**
     * Returns the exposition of one metric family, or of all when {@code family} is null; null
     * when the endpoint is not up. Selecting one family keeps frequent polling cheap for the monitor.
     */
    static String scrape(int port, String family) {
        String query = family == null ? "" : "?name%5B%5D=" + family;
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics" + query))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Returns the value of the sample line starting with {@code prefix}, 0 if absent, -1 if the endpoint is not up. */
    static double value(int port, String family, String prefix) {
        String body = scrape(port, family);
        if (body == null) {
            return -1;
        }
        return body.lines()
                .filter(line -> line.startsWith(prefix))
                .mapToDouble(line -> Double.parseDouble(line.substring(prefix.length()).trim()))
                .findFirst()
                .orElse(0);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
