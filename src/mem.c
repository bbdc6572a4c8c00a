/* SPDX-License-Identifier: MIT */
#include "mem.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
die_oom(size_t size)
{
	fprintf(stderr, "wirefeed: out of memory (%zu bytes)\n", size);
	abort();
}

void *
xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p) {
		die_oom(size);
	}
	return p;
}

void *
xaligned_alloc(size_t alignment, size_t size)
{
	void *p = NULL;
	if (posix_memalign(&p, alignment, size ? size : 1) != 0) {
		die_oom(size);
	}
	return p;
}

void *
xzalloc(size_t size)
{
	return xcalloc(1, size);
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p) {
		die_oom(n * size);
	}
	return p;
}

void *
xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	if (!p) {
		die_oom(size);
	}
	return p;
}

void *
xreallocarray(void *ptr, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		die_oom(SIZE_MAX);
	}
	return xrealloc(ptr, n * size);
}

char *
xstrdup(const char *s)
{
	if (!s) {
		return NULL;
	}
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	if (!s) {
		return NULL;
	}
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		die_oom(0);
	}
	char *p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
