/* SPDX-License-Identifier: MIT */
/* RFC 3229 feed deltas: version history and delta documents. */
#include "feed_delta.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gzip.h"
#include "hash64.h"
#include "mem.h"

/* ---- A-IM -------------------------------------------------------------- */

static bool
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* "0", "0.", "0.000": a qvalue of zero (RFC 9110 §12.4.2) */
static bool
is_q_zero(const char *v)
{
	if (*v++ != '0') {
		return false;
	}
	if (*v == '.') {
		v++;
		while (*v == '0') {
			v++;
		}
	}
	return *v == '\0' || *v == ',' || *v == ';' || is_ows(*v);
}

bool
feed_delta_is_requested(const char *field)
{
	if (!field) {
		return false;
	}
	const char *p = field;
	while (*p) {
		while (is_ows(*p) || *p == ',') {
			p++;
		}
		const char *tok = p;
		while (*p && *p != ',' && *p != ';' && !is_ows(*p)) {
			p++;
		}
		size_t n = (size_t)(p - tok);
		bool feed = n == 4 && strncasecmp(tok, "feed", 4) == 0;
		bool q_zero = false;
		/* parameters: only q matters (RFC 3229 §10.5.3 allows them) */
		while (*p && *p != ',') {
			while (is_ows(*p) || *p == ';') {
				p++;
			}
			if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
				q_zero = is_q_zero(p + 2);
			}
			while (*p && *p != ',' && *p != ';') {
				p++;
			}
		}
		if (feed && !q_zero) {
			return true;
		}
	}
	return false;
}

/* ---- finding the entries ------------------------------------------------ */

struct shape {
	const char *open, *close;     /* "<entry>", "</entry>" */
	const char *id_open, *id_end; /* "<id", "</id>" */
	const char *doc_close;        /* "</feed>" */
};

static const struct shape atom_shape = { "<entry>", "</entry>", "<id>",
					  "</id>", "</feed>" };
static const struct shape rss_shape = { "<item>", "</item>", "<guid",
					"</guid>", "</channel>" };

static const char *
find(const char *from, const char *end, const char *needle)
{
	size_t n = strlen(needle);
	for (const char *p = from; (size_t)(end - p) >= n; p++) {
		p = memchr(p, needle[0], (size_t)(end - p) - n + 1);
		if (!p) {
			return NULL;
		}
		if (memcmp(p, needle, n) == 0) {
			return p;
		}
	}
	return NULL;
}

/* Back up from @at over the indentation to the start of its line. */
static size_t
line_start(const char *data, size_t at)
{
	while (at > 0 && is_ows(data[at - 1])) {
		at--;
	}
	return at;
}

/* RFC 6721 tombstones, which the writers put among the entries (a
 * withdrawal sorts by its time, as an update does) */
#define TOMBSTONE_OPEN "<at:deleted-entry "
#define TOMBSTONE_CLOSE "</at:deleted-entry>"

/* The entry or tombstone at @open: its end (past the closing tag) and its
 * key, or NULL when it is not of the expected shape. */
static const char *
entry_at(const struct shape *sh, const char *open, const char *end,
	 bool tombstone, uint64_t *key)
{
	if (tombstone) {
		/* the start tag ends at the first '>': attribute values
		 * have theirs escaped */
		const char *gt = memchr(open, '>', (size_t)(end - open));
		const char *ref = gt ? find(open, gt, " ref=\"") : NULL;
		const char *value = ref ? ref + strlen(" ref=\"") : NULL;
		const char *quote = value ? memchr(value, '"', (size_t)(gt - value))
					  : NULL;
		if (!quote) {
			return NULL;
		}
		*key = hash64(value, (size_t)(quote - value)) ^ FEED_DELTA_TOMBSTONE;
		if (gt[-1] == '/') {
			return gt + 1;
		}
		const char *close = find(gt, end, TOMBSTONE_CLOSE);
		return close ? close + strlen(TOMBSTONE_CLOSE) : NULL;
	}
	const char *close = find(open, end, sh->close);
	if (!close) {
		return NULL;
	}
	const char *id = find(open, close, sh->id_open);
	const char *id_gt = id ? memchr(id, '>', (size_t)(close - id)) : NULL;
	const char *id_end = id_gt ? find(id_gt, close, sh->id_end) : NULL;
	if (!id_end) {
		return NULL;
	}
	*key = hash64(id_gt + 1, (size_t)(id_end - id_gt - 1));
	return close + strlen(sh->close);
}

