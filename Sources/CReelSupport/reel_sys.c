#define _GNU_SOURCE
#include "reel_sys.h"
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
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

/* glibc gives each thread a malloc arena of its own only up to 8 per core
 * (16 on 2 cores); past that, threads share arenas. The host has more
 * threads than that (the database pool, dispatch's workers, plugins), so
 * the HTTP I/O threads, created last, ended up sharing an arena with each
 * other or with a busy thread: libmicrohttpd's calloc for every response
 * (calloc skips glibc's per-thread cache) then waited for the arena's lock,
 * and an I/O thread asleep on it stalls every connection it serves (perf:
 * most of the I/O threads' sleeps with requests ready were on that lock).
 * The limit is read once, when the arenas first run out, so it is raised
 * here, before main and before any thread. An operator's own
 * MALLOC_ARENA_MAX (or glibc.malloc.arena_max tunable) is kept. */
__attribute__((constructor)) static void reel_sys_arena_per_thread(void) {
    const char *tunables = getenv("GLIBC_TUNABLES");
    if (getenv("MALLOC_ARENA_MAX") != NULL || (tunables != NULL && strstr(tunables, "arena_max") != NULL)) return;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    mallopt(M_ARENA_MAX, (int)(8 * (cores > 0 ? cores : 1) + 64));
}

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
