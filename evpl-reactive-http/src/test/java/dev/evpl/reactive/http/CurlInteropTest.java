package dev.evpl.reactive.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code curl} against our server, when the machine has curl (skipped with that reason otherwise:
 * it is an external program, not a Maven dependency).
 */
class CurlInteropTest {
    private static DisposableHttpServer server;

    @BeforeAll
    static void start() {
        ExternalTools.requireCurl();
        server = HttpServer.create().route(TestRoutes::configure).bindNow();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(2));
        }
    }

    private static String curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/curl", "-sS", "--max-time", "20"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(out, StandardCharsets.UTF_8)).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void getTwiceOnOneConnectionAndHead() throws Exception {
        String url = "http://127.0.0.1:" + server.port() + "/hello";
        assertThat(curl(url, url)).isEqualTo("Hello, World!Hello, World!");
        assertThat(curl("-I", url)).startsWith("HTTP/1.1 200 OK").contains("Content-Length: 13");
    }

    @Test
    void uploadsWithContentLengthChunkedAndExpectContinue(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("data.bin");
        byte[] data = new byte[3 << 20];
        new java.util.Random(7).nextBytes(data);
        Files.write(file, data);
        String url = "http://127.0.0.1:" + server.port() + "/inspect";
        String sha = java.util.HexFormat.of().formatHex(TestRoutes.sha256().digest(data));
        // curl sends Expect: 100-continue for large uploads: the server answers 100 because /inspect reads.
        assertThat(curl("--data-binary", "@" + file, url)).contains("\"bodyLength\":" + data.length, sha, "100-continue");
        assertThat(curl("-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file, url))
                .contains("\"bodyLength\":" + data.length, sha, "[\"Transfer-Encoding\",\"chunked\"]");
    }
}
