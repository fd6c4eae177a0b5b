/** evpl-reactive HTTP/1.1: server and pooled client over any stream protocol. */
module dev.evpl.reactive.http {
    requires transitive dev.evpl.reactive.core;

    exports dev.evpl.reactive.http;
}
