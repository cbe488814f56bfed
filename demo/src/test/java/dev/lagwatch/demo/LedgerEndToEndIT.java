package dev.lagwatch.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lagwatch.client.RecorderStats;
import dev.lagwatch.demo.DemoScenario.QueueSpec;
import dev.lagwatch.monitor.Monitor;
import dev.lagwatch.monitor.MonitorConfig;
import dev.lagwatch.monitor.embedded.EmbeddedKafkaBroker;
import dev.lagwatch.monitor.testing.FreePort;
import dev.lagwatch.monitor.metrics.Scrape;
import dev.lagwatch.sim.QueueLedger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo scenario on a real broker, with a message limit per queue, compared line by line with
 * the simulators' ledger once the monitor is quiet. The backlogged queue still contains messages when
 * the consumers stop, so its depth is checked at a value other than zero.
 */
class LedgerEndToEndIT {

    private static final long MESSAGES_PER_QUEUE = 150;

    @TempDir
    Path stateDirectory;

    @Test
    void metricsEqualLedger() throws Exception {
        int metricsPort = FreePort.find();
        List<QueueSpec> scenario = DemoScenario.queues(MESSAGES_PER_QUEUE);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
                Monitor monitor = Monitor.start(MonitorConfig.builder()
                        .bootstrapServers(broker.bootstrapServers())
                        .applicationId("ledger-e2e")
                        .stateDirectory(stateDirectory)
                        .metricsHost("127.0.0.1")
                        .metricsPort(metricsPort)
                        .build())) {
            assertThat(monitor.awaitRunning(Duration.ofSeconds(60))).as("monitor reaches RUNNING").isTrue();

            DemoRun run = new DemoRun(broker.bootstrapServers(), Map.of(), MonitorConfig.DEFAULT_EVENTS_TOPIC,
                    scenario);
            assertThat(run.awaitProduced(Duration.ofSeconds(90))).as("producers send every message").isTrue();
            QueueLedger orders = run.ledger().queue(DemoScenario.HEALTHY);
            QueueLedger payments = run.ledger().queue(DemoScenario.FAILING);
            await("healthy and failing queues drain").atMost(Duration.ofSeconds(60))
                    .until(() -> orders.unfinishedCount() == 0 && payments.unfinishedCount() == 0);
            run.close();

            RecorderStats recorded = run.recorder().stats();
            assertThat(recorded.dropped()).as("events dropped by the recorder").isZero();
            Scrape quiet = awaitQuiet(metricsPort, recorded.sent());

            for (QueueSpec spec : scenario) {
                QueueLedger ledger = run.ledger().queue(spec.queue());
                LedgerComparison.assertCountsMatch(quiet, spec.queue(), ledger);
                assertThat(quiet.value("messaging_queue_depth", "queue", spec.queue())).as("%s depth", spec.queue())
                        .isEqualTo(ledger.unfinishedCount());
                assertThat(quiet.value("messaging_queue_in_flight", "queue", spec.queue()))
                        .as("%s in flight", spec.queue()).isZero();
            }
            assertThat(run.ledger().queue(DemoScenario.BACKLOGGED).unfinishedCount())
                    .as("the backlogged queue still holds messages").isPositive();

            // The simulators closed their consumers, and each closing heartbeat takes a consumer out at once.
            String emails = DemoScenario.BACKLOGGED;
            assertThat(quiet.value("messaging_active_consumers", "queue", emails)).as("emails consumers").isZero();
            assertThat(quiet.value("messaging_queue_status", "queue", emails, "status", "STOP"))
                    .as("messages wait and no consumer is alive").isEqualTo(1);
            assertThat(quiet.value("messaging_consumer_lag_seconds", "queue", emails)).as("emails lag").isPositive();
            assertThat(quiet.value("messaging_queue_status", "queue", DemoScenario.HEALTHY, "status", "OK"))
                    .as("drained queue").isEqualTo(1);
            assertThat(quiet.value("messaging_consumer_lag_seconds", "queue", DemoScenario.HEALTHY)).isZero();
            assertThat(quiet.value("messaging_oldest_message_age_seconds", "queue", emails)).as("emails oldest age")
                    .isPositive();
            assertThat(quiet.value("messaging_oldest_message_age_seconds", "queue", DemoScenario.HEALTHY)).isZero();
            assertThat(payments.retryCount()).as("the failing queue retried").isPositive();
        }
    }

    /** Waits until the monitor has read every event sent and two scrapes a publish interval apart agree. */
    private static Scrape awaitQuiet(int metricsPort, long eventsSent) {
        AtomicReference<Scrape> last = new AtomicReference<>(Scrape.of(metricsPort));
        await("monitor consumed every event and stopped changing").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(600))
                .until(() -> {
                    Scrape previous = last.get();
                    Scrape current = Scrape.of(metricsPort);
                    last.set(current);
                    return current.value("lagwatch_events_consumed_total") == eventsSent
                            && LedgerComparison.lifecycleSamples(current)
                                    .equals(LedgerComparison.lifecycleSamples(previous));
                });
        return last.get();
    }
}
