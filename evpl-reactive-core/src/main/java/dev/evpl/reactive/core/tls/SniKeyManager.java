package dev.evpl.reactive.core.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;

/**
 * A server's key manager that picks the certificate by the host name the client asked for in SNI:
 * exact names first, then a {@code *.domain} wildcard for one label, else the default. Aliases it
 * hands out carry the index of the manager they came from ({@code "2/alias"}), so the chain and key
 * are looked up where the alias was chosen. Immutable; called by the engine on whatever thread runs
 * the handshake.
 */
final class SniKeyManager extends X509ExtendedKeyManager {
    private final List<X509KeyManager> managers; // 0: the default
    private final Map<String, Integer> byName;

    private SniKeyManager(List<X509KeyManager> managers, Map<String, Integer> byName) {
        this.managers = managers;
        this.byName = byName;
    }

    static SniKeyManager of(KeyManager[] defaults, Map<String, KeyManagerFactory> byServerName) {
        if (defaults == null) {
            throw new IllegalArgumentException("certificateFor needs a default certificate as well (TlsConfig.server(...))");
        }
        List<X509KeyManager> managers = new ArrayList<>();
        managers.add(x509(defaults, "the default certificate"));
        Map<String, Integer> names = new java.util.HashMap<>();
        for (Map.Entry<String, KeyManagerFactory> e : byServerName.entrySet()) {
            managers.add(x509(e.getValue().getKeyManagers(), e.getKey()));
            names.put(e.getKey(), managers.size() - 1);
        }
        return new SniKeyManager(List.copyOf(managers), Map.copyOf(names));
    }

    private static X509KeyManager x509(KeyManager[] kms, String what) {
        for (KeyManager km : kms) {
            if (km instanceof X509KeyManager x) {
                return x;
            }
        }
        throw new IllegalArgumentException("no X.509 key manager for " + what);
    }

    /** The index of the manager serving {@code host} (0 when none is named for it). */
    int indexFor(String host) {
        if (host == null) {
            return 0;
        }
        String h = host.toLowerCase(Locale.ROOT);
        Integer i = byName.get(h);
        if (i == null) {
            int dot = h.indexOf('.');
            if (dot > 0) {
                i = byName.get("*" + h.substring(dot));
            }
        }
        return i == null ? 0 : i;
    }

    private static String requestedHost(SSLSession handshake) {
        if (handshake instanceof ExtendedSSLSession s) {
            for (SNIServerName n : s.getRequestedServerNames()) {
                if (n instanceof SNIHostName h) {
                    return h.getAsciiName();
                }
            }
        }
        return null;
    }

    private static String tag(int index, String alias) {
        return alias == null ? null : index + "/" + alias;
    }

    private X509KeyManager managerOf(String alias) {
        int slash = alias == null ? -1 : alias.indexOf('/');
        if (slash <= 0) {
            return null;
        }
        try {
            int i = Integer.parseInt(alias, 0, slash, 10);
            return i < managers.size() ? managers.get(i) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        int i = indexFor(engine == null ? null : requestedHost(engine.getHandshakeSession()));
        X509KeyManager m = managers.get(i);
        String alias = m instanceof X509ExtendedKeyManager x ? x.chooseEngineServerAlias(keyType, issuers, engine)
                : m.chooseServerAlias(keyType, issuers, null);
        return tag(i, alias);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        int i = socket instanceof javax.net.ssl.SSLSocket s ? indexFor(requestedHost(s.getHandshakeSession())) : 0;
        return tag(i, managers.get(i).chooseServerAlias(keyType, issuers, socket));
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < managers.size(); i++) {
            String[] a = managers.get(i).getServerAliases(keyType, issuers);
            if (a != null) {
                for (String s : a) {
                    all.add(tag(i, s));
                }
            }
        }
        return all.isEmpty() ? null : all.toArray(String[]::new);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        X509KeyManager m = managerOf(alias);
        return m == null ? null : m.getCertificateChain(alias.substring(alias.indexOf('/') + 1));
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        X509KeyManager m = managerOf(alias);
        return m == null ? null : m.getPrivateKey(alias.substring(alias.indexOf('/') + 1));
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null; // a server's key manager: no client identity
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }
}
