package dev.evpl.reactive.core.tls;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.security.Provider;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;

/**
 * Conscrypt's provider, found by reflection so that core has no compile-time dependency on it: an
 * application that wants BoringSSL's engine adds {@code org.conscrypt:conscrypt-openjdk-uber}.
 * One provider instance is shared by every config (its native library loads once). Thread-safe.
 */
final class Conscrypt {
    private static volatile Provider provider;
    /** {@code Conscrypt.setUseSessionTickets(SSLEngine, boolean)}, found with the provider. */
    private static volatile java.lang.reflect.Method useSessionTickets;
    /**
     * {@code Conscrypt.unwrap(SSLEngine, ByteBuffer[], ByteBuffer[])}: an unwrap from several source
     * buffers (a record cut across received segments, without gathering it into one buffer first).
     */
    private static volatile MethodHandle gatherUnwrap;

    private Conscrypt() {
    }

    /** Whether {@code p} is Conscrypt's provider (its keys are best made by its own key factory). */
    static boolean is(Provider p) {
        return p != null && p.getName().equals("Conscrypt");
    }

    static Provider provider() {
        Provider p = provider;
        if (p == null) {
            synchronized (Conscrypt.class) {
                p = provider;
                if (p == null) {
                    p = load();
                    provider = p;
                }
            }
        }
        return p;
    }

    /**
     * Conscrypt calls the trust manager inside {@code unwrap}, on the loop (the JDK engine hands it
     * out as a delegated task). The check itself is CPU work of well under a millisecond, but its
     * first run initializes the JDK's table of anchor certificates by reading the cacerts file: a
     * file read on a loop thread. Done here, off the loops, once.
     */
    private static void warmCertificateChecks() {
        try {
            Class.forName("sun.security.util.AnchorCertificates", true, null);
        } catch (ClassNotFoundException | LinkageError ignored) {
            // another JDK: nothing known to warm
        }
    }

    /**
     * Turns session tickets on for one of Conscrypt's engines (its default is off, so a TLS 1.3
     * server sent no NewSessionTicket and no client could resume); other engines are left alone.
     */
    static void enableSessionTickets(SSLEngine engine) {
        java.lang.reflect.Method m = useSessionTickets;
        if (m == null || !engine.getClass().getName().startsWith("org.conscrypt.")) {
            return;
        }
        try {
            m.invoke(null, engine, true);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Conscrypt: cannot enable session tickets: " + e, e);
        }
    }

    /**
     * The gathering unwrap, typed {@code (SSLEngine, ByteBuffer[], ByteBuffer[])SSLEngineResult},
     * for one of Conscrypt's engines; null for any other engine.
     */
    static MethodHandle gatherUnwrap(SSLEngine engine) {
        return engine.getClass().getName().startsWith("org.conscrypt.") ? gatherUnwrap : null;
    }

    private static Provider load() {
        Class<?> c;
        try {
            c = Class.forName("org.conscrypt.Conscrypt");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("TLS engine Conscrypt: org.conscrypt.Conscrypt is not on the class path; add "
                    + "org.conscrypt:conscrypt-openjdk-uber (or use the JDK engine, the default)", e);
        }
        try {
            c.getMethod("checkAvailability").invoke(null); // throws the native library's load error
            Provider p = (Provider) c.getMethod("newProvider").invoke(null);
            useSessionTickets = c.getMethod("setUseSessionTickets", javax.net.ssl.SSLEngine.class, boolean.class);
            gatherUnwrap = MethodHandles.publicLookup().findStatic(c, "unwrap",
                    MethodType.methodType(SSLEngineResult.class, SSLEngine.class, ByteBuffer[].class, ByteBuffer[].class));
            warmCertificateChecks();
            return p;
        } catch (ReflectiveOperationException | ClassCastException e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException i ? i.getCause() : e;
            throw new IllegalStateException("TLS engine Conscrypt: not usable on this platform: " + cause, cause);
        }
    }
}
