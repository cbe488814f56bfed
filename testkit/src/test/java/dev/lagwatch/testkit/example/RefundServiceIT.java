package dev.lagwatch.testkit.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwatch.client.event.ErrorCategory;
import dev.lagwatch.testkit.LagwatchExtension;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RefundServiceIT {

    @RegisterExtension
    static final LagwatchExtension lagwatch = LagwatchExtension.embeddedBroker();

    @Test
    void refundsKeepUp() throws Exception {
        // A payment provider that times out once on orders 7 and 17.
        Set<String> timedOut = ConcurrentHashMap.newKeySet();
        RefundService.PaymentGateway gateway = (orderId, amount) -> {
            if (orderId.endsWith("7") && timedOut.add(orderId)) {
                throw new TimeoutException("payment provider did not answer for " + orderId);
            }
        };
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (RefundService service = new RefundService(lagwatch.bootstrapServers(), gateway)) {
            executor.submit(service::run);
            for (int i = 0; i < 20; i++) {
                service.requestRefund("order-" + i, "12.50");
            }

            lagwatch.queue("refunds").assertDrainsWithin(Duration.ofSeconds(10));
            lagwatch.queue("refunds").assertNoFailures(ErrorCategory.VALIDATION, ErrorCategory.CONNECTION);
            lagwatch.queue("refunds").assertProcessingTimeBelow(0.95, Duration.ofMillis(200));
            lagwatch.consumerGroup("refund-service").assertLagReaches(0, Duration.ofSeconds(10));
            assertThat(lagwatch.queue("refunds").enqueued()).as("retries are not new refunds").isEqualTo(20);
            assertThat(lagwatch.queue("refunds").completed()).isEqualTo(20);
            assertThat(lagwatch.queue("refunds").retries()).isEqualTo(2);
            assertThat(lagwatch.queue("refunds").failed(ErrorCategory.TIMEOUT)).isEqualTo(2);
        } finally {
            executor.shutdown();
        }
    }
}
