package dev.lagwatch.sim.consumer;

import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.sim.DurationDistribution;
import dev.lagwatch.client.internal.Durations;
import dev.lagwatch.sim.FailureMix;
import dev.lagwatch.sim.KafkaOptions;
import dev.lagwatch.sim.Ledger;
import dev.lagwatch.sim.SimulatorCommandLine;
import dev.lagwatch.sim.SimulatorShutdown;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lagwatch-consumer-sim}: consumes real topics and records every processing attempt. */
@Command(name = "lagwatch-consumer-sim", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Consumes one topic per queue as a consumer group, simulates processing with a time"
                + " distribution, failures and retries, and records started, completed, failed and heartbeat events.",
        footer = "Every option can also be set with an environment variable: LAGWATCH_ and the option's name in"
                + " upper case with _ for -, such as LAGWATCH_CONCURRENCY=4. The command line wins. Kafka client settings go"
                + " in LAGWATCH_KAFKA_<SETTING>, such as LAGWATCH_KAFKA_SECURITY_PROTOCOL=SASL_SSL.")
public final class ConsumerSimCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ConsumerSimCommand.class);

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--queue", required = true, split = ",", paramLabel = "NAME",
            description = "Queue (topic) to consume; repeatable or comma-separated.")
    List<String> queues;

    @Option(names = "--group", defaultValue = "lagwatch-consumer-sim",
            description = "Consumer group (default: ${DEFAULT-VALUE}).")
    String group;

    @Option(names = "--concurrency", defaultValue = "2",
            description = "Consumers in the group, one thread each (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--processing-time", defaultValue = "lognormal:50ms:0.5",
            description = "Processing-time distribution: fixed:50ms, uniform:10ms:90ms, exponential:40ms or"
                    + " lognormal:MEDIAN:SIGMA (default: ${DEFAULT-VALUE}).")
    String processingTime;

    @Option(names = "--failures", defaultValue = "",
            description = "Failure probability per attempt by category, e.g. TimeoutError=0.05,ConnectionError=0.02"
                    + " (default: none).")
    String failures;

    @Option(names = "--max-attempts", defaultValue = "3",
            description = "Attempts per message including the first; ValidationError is never retried"
                    + " (default: ${DEFAULT-VALUE}).")
    int maxAttempts;

    @Option(names = "--retry-backoff", defaultValue = "200ms",
            description = "Wait before a retry (default: ${DEFAULT-VALUE}).")
    String retryBackoff;

    @Option(names = "--heartbeat-interval", defaultValue = "5s",
            description = "How often each consumer's recorder sends a heartbeat (default: ${DEFAULT-VALUE}).")
    String heartbeatInterval;

    @Option(names = "--partitions", defaultValue = "3",
            description = "Partitions of queue topics this simulator creates (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the random draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--ledger", paramLabel = "FILE", description = "Write the ground-truth ledger as JSON to FILE on exit.")
    Path ledgerFile;

    @Option(names = "--duration", description = "Stop after this long, e.g. 2m (default: run until interrupted).")
    String duration;

    private Duration runFor;
    private Duration heartbeatEvery;

    @Override
    public Integer call() throws Exception {
        ConsumerBehaviour behaviour;
        Map<String, String> kafkaProperties;
        try {
            behaviour = behaviour();
            kafkaProperties = kafka.kafkaProperties();
            runFor = duration == null ? null : Durations.parse(duration);
            heartbeatEvery = Durations.parse(heartbeatInterval);
        } catch (IllegalArgumentException e) {
            System.err.println("Invalid option: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        Ledger ledger = new Ledger();
        LifecycleRecorder recorder;
        try {
            recorder = kafka.recorderBuilder(kafkaProperties)
                    .heartbeatInterval(heartbeatEvery)
                    .build();
        } catch (IllegalArgumentException e) {
            log.error("Consumer simulator failed to start: {}", e.getMessage());
            return 1;
        }
        ConsumerSimulator simulator;
        try {
            simulator = new ConsumerSimulator(kafka.bootstrapServers(), kafkaProperties, queues, group, behaviour,
                    partitions, recorder, ledger, Clock.systemUTC(), seed);
        } catch (IllegalStateException e) {
            log.error("Consumer simulator failed to start: {}", e.getMessage());
            recorder.close();
            return 1;
        }
        SimulatorShutdown shutdown = new SimulatorShutdown("consumer-sim", simulator::close, recorder, ledger,
                ledgerFile);
        if (runFor == null) {
            Thread.currentThread().join();
        }
        Thread.sleep(runFor.toMillis());
        shutdown.stopNow();
        return 0;
    }

    /**
     * Returns the consumers' behaviour from the parsed options.
     *
     * @throws IllegalArgumentException naming the value that is invalid
     */
    public ConsumerBehaviour behaviour() {
        return new ConsumerBehaviour(DurationDistribution.parse(processingTime), FailureMix.parse(failures),
                maxAttempts, Durations.parse(retryBackoff), concurrency);
    }

    public static void main(String[] args) {
        System.exit(SimulatorCommandLine.execute(new ConsumerSimCommand(), System.getenv(), args));
    }
}
