package dev.evpl.reactive.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The http-server command's contract, checked with the JDK's HTTP client. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpSamplesTest {

    private static int startHttpServer() throws Exception {
        return RunningSample.start("LISTENING http /127.0.0.1:", "http-server", "--port", "0", "--host", "127.0.0.1");
    }

    @Test
    void httpsWithAThrowAwayCertificateServesTheSameRoutes() throws Exception {
        int port = RunningSample.start("LISTENING https /127.0.0.1:", "http-server", "--port", "0", "--host", "127.0.0.1", "--https");
        javax.net.ssl.SSLContext trustAll = TrustAll.context(); // the sample made its certificate at start
        HttpClient client = HttpClient.newBuilder().sslContext(trustAll).version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> hello = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/hello")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(hello.statusCode()).isEqualTo(200);
        assertThat(hello.body()).isEqualTo("Hello, World!");
        byte[] data = new byte[300_000];
        new java.util.Random(4).nextBytes(data);
        HttpResponse<byte[]> echo = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(data)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(echo.body()).isEqualTo(data);
    }

    @Test
    void helloEchoAndInspect() throws Exception {
        int port = startHttpServer();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String base = "http://127.0.0.1:" + port;
        HttpResponse<String> hello = client.send(HttpRequest.newBuilder(URI.create(base + "/hello")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(hello.statusCode()).isEqualTo(200);
        assertThat(hello.body()).isEqualTo("Hello, World!");
        assertThat(hello.headers().firstValue("Content-Type")).hasValue("text/plain");

        byte[] data = new byte[200_000];
        new java.util.Random(3).nextBytes(data);
        HttpResponse<byte[]> echo = client.send(HttpRequest.newBuilder(URI.create(base + "/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(data)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(echo.statusCode()).isEqualTo(200);
        assertThat(echo.body()).isEqualTo(data);

        HttpResponse<String> inspect = client.send(HttpRequest.newBuilder(URI.create(base + "/inspect?a=%22b"))
                .header("X-Quote", "say \"hi\"").method("PATCH", HttpRequest.BodyPublishers.ofString("abc")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(inspect.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(inspect.body()).startsWith("{\"method\":\"PATCH\",\"target\":\"/inspect?a=%22b\",\"version\":\"HTTP/1.1\"")
                .contains("[\"X-Quote\",\"say \\\"hi\\\"\"]", "\"bodyLength\":3",
                        "\"bodySha256\":\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"", "\"trailers\":[]}");
    }

    @Test
    void httpFetchPrintsStatusHeadersAndBodyDigestOrFailed() throws Exception {
        int port = startHttpServer();
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        java.nio.file.Path data = java.nio.file.Files.createTempFile("fetch", ".bin");
        java.nio.file.Files.writeString(data, "abc");
        int code = Main.run(new String[] {"http-fetch", "--url", "http://127.0.0.1:" + port + "/inspect", "--method", "POST",
            "--data-file", data.toString(), "--header", "X-One: 1", "--header", "X-Two: 2", "--repeat", "3"}, out);
        String text = buf.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isZero();
        assertThat(text).startsWith("STATUS 200\n").contains("HEADER Content-Type: application/json\n")
                .containsPattern("BODY \\d+ [0-9a-f]{64}\n");
        buf.reset();
        code = Main.run(new String[] {"http-fetch", "--url", "http://127.0.0.1:" + port + "/hello"}, out);
        assertThat(buf.toString(StandardCharsets.UTF_8))
                .endsWith("BODY 13 dffd6021bb2bd5b0af676290809ec3a53191dd81c7f70a4b28688a362182986f\n");
        buf.reset();
        code = Main.run(new String[] {"http-fetch", "--url", "http://127.0.0.1:1/"}, out);
        assertThat(code).isEqualTo(1);
        assertThat(buf.toString(StandardCharsets.UTF_8)).startsWith("FAILED cannot connect to 127.0.0.1:1").contains("ECONNREFUSED");
        java.nio.file.Files.delete(data);
    }

    @Test
    void httpFetchOverHttpsWithCacertOrInsecure() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("fetch-tls");
        dev.evpl.reactive.core.tls.SelfSignedCertificate cert = dev.evpl.reactive.core.tls.SelfSignedCertificate.create(
                dir, "fetch", "localhost", 2);
        int port = RunningSample.start("LISTENING https /127.0.0.1:", "http-server", "--port", "0", "--host", "127.0.0.1",
                "--cert", cert.cert().toString(), "--key", cert.key().toString());
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        String hello = "BODY 13 dffd6021bb2bd5b0af676290809ec3a53191dd81c7f70a4b28688a362182986f\n";
        int code = Main.run(new String[] {"http-fetch", "--url", "https://localhost:" + port + "/hello", "--cacert",
            cert.cert().toString(), "--repeat", "3"}, out);
        assertThat(code).as(buf.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(buf.toString(StandardCharsets.UTF_8)).startsWith("STATUS 200\n").endsWith(hello);
        buf.reset();
        code = Main.run(new String[] {"http-fetch", "--url", "https://127.0.0.1:" + port + "/hello", "--insecure"}, out);
        assertThat(code).isZero();
        assertThat(buf.toString(StandardCharsets.UTF_8)).endsWith(hello);
        buf.reset();
        code = Main.run(new String[] {"http-fetch", "--url", "https://localhost:" + port + "/hello"}, out);
        assertThat(code).as("the system trust store does not know a self-signed certificate").isEqualTo(1);
        assertThat(buf.toString(StandardCharsets.UTF_8)).startsWith("FAILED cannot connect to localhost:" + port)
                .contains("PKIX path building failed");
    }

    @Test
    void fileServeStreamsFilesFromBlockReadsIntoTheSocket() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("file-serve");
        byte[] big = new byte[5_000_000];
        new java.util.Random(4).nextBytes(big);
        java.nio.file.Files.write(dir.resolve("big.bin"), big);
        java.nio.file.Files.write(dir.resolve("empty.txt"), new byte[0]);
        int port = RunningSample.start("LISTENING http /127.0.0.1:", "file-serve", "--port", "0", "--dir", dir.toString());
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String base = "http://127.0.0.1:" + port + "/";
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(base + "big.bin")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Length")).hasValue("5000000");
        assertThat(r.body()).isEqualTo(big);
        assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "empty.txt")).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body()).isEmpty();
        assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "missing")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        assertThat(client.send(HttpRequest.newBuilder(URI.create(base + ".hidden")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);
    }
}
