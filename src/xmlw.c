/* SPDX-License-Identifier: MIT */
#include "xmlw.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

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

void
xmlw_begin(struct xmlw *x)
{
	/* an entry is a few kilobytes: most need no growing */
	buf_init(&x->out, (size_t)INT_MAX);
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
	const char *clean = wf_text_safe(text, strlen(text), &owned);
	x->failed = xmlTextWriterWriteString(x->writer, X(clean)) < 0;
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
