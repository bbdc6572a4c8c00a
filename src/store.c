/* SPDX-License-Identifier: MIT */
/* The record store's front: dispatch to the backend's table, and what
 * every backend shares (the write gate, the update rules, the re-import
 * key). */
#include "wirefeed/store.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wirefeed/record.h"
#include "hash64.h"
#include "mem.h"
#include "store_private.h"

struct wf_time
wf_time_now_local(void)
{
	struct wf_time t = wf_time_now();
	time_t now = (time_t)t.utc;
	struct tm tm;
	if (localtime_r(&now, &tm)) {
		int64_t local = wf_days_from_civil(tm.tm_year + 1900,
						   (unsigned)tm.tm_mon + 1,
						   (unsigned)tm.tm_mday) * 86400 +
				tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
		t.offset_s = (int32_t)(local - t.utc);
	}
	return t;
}

void
store_report(const struct wf_store *store, const struct wf_diag *diag)
{
	if (store->options.warning) {
		store->options.warning(store->options.ctx, diag);
	}
}

void
store_version_of(const char *data, size_t len, char *version)
{
	hash64_hex(data, len, version);
}

/* The reader trims the text of every element (record.c): trim what is
 * written the same way, so the round trip is exact and any other
 * difference is a real loss. */
static void
trim_field(char **field)
{
	char *s = *field;
	if (!s) {
		return;
	}
	size_t start = strspn(s, " \t\n\r");
	size_t len = strlen(s + start);
	while (len > 0 && strchr(" \t\n\r", s[start + len - 1])) {
		len--;
	}
	if (start > 0 || s[start + len] != '\0') {
		memmove(s, s + start, len);
		s[len] = '\0';
	}
}

static void
normalize(struct wf_article *a)
{
	trim_field(&a->id);
	trim_field(&a->title);
	for (size_t i = 0; i < a->n_authors; i++) {
		trim_field(&a->authors[i].name);
		trim_field(&a->authors[i].uri);
		trim_field(&a->authors[i].email);
	}
	trim_field(&a->summary);
	trim_field(&a->content_html);
	trim_field(&a->rights);
	trim_field(&a->source);
	trim_field(&a->dateline);
	if (a->image) {
		trim_field(&a->image->caption);
		trim_field(&a->image->credit);
	}
	for (size_t i = 0; i < a->n_corrections; i++) {
		trim_field(&a->corrections[i].text);
	}
}

/* The least a field takes in a record: XML text escapes '&' as "&amp;"
 * and '<', '>' as "&lt;", "&gt;". */
static size_t
escaped_len(const char *s)
{
	size_t n = 0;
	for (; s && *s; s++) {
		n += *s == '&' ? 5 : (*s == '<' || *s == '>') ? 4 : 1;
	}
	return n;
}

/* A lower bound of the formatted record's size, so that a record far over
 * the limit is refused without building it (a 5 MiB '&' body would be a
 * 25 MiB document). */
static size_t
least_record_bytes(const struct wf_article *a)
{
	size_t n = escaped_len(a->title) + escaped_len(a->summary) +
		   escaped_len(a->content_html) + escaped_len(a->rights) +
		   escaped_len(a->source) + escaped_len(a->dateline);
	for (size_t i = 0; i < a->n_corrections; i++) {
		n += escaped_len(a->corrections[i].text);
	}
	return n;
}

