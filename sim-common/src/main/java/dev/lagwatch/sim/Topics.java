package dev.lagwatch.sim;

import dev.lagwatch.client.ClientProperties;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the simulated queues' topics when they are missing. */
public final class Topics {

    private Topics() {
    }

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);

    private static Admin createAdmin(Map<String, Object> config) {
        try {
            return Admin.create(config);
        } catch (KafkaException e) {
            throw new IllegalStateException(ClientProperties.clientCreationFailed("admin client", e), e);
        }
    }

    /**
     * Creates each topic of {@code names} that does not exist yet, with {@code partitions}
     * partitions and the broker's default replication factor.
     *
     * @throws IllegalStateException when Kafka cannot be reached within 30 s or rejects the request
     */
    public static void ensureExist(String bootstrapServers, Map<String, String> kafkaProperties, List<String> names,
            int partitions) {
        Map<String, Object> config = new HashMap<>(kafkaProperties);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        Admin admin = createAdmin(config);
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = names.stream()
                    .filter(name -> !existing.contains(name))
                    .distinct()
                    .map(name -> new NewTopic(name, Optional.of(partitions), Optional.empty()))
                    .toList();
            for (NewTopic topic : missing) {
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException(ClientProperties.unreachable(bootstrapServers, 30), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthenticationException) {
                throw new IllegalStateException(ClientProperties.authenticationFailed(bootstrapServers, e.getCause()),
                        e.getCause());
            }
            throw new IllegalStateException("Failed to create topics " + names + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } finally {
            // A request that timed out above is still pending in the client, so a plain close() would
            // wait for it until the client's own 60 s API timeout.
            admin.close(CLOSE_TIMEOUT);
        }
    }
}
