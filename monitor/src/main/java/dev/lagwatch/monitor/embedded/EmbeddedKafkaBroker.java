package dev.lagwatch.monitor.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in KRaft combined mode (broker and controller in one node), run
 * in this JVM from Kafka's own server classes. It listens on free loopback ports, keeps its data in
 * a temporary directory that {@link #close()} deletes, and sets the replication factors of internal
 * topics to 1 so that consumer groups and transactions (exactly-once) work on one node.
 *
 * <p>It relies on {@code kafka.server.KafkaRaftServer} and {@code kafka.tools.StorageTool}, which are
 * not public API; the Kafka version is pinned in the build.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final int START_ATTEMPTS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path directory;
    private final Properties props;
    private final String bootstrapServers;
    private final Map<String, String> listenerAddresses;
    private KafkaRaftServer server;

    private EmbeddedKafkaBroker(Path directory, Properties props, KafkaRaftServer server, String bootstrapServers,
            Map<String, String> listenerAddresses) {
        this.directory = directory;
        this.props = props;
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.listenerAddresses = listenerAddresses;
    }

    /**
     * A listener in addition to the broker's PLAINTEXT one, for clients that authenticate or encrypt.
     * Its settings go into the broker's properties under {@code listener.name.<name in lower case>.}.
     *
     * @param name listener name, such as {@code SECURE}
     * @param securityProtocol {@code SSL}, {@code SASL_SSL}, {@code SASL_PLAINTEXT} or {@code PLAINTEXT}
     */
    public record Listener(String name, String securityProtocol) {
    }

    /** Starts a broker with the default settings. */
    public static EmbeddedKafkaBroker start() {
        return start(Map.of());
    }

    /**
     * Starts a broker, retrying with new ports if another process took a chosen port first.
     *
     * @param overrides broker properties that replace the defaults, for example {@code num.partitions}
     */
    public static EmbeddedKafkaBroker start(Map<String, String> overrides) {
        return start(overrides, List.of());
    }

    /**
     * Starts a broker with listeners besides its PLAINTEXT one, which stays for the broker's own
     * use and for setting up users. {@link #bootstrapServers(String)} gives each listener's address.
     *
     * @param overrides broker properties that replace the defaults, including the extra listeners' settings
     */
    public static EmbeddedKafkaBroker start(Map<String, String> overrides, List<Listener> extraListeners) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            Path directory = null;
            try {
                directory = Files.createTempDirectory("lagwatch-kafka-");
                return startIn(directory, overrides, extraListeners);
            } catch (IOException | RuntimeException e) {
                last = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                log.warn("Embedded Kafka broker failed to start (attempt {} of {}): {}", attempt, START_ATTEMPTS,
                        e.toString());
                TemporaryDirectories.deleteRecursively(directory);
            }
        }
        throw new IllegalStateException("Could not start the embedded Kafka broker after " + START_ATTEMPTS
                + " attempts", last);
    }

    private static EmbeddedKafkaBroker startIn(Path directory, Map<String, String> overrides,
            List<Listener> extraListeners) throws IOException {
        int brokerPort = freePort();
        int controllerPort = freePort();
        Properties props = brokerProperties(directory, brokerPort, controllerPort);
        Map<String, String> listenerAddresses = new LinkedHashMap<>();
        for (Listener listener : extraListeners) {
            String address = "127.0.0.1:" + freePort();
            listenerAddresses.put(listener.name(), address);
            String endpoint = listener.name() + "://" + address;
            props.put("listeners", props.getProperty("listeners") + "," + endpoint);
            props.put("advertised.listeners", props.getProperty("advertised.listeners") + "," + endpoint);
            props.put("listener.security.protocol.map", props.getProperty("listener.security.protocol.map") + ","
                    + listener.name() + ":" + listener.securityProtocol());
        }
        props.putAll(overrides);
        Path propertiesFile = directory.resolve("server.properties");
        try (Writer writer = Files.newBufferedWriter(propertiesFile)) {
            props.store(writer, "embedded lagwatch broker");
        }
        format(propertiesFile, Uuid.randomUuid().toString());

        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        String bootstrapServers = "127.0.0.1:" + brokerPort;
        try {
            server.startup();
            awaitReady(bootstrapServers);
        } catch (RuntimeException e) {
            server.shutdown();
            server.awaitShutdown();
            throw e;
        }
        log.info("Embedded Kafka broker ready at {} (data in {}){}", bootstrapServers, directory,
                listenerAddresses.isEmpty() ? "" : ", other listeners " + listenerAddresses);
        return new EmbeddedKafkaBroker(directory, props, server, bootstrapServers, Map.copyOf(listenerAddresses));
    }

    static Properties brokerProperties(Path directory, int brokerPort, int controllerPort) {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", directory.resolve("data").toString());
        // One node: internal topics cannot have more replicas than that, or groups and transactions hang.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "10");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "10");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("num.partitions", "1");
        return props;
    }

    /** Formats the storage of a node for cluster {@code clusterId}, with Kafka's own storage tool. */
    static void format(Path propertiesFile, String clusterId) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        String[] arguments = {"format", "-t", clusterId, "-c", propertiesFile.toString()};
        int exitCode;
        try (PrintStream printer = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exitCode = StorageTool.execute(arguments, printer);
        } catch (Exception e) {
            throw new IllegalStateException("Formatting the embedded broker's storage failed", e);
        }
        if (exitCode != 0) {
            throw new IllegalStateException("Formatting the embedded broker's storage failed with exit code "
                    + exitCode + ": " + output.toString(StandardCharsets.UTF_8));
        }
    }

    private static void awaitReady(String bootstrapServers) {
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(config)) {
            int nodes = admin.describeCluster().nodes().get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS).size();
            if (nodes < 1) {
                throw new IllegalStateException("Embedded broker reports no nodes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the embedded broker", e);
        } catch (Exception e) {
            throw new IllegalStateException("Embedded broker at " + bootstrapServers + " did not become ready within "
                    + READY_TIMEOUT.toSeconds() + " s", e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** Bootstrap servers of this broker, {@code 127.0.0.1:port}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Address of the extra listener {@code name}, {@code 127.0.0.1:port}. */
    public String bootstrapServers(String listenerName) {
        String address = listenerAddresses.get(listenerName);
        if (address == null) {
            throw new IllegalArgumentException("The embedded broker has no listener " + listenerName + "; it has "
                    + listenerAddresses.keySet());
        }
        return address;
    }

    /** Stops the broker and keeps its data, for {@link #restart()}: a broker outage, for tests. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
            log.info("Embedded Kafka broker at {} stopped; its data is kept", bootstrapServers);
        }
    }

    /** Starts a stopped broker again on the same ports with the same data. */
    public synchronized void restart() {
        if (server != null) {
            throw new IllegalStateException("The embedded broker at " + bootstrapServers + " is running; stop it first");
        }
        KafkaRaftServer restarted = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        restarted.startup();
        server = restarted;
        awaitReady(bootstrapServers);
        log.info("Embedded Kafka broker at {} restarted", bootstrapServers);
    }

    /** Stops the broker and deletes its data. */
    @Override
    public synchronized void close() {
        stop();
        TemporaryDirectories.deleteRecursively(directory);
        log.info("Embedded Kafka broker at {} stopped and its data deleted", bootstrapServers);
    }
}
