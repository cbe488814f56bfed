package dev.lagwatch.monitor.cli;

import dev.lagwatch.client.ClientProperties;
import dev.lagwatch.client.internal.Durations;
import dev.lagwatch.client.internal.EnvironmentOptions;
import dev.lagwatch.monitor.Monitor;
import dev.lagwatch.monitor.MonitorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lagwatch-monitor}: runs the monitor against a Kafka cluster until it is stopped. */
@Command(name = "lagwatch-monitor", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Aggregates lagwatch lifecycle events with Kafka Streams and serves them as Prometheus"
                + " metrics at http://HOST:PORT/metrics.",
        footer = "Every option can also be set with an environment variable: LAGWATCH_ and the option's name in"
                + " upper case with _ for -, such as LAGWATCH_MAX_QUEUES=5000. The command line wins. Kafka client"
                + " settings go in LAGWATCH_KAFKA_<SETTING>, such as LAGWATCH_KAFKA_SECURITY_PROTOCOL=SASL_SSL.")
public final class MonitorCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(MonitorCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Option(names = "--events-topic", defaultValue = MonitorConfig.DEFAULT_EVENTS_TOPIC,
            description = "Topic of lifecycle events (default: ${DEFAULT-VALUE}).")
    String eventsTopic;

    @Option(names = "--dead-letter-topic", defaultValue = MonitorConfig.DEFAULT_DEAD_LETTER_TOPIC,
            description = "Topic that receives invalid records unchanged, with headers naming the reason"
                    + " (default: ${DEFAULT-VALUE}).")
    String deadLetterTopic;

    @Option(names = "--max-clock-skew", defaultValue = "1h", converter = DurationConverter.class,
            description = "Events stamped further ahead of the monitor's clock are invalid (default: ${DEFAULT-VALUE}).")
    Duration maxClockSkew;

    @Option(names = "--max-event-age", defaultValue = "30d", converter = DurationConverter.class,
            description = "Events stamped longer ago are invalid; keep it above the events topic's retention"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration maxEventAge;

    @Option(names = "--max-queues", defaultValue = "10000",
            description = "Distinct queues the monitor keeps, across its instances: each partition of the events"
                    + " topic keeps its share, rounded up. Events of further queues count under the queue"
                    + " lagwatch.overflow (default: ${DEFAULT-VALUE}).")
    int maxQueues;

    @Option(names = "--max-groups-per-queue", defaultValue = "100",
            description = "Distinct consumer groups kept per queue; further groups count under the group"
                    + " lagwatch.overflow (default: ${DEFAULT-VALUE}).")
    int maxGroupsPerQueue;

    @Option(names = "--max-consumers-per-queue", defaultValue = "1000",
            description = "Distinct consumers whose liveness a queue tracks (default: ${DEFAULT-VALUE}).")
    int maxConsumersPerQueue;

    @Option(names = "--queue-expiry", defaultValue = "1d", converter = DurationConverter.class,
            description = "A queue without events for this long is dropped with its series (default: ${DEFAULT-VALUE}).")
    Duration queueExpiry;

    @Option(names = "--events-partitions", defaultValue = "6",
            description = "Partitions of the events topic if the monitor creates it (default: ${DEFAULT-VALUE}).")
    int eventsPartitions;

    @Option(names = "--events-replication-factor", defaultValue = "-1",
            description = "Replication factor of the events topic if the monitor creates it; -1 takes the"
                    + " broker's default (default: ${DEFAULT-VALUE}).")
    short eventsReplicationFactor;

    @Option(names = "--application-id", defaultValue = "lagwatch-monitor",
            description = "Kafka Streams application id, shared by all instances of one monitor (default:"
                    + " ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(names = "--state-dir", description = "Directory of local state stores (default: Kafka Streams'"
            + " default under java.io.tmpdir).")
    Path stateDirectory;

    @Option(names = "--processing-guarantee", defaultValue = "exactly_once_v2",
            description = "exactly_once_v2 or at_least_once (default: ${DEFAULT-VALUE}).")
    String processingGuarantee;

    @Option(names = "--stream-threads", defaultValue = "1",
            description = "Stream threads of this instance (default: ${DEFAULT-VALUE}).")
    int streamThreads;

    @Option(names = "--publish-interval", defaultValue = "250ms", converter = DurationConverter.class,
            description = "How often changed queues are published to /metrics, e.g. 250ms or 1s"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration publishInterval;

    @Option(names = "--window", defaultValue = "60s", converter = DurationConverter.class,
            description = "Sliding window of the processing rate, lag, saturation and queue status, e.g. 60s or"
                    + " 5m (default: ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--liveness-timeout", defaultValue = "15s", converter = DurationConverter.class,
            description = "How long a consumer counts as alive after its last event or heartbeat, e.g. 15s; a few"
                    + " times the clients' heartbeat interval (default: ${DEFAULT-VALUE}).")
    Duration livenessTimeout;

    @Option(names = "--metrics-host", defaultValue = "localhost",
            description = "Address the metrics endpoint binds to; 0.0.0.0 for every interface (default:"
                    + " ${DEFAULT-VALUE}).")
    String metricsHost;

    @Option(names = "--metrics-port", defaultValue = "9464",
            description = "Port of the metrics endpoint (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--service-name", defaultValue = "lagwatch-monitor",
            description = "OpenTelemetry service.name of this monitor (default: ${DEFAULT-VALUE}).")
    String serviceName;

    @Option(names = "--offset-lag", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Measure offset lag and time lag of every consumer group through the Admin API;"
                    + " --no-offset-lag turns it off (default: ${DEFAULT-VALUE}).")
    private boolean offsetLag;

    @Option(names = "--offset-poll-interval", defaultValue = "15s", converter = DurationConverter.class,
            description = "Time between the starts of two polls of the consumer groups' offsets, e.g. 15s or 1m"
                    + " (default: ${DEFAULT-VALUE}).")
    private Duration offsetPollInterval;

    @Option(names = "--offset-read-timeout", defaultValue = "5s", converter = DurationConverter.class,
            description = "Bound on reading the first unconsumed record of every lagging partition in one poll,"
                    + " e.g. 5s; partitions not read by then get no time lag that poll (default: ${DEFAULT-VALUE}).")
    private Duration offsetReadTimeout;

    @Option(names = "--cluster-name", defaultValue = MonitorConfig.DEFAULT_CLUSTER_NAME,
            description = "Value of the cluster_name label on offset metrics (default: ${DEFAULT-VALUE}).")
    private String clusterName;

    @Option(names = "--offset-granularity", defaultValue = "partition",
            description = "partition: offset series per partition; topic: per consumer group and topic only, to"
                    + " bound the number of series (default: ${DEFAULT-VALUE}).")
    private String offsetGranularity;

    @Option(names = "--include-group", paramLabel = "REGEX",
            description = "Measure only consumer groups whose whole name matches; repeatable.")
    private List<String> includeGroups = new ArrayList<>();

    @Option(names = "--exclude-group", paramLabel = "REGEX",
            description = "Leave out consumer groups whose whole name matches; repeatable. The monitor's own"
                    + " group is always left out.")
    private List<String> excludeGroups = new ArrayList<>();

    @Option(names = "--include-topic", paramLabel = "REGEX",
            description = "Measure only topics whose whole name matches; repeatable. A group with no partition on"
                    + " a measured topic is left out.")
    private List<String> includeTopics = new ArrayList<>();

    @Option(names = "--exclude-topic", paramLabel = "REGEX",
            description = "Leave out topics whose whole name matches; repeatable.")
    private List<String> excludeTopics = new ArrayList<>();

    @Option(names = "--internal-topics",
            description = "Also measure Kafka's own topics (__*) and Kafka Streams' -changelog and -repartition"
                    + " topics, which are left out by default.")
    private boolean internalTopics;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Properties file of Kafka client settings (security.protocol, sasl.*, ssl.*, ...)"
                    + " applied to every client of the monitor.")
    Path commandConfig;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "A Kafka client setting; repeatable, and applied after --command-config and the"
                    + " LAGWATCH_KAFKA_* environment variables.")
    Map<String, String> kafkaProperties = new HashMap<>();

    /** Environment the {@code LAGWATCH_*} variables are read from. */
    final Map<String, String> environment;

    /** Creates a command that reads the process's environment. */
    public MonitorCommand() {
        this(System.getenv());
    }

    /** Creates a command that reads its {@code LAGWATCH_*} variables from {@code environment}. */
    public MonitorCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public Integer call() throws Exception {
        MonitorConfig config;
        try {
            config = toConfig();
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        Monitor monitor;
        try {
            monitor = Monitor.start(config);
        } catch (IllegalStateException e) {
            log.error("Monitor failed to start: {}", e.getMessage());
            return 1;
        }
        Thread shutdown = new Thread(monitor::close, "lagwatch-monitor-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        boolean clean = monitor.awaitTermination();
        return clean ? 0 : 1;
    }

    /**
     * Returns the validated configuration from the parsed options and the environment.
     *
     * @throws IllegalArgumentException listing every invalid option and environment variable
     */
    public MonitorConfig toConfig() {
        Map<String, String> properties;
        String settingsError = null;
        try {
            properties = ClientProperties.merge(commandConfig, environment, kafkaProperties);
        } catch (IllegalArgumentException e) {
            properties = Map.of();
            settingsError = e.getMessage();
        }
        Set<String> knownVariables = new TreeSet<>();
        for (OptionSpec option : spec.options()) {
            if (!option.usageHelp() && !option.versionHelp() && !option.typeInfo().isMap()) {
                knownVariables.add(EnvironmentOptions.variableOf(option.longestName()));
            }
        }
        return MonitorConfig.builder()
                .bootstrapServers(bootstrapServers)
                .eventsTopic(eventsTopic)
                .deadLetterTopic(deadLetterTopic)
                .maxClockSkew(maxClockSkew)
                .maxEventAge(maxEventAge)
                .maxQueues(maxQueues)
                .maxGroupsPerQueue(maxGroupsPerQueue)
                .maxConsumersPerQueue(maxConsumersPerQueue)
                .queueExpiry(queueExpiry)
                .eventsTopicPartitions(eventsPartitions)
                .eventsTopicReplicationFactor(eventsReplicationFactor)
                .applicationId(applicationId)
                .stateDirectory(stateDirectory)
                .processingGuarantee(processingGuarantee)
                .streamThreads(streamThreads)
                .publishInterval(publishInterval)
                .window(window)
                .livenessTimeout(livenessTimeout)
                .metricsHost(metricsHost)
                .metricsPort(metricsPort)
                .serviceName(serviceName)
                .kafkaProperties(properties)
                .addError(settingsError)
                .addError(EnvironmentOptions.unknownVariablesError(environment, knownVariables))
                .offsetLag(offsetLag)
                .offsetPollInterval(offsetPollInterval)
                .offsetReadTimeout(offsetReadTimeout)
                .clusterName(clusterName)
                .includeGroups(includeGroups)
                .excludeGroups(excludeGroups)
                .includeTopics(includeTopics)
                .excludeTopics(excludeTopics)
                .internalTopics(internalTopics)
                .offsetGranularity(offsetGranularity)
                .build();
    }

    /** Reads durations the way every lagwatch command does: {@code 250ms}, {@code 1s}, {@code 2m}. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * Returns the command line of {@code command}, whose options default to the values of their
     * {@code LAGWATCH_*} variables in {@code command}'s environment.
     */
    public static CommandLine commandLine(MonitorCommand command) {
        CommandLine commandLine = new CommandLine(command);
        commandLine.setDefaultValueProvider(argument -> argument instanceof OptionSpec option && !option.typeInfo().isMap()
                ? command.environment.get(EnvironmentOptions.variableOf(option.longestName())) : null);
        commandLine.setParameterExceptionHandler((error, args) -> {
            String origin = error.getArgSpec() instanceof OptionSpec option
                    ? EnvironmentOptions.originOf(option.longestName(), command.environment) : "";
            error.getCommandLine().getErr().println(error.getMessage() + origin);
            error.getCommandLine().getErr().println("Run with --help for the options.");
            return CommandLine.ExitCode.USAGE;
        });
        return commandLine;
    }

    public static void main(String[] args) {
        System.exit(commandLine(new MonitorCommand()).execute(args));
    }
}
