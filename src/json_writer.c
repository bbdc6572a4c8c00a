/* SPDX-License-Identifier: MIT */
/* JSON Feed 1.1 documents (https://jsonfeed.org/version/1.1) over jansson:
 * the same entries, ids and times as the Atom writer, from the same spec. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wirefeed/feed.h"
#include "wirefeed/text.h"
#include "buf.h"
#include "mem.h"

#define JSONFEED_VERSION "https://jsonfeed.org/version/1.1"
/* JSON Feed §"Extensions": an object whose key starts with '_', with an
 * "about" URL describing it */
#define EXTENSION_ABOUT "https://wirefeed.dev/ns/jsonfeed/1.0"

/* A JSON string from any bytes: invalid UTF-8 replaced, control and
 * XML-forbidden characters dropped (the same text the XML feeds carry);
 * jansson escapes the rest. NULL stays absent. */
static json_t *
jstr(const char *s)
{
	if (!s) {
		return NULL;
	}
	char *owned;
	const char *clean = wf_text_safe(s, strlen(s), &owned);
	json_t *j = json_stringn_nocheck(clean, strlen(clean));
	free(owned);
	return j;
}

static json_t *
jtime(struct wf_time t)
{
	char buf[WF_TIME_RFC3339_MAX];
	wf_time_format_rfc3339(t, buf, sizeof(buf));
	return json_string_nocheck(buf);
}

/* Set @key when @value is present; takes the reference. */
static void
put(json_t *obj, const char *key, json_t *value)
{
	if (value) {
		json_object_set_new_nocheck(obj, key, value);
	}
}

static json_t *
author(const char *name, const char *url)
{
	json_t *a = json_object();
	put(a, "name", jstr(name));
	put(a, "url", jstr(url));
	return a;
}

static json_t *
item(const struct wf_feed_spec *spec, const struct wf_article *a)
{
	json_t *it = json_object();
	put(it, "id", jstr(a->id));
	put(it, "url", jstr(a->link));
	put(it, "title", jstr(a->title));
	char *html = wf_feed_entry_html(a);
	put(it, "content_html", jstr(html));
	free(html);
	put(it, "summary", jstr(a->summary));
	if (a->image && strncmp(a->image->type, "image/", 6) == 0) {
		put(it, "image", jstr(a->image->url));
	}
	put(it, "date_published", jtime(a->published));
	put(it, "date_modified", jtime(a->updated));
	json_t *authors = json_array();
	for (size_t i = 0; i < a->n_authors; i++) {
		json_array_append_new(authors, author(a->authors[i].name,
						      a->authors[i].uri));
	}
	if (a->n_authors == 0) {
		json_array_append_new(authors,
				      author(spec->default_author, NULL));
	}
	put(it, "authors", authors);
	if (a->n_sections > 0) {
		json_t *tags = json_array();
		for (size_t i = 0; i < a->n_sections; i++) {
			const struct wf_section_ref *s = &a->sections[i];
			json_array_append_new(tags,
					      jstr(s->label ? s->label : s->term));
		}
		put(it, "tags", tags);
	}
	if (a->image) {
		json_t *att = json_object();
		put(att, "url", jstr(a->image->url));
		put(att, "mime_type", jstr(a->image->type));
		put(att, "title", jstr(a->image->caption));
		if (a->image->length > 0) {
			put(att, "size_in_bytes", json_integer(a->image->length));
		}
		json_t *list = json_array();
		json_array_append_new(list, att);
		put(it, "attachments", list);
	}
	/* what JSON Feed has no field for, for clients that want it */
	json_t *ext = json_object();
	put(ext, "about", json_string_nocheck(EXTENSION_ABOUT));
	if (a->n_sections > 0) {
		json_t *terms = json_array();
		for (size_t i = 0; i < a->n_sections; i++) {
			json_array_append_new(terms, jstr(a->sections[i].term));
		}
		put(ext, "sections", terms);
	}
	if (a->n_corrections > 0) {
		json_t *list = json_array();
		for (size_t i = 0; i < a->n_corrections; i++) {
			json_t *c = json_object();
			put(c, "date", jtime(a->corrections[i].time));
			put(c, "text", jstr(a->corrections[i].text));
			json_array_append_new(list, c);
		}
		put(ext, "corrections", list);
	}
	put(ext, "rights", jstr(a->rights));
	if (json_object_size(ext) > 1) {
		put(it, "_wirefeed", ext);
	} else {
		json_decref(ext);
	}
	return it;
}

