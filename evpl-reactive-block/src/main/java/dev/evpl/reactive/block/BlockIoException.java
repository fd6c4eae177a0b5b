package dev.evpl.reactive.block;

/**
 * A failed block operation, naming the operation, the file, the offset and the cause, e.g.
 * {@code read /data/f at offset 4096 (8192 bytes): EOF (file size 4096)} or
 * {@code write /data/ro at offset 0 (512 bytes): EBADF (9) - opened read-only}.
 */
public final class BlockIoException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String op;
    private final String path;
    private final long offset;
    private final int errno;

    BlockIoException(String op, String path, long offset, long length, int errno, String reason) {
        super(op + " " + path + " at offset " + offset + " (" + length + " bytes): " + reason);
        this.op = op;
        this.path = path;
        this.offset = offset;
        this.errno = errno;
    }

    /** The operation: read, write, flush, writeZeroes, discard. */
    public String op() {
        return op;
    }

    /** The file. */
    public String path() {
        return path;
    }

    /** The byte offset of the failed operation. */
    public long offset() {
        return offset;
    }

    /** The errno (0 for end of file). */
    public int errno() {
        return errno;
    }

    /** Whether the read started at or beyond the end of the file. */
    public boolean isEndOfFile() {
        return errno == 0;
    }
}
