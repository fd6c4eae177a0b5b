import dev.evpl.reactive.http.DisposableHttpServer;
import dev.evpl.reactive.http.HttpClient;
import dev.evpl.reactive.http.HttpClientResponse;
import dev.evpl.reactive.http.HttpServer;
import java.time.Duration;

public class HttpTour {
    public static void main(String[] args) {
        DisposableHttpServer server = HttpServer.create().port(0).threads(2)
                .route(r -> r.get("/hello", (req, res) -> res.sendString("Hello, World!"))
                        .post("/echo", (req, res) -> res.send(req.receive()))   // streamed back, zero-copy
                        .get("/users/{id}", (req, res) -> res.sendString("user " + req.param("id"))))
                .bindNow();

        HttpClient client = HttpClient.create().maxConnections(16);   // pooled keep-alive connections
        String base = "http://127.0.0.1:" + server.port();
        String hello = client.get(base + "/hello").flatMap(HttpClientResponse::bodyAsString).block(Duration.ofSeconds(5));
        String user = client.get(base + "/users/42").flatMap(HttpClientResponse::bodyAsString).block(Duration.ofSeconds(5));
        System.out.println(hello + " / " + user);

        client.dispose();
        server.disposeNow(Duration.ofSeconds(5));   // graceful: stop accepting, finish exchanges in progress
    }
}
