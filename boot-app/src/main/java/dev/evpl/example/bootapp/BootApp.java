package dev.evpl.example.bootapp;

import java.time.Duration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * A Spring Boot WebFlux application with nothing evpl-specific in its code: the starter on the
 * class path serves it and runs its {@code WebClient}. {@code main} returns right after start-up,
 * as every Boot application's does; the server keeps the JVM alive until it is stopped.
 */
@SpringBootApplication
@RestController
public class BootApp {
    private final WebClient client;

    /** The client is built from Boot's {@code WebClient.Builder}, which the starter points at evpl. */
    public BootApp(WebClient.Builder builder) {
        this.client = builder.build();
    }

    /** Starts the application. */
    public static void main(String[] args) {
        SpringApplication.run(BootApp.class, args);
    }

    /** A greeting. */
    @GetMapping("/hello")
    public String hello() {
        return "Hello from evpl";
    }

    /** Answers after {@code ms} milliseconds: an exchange still in progress when a shutdown begins. */
    @GetMapping("/slow")
    public Mono<String> slow(@RequestParam(defaultValue = "1000") long ms) {
        return Mono.delay(Duration.ofMillis(ms)).thenReturn("slow done");
    }

    /** Fetches {@code url} with the application's WebClient and answers what it got. */
    @GetMapping("/fetch")
    public Mono<String> fetch(@RequestParam String url) {
        return client.get().uri(url).retrieve().bodyToMono(String.class).map(body -> "fetched: " + body);
    }
}
