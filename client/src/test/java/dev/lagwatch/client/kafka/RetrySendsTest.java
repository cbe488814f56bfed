package dev.lagwatch.client.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RetrySendsTest {

    private final RetrySends sends = new RetrySends(1_000, 3);

    @Test
    void claimsEachExpectedSendOnce() {
        sends.expect("refunds", 42, 0);
        sends.expect("refunds", 42, 1);

        assertThat(sends.claim("refunds", 42, 2)).isTrue();
        assertThat(sends.claim("refunds", 42, 3)).isTrue();
        assertThat(sends.claim("refunds", 42, 4)).as("a third record with the same timestamp is new").isFalse();
        assertThat(sends.size()).isZero();
    }

    @Test
    void matchesTopicAndTimestamp() {
        sends.expect("refunds", 42, 0);

        assertThat(sends.claim("orders", 42, 1)).isFalse();
        assertThat(sends.claim("refunds", 43, 1)).isFalse();
        assertThat(sends.claim("refunds", 42, 1)).isTrue();
    }

    @Test
    void forgetsSendsNeverAcknowledged() {
        sends.expect("refunds", 42, 0);

        assertThat(sends.claim("refunds", 42, 1_000)).isFalse();
        assertThat(sends.size()).isZero();
    }

    @Test
    void expiryOfAClaimedSendLeavesALaterOnePending() {
        sends.expect("refunds", 42, 0);
        sends.expect("refunds", 42, 500);
        assertThat(sends.claim("refunds", 42, 600)).isTrue();

        assertThat(sends.claim("refunds", 42, 1_200)).as("the send at 500 has not expired").isTrue();
    }

    @Test
    void dropsTheOldestBeyondCapacity() {
        sends.expect("a", 1, 0);
        sends.expect("b", 1, 0);
        sends.expect("c", 1, 0);
        sends.expect("d", 1, 0);

        assertThat(sends.size()).isEqualTo(3);
        assertThat(sends.claim("a", 1, 1)).isFalse();
        assertThat(sends.claim("d", 1, 1)).isTrue();
    }
}
