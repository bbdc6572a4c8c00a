/* SPDX-License-Identifier: MIT */
#ifndef DIGEST_H
#define DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "wirefeed/datetime.h"

/*
 * A running 64-bit digest of a sequence of fields, built on hash64: for
 * telling whether everything a rendering reads is what it was (change
 * detection, not security). Strings are framed by their length and NULL
 * differs from "", so no two field sequences run together.
 */
struct digest {
	uint64_t h;
};

void
digest_init(struct digest *d);

void
digest_u64(struct digest *d, uint64_t v);

void
digest_str(struct digest *d, const char *s);

void
digest_time(struct digest *d, struct wf_time t);

#endif
