package dev.evpl.reactive.core.internal.nativeio;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;

/** Per-thread kernel settings of loop threads: CPU affinity and timer slack. */
public final class ThreadTuning {
    /** Bytes of the CPU mask passed to sched_{set,get}affinity (CPU_SETSIZE = 1024 bits). */
    private static final int MASK_BYTES = 128;

    private ThreadTuning() {
    }

    /** Pins the calling thread to {@code cpu}. */
    public static void pinCurrentThread(int cpu) {
        long mask = NativeMemory.allocate(MASK_BYTES);
        try {
            NativeMemory.putByte(mask + cpu / 8, (byte) (1 << (cpu % 8)));
            Native.check(LIBC.sched_setaffinity(0, MASK_BYTES, mask), "sched_setaffinity", "cpu " + cpu);
        } finally {
            NativeMemory.free(mask);
        }
    }

    /** The CPUs the calling thread may run on. */
    public static int[] currentAffinity() {
        long mask = NativeMemory.allocate(MASK_BYTES);
        try {
            Native.check(LIBC.sched_getaffinity(0, MASK_BYTES, mask), "sched_getaffinity", null);
            int count = 0;
            int[] cpus = new int[MASK_BYTES * 8];
            for (int cpu = 0; cpu < MASK_BYTES * 8; cpu++) {
                if ((NativeMemory.getByte(mask + cpu / 8) & (1 << (cpu % 8))) != 0) {
                    cpus[count++] = cpu;
                }
            }
            return java.util.Arrays.copyOf(cpus, count);
        } finally {
            NativeMemory.free(mask);
        }
    }

    /** The CPU the calling thread runs on right now. */
    public static int currentCpu() {
        return Native.check(LIBC.sched_getcpu(), "sched_getcpu", null);
    }

    /** Sets the calling thread's timer slack; 0 restores the kernel default. */
    public static void setTimerSlack(long nanos) {
        Native.check(LIBC.prctl(Linux.PR_SET_TIMERSLACK, nanos, 0, 0, 0), "prctl(PR_SET_TIMERSLACK)", nanos + " ns");
    }

    /** The calling thread's timer slack in nanoseconds. */
    public static long timerSlack() {
        return Native.check(LIBC.prctl(Linux.PR_GET_TIMERSLACK, 0, 0, 0, 0), "prctl(PR_GET_TIMERSLACK)", null);
    }
}
