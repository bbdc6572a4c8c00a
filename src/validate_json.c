/* SPDX-License-Identifier: MIT */
/* JSON Feed 1.1 validation over jansson. jansson keeps no positions for
 * parsed values, so findings after the parse name the item (index and
 * id) in the message and carry line 0; syntax errors have their line and
 * column. */
#include "validate_json.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirefeed/text.h"
#include "mem.h"
#include "validate_format.h"

#define VERSION_1_1 "https://jsonfeed.org/version/1.1"
#define VERSION_1_0 "https://jsonfeed.org/version/1"
#define WIREFEED_EXTENSION "https://wirefeed.dev/ns/jsonfeed/1.0"

bool
validate_json_sniff(const char *data, size_t len)
{
	size_t i = 0;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		i = 3;
	}
	while (i < len && (data[i] == ' ' || data[i] == '\t' ||
			   data[i] == '\n' || data[i] == '\r')) {
		i++;
	}
	return i < len && (data[i] == '{' || data[i] == '[');
}

#define jerror(v, code, ...) \
	v_add((v), WF_SEVERITY_ERROR, 0, 0, (code), __VA_ARGS__)
#define jwarn(v, code, ...) \
	v_add((v), WF_SEVERITY_WARNING, 0, 0, (code), __VA_ARGS__)

/* A string member, or NULL; an error if present but not a string. */
static const char *
string_member(struct vctx *v, const json_t *obj, const char *key,
	      const char *where)
{
	const json_t *j = json_object_get(obj, key);
	if (!j) {
		return NULL;
	}
	if (!json_is_string(j)) {
		jerror(v, "wrong-type", "%s: \"%s\" must be a string", where,
		       key);
		return NULL;
	}
	return json_string_value(j);
}

/* A URL member: a string, and an absolute http(s) URL (a relative one is
 * allowed by JSON Feed for some fields but not resolvable in a feed
 * file, so it is a warning). */
static void
url_member(struct vctx *v, const json_t *obj, const char *key,
	   const char *where)
{
	const char *s = string_member(v, obj, key, where);
	if (!s) {
		return;
	}
	if (strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0) {
		jwarn(v, "not-absolute-iri", "%s: \"%s\" '%.80s' is not an absolute http(s) URL",
		      where, key, s);
	} else if (strpbrk(s, " <>\"{}|\\^`") != NULL) {
		jerror(v, "invalid-iri", "%s: \"%s\" '%.80s' has characters a URL may not have",
		       where, key, s);
	}
}

/* An RFC 3339 date member; *out set and true if present and valid. */
static bool
date_member(struct vctx *v, const json_t *obj, const char *key,
	    const char *where, struct wf_time *out)
{
	const char *s = string_member(v, obj, key, where);
	if (!s) {
		return false;
	}
	const char *why;
	if (wf_time_parse_rfc3339(s, out, &why) != WF_OK) {
		jerror(v, "invalid-date", "%s: \"%s\" '%.60s' is not an RFC 3339 date-time: %s",
		       where, key, s, why);
		return false;
	}
	if (v->opt->now.utc != 0 &&
	    out->utc > v->opt->now.utc + v->opt->future_tolerance_s) {
		jwarn(v, "future-date", "%s: \"%s\" is in the future", where,
		      key);
	}
	return true;
}

static void
authors_member(struct vctx *v, const json_t *obj, const char *where)
{
	if (json_object_get(obj, "author")) {
		jwarn(v, "deprecated-author", "%s: \"author\" is JSON Feed 1.0; 1.1 uses \"authors\" (an array)",
		      where);
	}
	const json_t *list = json_object_get(obj, "authors");
	if (!list) {
		return;
	}
	if (!json_is_array(list)) {
		jerror(v, "wrong-type", "%s: \"authors\" must be an array",
		       where);
		return;
	}
	size_t i;
	const json_t *a;
	json_array_foreach(list, i, a) {
		char at[160];
		snprintf(at, sizeof(at), "%s authors[%zu]", where, i);
		if (!json_is_object(a)) {
			jerror(v, "wrong-type", "%s: an author must be an object", at);
			continue;
		}
		if (!json_object_get(a, "name") && !json_object_get(a, "url") &&
		    !json_object_get(a, "avatar")) {
			jerror(v, "empty-author", "%s: an author needs a name, url or avatar", at);
		}
		string_member(v, a, "name", at);
		url_member(v, a, "url", at);
		url_member(v, a, "avatar", at);
	}
}

/* Keys JSON Feed 1.1 defines; others must start with '_' (extensions). */
static bool
is_known(const char *key, const char *const *known)
{
	for (; *known; known++) {
		if (strcmp(key, *known) == 0) {
			return true;
		}
	}
	return false;
}

static void
keys_check(struct vctx *v, const json_t *obj, const char *const *known,
	   const char *where)
{
	const char *key;
	const json_t *val;
	json_object_foreach((json_t *)(uintptr_t)obj, key, val) {
		if (key[0] == '_') {
			if (!json_is_object(val)) {
				jerror(v, "wrong-type", "%s: extension \"%s\" must be an object",
				       where, key);
			} else if (!json_object_get(val, "about")) {
				jwarn(v, "extension-about", "%s: extension \"%s\" has no \"about\" URL",
				      where, key);
			}
		} else if (!is_known(key, known)) {
			jwarn(v, "undefined-key", "%s: \"%s\" is not a JSON Feed 1.1 key (extensions start with '_')",
			      where, key);
		}
	}
}

