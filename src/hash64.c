/* SPDX-License-Identifier: MIT */
#include "hash64.h"

#include <stdio.h>
#include <string.h>

/* the 64-bit finalizer of MurmurHash3 (a published avalanche mix) */
static uint64_t
mix(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64_C(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return x;
}

static uint64_t
rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

uint64_t
hash64(const void *data, size_t len)
{
	const unsigned char *p = data;
	const uint64_t k = UINT64_C(0x9e3779b97f4a7c15);
	uint64_t h = k ^ (uint64_t)len;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = rotl(h ^ mix(w), 29) * k + UINT64_C(0x632be59bd9b4e019);
	}
	uint64_t tail = 0;
	memcpy(&tail, p + i, len - i);
	h ^= mix(tail ^ (uint64_t)(len - i));
	return mix(h);
}

void
hash64_hex(const void *data, size_t len, char out[17])
{
	snprintf(out, 17, "%016llx", (unsigned long long)hash64(data, len));
}
