package dev.evpl.reactive.core.tls;

import java.nio.file.Path;

/** Test certificates: {@link SelfSignedCertificate}s valid two days, each its own CA. */
record TestCertificates(Path cert, Path key) {
    static TestCertificates create(Path dir, String name, String commonName) throws Exception {
        SelfSignedCertificate c = SelfSignedCertificate.create(dir, name, commonName, 2);
        return new TestCertificates(c.cert(), c.key());
    }
}
