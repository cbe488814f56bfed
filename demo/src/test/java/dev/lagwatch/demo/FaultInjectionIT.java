package dev.lagwatch.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwatch.client.RecorderStats;
import dev.lagwatch.demo.DemoScenario.QueueSpec;
import dev.lagwatch.monitor.metrics.Scrape;
import dev.lagwatch.sim.Ledger;
import dev.lagwatch.sim.QueueLedger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's load with every fault the monitor must ride out, one after the other: the monitor
 * killed with SIGKILL and restarted, a consumer crashing in the middle of a message, and the broker
 * down for 15 s. Once quiet, every count equals the simulators' ledger, and no counter went back
 * in any scrape taken along the way.
 */
class FaultInjectionIT {

    private static final Duration OUTAGE = Duration.ofSeconds(15);

    @TempDir
    Path directory;

    @Test
    @Timeout(value = 7, unit = TimeUnit.MINUTES)
    void countsStayExactThroughFaults() throws Exception {
        List<QueueSpec> scenario = DemoScenario.queues(0);
        String healthy = DemoScenario.HEALTHY;
        try (FaultInjection run = new FaultInjection(directory, Duration.ofMinutes(6))) {
            DemoRun load = run.startLoad(scenario);
            Ledger ledger = load.ledger();
            run.awaitUntil("the monitor counts the first messages", Duration.ofSeconds(90),
                    () -> enqueued(run.scrape(), healthy) >= 40);

            run.killMonitor();
            long enqueuedAtKill = ledger.queue(healthy).enqueuedCount();
            run.awaitUntil("the load goes on without the monitor", Duration.ofSeconds(30),
                    () -> ledger.queue(healthy).enqueuedCount() >= enqueuedAtKill + 40);
            run.startMonitor();
            run.awaitUntil("the restarted monitor counts past the kill", Duration.ofSeconds(90),
                    () -> enqueued(run.scrape(), healthy) > enqueuedAtKill);

            run.crashConsumer(healthy);

            run.stopBroker();
            run.hold(OUTAGE);
            run.restartBroker();
            long enqueuedAtRestart = ledger.queue(healthy).enqueuedCount();
            run.awaitUntil("the restarted broker takes messages again", Duration.ofSeconds(60),
                    () -> ledger.queue(healthy).enqueuedCount() >= enqueuedAtRestart + 40);
            load.stopProducers();
            run.awaitUntil("the healthy and failing queues drain", Duration.ofSeconds(120),
                    () -> ledger.queue(healthy).unfinishedCount() == 0
                            && ledger.queue(DemoScenario.FAILING).unfinishedCount() == 0);
            load.close();

            RecorderStats recorded = load.recorder().stats();
            assertThat(recorded.dropped()).as("events the recorder dropped").isZero();
            assertThat(recorded.sent()).as("events sent").isEqualTo(recorded.recorded());

            Scrape quiet = awaitQuiet(run, ledger, scenario);
            for (QueueSpec spec : scenario) {
                QueueLedger truth = ledger.queue(spec.queue());
                LedgerComparison.assertCountsMatch(quiet, spec.queue(), truth);
                // A message redelivered after the crash counts as finished once per delivery in both.
                long finished = truth.completedCount() + truth.finalFailureCount();
                assertThat(quiet.value("messaging_queue_depth", "queue", spec.queue())).as("%s depth", spec.queue())
                        .isEqualTo(Math.max(0, truth.enqueuedCount() - finished));
                assertThat(quiet.value("messaging_queue_in_flight", "queue", spec.queue()))
                        .as("%s in flight: attempts started and never finished", spec.queue())
                        .isEqualTo(truth.startedCount() - truth.completedCount() - truth.failedCount());
            }
            assertNoCounterWentBack(run.scrapes());
        }
    }

    private static double enqueued(Scrape scrape, String queue) {
        return scrape.value("messaging_messages_enqueued_total", "queue", queue);
    }

    /** Waits until every queue's enqueued count equals the ledger and two scrapes in a row agree. */
    private static Scrape awaitQuiet(FaultInjection run, Ledger ledger, List<QueueSpec> scenario) {
        Scrape[] last = {null};
        run.awaitUntil("the monitor counts every message and stops changing", Duration.ofSeconds(90), () -> {
            Scrape previous = last[0];
            Scrape current = run.scrape();
            last[0] = current;
            for (QueueSpec spec : scenario) {
                if (enqueued(current, spec.queue()) != ledger.queue(spec.queue()).enqueuedCount()) {
                    return false;
                }
            }
            return previous != null && LedgerComparison.lifecycleSamples(current)
                    .equals(LedgerComparison.lifecycleSamples(previous));
        });
        return last[0];
    }

    /** Asserts that each counter and histogram series is, in every scrape, at least its value in the scrapes before. */
    private static void assertNoCounterWentBack(List<Scrape> scrapes) {
        assertThat(scrapes).as("scrapes taken during the run").hasSizeGreaterThan(3);
        Map<String, Double> highest = new HashMap<>();
        for (Scrape scrape : scrapes) {
            for (Scrape.Sample sample : LedgerComparison.lifecycleSamples(scrape)) {
                if (sample.name().startsWith("messaging_queue_")) {
                    continue;
                }
                String series = sample.name() + sample.labels();
                Double before = highest.get(series);
                assertThat(before == null || sample.value() >= before)
                        .as("%s went from %s to %s", series, before, sample.value()).isTrue();
                highest.put(series, sample.value());
            }
        }
    }
}
