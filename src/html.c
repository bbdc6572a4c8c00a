/* SPDX-License-Identifier: MIT */
#include "html.h"

#include <stdlib.h>
#include <string.h>

#include "wirefeed/text.h"

void
html_raw(struct buf *b, const char *s)
{
	enum wf_status st = buf_append_str(b, s);
	(void)st; /* unbounded buffer: cannot fail (allocation aborts) */
}

void
html_escape(struct buf *b, const char *s)
{
	char *owned;
	const char *clean = wf_text_safe(s, strlen(s), &owned);
	for (const char *p = clean; *p; p++) {
		switch (*p) {
		case '&': html_raw(b, "&amp;"); break;
		case '<': html_raw(b, "&lt;"); break;
		case '>': html_raw(b, "&gt;"); break;
		case '"': html_raw(b, "&quot;"); break;
		case '\'': html_raw(b, "&#39;"); break;
		default: {
			enum wf_status st = buf_append(b, p, 1);
			(void)st;
			break;
		}
		}
	}
	free(owned);
}
