package dev.lagwatch.sim;

import dev.lagwatch.client.internal.Durations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationDistributionTest {

    private static long[] sample(DurationDistribution distribution, int count) {
        Random random = new Random(7);
        long[] values = new long[count];
        for (int i = 0; i < count; i++) {
            values[i] = distribution.sampleMillis(random);
        }
        Arrays.sort(values);
        return values;
    }

    @Test
    void fixedAlwaysReturnsItsValue() {
        assertThat(sample(DurationDistribution.parse("fixed:50ms"), 100)).containsOnly(50L);
    }

    @Test
    void uniformStaysWithinBounds() {
        long[] values = sample(DurationDistribution.parse("uniform:10ms:20ms"), 10_000);

        assertThat(values[0]).isEqualTo(10);
        assertThat(values[values.length - 1]).isEqualTo(20);
    }

    @Test
    void exponentialHasItsMean() {
        long[] values = sample(DurationDistribution.parse("exponential:40ms"), 100_000);

        assertThat(Arrays.stream(values).average().orElseThrow()).isCloseTo(40, org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void lognormalHasItsMedian() {
        long[] values = sample(DurationDistribution.parse("lognormal:150ms:0.3"), 100_001);

        assertThat(values[50_000]).isBetween(148L, 152L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "fixed", "fixed:50", "normal:50ms", "uniform:50ms:10ms", "lognormal:50ms:-1",
            "exponential:5parsecs"})
    void invalidSpecificationNamesTheAcceptedForms(String spec) {
        assertThatThrownBy(() -> DurationDistribution.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + spec + "'")
                .hasMessageContaining("expected fixed:50ms, uniform:10ms:90ms, exponential:40ms or lognormal:50ms:0.5");
    }

    @Test
    void durationsParseEveryUnit() {
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    }
}
