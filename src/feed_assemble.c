/* SPDX-License-Identifier: MIT */
/* A feed document put together from entries rendered once: archives show
 * each story in the wire's document and in its sections' documents, in
 * three formats, and rendering it once per format instead of once per
 * document is most of an archive build's time. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wirefeed/feed.h"
#include "buf.h"
#include "media.h"

/* The last occurrence of @needle in @s, or NULL. */
static const char *
last_of(const char *s, const char *needle)
{
	const char *found = NULL;
	for (const char *p = s; (p = strstr(p, needle)) != NULL; p++) {
		found = p;
	}
	return found;
}

enum wf_status
wf_feed_frame(enum wf_feed_format format, const struct wf_feed_spec *spec,
	      char **out, size_t *len, size_t *at)
{
	struct wf_feed_spec empty = *spec;
	empty.declare_media = media_is_used(spec);
	empty.entries = NULL;
	empty.n_entries = 0;
	char *doc = NULL;
	size_t doc_len = 0;
	enum wf_status st;
	/* where the entries go in the document without entries: before the
	 * root's (channel's) end tag; in JSON, inside "items":[\n ... ]}\n */
	const char *close;
	switch (format) {
	case WF_FEED_ATOM:
		st = wf_atom_write(&empty, &doc, &doc_len);
		close = "</feed>";
		break;
	case WF_FEED_RSS:
		st = wf_rss_write(&empty, &doc, &doc_len);
		close = "  </channel>";
		break;
	default:
		st = wf_json_write(&empty, &doc, &doc_len);
		close = "]}\n";
		break;
	}
	if (st != WF_OK) {
		return st;
	}
	const char *where = last_of(doc, close);
	if (!where) {
		free(doc);
		return WF_ERR_XML;
	}
	*out = doc;
	*len = doc_len;
	*at = (size_t)(where - doc);
	return WF_OK;
}

enum wf_status
wf_feed_assemble(enum wf_feed_format format, const struct wf_feed_spec *spec,
		 const char *const *fragments, const size_t *lens, size_t n,
		 char **out, size_t *len)
{
	char *doc = NULL;
	size_t doc_len = 0, at = 0;
	enum wf_status st = wf_feed_frame(format, spec, &doc, &doc_len, &at);
	if (st != WF_OK) {
		return st;
	}
	struct buf b;
	buf_init(&b, SIZE_MAX);
	st = buf_append(&b, doc, at);
	for (size_t i = 0; st == WF_OK && i < n; i++) {
		st = buf_append(&b, fragments[i], lens[i]);
		if (st == WF_OK && format == WF_FEED_JSON) {
			st = buf_append_str(&b, wf_feed_separator(format, i, n));
		}
	}
	if (st == WF_OK) {
		st = buf_append(&b, doc + at, doc_len - at);
	}
	free(doc);
	if (st != WF_OK) {
		buf_finish(&b);
		return st;
	}
	*out = buf_take(&b, len);
	return WF_OK;
}

const char *
wf_feed_separator(enum wf_feed_format format, size_t i, size_t n)
{
	if (format != WF_FEED_JSON) {
		return "";
	}
	return i + 1 < n ? ",\n" : "\n";
}