static json_t *
dir_url(const char *dir)
{
	if (!dir) {
		return NULL;
	}
	char *url = xasprintf("%sfeed.json", dir);
	json_t *j = jstr(url);
	free(url);
	return j;
}

/* The feed-level extension: RFC 5005's archive links and the withdrawn
 * stories (RFC 6721's tombstones), which JSON Feed has no words for. */
static json_t *
feed_extension(const struct wf_feed_spec *spec)
{
	json_t *ext = json_object();
	put(ext, "about", json_string_nocheck(EXTENSION_ABOUT));
	if (spec->is_archive) {
		put(ext, "archive", json_true());
	}
	put(ext, "current", dir_url(spec->archive_current));
	put(ext, "prev_archive", dir_url(spec->archive_prev));
	put(ext, "next_archive", dir_url(spec->archive_next));
	if (spec->n_withdrawn > 0) {
		json_t *list = json_array();
		for (size_t i = 0; i < spec->n_withdrawn; i++) {
			const struct wf_article *a = spec->withdrawn[i];
			json_t *w = json_object();
			put(w, "id", jstr(a->id));
			put(w, "date_withdrawn", jtime(a->withdrawn_at));
			put(w, "reason", jstr(a->withdrawn_reason));
			put(w, "by", jstr(spec->tombstone_by));
			json_array_append_new(list, w);
		}
		put(ext, "withdrawn", list);
	}
	if (json_object_size(ext) == 1) {
		json_decref(ext);
		return NULL;
	}
	return ext;
}

#define DUMP_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER)

enum wf_status
wf_json_write_entry(const struct wf_feed_spec *spec,
		    const struct wf_article *a, char **out, size_t *len)
{
	json_t *it = item(spec, a);
	/* json_dumpb() into a buffer most entries fit, instead of
	 * json_dumps() growing its own one step at a time */
	size_t cap = 16384;
	char *text = xmalloc(cap);
	size_t n = json_dumpb(it, text, cap - 1, DUMP_FLAGS);
	if (n >= cap - 1) {
		cap = n + 1;
		text = xrealloc(text, cap);
		n = json_dumpb(it, text, cap - 1, DUMP_FLAGS);
	}
	json_decref(it);
	if (n == 0 || n >= cap) {
		free(text);
		return WF_ERR_INVALID;
	}
	text[n] = '\0';
	*out = xrealloc(text, n + 1); /* shrinks in place */
	if (len) {
		*len = n;
	}
	return WF_OK;
}

/* The layout: the feed object compact on one line, then "items" with one
 * compact item per line, so a document can be assembled from items
 * rendered once (wf_feed_assemble()) with the same bytes. */
enum wf_status
wf_json_write(const struct wf_feed_spec *spec, char **out, size_t *len)
{
	json_t *feed = json_object();
	put(feed, "version", json_string_nocheck(JSONFEED_VERSION));
	put(feed, "title", jstr(spec->title));
	put(feed, "home_page_url", jstr(spec->site_url));
	put(feed, "feed_url", jstr(spec->json_url));
	put(feed, "description", jstr(spec->subtitle));
	/* JSON Feed's pagination: next_url holds the older items, which is
	 * what RFC 5005's prev-archive is */
	put(feed, "next_url", dir_url(spec->archive_prev));
	json_t *authors = json_array();
	json_array_append_new(authors, author(spec->default_author, NULL));
	put(feed, "authors", authors);
	put(feed, "language", jstr(spec->language));
	put(feed, "_wirefeed", feed_extension(spec));
	/* insertion order is kept (jansson >= 2.8): deterministic bytes */
	char *head = json_dumps(feed, DUMP_FLAGS);
	json_decref(feed);
	if (!head) {
		return WF_ERR_INVALID;
	}
	struct buf b;
	buf_init(&b, SIZE_MAX);
	enum wf_status st = buf_append(&b, head, strlen(head) - 1); /* no '}' */
	free(head);
	st = st == WF_OK ? buf_append_str(&b, ",\"items\":[\n") : st;
	for (size_t i = 0; st == WF_OK && i < spec->n_entries; i++) {
		char *text = NULL;
		size_t n = 0;
		st = wf_json_write_entry(spec, spec->entries[i], &text, &n);
		if (st == WF_OK) {
			st = buf_append(&b, text, n);
			free(text);
		}
		if (st == WF_OK) {
			st = buf_append_str(&b, i + 1 < spec->n_entries ? ",\n"
									: "\n");
		}
	}
	st = st == WF_OK ? buf_append_str(&b, "]}\n") : st;
	if (st != WF_OK) {
		buf_finish(&b);
		return st;
	}
	*out = buf_take(&b, len);
	return WF_OK;
}
