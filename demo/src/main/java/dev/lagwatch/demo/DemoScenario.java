package dev.lagwatch.demo;

import dev.lagwatch.sim.DurationDistribution;
import dev.lagwatch.sim.FailureMix;
import dev.lagwatch.sim.consumer.ConsumerBehaviour;
import dev.lagwatch.sim.producer.QueueLoad;
import java.time.Duration;
import java.util.List;

/**
 * The demo's three queues: one that keeps up, one whose consumer is too slow so its backlog grows,
 * and one with a mix of failures and retries.
 */
public final class DemoScenario {

    /** One queue: its load, the group that consumes it and how that group behaves. */
    public record QueueSpec(QueueLoad load, String group, ConsumerBehaviour behaviour) {
        public String queue() {
            return load.queue();
        }
    }

    public static final String HEALTHY = "orders";
    public static final String BACKLOGGED = "emails";
    public static final String FAILING = "payments";

    private DemoScenario() {
    }

    /**
     * Returns the scenario.
     *
     * @param messagesPerQueue messages each queue receives before its producer stops; 0 for no limit
     */
    public static List<QueueSpec> queues(long messagesPerQueue) {
        return List.of(
                // 20 messages/s with a burst to 60/s for 5 s every 30 s; two consumers of ~20 ms each keep up.
                new QueueSpec(new QueueLoad(HEALTHY, 20, 60, Duration.ofSeconds(30), Duration.ofSeconds(5),
                        messagesPerQueue),
                        "order-service",
                        new ConsumerBehaviour(DurationDistribution.parse("lognormal:20ms:0.4"),
                                FailureMix.parse("TimeoutError=0.005"), 3, Duration.ofMillis(100), 2)),
                // 12 messages/s against one consumer of ~150 ms (about 6.5/s): the backlog grows by ~5/s.
                new QueueSpec(QueueLoad.steady(BACKLOGGED, 12, messagesPerQueue),
                        "mailer",
                        new ConsumerBehaviour(DurationDistribution.parse("lognormal:150ms:0.3"), FailureMix.none(), 3,
                                Duration.ofMillis(100), 1)),
                // 10 messages/s; one attempt in five fails, most are retried up to three attempts.
                new QueueSpec(QueueLoad.steady(FAILING, 10, messagesPerQueue),
                        "payment-service",
                        new ConsumerBehaviour(DurationDistribution.parse("lognormal:40ms:0.6"),
                                FailureMix.parse("TimeoutError=0.08,ConnectionError=0.05,RateLimitError=0.04,"
                                        + "ValidationError=0.03"),
                                3, Duration.ofMillis(250), 2)));
    }
}
