/**
 * TLS as a layered transport: {@link dev.evpl.reactive.core.tls.TlsTransport} wraps the binds of
 * any stream transport into {@link dev.evpl.reactive.core.tls.SecureBind}s driven by the JDK's
 * {@code SSLEngine}; {@link dev.evpl.reactive.core.tls.TlsConfig} holds the certificates, trust
 * and protocol settings. {@code STREAM_SOCKET_TLS} by name is TLS over TCP.
 */
package dev.evpl.reactive.core.tls;
