/* SPDX-License-Identifier: MIT */
#include "gzip.h"

#include <stdint.h>
#include <stdlib.h>
#include <zlib.h>

#include "mem.h"

enum wf_status
gzip_compress(const void *data, size_t len, char **out, size_t *out_len)
{
	z_stream z = { 0 };
	/* 15 window bits + 16: gzip wrapper; level 9: compressed once per
	 * feed version, sent many times */
	if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9,
			 Z_DEFAULT_STRATEGY) != Z_OK) {
		return WF_ERR_IO;
	}
	uLong bound = deflateBound(&z, (uLong)len);
	unsigned char *buf = xmalloc(bound);
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = buf;
	z.avail_out = (uInt)bound;
	int rc = deflate(&z, Z_FINISH);
	size_t n = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(buf);
		return WF_ERR_IO;
	}
	*out = (char *)buf;
	*out_len = n;
	return WF_OK;
}
