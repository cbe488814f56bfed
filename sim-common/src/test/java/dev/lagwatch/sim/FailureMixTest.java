package dev.lagwatch.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwatch.client.ErrorClassifier;
import dev.lagwatch.client.event.ErrorCategory;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FailureMixTest {

    @Test
    void drawsEachCategoryWithItsProbability() {
        FailureMix mix = FailureMix.parse("TimeoutError=0.1, ValidationError=0.05");
        Random random = new Random(3);
        Map<ErrorCategory, Integer> counts = new EnumMap<>(ErrorCategory.class);
        int successes = 0;
        int draws = 200_000;
        for (int i = 0; i < draws; i++) {
            ErrorCategory category = mix.draw(random);
            if (category == null) {
                successes++;
            } else {
                counts.merge(category, 1, Integer::sum);
            }
        }

        assertThat(counts.get(ErrorCategory.TIMEOUT) / (double) draws).isCloseTo(0.10,
                org.assertj.core.data.Offset.offset(0.005));
        assertThat(counts.get(ErrorCategory.VALIDATION) / (double) draws).isCloseTo(0.05,
                org.assertj.core.data.Offset.offset(0.005));
        assertThat(counts).containsOnlyKeys(ErrorCategory.TIMEOUT, ErrorCategory.VALIDATION);
        assertThat(successes / (double) draws).isCloseTo(0.85, org.assertj.core.data.Offset.offset(0.005));
    }

    @Test
    void emptyMixNeverFails() {
        assertThat(FailureMix.parse(" ").draw(new Random(1))).isNull();
    }

    @ParameterizedTest
    @EnumSource(ErrorCategory.class)
    void simulatedExceptionClassifiesAsItsCategory(ErrorCategory category) {
        assertThat(ErrorClassifier.defaults().classify(FailureMix.exceptionFor(category))).isEqualTo(category);
    }

    @Test
    void rejectsUnknownCategory() {
        assertThatThrownBy(() -> FailureMix.parse("DiskError=0.1"))
                .hasMessageContaining("'DiskError=0.1'")
                .hasMessageContaining("ConnectionError, ValidationError, TimeoutError, RateLimitError");
    }

    @Test
    void rejectsProbabilitiesAboveOne() {
        assertThatThrownBy(() -> FailureMix.parse("TimeoutError=0.7,ConnectionError=0.6"))
                .hasMessageContaining("add up to 1.300");
        assertThatThrownBy(() -> FailureMix.parse("TimeoutError=1.5")).hasMessageContaining("between 0 and 1");
    }
}
