package dev.evpl.reactive.samples;

import dev.evpl.reactive.core.tls.SelfSignedCertificate;
import dev.evpl.reactive.core.tls.TlsConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The TLS settings of a server sample: {@code --cert C.pem --key K.pem} (PEM chain, PKCS#8 key),
 * or a throw-away self-signed certificate for {@code localhost}, announced on stderr.
 */
final class ServerCertificate {
    private ServerCertificate() {
    }

    static TlsConfig.Builder fromArgs(Args args) throws Exception {
        if (args.has("cert")) {
            return TlsConfig.server(Path.of(args.get("cert", "")), Path.of(args.get("key", "")));
        }
        SelfSignedCertificate generated = SelfSignedCertificate.create(Files.createTempDirectory("evpl-cert"),
                "self-signed", "localhost", 7);
        System.err.println("no --cert given: serving a throw-away self-signed certificate " + generated.cert());
        return TlsConfig.server(generated.cert(), generated.key());
    }
}