enum wf_status
store_encode(struct wf_article *a, char **text_out, size_t *len_out,
	     char *version, struct wf_diag *diag)
{
	struct wf_diag d = { 0 };
	normalize(a);
	if (wf_article_check(a, &d) != WF_OK) {
		wf_diag_set(diag, d.source[0] ? d.source : NULL, d.line,
			    d.column, "refused: %s", d.message);
		return WF_ERR_INVALID;
	}
	size_t least = least_record_bytes(a);
	if (least > WF_RECORD_MAX_BYTES) {
		wf_diag_set(diag, NULL, 0, 0,
			    "refused: the record would be over %zu bytes, over the limit of %u (%u MiB)",
			    least, WF_RECORD_MAX_BYTES,
			    WF_RECORD_MAX_BYTES / (1024 * 1024));
		return WF_ERR_TOO_LARGE;
	}
	char *text = NULL;
	size_t len = 0;
	enum wf_status st = wf_record_format(a, &text, &len, &d);
	if (st != WF_OK) {
		wf_diag_set(diag, NULL, 0, 0, "refused: %s", d.message);
		return st;
	}
	if (len > WF_RECORD_MAX_BYTES) {
		wf_diag_set(diag, NULL, 0, 0,
			    "refused: the record would be %zu bytes, over the limit of %u (%u MiB)",
			    len, WF_RECORD_MAX_BYTES,
			    WF_RECORD_MAX_BYTES / (1024 * 1024));
		free(text);
		return WF_ERR_TOO_LARGE;
	}
	/* read it back as every reader will */
	struct wf_article *back = NULL;
	st = wf_record_parse_memory(text, len, "<new record>", &back, &d);
	if (st != WF_OK) {
		wf_diag_set(diag, NULL, 0, 0,
			    "refused: the record would not read back (%s)",
			    d.message);
		free(text);
		return st == WF_ERR_TOO_LARGE ? st : WF_ERR_INVALID;
	}
	char *again = NULL;
	size_t again_len = 0;
	st = wf_record_format(back, &again, &again_len, &d);
	wf_article_destroy(back);
	if (st != WF_OK || again_len != len || memcmp(again, text, len) != 0) {
		wf_diag_set(diag, NULL, 0, 0,
			    "refused: the record would read back as a different article");
		free(again);
		free(text);
		return WF_ERR_INVALID;
	}
	free(again);
	if (version) {
		store_version_of(text, len, version);
	}
	*text_out = text;
	if (len_out) {
		*len_out = len;
	}
	return WF_OK;
}

enum wf_status
store_check_update(const struct wf_article *before,
		   const struct wf_article *a, struct wf_diag *diag)
{
	if (strcmp(a->id, before->id) != 0) {
		wf_diag_set(diag, NULL, 0, 0, "an edit may not change the id");
		return WF_ERR_INVALID;
	}
	if (wf_time_compare(a->published, before->published) != 0 ||
	    a->published.offset_s != before->published.offset_s) {
		wf_diag_set(diag, NULL, 0, 0,
			    "published never changes after first publication");
		return WF_ERR_INVALID;
	}
	if (wf_time_compare(a->updated, before->updated) < 0) {
		wf_diag_set(diag, NULL, 0, 0,
			    "updated may not go backwards (the record says it was last updated later)");
		return WF_ERR_INVALID;
	}
	if (before->has_edited && (!a->has_edited ||
				   wf_time_compare(a->edited, before->edited) < 0)) {
		wf_diag_set(diag, NULL, 0, 0, "edited may not go backwards");
		return WF_ERR_INVALID;
	}
	return WF_OK;
}