bool
feed_delta_index_parse(const char *data, size_t len, enum wf_file_kind kind,
		       struct feed_delta_index *out)
{
	const struct shape *sh = kind == WF_FILE_ATOM  ? &atom_shape
				 : kind == WF_FILE_RSS ? &rss_shape
						       : NULL;
	if (!sh) {
		return false;
	}
	const char *end = data + len;
	struct feed_delta_index ix = { 0 };
	size_t cap = 0;
	const char *p = data;
	/* the next entry and the next tombstone, each found once: a search
	 * that found none is not repeated */
	const char *next_entry = find(p, end, sh->open);
	const char *next_tomb = find(p, end, TOMBSTONE_OPEN);
	for (;;) {
		if (next_entry && next_entry < p) {
			next_entry = find(p, end, sh->open);
		}
		if (next_tomb && next_tomb < p) {
			next_tomb = find(p, end, TOMBSTONE_OPEN);
		}
		bool tombstone = next_tomb && (!next_entry || next_tomb < next_entry);
		const char *open = tombstone ? next_tomb : next_entry;
		if (!open) {
			break;
		}
		uint64_t key = 0;
		const char *after = entry_at(sh, open, end, tombstone, &key);
		if (!after) {
			goto fail;
		}
		if (after < end && *after == '\n') {
			after++;
		}
		if (ix.n_entries == cap) {
			cap = cap ? cap * 2 : 64;
			ix.entries = xreallocarray(ix.entries, cap,
						   sizeof(*ix.entries));
		}
		size_t start = line_start(data, (size_t)(open - data));
		if (ix.n_entries > 0 && start != ix.entries[ix.n_entries - 1].end) {
			/* something between two entries: not our shape, and a
			 * delta would lose it */
			goto fail;
		}
		struct feed_delta_entry *e = &ix.entries[ix.n_entries++];
		e->start = start;
		e->end = (size_t)(after - data);
		e->id = key;
		e->digest = hash64(data + e->start, e->end - e->start);
		p = after;
	}
	const char *doc_close = find(p, end, sh->doc_close);
	if (!doc_close) {
		goto fail;
	}
	if (ix.n_entries > 0) {
		ix.head_end = ix.entries[0].start;
		ix.tail_start = ix.entries[ix.n_entries - 1].end;
	} else {
		ix.head_end = ix.tail_start =
			line_start(data, (size_t)(doc_close - data));
	}
	*out = ix;
	return true;
fail:
	free(ix.entries);
	return false;
}

void
feed_delta_index_finish(struct feed_delta_index *index)
{
	if (!index) {
		return;
	}
	free(index->entries);
	memset(index, 0, sizeof(*index));
}

/* ---- the delta ---------------------------------------------------------- */

struct keyed {
	uint64_t id, digest;
	size_t pos;
};

static int
cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

static const struct keyed *
lookup(const struct keyed *sorted, size_t n, uint64_t id)
{
	struct keyed key = { .id = id };
	return bsearch(&key, sorted, n, sizeof(*sorted), cmp_keyed);
}

enum entry_state { UNCHANGED, CHANGED, ADDED };

enum feed_delta_result
feed_delta_make(const char *data, size_t len,
		const struct feed_delta_index *index,
		const struct feed_delta_version *old, char **out,
		size_t *out_len)
{
	size_t n_cur = index->n_entries, n_old = old->n;
	struct keyed *olds = xcalloc(n_old ? n_old : 1, sizeof(*olds));
	struct keyed *curs = xcalloc(n_cur ? n_cur : 1, sizeof(*curs));
	enum entry_state *state = xcalloc(n_cur ? n_cur : 1, sizeof(*state));
	bool *old_changed = xcalloc(n_old ? n_old : 1, sizeof(*old_changed));
	for (size_t i = 0; i < n_old; i++) {
		olds[i] = (struct keyed){ old->ids[i], old->digests[i], i };
	}
	for (size_t i = 0; i < n_cur; i++) {
		const struct feed_delta_entry *e = &index->entries[i];
		curs[i] = (struct keyed){ e->id, e->digest, i };
	}
	qsort(olds, n_old, sizeof(*olds), cmp_keyed);
	qsort(curs, n_cur, sizeof(*curs), cmp_keyed);

	size_t delta_len = index->head_end + (len - index->tail_start);
	bool added_below_unchanged = false, seen_unchanged = false;
	for (size_t i = 0; i < n_cur; i++) {
		const struct feed_delta_entry *e = &index->entries[i];
		const struct keyed *o = lookup(olds, n_old, e->id);
		state[i] = !o			   ? ADDED
			   : o->digest != e->digest ? CHANGED
						    : UNCHANGED;
		if (o && state[i] == CHANGED) {
			old_changed[o->pos] = true;
		}
		if (state[i] == UNCHANGED) {
			seen_unchanged = true;
		} else {
			delta_len += e->end - e->start;
			added_below_unchanged |= state[i] == ADDED && seen_unchanged;
		}
	}
	/* Entries of the old version that are gone. Ageing out of a full
	 * feed removes a tail of the old order (entries updated since moved
	 * up and are re-sent anyway), keeps the count, and brings nothing in
	 * from below; anything else is a withdrawal the delta cannot show. */
	bool removed = false, removal_ok = true;
	for (size_t i = 0; i < n_old; i++) {
		bool gone = !lookup(curs, n_cur, old->ids[i]);
		if (gone) {
			removed = true;
		} else if (removed && !old_changed[i]) {
			removal_ok = false; /* an unchanged entry below a gone one */
		}
	}
	if (removed && (n_cur < n_old || added_below_unchanged)) {
		removal_ok = false;
	}
	enum feed_delta_result result = FEED_DELTA_OK;
	if (!removal_ok) {
		result = FEED_DELTA_REMOVED;
	} else if (delta_len >= len) {
		result = FEED_DELTA_NOT_SMALLER;
	} else {
		char *d = xmalloc(delta_len + 1);
		size_t at = 0;
		memcpy(d, data, index->head_end);
		at += index->head_end;
		for (size_t i = 0; i < n_cur; i++) {
			const struct feed_delta_entry *e = &index->entries[i];
			if (state[i] != UNCHANGED) {
				memcpy(d + at, data + e->start, e->end - e->start);
				at += e->end - e->start;
			}
		}
		memcpy(d + at, data + index->tail_start, len - index->tail_start);
		at += len - index->tail_start;
		d[at] = '\0';
		*out = d;
		*out_len = at;
	}
	free(olds);
	free(curs);
	free(state);
	free(old_changed);
	return result;
}

