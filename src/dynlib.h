/* SPDX-License-Identifier: MIT */
#ifndef WIREFEED_DYNLIB_H
#define WIREFEED_DYNLIB_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Libraries only some commands need (libmicrohttpd for `serve`, libcurl
 * for WebSub pings) are opened when first used, not linked: together they
 * pull in some thirty shared objects (TLS, Kerberos, LDAP, ...) whose
 * loading and constructors cost every `wirefeed show` about 12 ms
 * (bench/store-bench). systemd opens its optional libraries the same way.
 *
 * Each user lists its symbols as { "name", &pointer } and calls
 * wf_dynlib_open() once (it is not thread-safe: wrap it in pthread_once).
 * The pointers are declared with the library's own prototypes, so calls
 * through them are type-checked against its header.
 */
struct wf_dynlib_symbol {
	const char *name;
	void **pointer; /* filled with the address of @name */
};

/**
 * dlopen() @soname (the exact SONAME the headers were built against) and
 * resolve every symbol. False, with @why ("libcurl.so.4: cannot open
 * shared object file...", static storage or @why_buf), when the library or
 * any symbol is missing; the pointers are then untouched.
 */
bool
wf_dynlib_open(const char *soname, const struct wf_dynlib_symbol *symbols,
	       size_t n, char *why_buf, size_t why_size);

#endif
