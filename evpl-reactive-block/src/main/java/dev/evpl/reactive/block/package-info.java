/**
 * Block I/O on evpl loops. Placeholder package: the module is delivered by the io_uring / block I/O issue; it holds no code yet so that nothing here pretends to work.
 */
package dev.evpl.reactive.block;
