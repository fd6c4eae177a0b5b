package dev.evpl.reactive.core.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away self-signed EC P-256 certificate, for tests and samples only (nobody trusts it):
 * made with the running JDK's {@code keytool}, written as a PEM certificate and a PKCS#8 PEM key,
 * ready for {@link TlsConfig#server(Path, Path)}; trust it with {@code trustPem(cert())}. Blocks
 * (it runs a process): never call it on a loop.
 *
 * @param cert the certificate (PEM), its own issuer
 * @param key the private key (PKCS#8 PEM)
 */
public record SelfSignedCertificate(Path cert, Path key) {
    /**
     * Creates one for {@code hostName} (also its subject alternative name, with 127.0.0.1), valid
     * for {@code days}, as {@code <name>-cert.pem} and {@code <name>-key.pem} in {@code dir}.
     */
    public static SelfSignedCertificate create(Path dir, String name, String hostName, int days)
            throws IOException, GeneralSecurityException, InterruptedException {
        Path store = Files.createTempFile(dir, name, ".p12");
        Files.delete(store); // keytool creates it
        char[] pass = "throwaway".toCharArray();
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "k", "-keyalg", "EC",
                "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-dname", "CN=" + hostName,
                "-ext", "SAN=dns:" + hostName + ",ip:127.0.0.1", "-validity", String.valueOf(days),
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", new String(pass),
                "-keypass", new String(pass)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + out);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, pass);
        }
        Files.delete(store);
        Key key = ks.getKey("k", pass);
        Certificate cert = ks.getCertificate("k");
        Path certPem = dir.resolve(name + "-cert.pem");
        Path keyPem = dir.resolve(name + "-key.pem");
        Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
        return new SelfSignedCertificate(certPem, keyPem);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
