package dev.evpl.reactive.samples;

import dev.evpl.reactive.core.tls.SelfSignedCertificate;
import dev.evpl.reactive.core.tls.TlsConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The TLS settings of a server sample: {@code --cert C.pem --key K.pem} (PEM chain, PKCS#8 key),
 * or a throw-away self-signed certificate for {@code localhost}, announced on stderr; and
 * {@code --engine jdk|conscrypt} (default jdk), the engine of every TLS sample.
 */
final class ServerCertificate {
    private ServerCertificate() {
    }

    static TlsConfig.Builder fromArgs(Args args) throws Exception {
        Path[] pair = files(args);
        return engine(TlsConfig.server(pair[0], pair[1]), args);
    }

    /** Applies {@code --engine}: {@code jdk} (the default) or {@code conscrypt}. */
    static TlsConfig.Builder engine(TlsConfig.Builder b, Args args) {
        String engine = args.get("engine", "jdk");
        return switch (engine) {
            case "jdk" -> b;
            case "conscrypt" -> b.conscrypt();
            default -> throw new IllegalArgumentException("--engine must be jdk or conscrypt, got '" + engine + "'");
        };
    }

    /** The certificate chain and key files: {@code --cert}/{@code --key}, or a throw-away pair. */
    static Path[] files(Args args) throws Exception {
        if (args.has("cert")) {
            if (!args.has("key")) {
                throw new IllegalArgumentException("--cert needs --key (the PKCS#8 private key in PEM)");
            }
            return new Path[] {Path.of(args.get("cert", "")), Path.of(args.get("key", ""))};
        }
        SelfSignedCertificate generated = SelfSignedCertificate.create(Files.createTempDirectory("evpl-cert"),
                "self-signed", "localhost", 7);
        System.err.println("no --cert given: serving a throw-away self-signed certificate " + generated.cert());
        return new Path[] {generated.cert(), generated.key()};
    }
}
