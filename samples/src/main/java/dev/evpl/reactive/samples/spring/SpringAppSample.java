package dev.evpl.reactive.samples.spring;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

/**
 * {@code spring-app}: a Spring Boot WebFlux application on evpl. Nothing evpl-specific in its
 * configuration: the starter on the classpath puts the server and WebClient on evpl loops.
 * Arguments are Spring's ({@code --server.port=8080}, {@code --evpl.loops.count=2},
 * {@code --sample.upload-dir=/tmp/x}). Prints {@code LISTENING spring http://host:port} once serving.
 * Actuator answers {@code /actuator/health} (with the evpl loops' details) and {@code /actuator/metrics}.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class SpringAppSample {
    /** Runs until the context closes (Ctrl-C). */
    public static int run(String[] args, PrintStream out) throws InterruptedException {
        SpringApplication app = new SpringApplication(SpringAppSample.class);
        // Actuator as an operator would open it: health with its details (the evpl loops), metrics.
        app.setDefaultProperties(java.util.Map.of(
                "management.endpoints.web.exposure.include", "health,metrics",
                "management.endpoint.health.show-details", "always"));
        CountDownLatch closed = new CountDownLatch(1);
        app.addListeners(e -> {
            if (e instanceof ContextClosedEvent) {
                closed.countDown();
            }
        });
        ConfigurableApplicationContext ctx = app.run(args);
        int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
        out.println("LISTENING spring http://127.0.0.1:" + port);
        closed.await();
        return 0;
    }
}
