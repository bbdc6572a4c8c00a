/* SPDX-License-Identifier: MIT */
#ifndef MEM_H
#define MEM_H

#include <stddef.h>

/*
 * Allocation wrappers that abort on exhaustion (see STYLE: we are a
 * supervised service; every buffer fed by outside input has its own limit).
 */
void *
xmalloc(size_t size);
void *
xzalloc(size_t size);
/** posix_memalign() that aborts on exhaustion; free() the result. */
void *
xaligned_alloc(size_t alignment, size_t size);
void *
xcalloc(size_t n, size_t size);
void *
xrealloc(void *ptr, size_t size);
/** Like reallocarray(): n * size with overflow check. */
void *
xreallocarray(void *ptr, size_t n, size_t size);
/** strdup that aborts on exhaustion; returns NULL for NULL. */
char *
xstrdup(const char *s);
char *
xstrndup(const char *s, size_t n);
/** printf into a fresh heap string. */
char *
xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
