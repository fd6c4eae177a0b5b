/** evpl-reactive block I/O: files and block devices on the loops' io_uring rings (or a thread pool). */
module dev.evpl.reactive.block {
    requires transitive dev.evpl.reactive.core;

    exports dev.evpl.reactive.block;
}
