/* SPDX-License-Identifier: MIT */
#ifndef GZIP_H
#define GZIP_H

#include <stddef.h>

#include "wirefeed/status.h"

/**
 * Compress @len bytes at @data into a gzip member (RFC 1952) with no
 * file name and mtime 0, so equal input gives equal output with a given
 * zlib. *out is heap (free() it).
 */
WF_MUST_CHECK enum wf_status
gzip_compress(const void *data, size_t len, char **out, size_t *out_len);

#endif
