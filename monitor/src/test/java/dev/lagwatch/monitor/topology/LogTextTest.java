package dev.lagwatch.monitor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTest {

    @Test
    void quoteEscapesAndShortens() {
        assertThat(LogText.quote("a\"b\\c\nd")).isEqualTo("\"a\\\"b\\\\c\\u000ad\"");
        assertThat(LogText.quote("q".repeat(70))).isEqualTo("\"" + "q".repeat(64) + "\"...");
    }

    @Test
    void escapeKeepsQuotesAndText() {
        assertThat(LogText.escape("say \"hi\"\t\u001b[2J é")).isEqualTo("say \"hi\"\\u0009\\u001b[2J é");
    }
}
