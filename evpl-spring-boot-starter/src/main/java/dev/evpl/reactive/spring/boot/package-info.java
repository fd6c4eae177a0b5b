/**
 * Spring Boot auto-configuration of evpl: the loop group bean, {@code evpl.*} properties, WebFlux's
 * server and WebClient's connector on evpl, actuator health and Micrometer meters.
 */
package dev.evpl.reactive.spring.boot;
