package dev.lagwatch.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

class SimulatorCommandLineTest {

    @Command(name = "test-sim")
    static final class TestSimulator implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Option(names = "--queue", required = true, split = ",")
        List<String> queues;

        @Option(names = "--rate", defaultValue = "10")
        double rate;

        Map<String, String> kafkaProperties;

        @Override
        public Integer call() {
            kafkaProperties = kafka.kafkaProperties();
            return 0;
        }
    }

    @Test
    void environmentSetsRequiredAndOtherOptions() {
        TestSimulator simulator = new TestSimulator();

        int exitCode = SimulatorCommandLine.execute(simulator, Map.of("LAGWATCH_BOOTSTRAP_SERVERS", "kafka:9092",
                "LAGWATCH_QUEUE", "orders,payments", "LAGWATCH_RATE", "2.5"), "--rate", "4");

        assertThat(exitCode).isZero();
        assertThat(simulator.kafka.bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(simulator.queues).containsExactly("orders", "payments");
        assertThat(simulator.rate).as("the command line wins").isEqualTo(4.0);
    }

    @Test
    void unknownVariableIsAUsageError() {
        int exitCode = SimulatorCommandLine.execute(new TestSimulator(), Map.of("LAGWATCH_RATES", "5"),
                "--bootstrap-servers", "kafka:9092", "--queue", "orders");

        assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
    }
}
