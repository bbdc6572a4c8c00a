/* SPDX-License-Identifier: MIT */
#include "digest.h"

#include <string.h>

#include "hash64.h"

void
digest_init(struct digest *d)
{
	d->h = 0x9e3779b97f4a7c15u;
}

void
digest_u64(struct digest *d, uint64_t v)
{
	/* order matters: a, b differs from b, a */
	uint64_t x = (d->h ^ v) * 0xff51afd7ed558ccdu;
	d->h = (x ^ (x >> 33)) * 0xc4ceb9fe1a85ec53u + 0x165667b19e3779f9u;
}

void
digest_str(struct digest *d, const char *s)
{
	if (!s) {
		digest_u64(d, 0);
		return;
	}
	size_t len = strlen(s);
	digest_u64(d, (uint64_t)len + 1);
	digest_u64(d, hash64(s, len));
}

void
digest_time(struct digest *d, struct wf_time t)
{
	digest_u64(d, (uint64_t)t.utc);
	digest_u64(d, (uint64_t)(uint32_t)t.nsec << 32 | (uint32_t)t.offset_s);
}
