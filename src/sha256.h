/* SPDX-License-Identifier: MIT */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>
#include <stdint.h>

/* SHA-256 (FIPS 180-4), for ETags and the build index's content hashes. */

struct sha256 {
	uint32_t state[8];
	uint64_t total_len;
	unsigned char block[64];
	size_t block_len;
};

void
sha256_init(struct sha256 *ctx);
void
sha256_update(struct sha256 *ctx, const void *data, size_t len);
void
sha256_final(struct sha256 *ctx, unsigned char digest[32]);
/** One-shot: lowercase hex of the digest into @hex (65 bytes). */
void
sha256_hex(const void *data, size_t len, char hex[65]);

#endif
