package dev.evpl.reactive.core.tls;

import dev.evpl.reactive.core.bind.Bind;
import javax.net.ssl.SSLSession;

/**
 * A {@link Bind} whose bytes are protected by TLS: what it sends is encrypted into records on the
 * bind underneath, what it receives was decrypted from them. Same contract as every bind (receive
 * = demand, send = batch, segments owned by whoever holds them); sends made before the handshake
 * finished wait for it. Thread-safety as {@link Bind}.
 */
public interface SecureBind extends Bind {
    /** The TLS session (protocol, cipher suite, peer certificates once the handshake is done). */
    SSLSession session();

    /** The protocol ALPN agreed on (e.g. {@code "http/1.1"}), or null when none was. */
    String applicationProtocol();

    /** The bind underneath, carrying the records (TCP, unix, io_uring, in-process). */
    Bind transport();
}
