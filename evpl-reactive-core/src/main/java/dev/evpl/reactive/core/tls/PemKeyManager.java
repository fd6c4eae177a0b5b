package dev.evpl.reactive.core.tls;

import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * One PEM certificate chain and its key, held as key objects of the engine's own provider. For
 * Conscrypt this matters: a JDK key object is re-encoded and parsed by BoringSSL at every handshake
 * (and an EC key without its public point has that point computed again: one more scalar
 * multiplication per handshake), where Conscrypt's own key object is already native. Immutable,
 * thread-safe.
 */
final class PemKeyManager extends X509ExtendedKeyManager {
    static final String ALIAS = "key";

    private final X509Certificate[] chain;
    private final PrivateKey key;

    private PemKeyManager(X509Certificate[] chain, PrivateKey key) {
        this.chain = chain;
        this.key = key;
    }

    /** The chain of {@code chainPem} and the key of {@code keyPem}, the key made by {@code provider}'s key factory. */
    static PemKeyManager of(Path chainPem, Path keyPem, Provider provider) throws java.io.IOException, GeneralSecurityException {
        List<java.security.cert.Certificate> certs = PemFiles.certificates(chainPem);
        if (certs.isEmpty()) {
            throw new GeneralSecurityException(chainPem + " holds no CERTIFICATE block");
        }
        X509Certificate[] chain = certs.stream().map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        PrivateKey jdkKey = PemFiles.privateKey(keyPem); // validates, and names the algorithm
        PrivateKey key = KeyFactory.getInstance(jdkKey.getAlgorithm(), provider)
                .generatePrivate(new PKCS8EncodedKeySpec(jdkKey.getEncoded()));
        return new PemKeyManager(chain, key);
    }

    /** Whether the engine asks for a key of our kind ("EC", "RSA", or a TLS 1.2 form like "EC_EC"; null: any). */
    private boolean fits(String keyType) {
        return keyType == null || keyType.startsWith(key.getAlgorithm());
    }

    private String alias(String[] keyTypes) {
        if (keyTypes == null) {
            return ALIAS;
        }
        for (String t : keyTypes) {
            if (fits(t)) {
                return ALIAS;
            }
        }
        return null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return fits(keyType) ? ALIAS : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return fits(keyType) ? ALIAS : null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return alias(keyTypes);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return alias(keyTypes);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return fits(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return fits(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key : null;
    }
}