/* ---- versions and history ----------------------------------------------- */

static struct feed_delta_version *
version_ref(struct feed_delta_version *v)
{
	atomic_fetch_add(&v->refs, 1);
	return v;
}

static void
version_unref(struct feed_delta_version *v)
{
	if (v && atomic_fetch_sub(&v->refs, 1) == 1) {
		free(v->ids);
		free(v->digests);
		free(v);
	}
}

void
feed_delta_body_release(void *cls)
{
	struct feed_delta_body *b = cls;
	if (b && atomic_fetch_sub(&b->refs, 1) == 1) {
		free(b->data);
		free(b);
	}
}

/* A body or a "no delta" answer, per earlier version and encoding. */
struct slot {
	bool done[2]; /* [gzip] */
	struct feed_delta_body *body[2];
};

struct feed_deltas {
	const char *data; /* the served file's bytes, borrowed */
	size_t len;
	struct feed_delta_index index;
	struct feed_delta_version **past; /* newest first */
	size_t n_past;
	struct slot *slots; /* parallel to past */
	pthread_mutex_t lock;
};

struct path_history {
	char *path;
	struct feed_delta_version **ring; /* newest first */
	size_t n;
};

struct feed_history {
	size_t max_versions;
	struct path_history *paths;
	size_t n_paths;
};

struct feed_history *
feed_history_create(size_t max_versions)
{
	struct feed_history *h = xzalloc(sizeof(*h));
	h->max_versions = max_versions ? max_versions : 1;
	return h;
}

void
feed_history_destroy(struct feed_history *h)
{
	if (!h) {
		return;
	}
	for (size_t i = 0; i < h->n_paths; i++) {
		for (size_t k = 0; k < h->paths[i].n; k++) {
			version_unref(h->paths[i].ring[k]);
		}
		free(h->paths[i].ring);
		free(h->paths[i].path);
	}
	free(h->paths);
	free(h);
}

static struct path_history *
path_history(struct feed_history *h, const char *path)
{
	for (size_t i = 0; i < h->n_paths; i++) {
		if (strcmp(h->paths[i].path, path) == 0) {
			return &h->paths[i];
		}
	}
	h->paths = xreallocarray(h->paths, h->n_paths + 1, sizeof(*h->paths));
	struct path_history *ph = &h->paths[h->n_paths++];
	ph->path = xstrdup(path);
	/* the current version plus max_versions earlier ones */
	ph->ring = xcalloc(h->max_versions + 1, sizeof(*ph->ring));
	ph->n = 0;
	return ph;
}

