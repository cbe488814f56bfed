package dev.lagwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The complete example of docs/testkit.md is the test file that the build runs. */
class DocsExampleTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern EXAMPLE = Pattern.compile("<!-- example: (\\S+) -->\\n```java\\n(.*?)```",
            Pattern.DOTALL);

    @Test
    void docsExampleEqualsTheTest() throws IOException {
        String doc = Files.readString(ROOT.resolve("docs/testkit.md"));
        Matcher example = EXAMPLE.matcher(doc);

        assertThat(example.find()).as("docs/testkit.md has an example block").isTrue();
        assertThat(example.group(2)).isEqualTo(Files.readString(ROOT.resolve(example.group(1))));
    }
}
