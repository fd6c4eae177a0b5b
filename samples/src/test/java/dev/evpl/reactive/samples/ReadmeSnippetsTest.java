package dev.evpl.reactive.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The README's code is real code. Every {@code java} block in README.md is, character for
 * character, one of the tour files in {@code samples/src/test/java} (compiled by this build, with
 * their imports), and every tour file is in the README; the Spring Boot {@code xml} blocks are the
 * marked regions of {@code boot-app/pom.xml}, which its own build packages and runs. Each tour then
 * runs in a JVM of its own, as a user's {@code main} would (no test framework, no BlockHound
 * agent): it must exit 0, print what it promises, and print nothing to stderr.
 */
class ReadmeSnippetsTest {
    private static final Path ROOT = Path.of("..");
    private static final Path TOURS = Path.of("src/test/java");
    private static final Pattern BLOCK = Pattern.compile("```(java|xml)\\n(.*?)```", Pattern.DOTALL);

    private static List<String> blocks(String language) throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        List<String> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(readme);
        while (m.find()) {
            if (m.group(1).equals(language)) {
                out.add(m.group(2));
            }
        }
        return out;
    }

    private static List<Path> tours() throws IOException {
        try (var files = Files.list(TOURS)) {
            return files.filter(p -> p.getFileName().toString().endsWith("Tour.java")).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void everyJavaBlockOfTheReadmeIsACompiledTourFileAndEveryTourIsInTheReadme() throws IOException {
        List<String> blocks = blocks("java");
        List<Path> tours = tours();
        assertThat(tours).hasSizeGreaterThanOrEqualTo(5);
        List<String> files = new ArrayList<>();
        for (Path t : tours) {
            files.add(Files.readString(t));
        }
        for (String block : blocks) {
            assertThat(files).as("a README java block that is no tour file (edit the file, then paste it):\n%s", block)
                    .contains(block);
        }
        for (int i = 0; i < tours.size(); i++) {
            assertThat(blocks).as("%s is not in the README", tours.get(i)).contains(files.get(i));
        }
    }

    @Test
    void theSpringBootBlocksAreTheBootAppPom() throws IOException {
        String pom = Files.readString(ROOT.resolve("boot-app/pom.xml"));
        List<String> blocks = blocks("xml");
        for (String region : List.of("boot-bom", "boot-dependencies", "boot-plugins")) {
            int from = pom.indexOf("<!-- evpl:" + region + " -->");
            int to = pom.indexOf("<!-- /evpl:" + region + " -->");
            assertThat(from).as(region).isPositive();
            String body = pom.substring(pom.indexOf('\n', from) + 1, pom.lastIndexOf('\n', to) + 1);
            assertThat(blocks).as("README block for boot-app/pom.xml region %s", region).contains(dedent(body));
        }
    }

    private static String dedent(String text) {
        List<String> lines = text.lines().collect(Collectors.toList());
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).collect(Collectors.joining("\n", "", "\n"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "LoopTour   | element 1 on evpl-loop-0;element 3 on evpl-loop-0;handled job-1 on evpl-loop-0;tick on evpl-loop-0",
            "EchoTour   | echoed [hello, framed one, framed two] over STREAM_",
            "HttpTour   | Hello, World! / user 42",
            "BlockTour  | read back 'hello, disk' with ",
            "ConfigTour | TCP: STREAM_;2 loops, spin 2 ms, buffers of 1048576 bytes" })
    void eachTourRunsInAJvmOfItsOwn(String tour, String expected) throws Exception {
        ChildJvm.runAndCheck(tour, List.of("--enable-native-access=ALL-UNNAMED", "-cp", ChildJvm.testClassPath(), tour),
                expected.split(";"));
    }
}
