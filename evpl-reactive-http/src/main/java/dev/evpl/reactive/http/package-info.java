/**
 * HTTP/1.1 on evpl binds. Placeholder package: the module is delivered by the HTTP/1.1 issue; it holds no code yet so that nothing here pretends to work.
 */
package dev.evpl.reactive.http;
