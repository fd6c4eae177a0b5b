package dev.evpl.reactive.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded property tests (a failing seed reproduces exactly; jqwik is deliberately not used, see
 * the core module's framing tests): random chunkings of a pipelined stream of valid requests give
 * the same responses as one write; random mutations of valid requests never crash the server, hang
 * a connection past the read timeout, or leak a segment (the leak detector checks every test).
 */
class HttpPropertyTest {
    private static DisposableHttpServer server;

    private static final String[] REQUESTS = {
        "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world",
        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4;a=b\r\nwiki\r\n5\r\npedia\r\n0\r\nT: 1\r\n\r\n",
        "GET /users/9?q=1 HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n",
        "GET /stream/2 HTTP/1.1\r\nHost: x\r\n\r\n",
        "HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n",
    };
    private static final String[] EXPECTED = {"Hello, World!", "hello world", "wikipedia", "user 9", "chunk0;chunk1;", ""};

    @BeforeAll
    static void start() {
        server = HttpServer.create().readTimeout(Duration.ofMillis(500)).route(TestRoutes::configure).bindNow();
    }

    @AfterAll
    static void stop() {
        server.disposeNow(Duration.ofSeconds(2));
    }

    static IntStream seeds() {
        return IntStream.range(0, 40);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void anyChunkingOfAPipelinedStreamGivesTheSameResponses(int seed) throws Exception {
        Random random = new Random(seed);
        int[] order = random.ints(8, 0, REQUESTS.length).toArray();
        StringBuilder stream = new StringBuilder();
        for (int i : order) {
            stream.append(REQUESTS[i]);
        }
        byte[] bytes = stream.toString().getBytes(StandardCharsets.ISO_8859_1);
        try (RawHttp c = new RawHttp(server.port())) {
            int at = 0;
            while (at < bytes.length) {
                int n = Math.min(bytes.length - at, 1 + random.nextInt(random.nextBoolean() ? 4 : 64));
                c.write(java.util.Arrays.copyOfRange(bytes, at, at + n));
                at += n;
                if (random.nextInt(8) == 0) {
                    Thread.sleep(1); // let some pieces arrive as their own reads
                }
            }
            for (int i : order) {
                RawHttp.Response r = c.read(REQUESTS[i].startsWith("HEAD"));
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyText()).as("seed %d request %s", seed, REQUESTS[i]).isEqualTo(EXPECTED[i]);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomMutationsNeverCrashHangOrLeak(int seed) throws Exception {
        Random random = new Random(1000 + seed);
        for (int round = 0; round < 10; round++) {
            byte[] bytes = mutate(REQUESTS[random.nextInt(REQUESTS.length)].getBytes(StandardCharsets.ISO_8859_1), random);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
                s.setSoTimeout(5000);
                OutputStream out = s.getOutputStream();
                out.write(bytes);
                out.flush();
                s.shutdownOutput(); // no more bytes: the server must answer or close, never wait forever
                String answer = readAll(s.getInputStream());
                if (!answer.isEmpty()) {
                    assertThat(answer).as("seed %d round %d: %s", seed, round, printable(bytes)).startsWith("HTTP/1.");
                }
            }
        }
        // The server is still serving.
        try (RawHttp c = new RawHttp(server.port())) {
            assertThat(c.write(REQUESTS[0]).read(false).bodyText()).isEqualTo("Hello, World!");
        }
    }

    private static byte[] mutate(byte[] in, Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int mutations = 1 + random.nextInt(4);
        int[] at = random.ints(mutations, 0, in.length).sorted().toArray();
        int m = 0;
        for (int i = 0; i < in.length; i++) {
            if (m < at.length && at[m] == i) {
                m++;
                switch (random.nextInt(4)) {
                    case 0 -> out.write(random.nextInt(256));          // replace
                    case 1 -> { }                                       // delete
                    case 2 -> { out.write(random.nextInt(256)); out.write(in[i]); } // insert
                    default -> { out.write(in[i]); out.write(in[i]); }  // duplicate
                }
            } else {
                out.write(in[i]);
            }
        }
        return out.toByteArray();
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                b.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server neither answered nor closed within 5 s: " + b.toString(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            // reset after an error response: what was read is enough
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    private static String printable(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xFF;
            sb.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return sb.toString();
    }
}
