package dev.evpl.reactive.samples;

import dev.evpl.reactive.core.bind.Protocol;
import dev.evpl.reactive.core.tls.TlsConfig;
import dev.evpl.reactive.http.HttpClient;
import dev.evpl.reactive.http.HttpClientResponse;
import dev.evpl.reactive.http.HttpHeaders;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * {@code http-fetch --url URL [--method M] [--data-file F] [--header "N: V"]… [--repeat N] [--protocol NAME]
 * [--cacert C.pem | --insecure]}: sends the request (N times on one pooled connection when it can be reused) and prints, for the
 * last response, {@code STATUS <code>}, one {@code HEADER <name>: <value>} line per header, then
 * {@code BODY <length> <sha256>}; or a single {@code FAILED <reason>} line and exit code 1. An
 * {@code https://} URL is verified against the system trust store, or the CA certificates of
 * {@code --cacert}; {@code --insecure} trusts any certificate (throw-away test certificates only).
 */
final class HttpFetch {
    private HttpFetch() {
    }

    static int run(String[] argv, PrintStream out) throws Exception {
        Args args = new Args(argv);
        String url = args.get("url", null);
        if (url == null) {
            throw new IllegalArgumentException("--url is required");
        }
        String method = args.get("method", "GET");
        int repeat = args.getInt("repeat", 1);
        if (repeat < 1) {
            throw new IllegalArgumentException("--repeat must be >= 1, got " + repeat);
        }
        byte[] data = null;
        if (args.has("data-file")) {
            try {
                data = Files.readAllBytes(Path.of(args.get("data-file", "")));
            } catch (IOException e) {
                throw new IllegalArgumentException("--data-file: cannot read " + args.get("data-file", "") + ": " + e.getMessage());
            }
        }
        List<String> headerArgs = args.getAll("header");
        for (String h : headerArgs) {
            if (h.indexOf(':') <= 0) {
                throw new IllegalArgumentException("--header must look like \"Name: value\", got '" + h + "'");
            }
        }
        if (args.has("cacert") && args.has("insecure")) {
            throw new IllegalArgumentException("--cacert and --insecure exclude each other");
        }
        TlsConfig.Builder tls = TlsConfig.client().alpn("http/1.1");
        if (args.has("cacert")) {
            tls.trustPem(Path.of(args.get("cacert", "")));
        } else if (args.has("insecure")) {
            tls.insecureTrustAll();
        }
        HttpClient client = HttpClient.create().maxConnections(1)
                .protocol(Protocol.lookup(args.get("protocol", "STREAM_SOCKET_TCP")))
                .secure(ServerCertificate.engine(tls, args).build())
                .responseTimeout(Duration.ofSeconds(30));
        try {
            Result last = null;
            for (int i = 0; i < repeat; i++) {
                byte[] body = data;
                last = client.request(method, url, h -> addHeaders(h, headerArgs), body)
                        .flatMap(HttpFetch::consume)
                        .block(Duration.ofSeconds(120));
            }
            out.println("STATUS " + last.response.status());
            HttpHeaders h = last.response.headers();
            for (int i = 0; i < h.size(); i++) {
                out.println("HEADER " + h.name(i) + ": " + h.value(i));
            }
            out.println("BODY " + last.length + " " + last.sha256);
            return 0;
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null && e.getMessage() != null && e.getMessage().startsWith("java.") ? e.getCause() : e;
            out.println("FAILED " + cause.getMessage());
            return 1;
        } finally {
            client.dispose();
        }
    }

    private static void addHeaders(HttpHeaders h, List<String> headerArgs) {
        for (String arg : headerArgs) {
            int colon = arg.indexOf(':');
            h.add(arg.substring(0, colon).trim(), arg.substring(colon + 1).trim());
        }
    }

    private record Result(HttpClientResponse response, long length, String sha256) {
    }

    private static Mono<Result> consume(HttpClientResponse r) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            return Mono.error(e);
        }
        long[] length = new long[1];
        return r.body().doOnNext(s -> {
            for (java.nio.ByteBuffer v : s.asByteBuffers()) {
                length[0] += v.remaining();
                sha.update(v);
            }
            s.release();
        }).then(Mono.fromSupplier(() -> new Result(r, length[0], HexFormat.of().formatHex(sha.digest()))));
    }
}
