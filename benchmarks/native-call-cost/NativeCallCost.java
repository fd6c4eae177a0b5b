import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.evpl.reactive.core.internal.nativeio.Linux;
import dev.evpl.reactive.core.internal.uring.IoUring;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

/**
 * Per-call cost of a system call through JNR-FFI (the loop's binding) and through the JDK's FFM
 * linker (Java 22+), in one JVM and one harness, against the C floor of benchmarks/native-call-cost.sh:
 * getpid, and an io_uring_enter with nothing to do (GETEVENTS, no wait) on a real ring. FFM is
 * measured plain and with Linker.Option.critical (no thread-state transition; only for calls
 * that do not block). Each round times CALLS calls per variant after a warm-up; prints
 * "NAME ns/call" per round. Run: java -cp benchmarks/target/benchmarks.jar NativeCallCost.java
 */
public class NativeCallCost {
    interface Call {
        long call() throws Throwable;
    }

    public static void main(String[] args) throws Throwable {
        long calls = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        IoUring ring = IoUring.create(8);
        long fd = ring.fd();
        Linker linker = Linker.nativeLinker();
        var getpidAddress = linker.defaultLookup().find("getpid").orElseThrow();
        var syscallAddress = linker.defaultLookup().find("syscall").orElseThrow();
        FunctionDescriptor syscall6 = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                JAVA_LONG, JAVA_LONG, JAVA_LONG);
        MethodHandle ffmGetpid = linker.downcallHandle(getpidAddress, FunctionDescriptor.of(JAVA_INT));
        MethodHandle ffmGetpidCritical = linker.downcallHandle(getpidAddress, FunctionDescriptor.of(JAVA_INT),
                Linker.Option.critical(false));
        MethodHandle ffmSyscall = linker.downcallHandle(syscallAddress, syscall6, Linker.Option.firstVariadicArg(1));
        MethodHandle ffmSyscallCritical = linker.downcallHandle(syscallAddress, syscall6, Linker.Option.firstVariadicArg(1),
                Linker.Option.critical(false));
        long enter = Linux.SYS_IO_URING_ENTER;
        String[] names = {"jnr getpid", "ffm getpid", "ffm-critical getpid",
            "jnr enter", "ffm enter", "ffm-critical enter"};
        Call[] variants = {
            () -> LIBC.getpid(),
            () -> (int) ffmGetpid.invokeExact(),
            () -> (int) ffmGetpidCritical.invokeExact(),
            () -> LIBC.syscall(enter, fd, 0, 0, 1, (jnr.ffi.Pointer) null),
            () -> (long) ffmSyscall.invokeExact(enter, fd, 0L, 0L, 1L, 0L, 0L),
            () -> (long) ffmSyscallCritical.invokeExact(enter, fd, 0L, 0L, 1L, 0L, 0L),
        };
        long sink = 0;
        for (Call c : variants) {
            for (long i = 0; i < calls; i++) {
                sink += c.call(); // warm-up: compiled before the first timed round
            }
        }
        for (int r = 0; r < rounds; r++) {
            for (int v = 0; v < variants.length; v++) {
                Call c = variants[v];
                long t0 = System.nanoTime();
                for (long i = 0; i < calls; i++) {
                    sink += c.call();
                }
                long t1 = System.nanoTime();
                System.out.printf("%s %.1f ns/call%n", names[v], (t1 - t0) / (double) calls);
            }
        }
        ring.close();
        if (sink == 42) {
            System.out.println();
        }
    }
}
