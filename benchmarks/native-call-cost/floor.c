/* The floor for benchmarks/native-call-cost.sh: the same two system calls as NativeCallCost.java
 * (getpid, and an io_uring_enter with nothing to do: GETEVENTS, no wait), straight from C through
 * glibc's syscall(2). Prints "floor NAME ns/call" per round. */
#define _GNU_SOURCE
#include <linux/io_uring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char **argv) {
    long calls = argc > 1 ? atol(argv[1]) : 2000000;
    int rounds = argc > 2 ? atoi(argv[2]) : 5;
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    int fd = (int) syscall(__NR_io_uring_setup, 8, &p);
    if (fd < 0) {
        perror("io_uring_setup");
        return 1;
    }
    volatile long sink = 0;
    for (int r = 0; r < rounds; r++) {
        double t0 = now();
        for (long i = 0; i < calls; i++) {
            sink += syscall(SYS_getpid);
        }
        double t1 = now();
        for (long i = 0; i < calls; i++) {
            sink += syscall(__NR_io_uring_enter, fd, 0, 0, IORING_ENTER_GETEVENTS, NULL, 0);
        }
        double t2 = now();
        printf("floor getpid %.1f ns/call\nfloor enter %.1f ns/call\n", (t1 - t0) / calls, (t2 - t1) / calls);
    }
    close(fd);
    return sink == 42 ? 1 : 0;
}
