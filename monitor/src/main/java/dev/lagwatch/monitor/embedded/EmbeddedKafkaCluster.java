package dev.lagwatch.monitor.embedded;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A KRaft cluster of several nodes in this JVM, each broker and controller at once, on loopback
 * ports, for tests that need replication. Topics get as many replicas as there are nodes by
 * default, and one node can be stopped while the others serve.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);

    private final Path directory;
    private final List<Properties> nodeProps;
    private final KafkaRaftServer[] servers;
    private final String bootstrapServers;

    private EmbeddedKafkaCluster(Path directory, List<Properties> nodeProps, String bootstrapServers) {
        this.directory = directory;
        this.nodeProps = nodeProps;
        this.servers = new KafkaRaftServer[nodeProps.size()];
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts {@code nodes} nodes and waits until all of them serve. */
    public static EmbeddedKafkaCluster start(int nodes) throws IOException {
        Path directory = Files.createTempDirectory("lagwatch-kafka-cluster-");
        int[] brokerPorts = new int[nodes];
        int[] controllerPorts = new int[nodes];
        for (int i = 0; i < nodes; i++) {
            brokerPorts[i] = EmbeddedKafkaBroker.freePort();
            controllerPorts[i] = EmbeddedKafkaBroker.freePort();
        }

        StringBuilder voters = new StringBuilder();
        for (int i = 0; i < nodes; i++) {
            voters.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(controllerPorts[i]);
        }

        String clusterId = Uuid.randomUuid().toString();
        List<Properties> nodeProps = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            Path nodeDirectory = directory.resolve("node-" + (i + 1));
            Properties props = EmbeddedKafkaBroker.brokerProperties(nodeDirectory, brokerPorts[i], controllerPorts[i]);
            props.put("node.id", Integer.toString(i + 1));
            props.put("controller.quorum.voters", voters.toString());
            String replicas = Integer.toString(nodes);
            String minInSync = Integer.toString(Math.max(1, nodes - 1));
            props.put("offsets.topic.replication.factor", replicas);
            props.put("transaction.state.log.replication.factor", replicas);
            props.put("transaction.state.log.min.isr", minInSync);
            props.put("share.coordinator.state.topic.replication.factor", replicas);
            props.put("share.coordinator.state.topic.min.isr", minInSync);
            props.put("default.replication.factor", replicas);
            props.put("min.insync.replicas", minInSync);
            // A stopped node leaves at once, as a crashed one would; the last nodes cannot wait for a
            // quorum that their peers' shutdown already broke.
            props.put("controlled.shutdown.enable", "false");
            Files.createDirectories(nodeDirectory);
            Path propertiesFile = nodeDirectory.resolve("server.properties");
            try (Writer writer = Files.newBufferedWriter(propertiesFile)) {
                props.store(writer, "embedded lagwatch cluster node " + (i + 1));
            }
            EmbeddedKafkaBroker.format(propertiesFile, clusterId);
            nodeProps.add(props);
        }

        String bootstrap = Arrays.stream(brokerPorts).mapToObj(port -> "127.0.0.1:" + port)
                .collect(Collectors.joining(","));
        EmbeddedKafkaCluster cluster = new EmbeddedKafkaCluster(directory, nodeProps, bootstrap);
        try {
            // Controllers wait for a quorum while they start, so every node starts at once.
            List<CompletableFuture<Void>> starts = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                int node = i;
                starts.add(CompletableFuture.runAsync(() -> cluster.startNode(node)));
            }
            CompletableFuture.allOf(starts.toArray(CompletableFuture<?>[]::new)).get(120, TimeUnit.SECONDS);
            cluster.awaitNodes(nodes);
        } catch (Exception e) {
            cluster.close();
            throw new IllegalStateException("The embedded Kafka cluster did not start", e);
        }
        log.info("Embedded Kafka cluster of {} nodes ready at {}", nodes, bootstrap);
        return cluster;
    }

    private void startNode(int node) {
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(nodeProps.get(node), false), Time.SYSTEM);
        server.startup();
        servers[node] = server;
    }

    private void awaitNodes(int expected) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size() < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Fewer than " + expected + " nodes joined within 120 s");
                }
                Thread.sleep(200);
            }
        }
    }

    /** Stops node {@code node} (1-based) without a controlled shutdown, keeping its data. */
    public void stopNode(int node) {
        KafkaRaftServer server;
        synchronized (this) {
            server = servers[node - 1];
            servers[node - 1] = null;
        }
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            log.info("Embedded Kafka cluster node {} stopped", node);
        }
    }

    /** Bootstrap servers of every node. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Stops every node and deletes the data. */
    @Override
    public void close() {
        for (int node = 1; node <= servers.length; node++) {
            stopNode(node);
        }
        TemporaryDirectories.deleteRecursively(directory);
        log.info("Embedded Kafka cluster at {} stopped and its data deleted", bootstrapServers);
    }
}
