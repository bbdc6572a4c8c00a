/* SPDX-License-Identifier: MIT */
#include "xmlw.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "wirefeed/text.h"
#include "mem.h"

#define X(s) ((const xmlChar *)(s))

/* The writer's output, straight into x->out: no intermediate xmlBuffer. */
static int
append_output(void *ctx, const char *data, int len)
{
	struct buf *b = ctx;
	return buf_append(b, data, (size_t)len) == WF_OK ? len : -1;
}

/* The length of the run at @p that needs no escaping. */
static size_t
plain_run(const unsigned char *p, size_t len)
{
	size_t i = 0;
#if defined(__SSE2__)
	const __m128i lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>'),
		      amp = _mm_set1_epi8('&'), quot = _mm_set1_epi8('"'),
		      cr = _mm_set1_epi8('\r');
	while (len - i >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		__m128i hit = _mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(v, lt), _mm_cmpeq_epi8(v, gt)),
			_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, amp),
						  _mm_cmpeq_epi8(v, quot)),
				     _mm_cmpeq_epi8(v, cr)));
		unsigned mask = (unsigned)_mm_movemask_epi8(hit);
		if (mask) {
			return i + (size_t)__builtin_ctz(mask);
		}
		i += 16;
	}
#endif
	while (i < len && p[i] != '<' && p[i] != '>' && p[i] != '&' &&
	       p[i] != '"' && p[i] != '\r') {
		i++;
	}
	return i;
}

enum wf_status
xmlw_escape_text(struct buf *out, const char *text, size_t len)
{
	static const char *const entity[UCHAR_MAX + 1] = {
		['<'] = "&lt;", ['>'] = "&gt;", ['&'] = "&amp;",
		['"'] = "&quot;", ['\r'] = "&#13;",
	};
	const unsigned char *p = (const unsigned char *)text;
	buf_reset(out);
	/* markup escaped for XML grows by about a fifth */
	enum wf_status st = buf_reserve(out, len + len / 4 + 16);
	for (size_t i = 0; st == WF_OK && i < len;) {
		size_t run = plain_run(p + i, len - i);
		st = buf_append(out, text + i, run);
		i += run;
		if (st == WF_OK && i < len) {
			st = buf_append_str(out, entity[p[i++]]);
		}
	}
	return st;
}

void
xmlw_begin(struct xmlw *x)
{
	/* an entry is a few kilobytes: most need no growing */
	buf_init(&x->out, (size_t)INT_MAX);
	buf_init(&x->scratch, (size_t)INT_MAX);
	x->failed = buf_reserve(&x->out, 16384) != WF_OK;
	xmlOutputBufferPtr out =
		x->failed ? NULL
			  : xmlOutputBufferCreateIO(append_output, NULL,
						    &x->out, NULL);
	x->writer = out ? xmlNewTextWriter(out) : NULL;
	if (!x->writer) {
		if (out) {
			xmlOutputBufferClose(out);
		}
		x->failed = 1;
		return;
	}
	xmlTextWriterSetIndent(x->writer, 1);
	xmlTextWriterSetIndentString(x->writer, X("  "));
	/* the declared encoding is also what lets attribute values keep
	 * their UTF-8: without it libxml2 writes "&#xC9;" for "É" */
	x->failed = xmlTextWriterStartDocument(x->writer, "1.0", "UTF-8",
					       NULL) < 0;
}

void
xmlw_start(struct xmlw *x, const char *name)
{
	if (!x->failed) {
		x->failed = xmlTextWriterStartElement(x->writer, X(name)) < 0;
	}
}

void
xmlw_attr(struct xmlw *x, const char *name, const char *value)
{
	if (x->failed || !value) {
		return;
	}
	char *owned;
	const char *clean = wf_text_safe(value, strlen(value), &owned);
	x->failed = xmlTextWriterWriteAttribute(x->writer, X(name),
						X(clean)) < 0;
	free(owned);
}

void
xmlw_text(struct xmlw *x, const char *text)
{
	if (x->failed || !text) {
		return;
	}
	char *owned;
	size_t len = strlen(text);
	const char *clean = wf_text_safe(text, len, &owned);
	len = owned ? strlen(owned) : len;
	x->failed = xmlw_escape_text(&x->scratch, clean, len) != WF_OK ||
		    xmlTextWriterWriteRawLen(x->writer, X(x->scratch.data),
					     (int)x->scratch.len) < 0;
	free(owned);
}

void
xmlw_end(struct xmlw *x)
{
	if (!x->failed) {
		x->failed = xmlTextWriterEndElement(x->writer) < 0;
	}
}

void
xmlw_element(struct xmlw *x, const char *name, const char *text)
{
	if (!text) {
		return;
	}
	xmlw_start(x, name);
	xmlw_text(x, text);
	xmlw_end(x);
}

void
xmlw_time_element(struct xmlw *x, const char *name, struct wf_time t)
{
	char buf[WF_TIME_RFC3339_MAX];
	wf_time_format_rfc3339(t, buf, sizeof(buf));
	xmlw_element(x, name, buf);
}

enum wf_status
xmlw_finish(struct xmlw *x, char **out, size_t *len)
{
	if (!x->failed) {
		x->failed = xmlTextWriterEndDocument(x->writer) < 0;
	}
	if (x->writer) {
		xmlFreeTextWriter(x->writer); /* flushes into x->out */
	}
	x->writer = NULL;
	buf_finish(&x->scratch);
	if (x->failed) {
		buf_finish(&x->out);
		return WF_ERR_XML;
	}
	size_t n = 0;
	char *doc = buf_take(&x->out, &n);
	*out = xrealloc(doc, n + 1); /* the reserve's slack back, in place */
	if (len) {
		*len = n;
	}
	return WF_OK;
}
