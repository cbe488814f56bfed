package dev.lagwatch.monitor;

import dev.lagwatch.client.ClientProperties;
import dev.lagwatch.monitor.offsets.NameFilter;
import dev.lagwatch.monitor.offsets.OffsetPollerConfig;
import dev.lagwatch.monitor.topology.CardinalityLimits;
import dev.lagwatch.monitor.topology.TimestampTolerance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Validated configuration of a {@link Monitor}. Build it with {@link #builder()}; {@link Builder#build()}
 * reports every invalid setting at once.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param eventsTopic topic of lifecycle events, created with {@code eventsTopicPartitions} when missing
 * @param eventsTopicPartitions partitions of the events topic when the monitor creates it
 * @param eventsTopicReplicationFactor replication factor when the monitor creates it; -1 for the broker default
 * @param deadLetterTopic where invalid records go, created like the events topic when missing
 * @param applicationId Kafka Streams application id: the consumer group and the prefix of internal topics
 * @param stateDirectory directory of local state stores, or {@code null} for Kafka Streams' default
 * @param processingGuarantee {@code exactly_once_v2} or {@code at_least_once}
 * @param streamThreads stream threads in this instance
 * @param publishInterval how often changed queues are published to the metrics
 * @param window width of the sliding window behind processing rate, lag, saturation and status
 * @param livenessTimeout how long a consumer counts as alive after its last event or heartbeat
 * @param metricsHost address the metrics endpoint binds to
 * @param metricsPort port of the metrics endpoint
 * @param serviceName {@code service.name} resource attribute
 * @param kafkaProperties extra Kafka client properties (security settings, for example) for every client
 * @param offsetPoller settings of the offset lag poller, or {@code null} when it is disabled
 * @param timestampTolerance how far from the monitor's clock event timestamps may lie
 * @param cardinalityLimits how many queues, groups and consumers the monitor keeps, and when quiet queues go
 */
public record MonitorConfig(
        String bootstrapServers,
        String eventsTopic,
        int eventsTopicPartitions,
        short eventsTopicReplicationFactor,
        String deadLetterTopic,
        String applicationId,
        Path stateDirectory,
        String processingGuarantee,
        int streamThreads,
        Duration publishInterval,
        Duration window,
        Duration livenessTimeout,
        String metricsHost,
        int metricsPort,
        String serviceName,
        Map<String, String> kafkaProperties,
        OffsetPollerConfig offsetPoller,
        TimestampTolerance timestampTolerance,
        CardinalityLimits cardinalityLimits) {

    public static final String DEFAULT_EVENTS_TOPIC = "lagwatch.events";
    public static final String DEFAULT_DEAD_LETTER_TOPIC = "lagwatch.events.dead-letters";
    public static final int DEFAULT_METRICS_PORT = 9464;
    public static final Duration DEFAULT_OFFSET_POLL_INTERVAL = Duration.ofSeconds(15);
    public static final String DEFAULT_CLUSTER_NAME = "kafka";
    private static final Duration OFFSET_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    public MonitorConfig {
        kafkaProperties = Map.copyOf(kafkaProperties);
    }

    /** Describes the configuration with the names of the Kafka settings only: their values can be passwords. */
    @Override
    public String toString() {
        return "MonitorConfig[bootstrapServers=" + bootstrapServers + ", eventsTopic=" + eventsTopic
                + ", deadLetterTopic=" + deadLetterTopic + ", applicationId=" + applicationId
                + ", processingGuarantee=" + processingGuarantee + ", metrics=" + metricsHost + ":" + metricsPort
                + ", kafkaProperties=" + new TreeSet<>(kafkaProperties.keySet()) + ", offsetPoller=" + offsetPoller
                + ", " + timestampTolerance + ", " + cardinalityLimits + "]";
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Mutable builder with the documented defaults. */
    public static final class Builder {
        private String bootstrapServers;
        private String eventsTopic = DEFAULT_EVENTS_TOPIC;
        private int eventsTopicPartitions = 6;
        private short eventsTopicReplicationFactor = -1;
        private String deadLetterTopic = DEFAULT_DEAD_LETTER_TOPIC;
        private Duration maxClockSkew = TimestampTolerance.DEFAULT.maxAhead();
        private Duration maxEventAge = TimestampTolerance.DEFAULT.maxAge();
        private int maxQueues = CardinalityLimits.DEFAULT.maxQueues();
        private int maxGroupsPerQueue = CardinalityLimits.DEFAULT.maxGroupsPerQueue();
        private int maxConsumersPerQueue = CardinalityLimits.DEFAULT.maxConsumersPerQueue();
        private Duration queueExpiry = CardinalityLimits.DEFAULT.queueExpiry();
        private String applicationId = "lagwatch-monitor";
        private Path stateDirectory;
        private String processingGuarantee = StreamsConfig.EXACTLY_ONCE_V2;
        private int streamThreads = 1;
        private Duration publishInterval = Duration.ofMillis(250);
        private Duration window = Duration.ofSeconds(60);
        private Duration livenessTimeout = Duration.ofSeconds(15);
        private String metricsHost = "localhost";
        private int metricsPort = DEFAULT_METRICS_PORT;
        private String serviceName = "lagwatch-monitor";
        private Map<String, String> kafkaProperties = Map.of();
        private boolean offsetLag = true;
        private Duration offsetPollInterval = DEFAULT_OFFSET_POLL_INTERVAL;
        private Duration offsetReadTimeout = Duration.ofSeconds(5);
        private String clusterName = DEFAULT_CLUSTER_NAME;
        private List<String> includeGroups = List.of();
        private List<String> excludeGroups = List.of();
        private List<String> includeTopics = List.of();
        private List<String> excludeTopics = List.of();
        private boolean internalTopics;
        private String offsetGranularity = "partition";
        private final List<String> earlierErrors = new ArrayList<>();

        private Builder() {
        }

        /** Sets whether to poll the offsets of every consumer group (on by default). */
        public Builder offsetLag(boolean value) {
            offsetLag = value;
            return this;
        }

        public Builder offsetPollInterval(Duration value) {
            offsetPollInterval = value;
            return this;
        }

        /** Bound on reading the first unconsumed records of all partitions in one poll. */
        public Builder offsetReadTimeout(Duration value) {
            offsetReadTimeout = value;
            return this;
        }

        public Builder clusterName(String value) {
            clusterName = value;
            return this;
        }

        /** Regular expressions a consumer group's whole name must match to be measured; empty for all. */
        public Builder includeGroups(List<String> value) {
            includeGroups = value;
            return this;
        }

        public Builder excludeGroups(List<String> value) {
            excludeGroups = value;
            return this;
        }

        public Builder includeTopics(List<String> value) {
            includeTopics = value;
            return this;
        }

        public Builder excludeTopics(List<String> value) {
            excludeTopics = value;
            return this;
        }

        /** {@code partition} for a series per partition, {@code topic} for series per group and topic only. */
        public Builder offsetGranularity(String value) {
            offsetGranularity = value;
            return this;
        }

        /** Sets whether to measure Kafka's own topics and Kafka Streams' changelog and repartition topics. */
        public Builder internalTopics(boolean value) {
            internalTopics = value;
            return this;
        }

        public Builder bootstrapServers(String value) {
            bootstrapServers = value;
            return this;
        }

        public Builder eventsTopic(String value) {
            eventsTopic = value;
            return this;
        }

        public Builder eventsTopicPartitions(int value) {
            eventsTopicPartitions = value;
            return this;
        }

        public Builder maxClockSkew(Duration value) {
            maxClockSkew = value;
            return this;
        }

        public Builder maxEventAge(Duration value) {
            maxEventAge = value;
            return this;
        }

        public Builder maxQueues(int value) {
            maxQueues = value;
            return this;
        }

        public Builder maxGroupsPerQueue(int value) {
            maxGroupsPerQueue = value;
            return this;
        }

        public Builder maxConsumersPerQueue(int value) {
            maxConsumersPerQueue = value;
            return this;
        }

        public Builder queueExpiry(Duration value) {
            queueExpiry = value;
            return this;
        }

        public Builder deadLetterTopic(String value) {
            deadLetterTopic = value;
            return this;
        }

        public Builder eventsTopicReplicationFactor(short value) {
            eventsTopicReplicationFactor = value;
            return this;
        }

        public Builder applicationId(String value) {
            applicationId = value;
            return this;
        }

        public Builder stateDirectory(Path value) {
            stateDirectory = value;
            return this;
        }

        public Builder processingGuarantee(String value) {
            processingGuarantee = value;
            return this;
        }

        public Builder streamThreads(int value) {
            streamThreads = value;
            return this;
        }

        public Builder publishInterval(Duration value) {
            publishInterval = value;
            return this;
        }

        public Builder window(Duration value) {
            window = value;
            return this;
        }

        public Builder livenessTimeout(Duration value) {
            livenessTimeout = value;
            return this;
        }

        public Builder metricsHost(String value) {
            metricsHost = value;
            return this;
        }

        public Builder metricsPort(int value) {
            metricsPort = value;
            return this;
        }

        public Builder serviceName(String value) {
            serviceName = value;
            return this;
        }

        /**
         * Adds an error found before building, in the environment variables or a settings file, to
         * report with the others; {@code null} adds nothing.
         */
        public Builder addError(String error) {
            if (error != null) {
                earlierErrors.add(error);
            }
            return this;
        }

        public Builder kafkaProperties(Map<String, String> value) {
            kafkaProperties = value;
            return this;
        }

        /**
         * Validates and returns the configuration.
         *
         * @throws IllegalArgumentException listing every invalid setting with the value found
         */
        public MonitorConfig build() {
            List<String> errors = new ArrayList<>();

            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                errors.add("bootstrap servers (--bootstrap-servers) are required, for example kafka-1:9092");
            }
            if (eventsTopic == null || !TOPIC_NAME.matcher(eventsTopic).matches()) {
                errors.add("events topic (--events-topic) must be 1 to 249 characters from [a-zA-Z0-9._-], got '" + eventsTopic + "'");
            }
            if (eventsTopicPartitions < 1 || eventsTopicPartitions > 10_000) {
                errors.add("events topic partitions (--events-partitions) must be between 1 and 10000, got " + eventsTopicPartitions);
            }
            if (deadLetterTopic == null || !TOPIC_NAME.matcher(deadLetterTopic).matches()) {
                errors.add("dead-letter topic (--dead-letter-topic) must be 1 to 249 characters from [a-zA-Z0-9._-], got '"
                        + deadLetterTopic + "'");
            } else if (deadLetterTopic.equals(eventsTopic)) {
                errors.add("dead-letter topic (--dead-letter-topic) must differ from the events topic, both are '"
                        + deadLetterTopic + "'");
            }
            if (eventsTopicReplicationFactor == 0 || eventsTopicReplicationFactor < -1) {
                errors.add("events topic replication factor (--events-replication-factor) must be -1 (broker default) or at least 1, got "
                        + eventsTopicReplicationFactor);
            }

            if (applicationId == null || !TOPIC_NAME.matcher(applicationId).matches()) {
                errors.add("application id (--application-id) must be 1 to 249 characters from [a-zA-Z0-9._-], got '" + applicationId + "'");
            }
            if (!StreamsConfig.EXACTLY_ONCE_V2.equals(processingGuarantee)
                    && !StreamsConfig.AT_LEAST_ONCE.equals(processingGuarantee)) {
                errors.add("processing guarantee (--processing-guarantee) must be exactly_once_v2 or at_least_once, got '"
                        + processingGuarantee + "'");
            }
            if (streamThreads < 1 || streamThreads > 64) {
                errors.add("stream threads (--stream-threads) must be between 1 and 64, got " + streamThreads);
            }
            if (publishInterval == null || publishInterval.toMillis() < 10 || publishInterval.toSeconds() > 60) {
                errors.add("publish interval (--publish-interval) must be between 10 ms and 60 s, got " + publishInterval);
            }
            if (window == null || window.toSeconds() < 12 || window.toHours() > 1) {
                errors.add("window (--window) must be between 12 s and 1 h, got " + window);
            }
            if (maxClockSkew == null || maxClockSkew.toSeconds() < 1 || maxClockSkew.toDays() > 7) {
                errors.add("max clock skew (--max-clock-skew) must be between 1 s and 7 d, got " + maxClockSkew);
            }
            if (maxEventAge == null || maxEventAge.toHours() < 1 || maxEventAge.toDays() > 3_650) {
                errors.add("max event age (--max-event-age) must be between 1 h and 3650 d, got " + maxEventAge);
            }
            if (maxQueues < 1 || maxQueues > 10_000_000) {
                errors.add("max queues (--max-queues) must be between 1 and 10000000, got " + maxQueues);
            }
            if (maxGroupsPerQueue < 1 || maxGroupsPerQueue > 10_000) {
                errors.add("max groups per queue (--max-groups-per-queue) must be between 1 and 10000, got "
                        + maxGroupsPerQueue);
            }
            if (maxConsumersPerQueue < 1 || maxConsumersPerQueue > 1_000_000) {
                errors.add("max consumers per queue (--max-consumers-per-queue) must be between 1 and 1000000, got "
                        + maxConsumersPerQueue);
            }
            if (queueExpiry == null || queueExpiry.toSeconds() < 60 || queueExpiry.toDays() > 3_650) {
                errors.add("queue expiry (--queue-expiry) must be between 1 min and 3650 d, got " + queueExpiry);
            }
            if (livenessTimeout == null || livenessTimeout.toSeconds() < 1 || livenessTimeout.toHours() > 1) {
                errors.add("liveness timeout (--liveness-timeout) must be between 1 s and 1 h, got " + livenessTimeout);
            }

            if (metricsHost == null || metricsHost.isBlank()) {
                errors.add("metrics host (--metrics-host) must be an address or host name, for example 0.0.0.0 or localhost");
            }
            if (metricsPort < 1 || metricsPort > 65_535) {
                errors.add("metrics port (--metrics-port) must be between 1 and 65535, got " + metricsPort);
            }
            if (serviceName == null || serviceName.isBlank()) {
                errors.add("service name (--service-name) must not be empty");
            }
            errors.addAll(earlierErrors);
            String misplacedKeys = ClientProperties.lagwatchKeysError(kafkaProperties);
            if (misplacedKeys != null) {
                errors.add(misplacedKeys);
            }

            OffsetPollerConfig offsetPoller = offsetLag ? offsetPollerConfig(errors) : null;

            if (!errors.isEmpty()) {
                throw new IllegalArgumentException("Invalid monitor configuration:\n  - " + String.join("\n  - ", errors));
            }
            return new MonitorConfig(bootstrapServers, eventsTopic, eventsTopicPartitions, eventsTopicReplicationFactor,
                    deadLetterTopic, applicationId, stateDirectory, processingGuarantee, streamThreads, publishInterval, window,
                    livenessTimeout, metricsHost, metricsPort, serviceName, kafkaProperties, offsetPoller,
                    new TimestampTolerance(maxClockSkew, maxEventAge),
                    new CardinalityLimits(maxQueues, maxGroupsPerQueue, maxConsumersPerQueue, queueExpiry));
        }

        private OffsetPollerConfig offsetPollerConfig(List<String> errors) {
            if (offsetPollInterval == null || offsetPollInterval.toSeconds() < 1 || offsetPollInterval.toHours() > 1) {
                errors.add("offset poll interval (--offset-poll-interval) must be between 1 s and 1 h, got "
                        + offsetPollInterval);
            }
            if (offsetReadTimeout == null || offsetReadTimeout.toMillis() < 100 || offsetReadTimeout.toMinutes() > 1) {
                errors.add("offset read timeout (--offset-read-timeout) must be between 100 ms and 1 min, got "
                        + offsetReadTimeout);
            }
            if (clusterName == null || clusterName.isBlank()) {
                errors.add("cluster name (--cluster-name) must not be empty");
            }
            if (!"partition".equals(offsetGranularity) && !"topic".equals(offsetGranularity)) {
                errors.add("offset granularity (--offset-granularity) must be partition or topic, got '"
                        + offsetGranularity + "'");
            }
            List<Pattern> excludedGroups = new ArrayList<>(patterns("--exclude-group", excludeGroups, errors));
            // The monitor's own Kafka Streams group is not the users' business.
            if (applicationId != null) {
                excludedGroups.add(Pattern.compile(Pattern.quote(applicationId)));
            }
            List<Pattern> excludedTopics = new ArrayList<>(patterns("--exclude-topic", excludeTopics, errors));
            if (!internalTopics) {
                excludedTopics.addAll(OffsetPollerConfig.INTERNAL_TOPICS);
            }
            return new OffsetPollerConfig(offsetPollInterval, clusterName,
                    new NameFilter(patterns("--include-group", includeGroups, errors), excludedGroups),
                    new NameFilter(patterns("--include-topic", includeTopics, errors), excludedTopics),
                    OFFSET_REQUEST_TIMEOUT, offsetReadTimeout, "partition".equals(offsetGranularity));
        }

        private static List<Pattern> patterns(String option, List<String> expressions, List<String> errors) {
            List<Pattern> patterns = new ArrayList<>();
            for (String expression : expressions) {
                try {
                    patterns.add(Pattern.compile(expression));
                } catch (PatternSyntaxException e) {
                    errors.add(option + " must be a Java regular expression, got '" + expression + "': "
                            + e.getDescription());
                }
            }
            return patterns;
        }
    }
}
