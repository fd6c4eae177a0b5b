package dev.evpl.reactive.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a JVM of its own (this JVM's {@code java}), as a user would, and checks that
 * it exits 0 within 60 s, printed every expected piece and nothing on stderr.
 */
final class ChildJvm {
    private ChildJvm() {
    }

    /** Runs {@code java <jvmArgs…>} and asserts as above; returns its stdout. */
    static String runAndCheck(String what, List<String> jvmArgs, String... expected) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        Path out = Files.createTempFile("child-out", ".txt");
        Path err = Files.createTempFile("child-err", ".txt");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            boolean exited = p.waitFor(60, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly();
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            assertThat(exited).as("%s exited; stdout:\n%s\nstderr:\n%s", what, stdout, stderr).isTrue();
            assertThat(p.exitValue()).as("exit status of %s; stdout:\n%s\nstderr:\n%s\ncommand: %s",
                    what, stdout, stderr, command).isZero();
            for (String piece : expected) {
                assertThat(stdout).as("stdout of %s; stderr:\n%s", what, stderr).contains(piece);
            }
            assertThat(stderr).as("stderr of %s", what).isEmpty();
            return stdout;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The test class path surefire runs with. */
    static String testClassPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }
}
