package dev.lagwatch.monitor.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwatch.client.event.LifecycleEvent;
import org.junit.jupiter.api.Test;

class ConsumerRegistryTest {

    private static final long TIMEOUT = 15_000;
    private static final long T0 = 1_767_225_600_000L;

    private final ConsumerRegistry registry = new ConsumerRegistry();

    @Test
    void consumerJoinsWithItsFirstEvent() {
        registry.observe(LifecycleEvent.heartbeat("q", "billing", "c-1", T0, 4));

        assertThat(registry.activeConsumers("billing", T0, TIMEOUT)).isEqualTo(1);
        assertThat(registry.liveness(T0, TIMEOUT)).isEqualTo(new ConsumerRegistry.Liveness(1, 4));
    }

    @Test
    void anyEventKeepsAConsumerAlive() {
        registry.observe(LifecycleEvent.heartbeat("q", "billing", "c-1", T0, 2));
        registry.observe(LifecycleEvent.started("q", "billing", "c-1", null, 1, T0 + 14_000, LifecycleEvent.NOT_SET));

        assertThat(registry.activeConsumers("billing", T0 + 29_000, TIMEOUT)).isEqualTo(1);
        assertThat(registry.liveness(T0 + 29_000, TIMEOUT).capacity()).as("capacity from the last heartbeat")
                .isEqualTo(2);
    }

    @Test
    void consumerThatDiesDropsOutAfterTheTimeout() {
        registry.observe(LifecycleEvent.heartbeat("q", "billing", "c-1", T0, 1));

        assertThat(registry.activeConsumers("billing", T0 + TIMEOUT, TIMEOUT)).isEqualTo(1);
        assertThat(registry.activeConsumers("billing", T0 + TIMEOUT + 1, TIMEOUT)).isZero();
    }

    @Test
    void consumerThatClosesDropsOutAtOnce() {
        registry.observe(LifecycleEvent.heartbeat("q", "billing", "c-1", T0, 1));
        registry.observe(LifecycleEvent.closing("q", "billing", "c-1", T0 + 1_000));

        assertThat(registry.activeConsumers("billing", T0 + 1_000, TIMEOUT)).isZero();
        assertThat(registry.liveness(T0 + 1_000, TIMEOUT)).isEqualTo(new ConsumerRegistry.Liveness(0, 0));
    }

    @Test
    void closedConsumerComesBackWithANewerEvent() {
        registry.observe(LifecycleEvent.closing("q", "billing", "c-1", T0));
        registry.observe(LifecycleEvent.heartbeat("q", "billing", "c-1", T0 + 5_000, 1));

        assertThat(registry.activeConsumers("billing", T0 + 5_000, TIMEOUT)).isEqualTo(1);
    }

    @Test
    void olderEventDoesNotReviveOrRewind() {
        registry.observe(LifecycleEvent.closing("q", "billing", "c-1", T0 + 5_000));
        registry.observe(LifecycleEvent.heartbeat("q", "billing", "c-1", T0, 3));

        assertThat(registry.activeConsumers("billing", T0 + 5_000, TIMEOUT)).isZero();
    }

    @Test
    void groupsAreCountedApart() {
        registry.observe(LifecycleEvent.heartbeat("q", "billing", "c-1", T0, 1));
        registry.observe(LifecycleEvent.heartbeat("q", "billing", "c-2", T0, 1));
        registry.observe(LifecycleEvent.heartbeat("q", "audit", "c-1", T0, 1));

        assertThat(registry.activeConsumers("billing", T0, TIMEOUT)).isEqualTo(2);
        assertThat(registry.activeConsumers("audit", T0, TIMEOUT)).isEqualTo(1);
        assertThat(registry.activeConsumers("unknown", T0, TIMEOUT)).isZero();
        assertThat(registry.liveness(T0, TIMEOUT).consumers()).isEqualTo(3);
    }

    @Test
    void silentConsumersAreForgotten() {
        registry.observe(LifecycleEvent.heartbeat("q", "billing", "c-1", T0, 1));
        registry.observe(LifecycleEvent.heartbeat("q", "audit", "c-1", T0 + 200_000, 1));

        registry.forgetSilent(T0 + 200_000, 150_000);

        assertThat(registry.groups()).containsExactly("audit");
    }

    @Test
    void producerEventsAreNotConsumers() {
        registry.observe(LifecycleEvent.enqueued("q", "m-1", T0));

        assertThat(registry.liveness(T0, TIMEOUT).consumers()).isZero();
    }
}
