package dev.lagwatch.client.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.lagwatch.client.LifecycleRecorder;
import dev.lagwatch.client.RecorderStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** The record processor with its recorder pointed at a closed loopback port, where nothing can be sent. */
class LagwatchRecordProcessorTest {

    private static final String NO_BROKER = "127.0.0.1:1";

    @Test
    void handlersRunWithoutBrokers() {
        LifecycleRecorder recorder = LifecycleRecorder.builder()
                .bootstrapServers(NO_BROKER)
                .bufferCapacity(5)
                .closeTimeout(Duration.ofMillis(500))
                .heartbeatInterval(Duration.ZERO)
                .build();
        List<String> handled = new ArrayList<>();
        IllegalStateException failure = new IllegalStateException("ledger closed");

        try (LagwatchRecordProcessor processor = new LagwatchRecordProcessor(recorder, "billing", "billing-1")) {
            for (int offset = 0; offset < 20; offset++) {
                ConsumerRecord<String, String> record = new ConsumerRecord<>("invoices", 0, offset, "k", "v" + offset);
                Throwable thrown = catchThrowable(() -> processor.process(record, r -> {
                    handled.add(r.value());
                    if (r.offset() % 4 == 0) {
                        throw failure;
                    }
                }));
                assertThat(thrown).isSameAs(record.offset() % 4 == 0 ? failure : null);
            }
        }
        recorder.close();

        assertThat(handled).hasSize(20).startsWith("v0", "v1");
        RecorderStats stats = recorder.stats();
        assertThat(stats.sent()).isZero();
        assertThat(stats.dropped()).as("events beyond the buffer of 5, then the rest at close").isEqualTo(stats.recorded());
        assertThat(stats.recorded()).as("started and an outcome per record, and a closing heartbeat").isEqualTo(41);
    }

    @Test
    void retryRecordCopiesTheRecord() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace", new byte[] {1, 2});
        ConsumerRecord<String, String> record = new ConsumerRecord<>("refunds", 3, 41, 1_700_000_000_000L,
                TimestampType.CREATE_TIME, 0, 0, "order-7", "12.50", headers, Optional.empty());

        long before = System.currentTimeMillis();
        ProducerRecord<String, String> again = LagwatchRecordProcessor.retryRecord(record);

        assertThat(again.topic()).isEqualTo("refunds");
        assertThat(again.partition()).as("the partitioner picks it, as for the first send").isNull();
        assertThat(again.key()).isEqualTo("order-7");
        assertThat(again.value()).isEqualTo("12.50");
        assertThat(again.timestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(again.headers().lastHeader("trace").value()).containsExactly(1, 2);
        assertThat(LagwatchRecordProcessor.attemptOf(again.headers())).isEqualTo(2);
        assertThat(LagwatchRecordProcessor.availableAtOf(again.headers())).isBetween(before, System.currentTimeMillis());
        assertThat(LagwatchRecordProcessor.attemptOf(record.headers())).as("the original is unchanged").isEqualTo(1);
    }

    @Test
    void upToSkipsValidationErrors() {
        RetryPolicy policy = RetryPolicy.upTo(3);

        assertThat(policy.willRetry(new TimeoutException("slow"), 1)).isTrue();
        assertThat(policy.willRetry(new TimeoutException("slow"), 2)).isTrue();
        assertThat(policy.willRetry(new TimeoutException("slow"), 3)).isFalse();
        assertThat(policy.willRetry(new IllegalArgumentException("no customer"), 1)).isFalse();
        assertThat(RetryPolicy.never().willRetry(new TimeoutException("slow"), 1)).isFalse();
        RetryPolicy custom = RetryPolicy.upTo(2, error -> error instanceof ClassCastException);
        assertThat(custom.willRetry(new ClassCastException("wrong type"), 1)).isFalse();
        assertThat(custom.willRetry(new IllegalArgumentException("no customer"), 1)).isTrue();
    }

