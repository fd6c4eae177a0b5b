package dev.evpl.reactive.core.framing;

import dev.evpl.reactive.core.buffer.Segment;

/** {@link SegmentFunction#delimiter}. */
final class Delimiter implements SegmentFunction {
    private final byte[] delimiter;
    private final int maxLength;

    Delimiter(byte[] delimiter, int maxLength) {
        if (delimiter.length == 0) {
            throw new IllegalArgumentException("delimiter must not be empty");
        }
        if (maxLength < delimiter.length) {
            throw new IllegalArgumentException("delimiter maxLength must be >= " + delimiter.length + ", got " + maxLength);
        }
        this.delimiter = delimiter.clone();
        this.maxLength = maxLength;
    }

    @Override
    public int frame(Segment buffered) {
        int n = Math.min(buffered.readableBytes(), maxLength);
        byte first = delimiter[0];
        outer:
        for (int i = 0; i <= n - delimiter.length; i++) {
            if (buffered.getByte(i) != first) {
                continue;
            }
            for (int k = 1; k < delimiter.length; k++) {
                if (buffered.getByte(i + k) != delimiter[k]) {
                    continue outer;
                }
            }
            return i + delimiter.length;
        }
        if (buffered.readableBytes() >= maxLength) {
            throw new FramingException("no delimiter within " + maxLength + " bytes");
        }
        return NEED_MORE;
    }
}
