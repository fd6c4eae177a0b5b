/**
 * Spring Boot integration. Placeholder package: the module is delivered by the Spring Boot starter issue; it holds no code yet so that nothing here pretends to work.
 */
package dev.evpl.reactive.spring;
