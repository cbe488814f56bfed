package dev.lagwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

class RegistrationTest {

    /** A test class that registers the extension in an instance field, which JUnit starts per test. */
    static class InstanceField {
        @RegisterExtension
        final LagwatchExtension lagwatch = LagwatchExtension.embeddedBroker();

        @Test
        void usesTheMonitor() {
            lagwatch.queue("orders").enqueued();
        }
    }

    @Test
    void instanceFieldFailsWithTheFix() {
        Events tests = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(InstanceField.class))
                .execute()
                .testEvents();

        assertThat(tests.failed().count()).isEqualTo(1);
        assertThat(tests.failed().stream().findFirst().orElseThrow()
                .getPayload(TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow().getMessage())
                .contains("register it in a static field with @RegisterExtension");
    }
}