struct feed_deltas *
feed_history_add(struct feed_history *h, const struct wf_rendered_file *f,
		 const struct feed_deltas *same)
{
	struct feed_delta_index ix;
	if (same && same->len == f->len) {
		/* the same bytes: the same offsets, no parse */
		ix = same->index;
		ix.entries = xcalloc(ix.n_entries ? ix.n_entries : 1,
				     sizeof(*ix.entries));
		if (ix.n_entries > 0) {
			memcpy(ix.entries, same->index.entries,
			       ix.n_entries * sizeof(*ix.entries));
		}
	} else if (!feed_delta_index_parse(f->data, f->len, f->kind, &ix)) {
		return NULL;
	}
	struct path_history *ph = path_history(h, f->path);
	if (ph->n == 0 || strcmp(ph->ring[0]->etag, f->etag) != 0) {
		struct feed_delta_version *v = xzalloc(sizeof(*v));
		atomic_init(&v->refs, 1);
		snprintf(v->etag, sizeof(v->etag), "%s", f->etag);
		v->n = ix.n_entries;
		v->ids = xcalloc(v->n ? v->n : 1, sizeof(*v->ids));
		v->digests = xcalloc(v->n ? v->n : 1, sizeof(*v->digests));
		for (size_t i = 0; i < v->n; i++) {
			v->ids[i] = ix.entries[i].id;
			v->digests[i] = ix.entries[i].digest;
		}
		if (ph->n == h->max_versions + 1) {
			version_unref(ph->ring[--ph->n]);
		}
		memmove(&ph->ring[1], &ph->ring[0], ph->n * sizeof(*ph->ring));
		ph->ring[0] = v;
		ph->n++;
	}
	struct feed_deltas *d = xzalloc(sizeof(*d));
	d->data = f->data;
	d->len = f->len;
	d->index = ix;
	d->past = xcalloc(ph->n, sizeof(*d->past));
	for (size_t k = 1; k < ph->n; k++) {
		/* a reverted edit brings an old version back: it is current */
		if (strcmp(ph->ring[k]->etag, f->etag) != 0) {
			d->past[d->n_past++] = version_ref(ph->ring[k]);
		}
	}
	d->slots = xcalloc(d->n_past ? d->n_past : 1, sizeof(*d->slots));
	pthread_mutex_init(&d->lock, NULL);
	return d;
}

void
feed_deltas_destroy(struct feed_deltas *d)
{
	if (!d) {
		return;
	}
	for (size_t k = 0; k < d->n_past; k++) {
		version_unref(d->past[k]);
		feed_delta_body_release(d->slots[k].body[0]);
		feed_delta_body_release(d->slots[k].body[1]);
	}
	free(d->past);
	free(d->slots);
	feed_delta_index_finish(&d->index);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

/* Whether the entity tag @tag (@n bytes, W/ already removed) is @etag,
 * or @etag's gzip form ("...-gzip"). */
static bool
tag_names(const char *tag, size_t n, const char *etag)
{
	size_t e = strlen(etag);
	if (n == e && memcmp(tag, etag, n) == 0) {
		return true;
	}
	return n == e + 5 && memcmp(tag, etag, e - 1) == 0 &&
	       memcmp(tag + e - 1, "-gzip\"", 6) == 0;
}

/* The earlier version an If-None-Match list names, or -1. */
static long
find_past(const struct feed_deltas *d, const char *field)
{
	const char *p = field;
	while (*p) {
		while (is_ows(*p) || *p == ',') {
			p++;
		}
		if (strncmp(p, "W/", 2) == 0) {
			p += 2;
		}
		if (*p != '"') {
			p += strcspn(p, ",");
			continue;
		}
		const char *close = strchr(p + 1, '"');
		if (!close) {
			return -1;
		}
		size_t n = (size_t)(close + 1 - p);
		for (size_t k = 0; k < d->n_past; k++) {
			if (tag_names(p, n, d->past[k]->etag)) {
				return (long)k;
			}
		}
		p = close + 1;
	}
	return -1;
}

bool
feed_deltas_answer(struct feed_deltas *d, const char *if_none_match,
		   bool gzip, size_t full_len, struct feed_delta_body **body)
{
	if (!d || !if_none_match) {
		return false;
	}
	long k = find_past(d, if_none_match);
	if (k < 0) {
		return false;
	}
	struct slot *s = &d->slots[k];
	pthread_mutex_lock(&d->lock);
	if (!s->done[gzip]) {
		s->done[gzip] = true;
		char *delta = NULL;
		size_t delta_len = 0;
		if (feed_delta_make(d->data, d->len, &d->index, d->past[k],
				    &delta, &delta_len) == FEED_DELTA_OK) {
			if (gzip) {
				char *gz = NULL;
				size_t gz_len = 0;
				if (gzip_compress(delta, delta_len, &gz,
						  &gz_len) != WF_OK) {
					gz_len = SIZE_MAX;
				}
				free(delta);
				delta = gz;
				delta_len = gz_len;
			}
			if (delta && delta_len < full_len) {
				struct feed_delta_body *b = xzalloc(sizeof(*b));
				atomic_init(&b->refs, 1);
				b->data = delta;
				b->len = delta_len;
				s->body[gzip] = b;
				delta = NULL;
			}
			free(delta);
		}
	}
	struct feed_delta_body *b = s->body[gzip];
	if (b) {
		atomic_fetch_add(&b->refs, 1);
	}
	pthread_mutex_unlock(&d->lock);
	*body = b;
	return b != NULL;
}
