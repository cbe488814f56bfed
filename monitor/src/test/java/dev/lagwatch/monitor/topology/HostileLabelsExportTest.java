package dev.lagwatch.monitor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwatch.client.event.LifecycleEvent;
import dev.lagwatch.monitor.metrics.MetricsServer;
import dev.lagwatch.monitor.testing.FreePort;
import dev.lagwatch.monitor.testing.Promtool;
import dev.lagwatch.monitor.metrics.Scrape;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

/**
 * Queue and group names are free text from any producer of events. Those that break careless
 * exporters must come out of {@code /metrics} escaped, pass {@code promtool check metrics}, and
 * read back unchanged.
 */
class HostileLabelsExportTest {

    private static final List<String> NAMES = List.of("quote\"d", "back\\slash", "trailing\\", "new\nline",
            "tab\there", "caf\u00e9", "\u6ce8\u6587", "emoji-\uD83D\uDCE6", "{brace}", "a=\"b\",c=d", "\"", "\\n",
            "# HELP fake", "carriage\rreturn");

    @Test
    void hostileNamesEscapedAndReadBack() throws Exception {
        QueueSnapshots snapshots = new QueueSnapshots();
        long now = System.currentTimeMillis();
        for (String name : NAMES) {
            QueueState state = new QueueState();
            state.apply(LifecycleEvent.enqueued(name, null, now), now);
            state.apply(LifecycleEvent.heartbeat(name, name, "c-1", now, 1), now);
            snapshots.publish(new TaskId(0, 0), QueueSnapshot.of(name, state, now));
        }
        int port = FreePort.find();
        MetricsServer server = new MetricsServer("127.0.0.1", port, "hostile-labels-test", Duration.ofSeconds(15),
                snapshots, new MonitorStats(), Clock.systemUTC());
        try {
            Scrape scrape = Scrape.of(port);

            assertThat(Promtool.findingsBesidesTargetInfo(scrape.text())).as("promtool findings").isEmpty();
            Set<String> queues = scrape.find("messaging_messages_enqueued_total").stream()
                    .map(sample -> sample.labels().get("queue"))
                    .collect(Collectors.toSet());
            assertThat(queues).containsExactlyInAnyOrderElementsOf(NAMES);
            Set<String> groups = scrape.find("messaging_active_consumers").stream()
                    .map(sample -> sample.labels().get("consumer_group"))
                    .collect(Collectors.toSet());
            assertThat(groups).containsExactlyInAnyOrderElementsOf(NAMES);
        } finally {
            server.close();
        }
    }
}