static bool
same_string(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

bool
store_same_story(const struct wf_article *a, const struct wf_article *b)
{
	return same_string(a->source, b->source) &&
	       same_string(a->title, b->title) &&
	       wf_time_compare(a->published, b->published) == 0;
}

void
store_match_key(const struct wf_article *a, char out[17])
{
	/* fields separated by a byte that no field holds; "no source" differs
	 * from an empty one */
	char *s = xasprintf("%c%s\x1f%s\x1f%lld.%09d", a->source ? 's' : '-',
			    a->source ? a->source : "", a->title ? a->title : "",
			    (long long)a->published.utc, a->published.nsec);
	hash64_hex(s, strlen(s), out);
	free(s);
}

/* ---- dispatch ----------------------------------------------------------- */

enum wf_status
wf_store_open(const char *root, const struct wf_store_options *options,
	      struct wf_store **out, struct wf_diag *diag)
{
	return store_file_open(root, options, out, diag);
}

void
wf_store_close(struct wf_store *store)
{
	if (store) {
		store->impl->close(store);
	}
}

const char *
wf_store_backend(const struct wf_store *store)
{
	return store->impl->name;
}

enum wf_status
wf_store_get(struct wf_store *store, const char *id, struct wf_article **out,
	     char *version, char **location, struct wf_diag *diag)
{
	return store->impl->get(store, id, out, version, location, diag);
}

enum wf_status
wf_store_create(struct wf_store *store, struct wf_article *article,
		char *version, char **location, struct wf_diag *diag)
{
	return store->impl->create(store, article, version, location, diag);
}

static enum wf_status
replace_with(struct wf_article *a, void *ctx, struct wf_diag *diag)
{
	(void)diag;
	const struct wf_article *with = ctx;
	struct wf_article *copy = wf_article_clone(with);
	/* swap the contents: @a keeps its address */
	struct wf_article tmp = *a;
	*a = *copy;
	*copy = tmp;
	wf_article_destroy(copy);
	return WF_OK;
}

enum wf_status
wf_store_replace(struct wf_store *store, const struct wf_article *article,
		 const char *expected_version, char *version,
		 struct wf_diag *diag)
{
	if (!article->id) {
		wf_diag_set(diag, NULL, 0, 0, "the article has no id");
		return WF_ERR_USAGE;
	}
	return store->impl->edit(store, article->id, expected_version,
				 replace_with, (void *)article, NULL, version,
				 diag);
}

struct withdrawal {
	struct wf_time at;
	const char *reason;
};

static enum wf_status
withdraw_it(struct wf_article *a, void *ctx, struct wf_diag *diag)
{
	(void)diag;
	const struct withdrawal *w = ctx;
	a->status = WF_ARTICLE_WITHDRAWN;
	a->withdrawn_at = w->at;
	wf_article_set_string(&a->withdrawn_reason, w->reason);
	if (!a->has_edited || wf_time_compare(w->at, a->edited) > 0) {
		a->edited = w->at;
		a->has_edited = true;
	}
	return WF_OK;
}

enum wf_status
wf_store_withdraw(struct wf_store *store, const char *id, struct wf_time at,
		  const char *reason, const char *expected_version,
		  char *version, struct wf_diag *diag)
{
	if (!reason || !*reason) {
		wf_diag_set(diag, NULL, 0, 0,
			    "a withdrawal needs a reason (readers and the archive are told why)");
		return WF_ERR_INVALID;
	}
	struct withdrawal w = { at, reason };
	return store->impl->edit(store, id, expected_version, withdraw_it, &w,
				 NULL, version, diag);
}

enum wf_status
wf_store_edit(struct wf_store *store, const char *id, wf_store_edit_fn edit,
	      void *ctx, struct wf_article **result, char *version,
	      struct wf_diag *diag)
{
	return store->impl->edit(store, id, NULL, edit, ctx, result, version,
				 diag);
}

enum wf_status
wf_store_import(struct wf_store *store, struct wf_store_import_item *items,
		size_t n, wf_store_merge_fn merge, void *merge_ctx,
		wf_store_progress_fn progress, void *progress_ctx,
		struct wf_diag *diag)
{
	return store->impl->import(store, items, n, merge, merge_ctx, progress,
				   progress_ctx, diag);
}

enum wf_status
wf_store_iterate(struct wf_store *store, wf_store_each_fn fn, void *ctx,
		 struct wf_diag *diag)
{
	return store->impl->iterate(store, fn, ctx, diag);
}

enum wf_status
wf_store_changes_since(struct wf_store *store, const char *since,
		       struct wf_store_changes *out, struct wf_diag *diag)
{
	return store->impl->changes_since(store, since, out, diag);
}

enum wf_status
wf_store_cursor(struct wf_store *store, char *cursor, struct wf_diag *diag)
{
	return store->impl->cursor(store, cursor, diag);
}

void
wf_store_changes_finish(struct wf_store_changes *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->items[i].id);
		free(c->items[i].location);
	}
	free(c->items);
	c->items = NULL;
	c->n = 0;
}
