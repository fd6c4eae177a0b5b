/* Says whether this machine's kernel lets a process create an io_uring ring, independently of the
 * project's own probe: CI then requires the io_uring tests to run (IoUringExpectedTest), so they can
 * never be skipped silently where they could run. Prints "yes" or "no: <errno text>". */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
    unsigned char params[120];
    memset(params, 0, sizeof params);
    long fd = syscall(425 /* __NR_io_uring_setup */, 8, params);
    if (fd < 0) {
        printf("no: %s\n", strerror(errno));
        return 1;
    }
    close((int) fd);
    printf("yes\n");
    return 0;
}
