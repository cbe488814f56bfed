package dev.lagwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every example a page of docs/ marks as a source file is that file, which the build compiles and runs. */
class DocsExampleTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern EXAMPLE = Pattern.compile("<!-- example: (\\S+) -->\\n```java\\n(.*?)```",
            Pattern.DOTALL);

    @Test
    void docsExamplesEqualTheirSources() throws IOException {
        List<String> checked = new ArrayList<>();
        try (Stream<Path> pages = Files.list(ROOT.resolve("docs"))) {
            for (Path page : pages.filter(path -> path.toString().endsWith(".md")).sorted().toList()) {
                Matcher example = EXAMPLE.matcher(Files.readString(page));
                while (example.find()) {
                    assertThat(example.group(2)).as(page.getFileName() + " shows " + example.group(1))
                            .isEqualTo(Files.readString(ROOT.resolve(example.group(1))));
                    checked.add(example.group(1));
                }
            }
        }

        assertThat(checked).contains("testkit/src/test/java/dev/lagwatch/testkit/example/RefundServiceIT.java",
                "testkit/src/test/java/dev/lagwatch/testkit/example/RefundService.java");
    }
}
