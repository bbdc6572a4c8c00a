/* SPDX-License-Identifier: MIT */
#include "xmlw.h"

#include <stdlib.h>
#include <string.h>

#include "wirefeed/text.h"
#include "mem.h"

#define X(s) ((const xmlChar *)(s))

void
xmlw_begin(struct xmlw *x)
{
	x->buffer = xmlBufferCreate();
	x->writer = x->buffer ? xmlNewTextWriterMemory(x->buffer, 0) : NULL;
	x->failed = x->writer == NULL;
	if (x->failed) {
		return;
	}
	xmlTextWriterSetIndent(x->writer, 1);
	xmlTextWriterSetIndentString(x->writer, X("  "));
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
	char *clean = wf_text_sanitize(value, strlen(value));
	x->failed = xmlTextWriterWriteAttribute(x->writer, X(name),
						X(clean)) < 0;
	free(clean);
}

void
xmlw_text(struct xmlw *x, const char *text)
{
	if (x->failed || !text) {
		return;
	}
	char *clean = wf_text_sanitize(text, strlen(text));
	x->failed = xmlTextWriterWriteString(x->writer, X(clean)) < 0;
	free(clean);
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
		xmlFreeTextWriter(x->writer); /* flushes into the buffer */
	}
	enum wf_status st = WF_ERR_XML;
	if (!x->failed && x->buffer) {
		size_t n = (size_t)xmlBufferLength(x->buffer);
		char *s = xmalloc(n + 1);
		memcpy(s, xmlBufferContent(x->buffer), n);
		s[n] = '\0';
		*out = s;
		if (len) {
			*len = n;
		}
		st = WF_OK;
	}
	if (x->buffer) {
		xmlBufferFree(x->buffer);
	}
	x->buffer = NULL;
	x->writer = NULL;
	return st;
}
