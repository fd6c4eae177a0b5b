package dev.evpl.example.bootapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged application, run as a user runs it: {@code java -jar target/boot-app.jar} on the JDK
 * running the build. Its {@code main} returns right after {@code SpringApplication.run}; the
 * process must stay up and serve until SIGTERM, then shut down gracefully and exit.
 */
class BootAppIT {
    private static final Pattern STARTED = Pattern.compile("evpl HTTP server started on .*:(\\d+) \\(");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private Thread reader;

    @AfterEach
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Path jar() {
        return Path.of(System.getProperty("bootapp.jar", "target/boot-app.jar"));
    }

    /** Starts the jar on port 0 and returns the port it logged, once it logged {@code Started}. */
    private int start() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        process = new ProcessBuilder(java.toString(), "-jar", jar().toString(), "--server.port=0")
                .redirectErrorStream(true).start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        CompletableFuture<Void> started = new CompletableFuture<>();
        reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.add(line);
                    Matcher m = STARTED.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                    if (line.contains("Started BootApp")) {
                        started.complete(null);
                    }
                }
            } catch (Exception e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException("exited before listening:\n" + log()));
            started.completeExceptionally(new IllegalStateException("exited before started:\n" + log()));
        }, "boot-app-output");
        reader.setDaemon(true);
        reader.start();
        int p = port.get(60, TimeUnit.SECONDS);
        started.get(60, TimeUnit.SECONDS);
        return p;
    }

    private String log() {
        return String.join("\n", output);
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void staysUpAfterMainReturnsAndServesWebFluxWebClientAndActuator() throws Exception {
        int port = start();
        // main returned right after "Started"; before the fix the JVM exited here with status 0.
        Thread.sleep(1500);
        assertThat(process.isAlive()).as("process alive after main returned; output:\n%s", log()).isTrue();
        assertThat(log()).doesNotContain("commencing graceful shutdown");

        HttpResponse<String> hello = get(port, "/hello");
        assertThat(hello.statusCode()).isEqualTo(200);
        assertThat(hello.body()).isEqualTo("Hello from evpl");

        HttpResponse<String> fetched = get(port, "/fetch?url=http://127.0.0.1:" + port + "/hello");
        assertThat(fetched.body()).isEqualTo("fetched: Hello from evpl");

        HttpResponse<String> health = get(port, "/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"evpl\"");

        HttpResponse<String> meters = get(port, "/actuator/metrics");
        assertThat(meters.body()).contains("evpl.");

        // JNR loads native code; the manifest's Enable-Native-Access keeps JDK 22+ quiet about it.
        assertThat(log()).doesNotContainIgnoringCase("restricted method");
    }

    @Test
    void sigtermFinishesTheExchangeInProgressThenExits() throws Exception {
        int port = start();
        CompletableFuture<HttpResponse<String>> slow = http.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow?ms=1500")).build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(400);
        // SIGTERM through the handle: Process.destroy() would also close our end of its output.
        assertThat(process.toHandle().destroy()).isTrue();
        HttpResponse<String> response = slow.get(20, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("slow done");
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited; output:\n%s", log()).isTrue();
        reader.join(10_000); // the last lines may still be in the pipe
        assertThat(process.exitValue()).isEqualTo(143); // 128 + SIGTERM: the JVM's exit on the signal
        assertThat(log()).contains("commencing graceful shutdown").contains("graceful shutdown complete");
    }

    @Test
    void thePackagedApplicationHasNoNetty() throws Exception {
        try (JarFile jar = new JarFile(jar().toFile())) {
            List<String> libs = jar.stream().map(e -> e.getName()).filter(n -> n.startsWith("BOOT-INF/lib/"))
                    .map(n -> n.substring("BOOT-INF/lib/".length())).collect(Collectors.toList());
            assertThat(libs).anyMatch(n -> n.startsWith("evpl-spring-boot-starter-"));
            assertThat(libs).noneMatch(n -> n.startsWith("netty-") || n.startsWith("reactor-netty"));
            assertThat(jar.getManifest().getMainAttributes().getValue("Enable-Native-Access")).isEqualTo("ALL-UNNAMED");
        }
        assertThat(Files.size(jar())).isLessThan(40L << 20);
    }
}
