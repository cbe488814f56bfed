package dev.lagwatch.monitor.integration.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks that each marked Java block of a page in docs/ is the text of an example that the build
 * compiles and runs. The line {@code <!-- example: PATH -->} before a fence marks a block, with
 * PATH relative to the repository root. The block shows the source file's region between the lines
 * {@code // example:begin} and {@code // example:end}, or the whole file when it has no such lines.
 */
class DocExamplesTest {

    private static final Pattern MARKER = Pattern.compile("<!-- example: (\\S+) -->");
    private static final String BEGIN = "// example:begin";
    private static final String END = "// example:end";

    /** A marked code block of a page: the source it shows and its text. */
    private record Block(String source, String text) {
    }

    /** Pages that must show compiled examples; any other page with a marked block is checked too. */
    private static final List<String> PAGES_WITH_EXAMPLES = List.of("docs/integration-java.md",
            "docs/integration-spring.md", "docs/integration-streams.md", "docs/testkit.md");

    static List<String> pages() throws IOException {
        Set<String> pages = new TreeSet<>(PAGES_WITH_EXAMPLES);
        try (Stream<Path> files = Files.list(repositoryRoot().resolve("docs"))) {
            for (Path file : files.filter(path -> path.toString().endsWith(".md")).toList()) {
                if (MARKER.matcher(Files.readString(file)).find()) {
                    pages.add("docs/" + file.getFileName());
                }
            }
        }
        return List.copyOf(pages);
    }

    @ParameterizedTest
    @MethodSource("pages")
    void codeBlocksEqualCompiledExamples(String page) throws IOException {
        Path root = repositoryRoot();
        List<Block> blocks = markedBlocks(Files.readAllLines(root.resolve(page)));

        assertThat(blocks).as("marked code blocks in " + page).isNotEmpty();
        for (Block block : blocks) {
            String region = exampleRegion(Files.readAllLines(root.resolve(block.source())));
            assertThat(block.text()).as(page + " shows " + block.source()).isEqualTo(region);
        }
    }

    /** Returns the repository root. Surefire runs the tests in the module's directory. */
    private static Path repositoryRoot() {
        Path module = Path.of("").toAbsolutePath();
        Path root = Files.isDirectory(module.resolve("docs")) ? module : module.getParent();
        assertThat(root.resolve("docs")).as("docs directory").isDirectory();
        return root;
    }

    private static List<Block> markedBlocks(List<String> lines) {
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher marker = MARKER.matcher(lines.get(i).trim());
            if (!marker.matches()) {
                continue;
            }
            assertThat(i + 1).as("fence after " + lines.get(i)).isLessThan(lines.size());
            assertThat(lines.get(i + 1)).as("line after " + lines.get(i)).isEqualTo("```java");
            int close = lines.subList(i + 2, lines.size()).indexOf("```");
            assertThat(close).as("closing fence of the block after " + lines.get(i)).isNotNegative();
            blocks.add(new Block(marker.group(1), String.join("\n", lines.subList(i + 2, i + 2 + close))));
            i += close + 2;
        }
        return blocks;
    }

    private static String exampleRegion(List<String> lines) {
        int begin = lines.indexOf(BEGIN);
        int end = lines.indexOf(END);
        if (begin < 0 && end < 0) {
            return String.join("\n", lines);
        }
        assertThat(begin).as(BEGIN + " line").isNotNegative();
        assertThat(lines.lastIndexOf(BEGIN)).as("one " + BEGIN + " line").isEqualTo(begin);
        assertThat(end).as(END + " line after " + BEGIN).isGreaterThan(begin);
        assertThat(lines.lastIndexOf(END)).as("one " + END + " line").isEqualTo(end);
        return String.join("\n", lines.subList(begin + 1, end));
    }
}
