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
#endif
