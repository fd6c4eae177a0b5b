/**
 * evpl-reactive core: event loops as Reactor schedulers, pooled off-heap segments, binds over
 * transports chosen by protocol name, framing. The {@code internal} packages are the library's
 * own: exported only to the library's modules that use them (on the class path, where most
 * applications run, the boundary is the documentation's, not the JVM's).
 */
module dev.evpl.reactive.core {
    requires transitive reactor.core;
    requires transitive org.reactivestreams;
    requires org.jnrproject.ffi;
    requires org.jnrproject.jffi;
    requires org.jnrproject.constants;
    requires static reactor.blockhound;

    exports dev.evpl.reactive.core;
    exports dev.evpl.reactive.core.bind;
    exports dev.evpl.reactive.core.buffer;
    exports dev.evpl.reactive.core.framing;
    exports dev.evpl.reactive.core.io;
    exports dev.evpl.reactive.core.tls;

    // JNR-FFI generates the LibC binding at run time, in a class loader of its own whose unnamed
    // module must see the interface: no qualified export can name that module, so this internal
    // package is exported to all (internal by name and documentation, not API).
    exports dev.evpl.reactive.core.internal.nativeio;
    opens dev.evpl.reactive.core.internal.nativeio to org.jnrproject.ffi;
    exports dev.evpl.reactive.core.internal.uring to dev.evpl.reactive.block;
    // HTTP queues a whole response straight into a stream bind's send queue (no Mono per response).
    exports dev.evpl.reactive.core.internal.bind to dev.evpl.reactive.http;

    uses dev.evpl.reactive.core.bind.Transport;
    // TLS is found like any added transport: by STREAM_SOCKET_TLS, through the service registry.
    provides dev.evpl.reactive.core.bind.Transport with dev.evpl.reactive.core.tls.TlsTransport;
    // No "provides BlockHoundIntegration": a provides clause whose service type lives in a module
    // that is absent (BlockHound is optional) fails module resolution (ModulePathTest). The
    // integration is found through META-INF/services on the class path, where BlockHound runs.
}