    @Test
    void errorsGetAnOutcome() {
        LifecycleRecorder recorder = LifecycleRecorder.builder().bootstrapServers(NO_BROKER)
                .closeTimeout(Duration.ZERO).heartbeatInterval(Duration.ZERO).build();
        LagwatchRecordProcessor processor = new LagwatchRecordProcessor(recorder, "billing", "billing-1");
        AssertionError bug = new AssertionError("handler bug");

        Throwable thrown = catchThrowable(() -> processor.process(new ConsumerRecord<>("invoices", 0, 5, "k", "v"), r -> {
            throw bug;
        }));

        assertThat(thrown).isSameAs(bug);
        assertThat(recorder.stats().recorded()).as("started and failed").isEqualTo(2);
        processor.close();
        recorder.close();
    }

    @Test
    void retryPendingFollowsThePolicy() throws Exception {
        LifecycleRecorder recorder = LifecycleRecorder.builder().bootstrapServers(NO_BROKER)
                .closeTimeout(Duration.ZERO).heartbeatInterval(Duration.ZERO).build();
        ConsumerRecord<String, String> slow = new ConsumerRecord<>("invoices", 0, 5, "k", "slow");
        ConsumerRecord<String, String> invalid = new ConsumerRecord<>("invoices", 1, 9, "k", "invalid");
        try (LagwatchRecordProcessor processor = new LagwatchRecordProcessor(recorder, "billing", "billing-1",
                RetryPolicy.upTo(2))) {
            LagwatchRecordProcessor.RecordHandler<String, String, Exception> handler = r -> {
                if (r.value().equals("invalid")) {
                    throw new IllegalArgumentException("no customer");
                }
                throw new TimeoutException("slow");
            };

            catchThrowable(() -> processor.process(slow, handler));
            assertThat(processor.retryPending(slow)).as("attempt 1 of 2").isTrue();
            catchThrowable(() -> processor.process(slow, handler));
            assertThat(processor.retryPending(slow)).as("attempt 2 of 2").isFalse();
            catchThrowable(() -> processor.process(invalid, handler));
            assertThat(processor.retryPending(invalid)).as("validation error").isFalse();
            processor.process(new ConsumerRecord<>("invoices", 0, 6, "k", "ok"), r -> { });
            assertThat(processor.retryPending(slow)).isFalse();
        }
        recorder.close();
    }

    @Test
    void throwingPolicyMakesFailureFinal() {
        LifecycleRecorder recorder = LifecycleRecorder.builder().bootstrapServers(NO_BROKER)
                .closeTimeout(Duration.ZERO).heartbeatInterval(Duration.ZERO).build();
        RetryPolicy broken = (error, attempt) -> {
            throw new IllegalStateException("policy bug");
        };
        ConsumerRecord<String, String> record = new ConsumerRecord<>("invoices", 0, 5, "k", "v");
        TimeoutException failure = new TimeoutException("slow");

        try (LagwatchRecordProcessor processor = new LagwatchRecordProcessor(recorder, "billing", "billing-1", broken)) {
            Throwable thrown = catchThrowable(() -> processor.process(record, r -> {
                throw failure;
            }));

            assertThat(thrown).as("the handler's exception, not the policy's").isSameAs(failure);
            assertThat(processor.retryPending(record)).isFalse();
            assertThat(recorder.stats().recorded()).as("started and failed").isEqualTo(2);
        }
        recorder.close();
    }

    @Test
    void closedProcessorStillRunsHandlers() {
        LifecycleRecorder recorder = LifecycleRecorder.builder().bootstrapServers(NO_BROKER)
                .closeTimeout(Duration.ZERO).heartbeatInterval(Duration.ZERO).build();
        LagwatchRecordProcessor processor = new LagwatchRecordProcessor(recorder, "billing", "billing-1");
        processor.close();
        recorder.close();
        List<Long> handled = new ArrayList<>();

        assertThatThrownBy(() -> processor.process(new ConsumerRecord<>("invoices", 0, 5, "k", "v"), r -> {
            handled.add(r.offset());
            throw new TimeoutException("slow");
        })).isInstanceOf(TimeoutException.class);
        assertThat(handled).containsExactly(5L);
    }
}
