/* SPDX-License-Identifier: MIT */
#ifndef XMLW_H
#define XMLW_H

#include <libxml/xmlwriter.h>
#include <stddef.h>

#include "wirefeed/datetime.h"
#include "wirefeed/status.h"
#include "buf.h"

/*
 * A thin layer over libxml2's xmlTextWriter for the documents wirefeed
 * writes (feeds, records). Errors are sticky: calls after the first
 * failure do nothing and xmlw_finish() reports it, so writers read as a
 * straight list of elements. Every text and attribute value passes
 * through wf_text_sanitize(), so nothing written can break well-formedness.
 * Names are qualified names ("dc:creator"); namespaces are declared with
 * xmlw_attr(x, "xmlns:dc", ...).
 */
struct xmlw {
	struct buf out; /* what the writer flushed so far */
	struct buf scratch; /* the text being written, escaped */
	xmlTextWriterPtr writer;
	int failed;
};

/**
 * @len bytes of element text into @out (emptied first), escaped exactly as
 * xmlTextWriterWriteString() escapes text inside an element (libxml2's
 * xmlEncodeSpecialChars: < > & " and CR as references; attribute values
 * and text outside any element are another matter), found sixteen bytes
 * at a time.
 */
WF_MUST_CHECK enum wf_status
xmlw_escape_text(struct buf *out, const char *text, size_t len);

/** Start a UTF-8 document indented by two spaces. */
void
xmlw_begin(struct xmlw *x);
void
xmlw_start(struct xmlw *x, const char *name);
/** Attribute; a NULL @value writes nothing. */
void
xmlw_attr(struct xmlw *x, const char *name, const char *value);
void
xmlw_text(struct xmlw *x, const char *text);
void
xmlw_end(struct xmlw *x);
/** <name>text</name>; a NULL @text writes nothing. */
void
xmlw_element(struct xmlw *x, const char *name, const char *text);
/** <name>RFC 3339 time</name>. */
void
xmlw_time_element(struct xmlw *x, const char *name, struct wf_time t);
/**
 * End the document. On success *out is a heap NUL-terminated copy of the
 * bytes (free() it) and *len its length; WF_ERR_XML if anything failed.
 * Frees the writer either way.
 */
WF_MUST_CHECK enum wf_status
xmlw_finish(struct xmlw *x, char **out, size_t *len);

#endif