static const char *const FEED_KEYS[] = {
	"version", "title", "home_page_url", "feed_url", "description",
	"user_comment", "next_url", "icon", "favicon", "author", "authors",
	"language", "expired", "hubs", "items", NULL,
};
static const char *const ITEM_KEYS[] = {
	"id", "url", "external_url", "title", "content_html", "content_text",
	"summary", "image", "banner_image", "date_published", "date_modified",
	"author", "authors", "tags", "language", "attachments", NULL,
};

struct item_state {
	struct hash_set ids;
	bool ordered_feed; /* wirefeed's own: newest date_modified first */
	bool have_prev;
	struct wf_time prev_modified;
};

static void
item_check(struct vctx *v, struct item_state *st, const json_t *it, size_t i)
{
	char where[160];
	if (!json_is_object(it)) {
		snprintf(where, sizeof(where), "items[%zu]", i);
		jerror(v, "wrong-type", "%s: an item must be an object", where);
		return;
	}
	const json_t *id = json_object_get(it, "id");
	const char *id_text = json_is_string(id) ? json_string_value(id) : "";
	snprintf(where, sizeof(where), "items[%zu] (id '%.80s')", i, id_text);
	if (!id) {
		jerror(v, "missing-id", "%s: an item needs an \"id\"", where);
	} else if (json_is_integer(id) || json_is_real(id)) {
		jwarn(v, "id-not-string", "%s: \"id\" is a number; JSON Feed 1.1 ids are strings", where);
	} else if (!json_is_string(id)) {
		jerror(v, "wrong-type", "%s: \"id\" must be a string", where);
	} else if (v_is_blank(id_text)) {
		jerror(v, "not-blank", "%s: \"id\" is empty", where);
	} else if (hash_set_insert(&st->ids, v_hash(id_text), (int)i + 1)) {
		jerror(v, "duplicate-id", "%s: an earlier item has the same id; readers keep only one",
		       where);
	}
	if (!json_object_get(it, "content_html") &&
	    !json_object_get(it, "content_text")) {
		jerror(v, "missing-content", "%s: an item needs \"content_html\" or \"content_text\"",
		       where);
	}
	static const char *const strings[] = { "title", "content_html",
					       "content_text", "summary",
					       "language" };
	for (size_t k = 0; k < sizeof(strings) / sizeof(strings[0]); k++) {
		string_member(v, it, strings[k], where);
	}
	static const char *const urls[] = { "url", "external_url", "image",
					    "banner_image" };
	for (size_t k = 0; k < sizeof(urls) / sizeof(urls[0]); k++) {
		url_member(v, it, urls[k], where);
	}
	struct wf_time pub = { 0, 0, 0 }, mod = { 0, 0, 0 };
	bool has_pub = date_member(v, it, "date_published", where, &pub);
	bool has_mod = date_member(v, it, "date_modified", where, &mod);
	if (has_pub && has_mod && wf_time_compare(mod, pub) < 0) {
		jerror(v, "updated-before-published", "%s: \"date_modified\" is earlier than \"date_published\"",
		       where);
	}
	if (!json_object_get(it, "date_published")) {
		jwarn(v, "missing-date", "%s: no \"date_published\"; readers cannot order the item", where);
	}
	struct wf_time changed = has_mod ? mod : pub;
	if (st->ordered_feed && (has_mod || has_pub)) {
		if (st->have_prev && wf_time_compare(changed, st->prev_modified) > 0) {
			jwarn(v, "out-of-order", "%s: newer than the item before it (wirefeed writes newest first)",
			      where);
		}
		st->prev_modified = changed;
		st->have_prev = true;
	}
	authors_member(v, it, where);
	const json_t *tags = json_object_get(it, "tags");
	if (tags) {
		size_t k;
		const json_t *t;
		bool ok = json_is_array(tags);
		json_array_foreach(tags, k, t) {
			ok = ok && json_is_string(t);
		}
		if (!ok) {
			jerror(v, "wrong-type", "%s: \"tags\" must be an array of strings", where);
		}
	}
	const json_t *atts = json_object_get(it, "attachments");
	if (atts && !json_is_array(atts)) {
		jerror(v, "wrong-type", "%s: \"attachments\" must be an array", where);
	} else if (atts) {
		size_t k;
		const json_t *a;
		json_array_foreach(atts, k, a) {
			char at[200];
			snprintf(at, sizeof(at), "%s attachments[%zu]", where, k);
			if (!json_is_object(a)) {
				jerror(v, "wrong-type", "%s: an attachment must be an object", at);
				continue;
			}
			const char *url = string_member(v, a, "url", at);
			const char *type = string_member(v, a, "mime_type", at);
			if (!url || !type) {
				jerror(v, "missing-attribute", "%s: an attachment needs \"url\" and \"mime_type\"", at);
			}
			url_member(v, a, "url", at);
			if (type && !v_is_mime_type(type)) {
				jerror(v, "invalid-mime-type", "%s: \"mime_type\" '%.60s' is not type/subtype", at, type);
			}
			string_member(v, a, "title", at);
			const json_t *size = json_object_get(a, "size_in_bytes");
			const json_t *dur = json_object_get(a, "duration_in_seconds");
			if ((size && (!json_is_number(size) || json_number_value(size) < 0)) ||
			    (dur && (!json_is_number(dur) || json_number_value(dur) < 0))) {
				jerror(v, "invalid-integer", "%s: sizes and durations are non-negative numbers", at);
			}
		}
	}
	keys_check(v, it, ITEM_KEYS, where);
}

