package dev.evpl.reactive.samples;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Entry point of {@code samples/target/evpl-samples.jar}: {@code java -jar evpl-samples.jar COMMAND [options]}.
 */
public final class Main {
    /** A runnable sample: returns the process exit code. */
    interface Command {
        int run(String[] args, PrintStream out) throws Exception;
    }

    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();
    private static final Map<String, String> HELP = new LinkedHashMap<>();

    static {
        register("loop-demo", "timers, a doorbell rung from another thread, and the loops as Reactor schedulers",
                LoopDemo::run);
        register("echo-server", "--protocol NAME --host H --port P [--threads N] [--path P] [--framing length32] [--epoll-wait] [--spin-us N] [--spin-min-us N] [--spin-core-share F] [--cert C.pem --key K.pem] [--engine jdk|conscrypt] [--tls-over NAME] (STREAM_SOCKET_TLS)",
                EchoServer::run);
        register("bench", "--protocol NAME --mode pingpong|stream --conns C --inflight Q --size S --seconds T "
                + "[--framing length32] [--connect H:P] [--tls-over NAME --cacert C.pem|--insecure --engine jdk|conscrypt (STREAM_SOCKET_TLS)]",
                Bench::run);
        register("http-server", "--port P [--host H] [--threads N] [--protocol NAME] [--epoll-wait] [--cert C.pem --key K.pem | --https] [--engine jdk|conscrypt]",
                HttpServerSample::run);
        register("block-bench", "--file PATH --size 1g --bs 4k --qd 32 --pattern randread|seqread|randwrite|seqwrite --seconds T "
                + "[--direct] [--protocol IO_URING|THREAD_POOL|FILECHANNEL|FILECHANNEL_ELASTIC] [--spin-ms N] [--epoll-wait] [--sqpoll-ms N] [--submit each|batched] [--warmup S]", BlockBench::run);
        register("file-serve", "--port P --dir D [--host H] [--threads N] [--protocol IO_URING|THREAD_POOL]", FileServe::run);
        register("http-fetch", "--url URL [--method M] [--data-file F] [--header \"N: V\"]... [--repeat N] [--protocol NAME] "
                + "[--cacert C.pem | --insecure] [--engine jdk|conscrypt]", HttpFetch::run);
        register("soak", "[--minutes M] [--workers N] [--kinds echo,http,block]: mixed load with faults under paranoid leak detection; exit 0 when nothing leaked",
                Soak::run);
        register("spring-app", "[--server.port=P] [--evpl.loops.count=N] [--sample.upload-dir=D] (any Spring Boot property)",
                dev.evpl.reactive.samples.spring.SpringAppSample::run);
    }

    private Main() {
    }

    private static void register(String name, String help, Command command) {
        COMMANDS.put(name, command);
        HELP.put(name, help);
    }

    /** Runs the command named by {@code args[0]}; exits with its code. */
    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    static int run(String[] args, PrintStream out) throws Exception {
        if (args.length == 0 || !COMMANDS.containsKey(args[0])) {
            out.println("usage: java -jar evpl-samples.jar COMMAND [options]");
            HELP.forEach((name, help) -> out.printf("  %-12s %s%n", name, help));
            return args.length == 0 ? 0 : 2;
        }
        try {
            return COMMANDS.get(args[0]).run(Arrays.copyOfRange(args, 1, args.length), out);
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            // Bad flags or an unavailable protocol: one clear line, not a stack trace.
            out.println("error: " + e.getMessage());
            out.println("usage: " + args[0] + " " + HELP.get(args[0]));
            return 2;
        }
    }
}
