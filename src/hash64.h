/* SPDX-License-Identifier: MIT */
#ifndef HASH64_H
#define HASH64_H

#include <stddef.h>
#include <stdint.h>

/* A fast 64-bit non-cryptographic hash (8 bytes per step, multiply-xorshift
 * mixing), for change detection where SHA-256 would dominate the cost: the
 * newswire index's record digests and its own checksum. Not for anything
 * an adversary controls the outcome of. */
uint64_t
hash64(const void *data, size_t len);

/* hash64 as 16 lowercase hex digits plus NUL. */
void
hash64_hex(const void *data, size_t len, char out[17]);

#endif
