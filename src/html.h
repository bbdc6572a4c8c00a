/* SPDX-License-Identifier: MIT */
#ifndef HTML_H
#define HTML_H

#include "buf.h"

/* Helpers for the HTML wirefeed writes (entry bodies, the index page).
 * Buffers passed here are unbounded (buf_init(b, SIZE_MAX)). */

/** Append @s with & < > " ' escaped; invalid UTF-8 and XML-forbidden
 * characters are replaced or dropped first. */
void
html_escape(struct buf *b, const char *s);
/** Append @s as it is (trusted markup). */
void
html_raw(struct buf *b, const char *s);

#endif
