/**
 * Spring's reactive HTTP contracts on evpl: a {@code ReactiveWebServerFactory} and {@code WebServer},
 * the {@code HttpHandler} adapter, {@code DataBuffer}s over pooled segments, and a
 * {@code ClientHttpConnector} for {@code WebClient}.
 */
package dev.evpl.reactive.spring.web;
