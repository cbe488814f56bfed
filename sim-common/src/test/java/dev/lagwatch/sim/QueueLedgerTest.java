package dev.lagwatch.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lagwatch.client.event.ErrorCategory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueLedgerTest {

    @Test
    void nearestRankQuantile() {
        long[] values = {5, 1, 4, 2, 3, 10, 9, 8, 7, 6};

        assertThat(QueueLedger.quantile(values, 0.5)).isEqualTo(5);
        assertThat(QueueLedger.quantile(values, 0.95)).isEqualTo(10);
        assertThat(QueueLedger.quantile(values, 0.1)).isEqualTo(1);
        assertThat(QueueLedger.quantile(new long[0], 0.5)).isEqualTo(-1);
    }

    @Test
    void unfinishedCountsOnlyFinalOutcomes() {
        QueueLedger ledger = new Ledger().queue("orders");
        for (int i = 0; i < 3; i++) {
            ledger.enqueued("m-" + i, 1_000 + i);
        }
        ledger.completed(10, 1, 11);
        ledger.failed(ErrorCategory.TIMEOUT, true, 5, 1, 6);
        ledger.failed(ErrorCategory.TIMEOUT, false, 5, 1, 20);

        assertThat(ledger.unfinishedCount()).isEqualTo(1);
        assertThat(ledger.failedCount()).isEqualTo(2);
        assertThat(ledger.retryCount()).isEqualTo(1);
        assertThat(ledger.processingMillis()).containsExactly(10, 5, 5);
        assertThat(ledger.endToEndMillis()).containsExactly(11, 20);
    }

    @Test
    void oldestUnfinishedFollowsFinishedMessages() {
        QueueLedger ledger = new Ledger().queue("orders");
        ledger.enqueued("m-1", 1_000);
        ledger.enqueued("m-2", 2_000);
        ledger.enqueued("m-3", 3_000);

        ledger.finished("m-2");
        assertThat(ledger.oldestUnfinishedEnqueuedAt()).isEqualTo(1_000);
        ledger.finished("m-1");
        assertThat(ledger.oldestUnfinishedEnqueuedAt()).isEqualTo(3_000);
        ledger.finished("m-3");
        assertThat(ledger.oldestUnfinishedEnqueuedAt()).isEqualTo(-1);
    }

    @Test
    void writesJson(@TempDir Path directory) throws Exception {
        Ledger ledger = new Ledger();
        ledger.queue("orders").enqueued("m-1", 1_000);
        ledger.queue("orders").failed(ErrorCategory.RATE_LIMIT, false, 7, 2, 9);
        Path file = directory.resolve("ledger.json");

        ledger.writeJson(file);

        JsonNode orders = new ObjectMapper().readTree(file.toFile()).path("queues").path("orders");
        assertThat(orders.path("enqueued").asLong()).isEqualTo(1);
        assertThat(orders.path("failed").path("RateLimitError").asLong()).isEqualTo(1);
        assertThat(orders.path("final_failures").asLong()).isEqualTo(1);
        assertThat(orders.path("end_to_end_ms").get(0).asLong()).isEqualTo(9);
    }
}
