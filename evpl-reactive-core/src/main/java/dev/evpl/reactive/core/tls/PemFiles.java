package dev.evpl.reactive.core.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads PEM certificates and PKCS#8 private keys into in-memory key stores. Stateless. */
final class PemFiles {
    /** The in-memory key store's password (never persisted). */
    static final char[] PASSWORD = "evpl".toCharArray();
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1-----");

    private PemFiles() {
    }

    /** A key store holding the key of {@code keyPem} under the chain of {@code chainPem}. */
    static KeyStore keyStore(Path chainPem, Path keyPem) throws IOException, GeneralSecurityException {
        List<Certificate> chain = certificates(chainPem);
        if (chain.isEmpty()) {
            throw new GeneralSecurityException(chainPem + " holds no CERTIFICATE block");
        }
        PrivateKey key = privateKey(keyPem);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("key", key, PASSWORD, chain.toArray(Certificate[]::new));
        return ks;
    }

    /** A trust store holding every certificate of {@code pem}. */
    static KeyStore trustStore(Path pem) throws IOException, GeneralSecurityException {
        List<Certificate> certs = certificates(pem);
        if (certs.isEmpty()) {
            throw new GeneralSecurityException(pem + " holds no CERTIFICATE block");
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        for (int i = 0; i < certs.size(); i++) {
            ks.setCertificateEntry("ca" + i, certs.get(i));
        }
        return ks;
    }

    static List<Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
        CertificateFactory f = CertificateFactory.getInstance("X.509");
        List<Certificate> out = new ArrayList<>();
        for (byte[] der : blocks(pem, "CERTIFICATE")) {
            out.add(f.generateCertificate(new ByteArrayInputStream(der)));
        }
        return out;
    }

    static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
        List<byte[]> keys = blocks(pem, "PRIVATE KEY");
        if (keys.isEmpty()) {
            String text = Files.readString(pem, StandardCharsets.US_ASCII);
            if (text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")) {
                throw new GeneralSecurityException(pem + " holds a PKCS#1/SEC1 key; convert it to PKCS#8: "
                        + "openssl pkcs8 -topk8 -nocrypt -in " + pem.getFileName() + " -out key.pk8.pem");
            }
            throw new GeneralSecurityException(pem + " holds no PRIVATE KEY block (PKCS#8, unencrypted)");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(keys.get(0));
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"EC", "RSA", "Ed25519", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException(pem + ": not an EC, RSA or Ed25519 PKCS#8 key", last);
    }

    private static List<byte[]> blocks(Path pem, String type) throws IOException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        List<byte[]> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(type)) {
                out.add(Base64.getMimeDecoder().decode(m.group(2)));
            }
        }
        return out;
    }
}
