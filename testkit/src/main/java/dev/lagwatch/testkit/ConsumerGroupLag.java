package dev.lagwatch.testkit;

import dev.lagwatch.monitor.metrics.Scrape;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The offset lag of one consumer group, as the monitor's offset poller measures it from the group's
 * committed offsets and the end offsets of its partitions, with no instrumentation in the group's
 * application. Readings come from a poll that started after the call.
 */
public final class ConsumerGroupLag {

    private static final String POLLS = "lagwatch_offset_polls_total";
    private static final String SUM_LAG = "kafka_consumergroup_group_sum_lag";

    private final LagwatchExtension lagwatch;
    private final String group;

    ConsumerGroupLag(LagwatchExtension lagwatch, String group) {
        this.lagwatch = lagwatch;
        this.group = group;
    }

    /**
     * Returns the group's offset lag summed over its partitions, from a poll that started after
     * this call.
     *
     * @throws AssertionError when the group has a partition it never committed on, whose lag is unknown
     */
    public long lag() {
        Scrape scrape = freshPoll(QueueMetrics.READ_TIMEOUT);
        if (!known(scrape) || !uncommitted(scrape).isEmpty()) {
            throw unknownGroup(scrape);
        }
        return Math.round(scrape.sum(SUM_LAG, "group", group));
    }

    /**
     * Asserts that a poll started after this call measures an offset lag of at most {@code records}
     * within {@code timeout}, with a committed offset on every partition the group is assigned.
     *
     * @throws AssertionError naming the last lag, by topic, and the values seen
     */
    public void assertLagReaches(long records, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        double before = polls(lagwatch.scrape());
        List<Long> seen = new ArrayList<>();
        Scrape last = null;
        while (System.nanoTime() < deadline) {
            Scrape scrape = lagwatch.scrape();
            // A poll that was running at the call may have read offsets from before it; the next one has not.
            if (polls(scrape) >= before + 2 && known(scrape)) {
                last = scrape;
                long lag = Math.round(scrape.sum(SUM_LAG, "group", group));
                if (lag <= records && uncommitted(scrape).isEmpty()) {
                    return;
                }
                if (seen.isEmpty() || seen.get(seen.size() - 1) != lag) {
                    seen.add(lag);
                }
            } else {
                last = scrape;
            }
            QueueMetrics.pause();
        }
        if (last == null) {
            last = lagwatch.scrape();
        }
        if (!known(last)) {
            throw unknownGroup(last);
        }
        Map<String, Long> byTopic = new TreeMap<>();
        last.find("kafka_consumergroup_group_topic_sum_lag", "group", group)
                .forEach(sample -> byTopic.merge(sample.labels().get("topic"), Math.round(sample.value()), Long::sum));
        List<String> uncommitted = uncommitted(last);
        throw new AssertionError(String.format(Locale.ROOT,
                "Consumer group '%s' did not reach an offset lag of %d within %s: lag %d (by topic: %s; time lag %s s)."
                        + " Lags seen: %s%s",
                group, records, QueueMetrics.human(timeout), Math.round(last.sum(SUM_LAG, "group", group)), byTopic,
                formatSeconds(last.sum("kafka_consumergroup_group_max_lag_seconds", "group", group)), seen,
                uncommitted.isEmpty() ? "" : ". Partitions it is assigned but never committed on, so their lag is"
                        + " unknown: " + uncommitted));
    }

    private Scrape freshPoll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        double before = polls(lagwatch.scrape());
        Scrape scrape;
        do {
            QueueMetrics.pause();
            scrape = lagwatch.scrape();
        } while (polls(scrape) < before + 2 && System.nanoTime() < deadline);
        if (polls(scrape) < before + 2) {
            throw new AssertionError("The lagwatch monitor finished no offset poll within " + QueueMetrics.human(timeout)
                    + "; failed polls so far: " + Math.round(scrape.sum(POLLS, "result", "failure")));
        }
        return scrape;
    }

    /** Returns the partitions the group is assigned but has no committed offset on, as topic-partition. */
    private List<String> uncommitted(Scrape scrape) {
        return scrape.find("lagwatch_offset_partition_condition", "group", group, "condition", "no_committed_offset")
                .stream()
                .filter(sample -> sample.value() > 0)
                .map(sample -> sample.labels().get("topic") + "-" + sample.labels().get("partition"))
                .sorted()
                .toList();
    }

    private static double polls(Scrape scrape) {
        double polls = scrape.sum(POLLS, "result", "success");
        return Double.isNaN(polls) ? 0 : polls;
    }

    private boolean known(Scrape scrape) {
        return !scrape.find(SUM_LAG, "group", group).isEmpty();
    }

    private AssertionError unknownGroup(Scrape scrape) {
        List<String> uncommitted = uncommitted(scrape);
        if (!uncommitted.isEmpty()) {
            return new AssertionError("Consumer group '" + group + "' is assigned partitions it never committed an"
                    + " offset on, so their lag is unknown: " + uncommitted + ". Commit after processing, or wait"
                    + " for the group's first commit");
        }
        TreeSet<String> groups = new TreeSet<>();
        scrape.find(SUM_LAG).forEach(sample -> groups.add(sample.labels().get("group")));
        return new AssertionError("The lagwatch monitor measured no offset lag for consumer group '" + group
                + "': the group has no committed offset yet, or the monitor runs without offset lag. Groups it"
                + " measured: " + groups);
    }

    private static String formatSeconds(double seconds) {
        return Double.isNaN(seconds) ? "unknown" : String.format(Locale.ROOT, "%.3f", seconds);
    }
}
