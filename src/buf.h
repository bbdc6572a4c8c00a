/* SPDX-License-Identifier: MIT */
#ifndef BUF_H
#define BUF_H

#include <stdbool.h>
#include <stddef.h>

#include "wirefeed/status.h"

/*
 * A growable byte buffer with a hard cap (like curl's dynbuf). Always
 * NUL-terminated after a successful append, so .data can be used as a
 * C string when the content has no NUL. A zeroed struct is NOT ready: use
 * buf_init() to set the cap.
 */
struct buf {
	char *data;
	size_t len;
	size_t cap;       /* allocated */
	size_t max_bytes; /* limit on len */
};

void
buf_init(struct buf *b, size_t max_bytes);
/** Frees the storage; the buf can be reused after buf_init(). */
void
buf_finish(struct buf *b);
/** Empty the buffer, keep storage and limit. */
void
buf_reset(struct buf *b);
/** Room for @extra more bytes (and the NUL) without growing again. */
WF_MUST_CHECK enum wf_status
buf_reserve(struct buf *b, size_t extra);
WF_MUST_CHECK enum wf_status
buf_append(struct buf *b, const void *data, size_t len);
WF_MUST_CHECK enum wf_status
buf_append_str(struct buf *b, const char *s);
WF_MUST_CHECK enum wf_status
buf_printf(struct buf *b, const char *fmt, ...) WF_PRINTF(2, 3);
/** Hand the storage to the caller (free() it) and reset @b; never NULL. */
char *
buf_take(struct buf *b, size_t *len);

/** Read a whole file into @b (limit applies). errno text goes to @diag. */
WF_MUST_CHECK enum wf_status
buf_read_file(struct buf *b, const char *path, struct wf_diag *diag);

#endif
