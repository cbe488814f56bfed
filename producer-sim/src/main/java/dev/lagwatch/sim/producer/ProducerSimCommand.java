package dev.lagwatch.sim.producer;

import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.client.internal.Durations;
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

/** {@code lagwatch-producer-sim}: produces messages to real topics and records their enqueued events. */
@Command(name = "lagwatch-producer-sim", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Sends messages to one topic per queue at a steady or bursty rate and records an enqueued"
                + " lifecycle event for each message the broker acknowledges.",
        footer = "Every option can also be set with an environment variable: LAGWATCH_ and the option's name in"
                + " upper case with _ for -, such as LAGWATCH_RATE=50. The command line wins. Kafka client settings go"
                + " in LAGWATCH_KAFKA_<SETTING>, such as LAGWATCH_KAFKA_SECURITY_PROTOCOL=SASL_SSL.")
public final class ProducerSimCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ProducerSimCommand.class);

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--queue", required = true, split = ",", paramLabel = "NAME",
            description = "Queue (topic) to produce to; repeatable or comma-separated.")
    List<String> queues;

    @Option(names = "--rate", defaultValue = "10", description = "Messages per second per queue (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--burst-rate", description = "Messages per second per queue during bursts (default: no bursts).")
    Double burstRate;

    @Option(names = "--burst-every", defaultValue = "60s",
            description = "Time between the starts of two bursts, e.g. 30s (default: ${DEFAULT-VALUE}).")
    String burstEvery;

    @Option(names = "--burst-length", defaultValue = "10s", description = "Length of each burst (default: ${DEFAULT-VALUE}).")
    String burstLength;

    @Option(names = "--message-size", defaultValue = "512", description = "Payload bytes per message (default: ${DEFAULT-VALUE}).")
    int messageSize;

    @Option(names = "--count", defaultValue = "0",
            description = "Messages per queue before stopping; 0 runs until interrupted (default: ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--partitions", defaultValue = "3",
            description = "Partitions of queue topics this simulator creates (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--ledger", paramLabel = "FILE", description = "Write the ground-truth ledger as JSON to FILE on exit.")
    Path ledgerFile;

    @Option(names = "--duration", description = "Stop after this long, e.g. 2m, even if --count is not reached"
            + " (default: run until --count, or until interrupted).")
    String duration;

    private Duration runFor;

    @Override
    public Integer call() throws Exception {
        List<QueueLoad> loads;
        Map<String, String> kafkaProperties;
        try {
            loads = loads();
            kafkaProperties = kafka.kafkaProperties();
            runFor = duration == null ? null : Durations.parse(duration);
        } catch (IllegalArgumentException e) {
            System.err.println("Invalid option: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        Ledger ledger = new Ledger();
        LifecycleRecorder recorder;
        try {
            recorder = kafka.recorderBuilder(kafkaProperties).build();
        } catch (IllegalArgumentException e) {
            log.error("Producer simulator failed to start: {}", e.getMessage());
            return 1;
        }
        ProducerSimulator simulator;
        try {
            simulator = new ProducerSimulator(kafka.bootstrapServers(), kafkaProperties, loads, messageSize,
                    partitions, recorder, ledger, Clock.systemUTC());
        } catch (IllegalStateException e) {
            log.error("Producer simulator failed to start: {}", e.getMessage());
            recorder.close();
            return 1;
        }
        SimulatorShutdown shutdown = new SimulatorShutdown("producer-sim", simulator::close, recorder, ledger,
                ledgerFile);
        if (count == 0 && runFor == null) {
            Thread.currentThread().join();
        }
        simulator.awaitCompletion(runFor == null ? Duration.ofDays(365) : runFor);
        shutdown.stopNow();
        return 0;
    }

    /**
     * Returns the load of each queue from the parsed options.
     *
     * @throws IllegalArgumentException naming the option whose value is invalid
     */
    public List<QueueLoad> loads() {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("--rate must be greater than 0, got " + rate);
        }
        if (messageSize < 0 || messageSize > 1_000_000) {
            throw new IllegalArgumentException("--message-size must be between 0 and 1000000, got " + messageSize);
        }
        if (count < 0) {
            throw new IllegalArgumentException("--count must be 0 or more, got " + count);
        }
        Duration every = burstRate == null ? Duration.ZERO : Durations.parse(burstEvery);
        Duration length = burstRate == null ? Duration.ZERO : Durations.parse(burstLength);
        double during = burstRate == null ? rate : burstRate;
        if (!(during > 0)) {
            throw new IllegalArgumentException("--burst-rate must be greater than 0, got " + during);
        }
        return queues.stream().map(queue -> new QueueLoad(queue, rate, during, every, length, count)).toList();
    }

    public static void main(String[] args) {
        System.exit(SimulatorCommandLine.execute(new ProducerSimCommand(), System.getenv(), args));
    }
}
