/* SPDX-License-Identifier: MIT */
#include "sha256.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t
rotr(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static void
compress(uint32_t state[8], const unsigned char block[64])
{
	uint32_t w[64];
	for (int i = 0; i < 16; i++) {
		w[i] = (uint32_t)block[i * 4] << 24 |
		       (uint32_t)block[i * 4 + 1] << 16 |
		       (uint32_t)block[i * 4 + 2] << 8 | block[i * 4 + 3];
	}
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^
			      (w[i - 15] >> 3);
		uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^
			      (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
	uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
	for (int i = 0; i < 64; i++) {
		uint32_t s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
		uint32_t ch = (e & f) ^ (~e & g);
		uint32_t t1 = h + s1 + ch + K[i] + w[i];
		uint32_t s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
		uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
		uint32_t t2 = s0 + maj;
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	state[0] += a;
	state[1] += b;
	state[2] += c;
	state[3] += d;
	state[4] += e;
	state[5] += f;
	state[6] += g;
	state[7] += h;
}

/* ---- x86-64 SHA extensions ----------------------------------------------
 * The same compression with the CPU's SHA-256 instructions (Intel SHA
 * extensions, on x86-64 CPUs since 2016-17): about 8 times faster, which
 * matters for the ETag of every feed a rebuild changes. Chosen at run
 * time; tests/test_sha256.c runs on each (sha256_generic forces the
 * portable one) against FIPS vectors and sha256sum. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#include <stdatomic.h>

#define SHA_NI_TARGET __attribute__((target("sha,sse4.1,ssse3")))

SHA_NI_TARGET static void
compress_ni(uint32_t state[8], const unsigned char *data, size_t blocks)
{
	/* state as the instructions hold it: ABEF and CDGH */
	__m128i abcd = _mm_loadu_si128((const __m128i *)(const void *)&state[0]);
	__m128i efgh = _mm_loadu_si128((const __m128i *)(const void *)&state[4]);
	abcd = _mm_shuffle_epi32(abcd, 0xB1);           /* B A D C */
	efgh = _mm_shuffle_epi32(efgh, 0x1B);           /* H G F E */
	__m128i abef = _mm_alignr_epi8(abcd, efgh, 8);  /* F E B A */
	__m128i cdgh = _mm_blend_epi16(efgh, abcd, 0xF0); /* H G D C */
	/* big-endian words */
	const __m128i swap = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5,
					  6, 7, 0, 1, 2, 3);
	for (; blocks > 0; blocks--, data += 64) {
		__m128i abef_in = abef, cdgh_in = cdgh;
		__m128i w[4];
		for (int j = 0; j < 4; j++) {
			w[j] = _mm_shuffle_epi8(
				_mm_loadu_si128((const __m128i *)(const void *)(data + 16 * j)),
				swap);
		}
		for (int j = 0; j < 16; j++) {
			if (j >= 4) {
				/* W[j] from W[j-4], W[j-3], W[j-2], W[j-1] */
				__m128i t = _mm_sha256msg1_epu32(w[j & 3],
								 w[(j - 3) & 3]);
				t = _mm_add_epi32(t, _mm_alignr_epi8(w[(j - 1) & 3],
								     w[(j - 2) & 3], 4));
				w[j & 3] = _mm_sha256msg2_epu32(t, w[(j - 1) & 3]);
			}
			__m128i m = _mm_add_epi32(
				w[j & 3],
				_mm_loadu_si128((const __m128i *)(const void *)&K[4 * j]));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, m);
			m = _mm_shuffle_epi32(m, 0x0E);
			abef = _mm_sha256rnds2_epu32(abef, cdgh, m);
		}
		abef = _mm_add_epi32(abef, abef_in);
		cdgh = _mm_add_epi32(cdgh, cdgh_in);
	}
	__m128i feba = _mm_shuffle_epi32(abef, 0x1B);
	__m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
	abcd = _mm_blend_epi16(feba, dchg, 0xF0);
	efgh = _mm_alignr_epi8(dchg, feba, 8);
	_mm_storeu_si128((__m128i *)(void *)&state[0], abcd);
	_mm_storeu_si128((__m128i *)(void *)&state[4], efgh);
}

static bool
cpu_has_sha_ni(void)
{
	/* 0 unknown, 1 no, 2 yes: racing first calls store the same value */
	static atomic_int known;
	int k = atomic_load_explicit(&known, memory_order_relaxed);
	if (k == 0) {
		unsigned a, b, c, d;
		bool sha = __get_cpuid_count(7, 0, &a, &b, &c, &d) &&
			   (b & (1u << 29));
		bool sse41 = __get_cpuid(1, &a, &b, &c, &d) &&
			     (c & (1u << 19)) && (c & (1u << 9));
		k = sha && sse41 && !getenv("WF_SHA256_GENERIC") ? 2 : 1;
		atomic_store_explicit(&known, k, memory_order_relaxed);
	}
	return k == 2;
}
#endif

static void
compress_blocks(uint32_t state[8], const unsigned char *data, size_t blocks)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
	if (cpu_has_sha_ni()) {
		compress_ni(state, data, blocks);
		return;
	}
#endif
	for (; blocks > 0; blocks--, data += 64) {
		compress(state, data);
	}
}

void
sha256_init(struct sha256 *ctx)
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372,
					0xa54ff53a, 0x510e527f, 0x9b05688c,
					0x1f83d9ab, 0x5be0cd19 };
	memcpy(ctx->state, iv, sizeof(iv));
	ctx->total_len = 0;
	ctx->block_len = 0;
}

void
sha256_update(struct sha256 *ctx, const void *data, size_t len)
{
	const unsigned char *p = data;
	ctx->total_len += len;
	if (ctx->block_len) {
		size_t take = 64 - ctx->block_len;
		if (take > len) {
			take = len;
		}
		memcpy(ctx->block + ctx->block_len, p, take);
		ctx->block_len += take;
		p += take;
		len -= take;
		if (ctx->block_len == 64) {
			compress_blocks(ctx->state, ctx->block, 1);
			ctx->block_len = 0;
		}
	}
	if (len >= 64) {
		compress_blocks(ctx->state, p, len / 64);
		p += len / 64 * 64;
		len %= 64;
	}
	if (len) {
		memcpy(ctx->block, p, len);
		ctx->block_len = len;
	}
}

void
sha256_final(struct sha256 *ctx, unsigned char digest[32])
{
	uint64_t bits = ctx->total_len * 8;
	unsigned char pad[72] = { 0x80 };
	size_t pad_len = (ctx->block_len < 56 ? 56 : 120) - ctx->block_len;
	for (int i = 0; i < 8; i++) {
		pad[pad_len + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
	}
	sha256_update(ctx, pad, pad_len + 8);
	for (int i = 0; i < 8; i++) {
		digest[i * 4] = (unsigned char)(ctx->state[i] >> 24);
		digest[i * 4 + 1] = (unsigned char)(ctx->state[i] >> 16);
		digest[i * 4 + 2] = (unsigned char)(ctx->state[i] >> 8);
		digest[i * 4 + 3] = (unsigned char)ctx->state[i];
	}
}

void
sha256_hex(const void *data, size_t len, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	struct sha256 ctx;
	unsigned char d[32];
	sha256_init(&ctx);
	sha256_update(&ctx, data, len);
	sha256_final(&ctx, d);
	for (int i = 0; i < 32; i++) {
		hex[i * 2] = digits[d[i] >> 4];
		hex[i * 2 + 1] = digits[d[i] & 15];
	}
	hex[64] = '\0';
}