static void
feed_check(struct vctx *v, const json_t *feed)
{
	const json_t *version = json_object_get(feed, "version");
	if (!version) {
		jerror(v, "missing-version", "no \"version\" (JSON Feed 1.1: \"" VERSION_1_1 "\")");
	} else if (!json_is_string(version)) {
		jerror(v, "wrong-type", "\"version\" must be a string");
	} else if (strcmp(json_string_value(version), VERSION_1_0) == 0) {
		jwarn(v, "old-version", "JSON Feed 1.0; checked against 1.1's rules");
	} else if (strcmp(json_string_value(version), VERSION_1_1) != 0) {
		jerror(v, "unsupported-format", "\"version\" '%.80s' is not JSON Feed 1.1 (\"" VERSION_1_1 "\")",
		       json_string_value(version));
	}
	if (!string_member(v, feed, "title", "feed")) {
		if (!json_object_get(feed, "title")) {
			jerror(v, "missing-title", "a feed needs a \"title\"");
		}
	}
	static const char *const urls[] = { "home_page_url", "feed_url",
					    "next_url", "icon", "favicon" };
	for (size_t k = 0; k < sizeof(urls) / sizeof(urls[0]); k++) {
		url_member(v, feed, urls[k], "feed");
	}
	if (!json_object_get(feed, "feed_url")) {
		jwarn(v, "missing-self-link", "no \"feed_url\" (the feed's own URL; strongly recommended)");
	}
	if (!json_object_get(feed, "home_page_url")) {
		jwarn(v, "missing-home-page", "no \"home_page_url\" (strongly recommended)");
	}
	string_member(v, feed, "description", "feed");
	string_member(v, feed, "user_comment", "feed");
	string_member(v, feed, "language", "feed");
	const json_t *expired = json_object_get(feed, "expired");
	if (expired && !json_is_boolean(expired)) {
		jerror(v, "wrong-type", "\"expired\" must be true or false");
	}
	authors_member(v, feed, "feed");
	const json_t *hubs = json_object_get(feed, "hubs");
	if (hubs) {
		size_t k;
		const json_t *h;
		bool ok = json_is_array(hubs);
		json_array_foreach(hubs, k, h) {
			ok = ok && json_is_object(h) &&
			     json_is_string(json_object_get(h, "type")) &&
			     json_is_string(json_object_get(h, "url"));
		}
		if (!ok) {
			jerror(v, "wrong-type", "\"hubs\" must be an array of objects with \"type\" and \"url\"");
		}
	}
	keys_check(v, feed, FEED_KEYS, "feed");
	const json_t *items = json_object_get(feed, "items");
	if (!items) {
		jerror(v, "missing-items", "a feed needs \"items\" (an array, maybe empty)");
		return;
	}
	if (!json_is_array(items)) {
		jerror(v, "wrong-type", "\"items\" must be an array");
		return;
	}
	struct item_state st = { 0 };
	const json_t *ext = json_object_get(feed, "_wirefeed");
	const json_t *about = ext ? json_object_get(ext, "about") : NULL;
	st.ordered_feed = json_is_string(about) &&
			  strcmp(json_string_value(about), WIREFEED_EXTENSION) == 0;
	size_t i;
	const json_t *it;
	json_array_foreach(items, i, it) {
		item_check(v, &st, it, i);
	}
	hash_set_finish(&st.ids);
}

/* The format's whole(): JSON is read from the bytes, never by libxml2. */
static void
json_whole(struct vctx *v, const xmlNode *root, const char *data, size_t len)
{
	(void)root;
	v->report->kind = WF_DOC_JSON_FEED;
	json_error_t err;
	/* duplicate keys are refused: readers would keep either one */
	json_t *doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	if (!doc) {
		v_add(v, WF_SEVERITY_ERROR, err.line > 0 ? err.line : 0,
		      err.column > 0 ? err.column : 0, "not-json",
		      "not well-formed JSON (RFC 8259) in UTF-8: %s", err.text);
		return;
	}
	if (!json_is_object(doc)) {
		jerror(v, "unsupported-format", "a JSON Feed is a JSON object");
	} else {
		feed_check(v, doc);
	}
	json_decref(doc);
}

const struct validate_format validate_json_format = {
	.name = "JSON Feed 1.1",
	.sniff = validate_json_sniff,
	.whole = json_whole,
};
