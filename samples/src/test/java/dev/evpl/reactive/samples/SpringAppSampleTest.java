package dev.evpl.reactive.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The spring-app command: a WebFlux application on evpl, driven with the JDK's HTTP client. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SpringAppSampleTest {
    @TempDir
    Path uploads;

    @Test
    void servesControllersRoutesEventsAndFilesOnEvplLoops() throws Exception {
        int port = RunningSample.start("LISTENING spring http://127.0.0.1:", "spring-app", "--server.port=0",
                "--server.address=127.0.0.1", "--evpl.loops.count=2", "--sample.upload-dir=" + uploads,
                "--spring.main.banner-mode=off");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String base = "http://127.0.0.1:" + port;

        HttpResponse<String> hello = client.send(HttpRequest.newBuilder(URI.create(base + "/hello")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(hello.statusCode()).isEqualTo(200);
        assertThat(hello.body()).isEqualTo("Hello, World!");

        assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/info")).build(), HttpResponse.BodyHandlers.ofString())
                .body()).contains("\"thread\":\"evpl-loop-");
        assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/greet/ada")).build(), HttpResponse.BodyHandlers.ofString())
                .body()).isEqualTo("{\"greeting\":\"Hello, ada!\"}");

        HttpResponse<String> ticks = client.send(HttpRequest.newBuilder(URI.create(base + "/ticks?count=3&everyMs=10")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ticks.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        assertThat(ticks.body()).contains("data:tick 0", "data:tick 1", "data:tick 2");

        // actuator: health with the evpl component, and the evpl meters
        HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"", "\"evpl\"", "callbackErrors");
        HttpResponse<String> meters = client.send(HttpRequest.newBuilder(URI.create(base + "/actuator/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(meters.statusCode()).isEqualTo(200);
        assertThat(meters.body()).contains("evpl.loop.iterations", "evpl.buffer.pool.in.use");
        HttpResponse<String> tasks = client.send(HttpRequest.newBuilder(URI.create(base + "/actuator/metrics/evpl.loop.tasks")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(tasks.statusCode()).isEqualTo(200);
        assertThat(tasks.body()).contains("\"name\":\"evpl.loop.tasks\"", "\"loop\"");

        byte[] data = new byte[5_000_000];
        new Random(11).nextBytes(data);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        HttpResponse<String> stored = client.send(HttpRequest.newBuilder(URI.create(base + "/files/blob.bin"))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(data)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(stored.statusCode()).isEqualTo(200);
        assertThat(stored.body()).contains("\"bytes\":5000000", "\"sha256\":\"" + sha + "\"");
        assertThat(Files.readAllBytes(uploads.resolve("blob.bin"))).isEqualTo(data);

        HttpResponse<byte[]> fetched = client.send(HttpRequest.newBuilder(URI.create(base + "/files/blob.bin")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(fetched.headers().firstValue("Content-Length")).hasValue("5000000");
        assertThat(fetched.body()).isEqualTo(data);

        assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/files/missing")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);
        assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/files/..%2Fescape"))
                .PUT(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                .isIn(400, 404);
    }
}
