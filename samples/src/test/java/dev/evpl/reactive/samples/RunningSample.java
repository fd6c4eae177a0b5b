package dev.evpl.reactive.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Starts a long-running sample command in-process and waits for its {@code LISTENING …} line. */
final class RunningSample {
    private RunningSample() {
    }

    /** Runs {@code args} on a daemon thread; returns the port of the first output line, which must start with {@code prefix}. */
    static int start(String prefix, String... args) throws Exception {
        PipedInputStream pipe = new PipedInputStream(1 << 16);
        PrintStream out = new PrintStream(new PipedOutputStream(pipe), true, StandardCharsets.UTF_8);
        Thread server = new Thread(() -> {
            try {
                Main.run(args, out);
            } catch (Exception e) {
                out.println("FAILED " + e);
            }
        }, args[0] + "-under-test");
        server.setDaemon(true);
        server.start();
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = pipe.read()) != '\n' && c >= 0) {
            line.append((char) c);
        }
        assertThat(line.toString()).startsWith(prefix);
        return Integer.parseInt(line.substring(line.lastIndexOf(":") + 1));
    }
}
