#define _GNU_SOURCE
#include "reel_sys.h"
#include <malloc.h>
#include <pthread.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>

int64_t reel_sys_gettid(void) { return (int64_t)syscall(SYS_gettid); }

void reel_sys_set_thread_name(const char *name) {
    char buf[16];
    strncpy(buf, name, sizeof buf - 1);
    buf[sizeof buf - 1] = '\0';
    pthread_setname_np(pthread_self(), buf);
}

void reel_sys_keep_freed_memory(void) { mallopt(M_TRIM_THRESHOLD, 64 << 20); }

int reel_sys_open_beneath(int dirfd, const char *path) {
#ifdef SYS_openat2
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
#else
    (void)dirfd;
    (void)path;
    errno = ENOSYS;
    return -1;
#endif
}
