package dev.lagwatch.monitor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwatch.client.event.ErrorCategory;
import dev.lagwatch.client.event.EventCodec;
import dev.lagwatch.client.event.InvalidEventException.Reason;
import dev.lagwatch.client.event.LifecycleEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LifecycleTopologyTest {

    private static final String TOPIC = "lagwatch.events";
    private static final String DEAD_LETTERS = "lagwatch.events.dead-letters";
    private static final Duration PUBLISH_INTERVAL = Duration.ofMillis(200);
    private static final long T0 = 1_767_225_600_000L;

    private final EventCodec codec = new EventCodec();
    private final QueueSnapshots snapshots = new QueueSnapshots();
    private final MonitorStats stats = new MonitorStats();
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> input;
    private TestOutputTopic<String, byte[]> deadLetters;

    @BeforeEach
    void startDriver() {
        startDriver(CardinalityLimits.DEFAULT);
    }

    private void startDriver(CardinalityLimits limits) {
        startDriver(limits, PublishGate.open());
    }

    private void startDriver(CardinalityLimits limits, PublishGate gate) {
        if (driver != null) {
            driver.close();
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(LifecycleTopology.build(
                new LifecycleTopology.Topics(TOPIC, 1, DEAD_LETTERS, LifecycleTopology.overflowTopic("topology-test")),
                PUBLISH_INTERVAL, Duration.ofSeconds(60), snapshots, stats, gate, TimestampTolerance.DEFAULT,
                limits), props, Instant.ofEpochMilli(T0));
        input = driver.createInputTopic(TOPIC, new StringSerializer(), new ByteArraySerializer());
        deadLetters = driver.createOutputTopic(DEAD_LETTERS, new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    private void send(LifecycleEvent event) {
        input.pipeInput(event.queue(), codec.encode(event));
    }

    private QueueSnapshot published(String queue) {
        driver.advanceWallClockTime(PUBLISH_INTERVAL);
        return snapshots.get(queue);
    }

    private static LifecycleEvent completed(String queue, String id, long enqueuedAt, long startedAt, long ts) {
        return LifecycleEvent.completed(queue, "billing", "c-1", id, 1, ts, enqueuedAt, LifecycleEvent.NOT_SET,
                startedAt);
    }

    private static LifecycleEvent failed(String queue, String id, int attempt, long enqueuedAt, long availableAt,
            long startedAt, long ts, ErrorCategory category, boolean retry) {
        return LifecycleEvent.failed(queue, "billing", "c-1", id, attempt, ts, enqueuedAt, availableAt, startedAt,
                category, retry);
    }

    @Test
    void enqueuedRaisesDepth() {
        send(LifecycleEvent.enqueued("orders", "m-1", T0));
        send(LifecycleEvent.enqueued("orders", "m-2", T0));

        QueueSnapshot orders = published("orders");

        assertThat(orders.enqueued()).isEqualTo(2);
        assertThat(orders.depth()).isEqualTo(2);
        assertThat(orders.inFlight()).isZero();
    }

    @Test
    void startedRaisesInFlightAndCompletedFinishes() {
        send(LifecycleEvent.enqueued("orders", "m-1", T0));
        send(LifecycleEvent.started("orders", "billing", "c-1", "m-1", 1, T0 + 40, LifecycleEvent.NOT_SET));
        QueueSnapshot running = published("orders");
        send(completed("orders", "m-1", T0, T0 + 40, T0 + 160));
        QueueSnapshot done = published("orders");

        assertThat(running.depth()).isEqualTo(1);
        assertThat(running.inFlight()).isEqualTo(1);
        assertThat(done.depth()).isZero();
        assertThat(done.inFlight()).isZero();
        GroupSnapshot billing = done.groups().get(0);
        assertThat(billing.group()).isEqualTo("billing");
        assertThat(billing.completed()).isEqualTo(1);
        assertThat(billing.processing().sumMillis()).isEqualTo(120);
        assertThat(billing.waiting().sumMillis()).isEqualTo(40);
        assertThat(billing.endToEnd().sumMillis()).isEqualTo(160);
    }

    @Test
    void histogramBucketsUseSecondBoundaries() {
        send(LifecycleEvent.enqueued("orders", "m-1", T0));
        // 120 ms of processing falls in (0.1, 0.25]; 40 ms of waiting in (0.025, 0.05].
        send(completed("orders", "m-1", T0, T0 + 40, T0 + 160));

        GroupSnapshot billing = published("orders").groups().get(0);

        int processingBucket = DurationHistogram.BOUNDARIES_SECONDS.indexOf(0.25);
        int waitingBucket = DurationHistogram.BOUNDARIES_SECONDS.indexOf(0.05);
        assertThat(billing.processing().bucketCounts().get(processingBucket)).isEqualTo(1);
        assertThat(billing.processing().count()).isEqualTo(1);
        assertThat(billing.waiting().bucketCounts().get(waitingBucket)).isEqualTo(1);
    }

    @Test
    void retriedFailureKeepsDepthAndFinalFailureFinishes() {
        send(LifecycleEvent.enqueued("payments", "m-1", T0));
        send(failed("payments", "m-1", 1, T0, LifecycleEvent.NOT_SET, T0 + 10, T0 + 20, ErrorCategory.TIMEOUT, true));
        QueueSnapshot afterRetry = published("payments");
        send(failed("payments", "m-1", 2, T0, T0 + 520, T0 + 530, T0 + 540, ErrorCategory.CONNECTION, false));
        QueueSnapshot afterFinal = published("payments");

        assertThat(afterRetry.depth()).isEqualTo(1);
        GroupSnapshot retried = afterRetry.groups().get(0);
        assertThat(retried.retries()).isEqualTo(1);
        assertThat(retried.failed(ErrorCategory.TIMEOUT)).isEqualTo(1);
        assertThat(retried.endToEnd().count()).isZero();

        assertThat(afterFinal.depth()).isZero();
        GroupSnapshot billing = afterFinal.groups().get(0);
        assertThat(billing.retries()).isEqualTo(1);
        assertThat(billing.failed()).isEqualTo(2);
        assertThat(billing.failed(ErrorCategory.CONNECTION)).isEqualTo(1);
        assertThat(billing.processing().count()).isEqualTo(2);
        // The retry waited from its available_at (T0 + 520) to its start (T0 + 530).
        assertThat(billing.waiting().sumMillis()).isEqualTo(10 + 10);
        assertThat(billing.endToEnd().count()).isEqualTo(1);
        assertThat(billing.endToEnd().sumMillis()).isEqualTo(540);
    }

    @Test
    void outOfOrderOutcomeNeverNegative() {
        send(completed("orders", "m-1", T0, T0 + 5, T0 + 10));
        QueueSnapshot first = published("orders");
        send(LifecycleEvent.started("orders", "billing", "c-1", "m-1", 1, T0 + 5, LifecycleEvent.NOT_SET));
        send(LifecycleEvent.enqueued("orders", "m-1", T0));
        QueueSnapshot last = published("orders");

        assertThat(first.depth()).isZero();
        assertThat(first.inFlight()).isZero();
        assertThat(last.depth()).isZero();
        assertThat(last.inFlight()).isZero();
        assertThat(last.enqueued()).isEqualTo(1);
    }

    @Test
    void outOfOrderMixEndsWithTrueDepth() {
        // Three messages; terminal events of two arrive before their enqueued events.
        send(failed("orders", "m-2", 1, T0, LifecycleEvent.NOT_SET, T0 + 1, T0 + 2, ErrorCategory.VALIDATION, false));
        send(completed("orders", "m-1", T0, T0 + 1, T0 + 3));
        for (int i = 1; i <= 3; i++) {
            send(LifecycleEvent.enqueued("orders", "m-" + i, T0));
        }

        assertThat(published("orders").depth()).isEqualTo(1);
    }

    @Test
    void heartbeatRegistersGroupWithoutCounts() {
        send(LifecycleEvent.heartbeat("emails", "mailer", "c-1", T0, 2));

        QueueSnapshot emails = published("emails");

        assertThat(emails.depth()).isZero();
        assertThat(emails.groups()).extracting(GroupSnapshot::group).containsExactly("mailer");
        assertThat(emails.groups().get(0).completed()).isZero();
    }

    @Test
    void invalidRecordsCountedValidKept() {
        send(LifecycleEvent.enqueued("orders", "m-1", T0));
        input.pipeInput("orders", "not json".getBytes(StandardCharsets.UTF_8));
        input.pipeInput("orders", "{\"v\":9,\"type\":\"enqueued\",\"queue\":\"orders\",\"ts\":1}"
                .getBytes(StandardCharsets.UTF_8));
        input.pipeInput("orders", (byte[]) null);
        send(LifecycleEvent.enqueued("orders", "m-2", T0));

        assertThat(published("orders").enqueued()).isEqualTo(2);
        assertThat(stats.consumed()).isEqualTo(5);
        assertThat(stats.invalidByReason().get(Reason.MALFORMED_JSON)).isEqualTo(2);
        assertThat(stats.invalidByReason().get(Reason.UNSUPPORTED_VERSION)).isEqualTo(1);
    }

    @Test
    void invalidRecordsGoToDeadLettersUnchanged() {
        byte[] garbage = {(byte) 0xff, 0x00, '{'};
        input.pipeInput("orders", garbage);
        send(LifecycleEvent.enqueued("orders", "m-1", T0));
        input.pipeInput("emails", "{\"v\":1,\"type\":\"enqueued\",\"queue\":\"emails\",\"ts\":-1}"
                .getBytes(StandardCharsets.UTF_8));

        List<TestRecord<String, byte[]>> letters = deadLetters.readRecordsToList();

        assertThat(letters).hasSize(2);
        assertThat(letters.get(0).key()).isEqualTo("orders");
        assertThat(letters.get(0).value()).isEqualTo(garbage);
        assertThat(header(letters.get(0), "lagwatch.invalid.reason")).isEqualTo("malformed_json");
        assertThat(header(letters.get(0), "lagwatch.source")).isEqualTo(TOPIC + "-0@0");
        assertThat(header(letters.get(1), "lagwatch.invalid.reason")).isEqualTo("invalid_timestamp");
        assertThat(header(letters.get(1), "lagwatch.invalid.detail")).contains("ts");
        assertThat(header(letters.get(1), "lagwatch.source")).isEqualTo(TOPIC + "-0@2");
        assertThat(published("orders").enqueued()).isEqualTo(1);
    }

    private static String header(TestRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void missingTimestampsRejectedNotTurnedIntoAges() {
        send(LifecycleEvent.enqueued("orders", "m-1", T0));
        // Producers without a clock of their own send -1 or 0, which would read as an age of 56 years.
        for (String ts : List.of("-1", "0")) {
            input.pipeInput("orders", ("{\"v\":1,\"type\":\"enqueued\",\"queue\":\"orders\",\"ts\":" + ts + "}")
                    .getBytes(StandardCharsets.UTF_8));
        }

        QueueSnapshot orders = published("orders");

        assertThat(stats.invalidByReason().get(Reason.INVALID_TIMESTAMP)).isEqualTo(2);
        assertThat(orders.depth()).isEqualTo(1);
        assertThat(orders.oldestMessageAgeSeconds(T0 + 3_000)).isEqualTo(3.0);
    }

    @Test
    void otherKeyCountedUnderQueue() {
        input.pipeInput((String) null, codec.encode(LifecycleEvent.enqueued("orders", "m-1", T0)));
        input.pipeInput("emails", codec.encode(LifecycleEvent.enqueued("orders", "m-2", T0)));

        assertThat(published("orders").enqueued()).isEqualTo(2);
        assertThat(snapshots.get("emails")).isNull();
        assertThat(stats.rekeyed()).isEqualTo(2);
    }

    @Test
    void queuesAreIndependent() {
        for (String queue : List.of("a", "b", "b")) {
            send(LifecycleEvent.enqueued(queue, null, T0));
        }

        driver.advanceWallClockTime(PUBLISH_INTERVAL);

        assertThat(snapshots.get("a").depth()).isEqualTo(1);
        assertThat(snapshots.get("b").depth()).isEqualTo(2);
    }

    @Test
    void negativeDurationFromClockSkewCountsAsZero() {
        send(LifecycleEvent.enqueued("orders", "m-1", T0));
        // The consumer's clock is behind the producer's: started_at precedes enqueued_at.
        send(completed("orders", "m-1", T0, T0 - 300, T0 - 100));

        GroupSnapshot billing = published("orders").groups().get(0);

        assertThat(billing.waiting().sumMillis()).isZero();
        assertThat(billing.endToEnd().sumMillis()).isZero();
        assertThat(billing.processing().sumMillis()).isEqualTo(200);
    }

    @Test
    void negativeWaitBeyondAllowanceCountedAsSkew() {
        send(LifecycleEvent.enqueued("orders", "m-1", T0));
        send(completed("orders", "m-1", T0, T0 - 300, T0 - 100));
        send(LifecycleEvent.enqueued("orders", "m-2", T0));
        // The consumer's clock is 5 s behind the producer's.
        send(completed("orders", "m-2", T0, T0 - 5_000, T0 - 4_800));

        published("orders");

        assertThat(stats.clockSkewed()).isEqualTo(1);
    }

    @Test
    void timestampsBeyondToleranceRejected() {
        long twoHoursAhead = T0 + Duration.ofHours(2).toMillis();
        long fortyDaysAgo = T0 - Duration.ofDays(40).toMillis();
        send(LifecycleEvent.enqueued("orders", "m-1", twoHoursAhead));
        // Seconds where milliseconds belong: 1970, so far older than any retention.
        send(LifecycleEvent.enqueued("orders", "m-2", T0 / 1_000));
        send(completed("orders", "m-3", fortyDaysAgo, T0 - 100, T0));
        send(LifecycleEvent.enqueued("orders", "m-4", T0 + 30_000));

        List<TestRecord<String, byte[]>> letters = deadLetters.readRecordsToList();

        assertThat(stats.invalidByReason().get(Reason.INVALID_TIMESTAMP)).isEqualTo(3);
        assertThat(letters).hasSize(3);
        assertThat(header(letters.get(0), "lagwatch.invalid.detail"))
                .isEqualTo("field 'ts' is 2 h ahead of the monitor's clock, more than the 1 h allowed"
                        + " (--max-clock-skew); check the clock of the host that sent it");
        assertThat(header(letters.get(1), "lagwatch.invalid.detail")).startsWith("field 'ts' is 20")
                .endsWith(" d old, more than the 30 d allowed (--max-event-age); timestamps must be epoch milliseconds");
        assertThat(header(letters.get(2), "lagwatch.invalid.detail")).startsWith("field 'enqueued_at' is 40 d old");
        assertThat(published("orders").enqueued()).as("the event 30 s ahead is within the tolerance").isEqualTo(1);
    }

    @Test
    void futureEventsCountedAndPlacedAtMonitorTime() {
        // A producer and a consumer on a host whose clock is an hour ahead. An hour is a whole
        // number of windows, so unclamped its events would take the ring position of the present.
        long hourAhead = T0 + Duration.ofHours(1).toMillis();
        send(LifecycleEvent.enqueued("orders", "m-0", hourAhead));
        send(LifecycleEvent.heartbeat("orders", "billing", "c-fast", hourAhead, 1));
        // Work on hosts that agree with the monitor. Being 200 ms ahead is within the allowance.
        send(LifecycleEvent.enqueued("orders", "m-1", T0));
        send(LifecycleEvent.started("orders", "billing", "c-1", "m-1", 1, T0 + 100, T0));
        send(completed("orders", "m-1", T0, T0 + 100, T0 + 200));

        QueueSnapshot orders = published("orders");
        long liveness = Duration.ofSeconds(15).toMillis();

        assertThat(stats.clockSkewed()).isEqualTo(2);
        assertThat(orders.window().totals(T0 + 1_000).enqueued()).isEqualTo(2);
        assertThat(orders.window().totals(T0 + 1_000).messagesFinished()).isEqualTo(1);
        assertThat(orders.depth()).isEqualTo(1);
        assertThat(orders.oldestMessageAgeSeconds(T0 + 1_000)).isZero();
        assertThat(orders.health(T0 + 1_000, liveness).activeConsumers()).isEqualTo(2);
        // The fast host's consumer counts as seen at T0 and drops out after the liveness timeout.
        assertThat(orders.health(T0 + liveness + 1_000, liveness).activeConsumers()).isZero();
    }

    @Test
    void groupOutlivesItsForgottenConsumers() {
        send(LifecycleEvent.enqueued("orders", "m-1", T0));
        send(completed("orders", "m-1", T0, T0 + 100, T0 + 200));
        // Eleven windows later another group's heartbeat makes the queue forget billing's silent consumer.
        Duration later = Duration.ofMinutes(11);
        driver.advanceWallClockTime(later);
        send(LifecycleEvent.heartbeat("orders", "audit", "c-9", T0 + later.toMillis(), 1));

        QueueSnapshot orders = published("orders");

        assertThat(orders.consumers().groups()).containsExactly("audit");
        assertThat(orders.consumerGroups()).containsExactly("audit", "billing");
        assertThat(orders.consumers().activeConsumers("billing", T0 + later.toMillis(), 15_000)).isZero();
    }

    @Test
    void stateSurvivesInTheStore() {
        send(LifecycleEvent.enqueued("orders", "m-1", T0));
        send(completed("orders", "m-1", T0, T0 + 1, T0 + 2));

        QueueState stored = driver.<String, QueueState>getKeyValueStore(LifecycleTopology.STORE_NAME).get("orders");

        assertThat(stored.enqueued()).isEqualTo(1);
        assertThat(stored.depth()).isZero();
        assertThat(QueueStateSerde.read(QueueStateSerde.write(stored)).depth()).isZero();
    }

    @Test
    void extraQueuesCountAsOverflow() {
        startDriver(new CardinalityLimits(3, 100, 1_000, Duration.ofDays(1)));
        for (int i = 0; i < 10; i++) {
            send(LifecycleEvent.enqueued("q" + i, "m-1", T0));
        }
        send(completed("q1", "m-1", T0, T0 + 10, T0 + 20));
        send(completed("q7", "m-1", T0, T0 + 10, T0 + 20));

        QueueSnapshot overflow = published(LifecycleEvent.OVERFLOW_NAME);

        assertThat(snapshots.all()).extracting(QueueSnapshot::queue)
                .containsExactlyInAnyOrder("q0", "q1", "q2", LifecycleEvent.OVERFLOW_NAME);
        assertThat(snapshots.get("q1").depth()).isZero();
        assertThat(overflow.enqueued()).isEqualTo(7);
        assertThat(overflow.depth()).isEqualTo(6);
        assertThat(overflow.groups()).extracting(GroupSnapshot::completed).containsExactly(1L);
        assertThat(stats.overflowByLimit()).containsEntry(CardinalityLimit.QUEUES, 8L);
        List<String> stored = new ArrayList<>();
        driver.<String, QueueState>getKeyValueStore(LifecycleTopology.STORE_NAME).all()
                .forEachRemaining(entry -> stored.add(entry.key));
        assertThat(stored).containsExactlyInAnyOrder("q0", "q1", "q2", LifecycleEvent.OVERFLOW_NAME);
    }

    @Test
    void extraGroupsCountAsOverflow() {
        startDriver(new CardinalityLimits(10, 2, 1_000, Duration.ofDays(1)));
        for (int i = 1; i <= 4; i++) {
            send(LifecycleEvent.enqueued("orders", "m-" + i, T0));
            send(LifecycleEvent.completed("orders", "g" + i, "c-" + i, "m-" + i, 1, T0 + 20, T0, LifecycleEvent.NOT_SET,
                    T0 + 10));
        }

        QueueSnapshot orders = published("orders");

        assertThat(orders.consumerGroups()).containsExactly("g1", "g2", LifecycleEvent.OVERFLOW_NAME);
        assertThat(orders.groups()).extracting(GroupSnapshot::completed).containsExactly(1L, 1L, 2L);
        assertThat(orders.depth()).isZero();
        assertThat(stats.overflowByLimit()).containsEntry(CardinalityLimit.GROUPS, 2L);
    }

    @Test
    void extraConsumersNotTracked() {
        startDriver(new CardinalityLimits(10, 100, 2, Duration.ofDays(1)));
        for (int i = 1; i <= 3; i++) {
            send(LifecycleEvent.heartbeat("orders", "billing", "c-" + i, T0, 1));
        }
        send(LifecycleEvent.enqueued("orders", "m-1", T0));
        send(LifecycleEvent.completed("orders", "billing", "c-3", "m-1", 1, T0 + 20, T0, LifecycleEvent.NOT_SET,
                T0 + 10));

        QueueSnapshot orders = published("orders");

        assertThat(orders.consumers().activeConsumers("billing", T0, 15_000)).isEqualTo(2);
        assertThat(orders.groups()).extracting(GroupSnapshot::completed).containsExactly(1L);
        assertThat(stats.overflowByLimit()).containsEntry(CardinalityLimit.CONSUMERS, 2L);
    }

    @Test
    void quietQueueIsDroppedAndFreesItsPlace() {
        startDriver(new CardinalityLimits(1, 100, 1_000, Duration.ofMinutes(1)));
        send(LifecycleEvent.enqueued("orders", "m-1", T0));
        assertThat(published("orders")).isNotNull();

        driver.advanceWallClockTime(Duration.ofSeconds(70));
        send(LifecycleEvent.enqueued("payments", "m-1", T0 + 70_000));
        QueueSnapshot payments = published("payments");

        assertThat(snapshots.get("orders")).isNull();
        assertThat(driver.<String, QueueState>getKeyValueStore(LifecycleTopology.STORE_NAME).get("orders")).isNull();
        assertThat(payments.enqueued()).as("payments takes the place orders left").isEqualTo(1);
        assertThat(snapshots.get(LifecycleEvent.OVERFLOW_NAME)).isNull();
        assertThat(stats.expiredQueues()).isEqualTo(1);
    }

    @Test
    void noQueueExpiresBeforeCatchingUp() {
        startDriver(new CardinalityLimits(10, 100, 1_000, Duration.ofMinutes(1)), inputs -> () -> false);
        send(LifecycleEvent.enqueued("orders", "m-1", T0));

        driver.advanceWallClockTime(Duration.ofMinutes(5));

        assertThat(stats.expiredQueues()).isZero();
        assertThat(driver.<String, QueueState>getKeyValueStore(LifecycleTopology.STORE_NAME).get("orders")).isNotNull();
    }

    @Test
    void queueWithRecentEventsIsKept() {
        startDriver(new CardinalityLimits(10, 100, 1_000, Duration.ofMinutes(1)));
        for (int second = 0; second <= 120; second += 30) {
            send(LifecycleEvent.enqueued("orders", "m-" + second, T0 + second * 1_000L));
            driver.advanceWallClockTime(Duration.ofSeconds(30));
        }

        assertThat(published("orders").enqueued()).isEqualTo(5);
        assertThat(stats.expiredQueues()).isZero();
    }

    @Test
    void reservedOverflowNameIsInvalid() {
        send(LifecycleEvent.enqueued(LifecycleEvent.OVERFLOW_NAME, "m-1", T0));
        send(LifecycleEvent.heartbeat("orders", LifecycleEvent.OVERFLOW_NAME, "c-1", T0, 1));
        driver.advanceWallClockTime(PUBLISH_INTERVAL);

        assertThat(snapshots.all()).isEmpty();
        assertThat(stats.invalidByReason()).containsEntry(Reason.INVALID_QUEUE, 1L).containsEntry(Reason.INVALID_VALUE, 1L);
        assertThat(deadLetters.readValuesToList()).hasSize(2);
    }
}
