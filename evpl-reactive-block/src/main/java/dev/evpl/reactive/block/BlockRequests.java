package dev.evpl.reactive.block;

import dev.evpl.reactive.core.buffer.BufferPool;

/**
 * What a block request may be: offset, length and, with direct I/O, alignment. The largest request
 * is {@link BlockDevice#MAX_REQUEST}, or less when pool buffers are smaller (BufferConfig.bufferSize
 * down to 4 KiB): the kernel reads into, and a bounce write copies from, one contiguous stretch of
 * one buffer, alignment slack included. Errors name the operation, the limit and the value.
 */
final class BlockRequests {
    private BlockRequests() {
    }

    /** The largest request on {@code device}; below 1 when pool buffers are too small for its direct I/O. */
    static int maxRequest(BlockDevice device) {
        int bufferSize = bufferSize();
        int align = device.alignment();
        // Buffered I/O reads exactly the range; direct I/O reads whole aligned blocks into an
        // aligned stretch (up to two blocks more, and one of slack to align the address).
        return Math.min(BlockDevice.MAX_REQUEST, align == 1 ? bufferSize : bufferSize - 3 * align);
    }

    /** Throws {@link IllegalArgumentException} for a negative offset or a length outside 1 .. the limit. */
    static void checkRange(BlockDevice device, String op, long offset, long length) {
        if (offset < 0) {
            throw new IllegalArgumentException(op + ": offset must be >= 0, got " + offset);
        }
        int max = maxRequest(device);
        if (max < 1) {
            throw new IllegalArgumentException(op + ": direct I/O needs pool buffers of at least " + 4 * device.alignment()
                    + " bytes, BufferConfig.bufferSize is " + bufferSize());
        }
        if (length <= 0 || length > max) {
            throw new IllegalArgumentException(op + ": length must be between 1 and " + max + ", got " + length
                    + (max < BlockDevice.MAX_REQUEST ? " (what fits one pool buffer of BufferConfig.bufferSize="
                    + bufferSize() + ")" : ""));
        }
    }

    /** {@link #checkRange} for a write, and with direct I/O the alignment of offset and length. */
    static void checkWrite(BlockDevice device, long offset, int length) {
        checkRange(device, "write", offset, length);
        int align = device.alignment();
        if (align > 1 && ((offset | length) & (align - 1)) != 0) {
            throw new IllegalArgumentException("direct I/O writes need offset and length aligned to " + align
                    + " bytes, got offset " + offset + " length " + length);
        }
    }

    /** Loops allocate from the global pool: its buffer size bounds a request. */
    private static int bufferSize() {
        return BufferPool.global().config().bufferSize();
    }

    /** A failed operation's error: errno, its meaning, and "opened read-only" for a write's EBADF. */
    static BlockIoException error(BlockDevice device, String op, long offset, long length, int errno) {
        String reason = errno == dev.evpl.reactive.core.io.Errno.EBADF && device.isReadOnly() && !op.equals("read")
                ? "EBADF (9) - the device was opened read-only"
                : dev.evpl.reactive.core.io.Errno.name(errno) + " (" + errno + ") - "
                        + dev.evpl.reactive.core.io.Errno.description(errno);
        return new BlockIoException(op, device.path().toString(), offset, length, errno, reason);
    }

    /** The error of an operation beyond {@code queueDepth + maxWaiting}: Reactor's overflow kind, naming the option. */
    static RuntimeException waitingFull(BlockDevice device, dev.evpl.reactive.core.EventLoop loop, int waiting) {
        BlockOptions o = device.options();
        return reactor.core.Exceptions.failWithOverflow("block queue of " + device.path() + " on " + loop
                + ": " + waiting + " operations already wait beyond queueDepth " + o.queueDepth()
                + " (BlockOptions.maxWaiting " + o.maxWaiting() + "): refused; bound the callers' concurrency (e.g. flatMap(.., n))");
    }
}
