/* GNU extensions Swift's Glibc module does not show. */
#ifndef REEL_SYS_H
#define REEL_SYS_H
#include <stdint.h>
/* Kernel thread id of the calling thread (for logs). */
int64_t reel_sys_gettid(void);
/* Names the calling thread (15 characters at most are kept). */
void reel_sys_set_thread_name(const char *name);
/* Raises glibc's trim threshold (64 MiB): freed memory stays in the
 * threads' arenas instead of being handed back and mapped again. */
void reel_sys_keep_freed_memory(void);
/* openat2(2) of `path` under the directory `dirfd`, read-only and
 * close-on-exec, refusing any symbolic link on the way and any step out of
 * `dirfd` (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS). -1 with errno set on
 * failure; errno ENOSYS when the kernel has no openat2 (before 5.6). */
int reel_sys_open_beneath(int dirfd, const char *path);
#endif
