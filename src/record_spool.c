/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* O_TMPFILE */
#include "record_spool.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "mem.h"

struct spooled {
	uint64_t offset;
	uint32_t len;
};

struct wf_record_spool {
	char *dir;
	pthread_mutex_t lock; /* guards what follows */
	int fd;      /* -1 until the first record */
	bool broken; /* the file could not be made: keep nothing */
	uint64_t end;
	struct spooled *items;
	size_t n, cap;
};

struct wf_record_spool *
record_spool_create(const char *dir)
{
	struct wf_record_spool *s = xzalloc(sizeof(*s));
	s->dir = xstrdup(dir);
	pthread_mutex_init(&s->lock, NULL);
	s->fd = -1;
	return s;
}

void
record_spool_destroy(struct wf_record_spool *s)
{
	if (!s) {
		return;
	}
	if (s->fd >= 0) {
		close(s->fd);
	}
	pthread_mutex_destroy(&s->lock);
	free(s->items);
	free(s->dir);
	free(s);
}

/* ---- the binary form: every field of struct wf_article, in order -------- */

/* Strings as a 32-bit length (UINT32_MAX: NULL) and their bytes; times,
 * counts and flags as their bytes. Host byte order: the file never
 * outlives the process that wrote it. */
static bool
put(struct buf *b, const void *p, size_t n)
{
	return buf_append(b, p, n) == WF_OK;
}

static bool
put_str(struct buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n >= UINT32_MAX) {
		return false;
	}
	uint32_t len = s ? (uint32_t)n : UINT32_MAX;
	return put(b, &len, sizeof(len)) && put(b, s ? s : "", n);
}

static bool
put_time(struct buf *b, struct wf_time t)
{
	return put(b, &t.utc, sizeof(t.utc)) && put(b, &t.nsec, sizeof(t.nsec)) &&
	       put(b, &t.offset_s, sizeof(t.offset_s));
}

static bool
put_size(struct buf *b, size_t n)
{
	uint64_t v = n;
	return put(b, &v, sizeof(v));
}

static bool
put_bool(struct buf *b, bool v)
{
	unsigned char c = v;
	return put(b, &c, 1);
}

/* A field added to struct wf_article goes here and into take_article()
 * (the test compares wf_article_digest() of every field both ways). */
static bool
put_article(struct buf *b, const struct wf_article *a)
{
	bool ok = put_str(b, a->id) && put_str(b, a->title) &&
		  put_size(b, a->n_authors);
	for (size_t i = 0; ok && i < a->n_authors; i++) {
		ok = put_str(b, a->authors[i].name) &&
		     put_str(b, a->authors[i].uri) &&
		     put_str(b, a->authors[i].email);
	}
	ok = ok && put_str(b, a->source) && put_str(b, a->dateline) &&
	     put_size(b, a->n_sections);
	for (size_t i = 0; ok && i < a->n_sections; i++) {
		ok = put_str(b, a->sections[i].term) &&
		     put_str(b, a->sections[i].label);
	}
	ok = ok && put_time(b, a->published) && put_time(b, a->updated) &&
	     put_time(b, a->edited) && put_bool(b, a->has_edited) &&
	     put_str(b, a->summary) && put_str(b, a->content_html) &&
	     put_str(b, a->link) && put_bool(b, a->image != NULL);
	if (ok && a->image) {
		int64_t length = a->image->length;
		ok = put_str(b, a->image->url) && put_str(b, a->image->type) &&
		     put(b, &length, sizeof(length)) &&
		     put_str(b, a->image->caption) &&
		     put_str(b, a->image->credit);
	}
	ok = ok && put_str(b, a->rights) && put_size(b, a->n_corrections);
	for (size_t i = 0; ok && i < a->n_corrections; i++) {
		ok = put_time(b, a->corrections[i].time) &&
		     put_str(b, a->corrections[i].text);
	}
	int32_t status = (int32_t)a->status;
	return ok && put(b, &status, sizeof(status)) &&
	       put_time(b, a->withdrawn_at) && put_str(b, a->withdrawn_reason) &&
	       put_bool(b, a->has_embargo) && put_time(b, a->embargo_until) &&
	       put_bool(b, a->has_expiry) && put_time(b, a->expires_at);
}

/* Reading back: every read checks its bounds; a short or odd blob fails. */
struct reader {
	const char *p;
	size_t left;
	bool ok;
};

static void
take(struct reader *r, void *out, size_t n)
{
	if (!r->ok || r->left < n) {
		r->ok = false;
		memset(out, 0, n);
		return;
	}
	memcpy(out, r->p, n);
	r->p += n;
	r->left -= n;
}

static char *
take_str(struct reader *r)
{
	uint32_t len = 0;
	take(r, &len, sizeof(len));
	if (!r->ok || len == UINT32_MAX) {
		return NULL;
	}
	if (r->left < len) {
		r->ok = false;
		return NULL;
	}
	char *s = xstrndup(r->p, len);
	r->p += len;
	r->left -= len;
	return s;
}

static struct wf_time
take_time(struct reader *r)
{
	struct wf_time t = { 0, 0, 0 };
	take(r, &t.utc, sizeof(t.utc));
	take(r, &t.nsec, sizeof(t.nsec));
	take(r, &t.offset_s, sizeof(t.offset_s));
	return t;
}

/* A count of items of at least @min bytes each, bounded by what is left. */
static size_t
take_count(struct reader *r, size_t min)
{
	uint64_t v = 0;
	take(r, &v, sizeof(v));
	if (r->ok && v > r->left / min) {
		r->ok = false;
	}
	return r->ok ? (size_t)v : 0;
}

static bool
take_bool(struct reader *r)
{
	unsigned char c = 0;
	take(r, &c, 1);
	return c != 0;
}

static struct wf_article *
take_article(struct reader *r)
{
	struct wf_article *a = wf_article_create();
	a->id = take_str(r);
	a->title = take_str(r);
	size_t n = take_count(r, 12);
	for (size_t i = 0; r->ok && i < n; i++) {
		char *name = take_str(r), *uri = take_str(r), *email = take_str(r);
		if (r->ok) {
			wf_article_add_author(a, name, uri, email);
		}
		free(name);
		free(uri);
		free(email);
	}
	a->source = take_str(r);
	a->dateline = take_str(r);
	n = take_count(r, 8);
	for (size_t i = 0; r->ok && i < n; i++) {
		char *term = take_str(r), *label = take_str(r);
		if (r->ok) {
			wf_article_add_section(a, term, label);
		}
		free(term);
		free(label);
	}
	a->published = take_time(r);
	a->updated = take_time(r);
	a->edited = take_time(r);
	a->has_edited = take_bool(r);
	a->summary = take_str(r);
	a->content_html = take_str(r);
	a->link = take_str(r);
	if (take_bool(r) && r->ok) {
		a->image = xzalloc(sizeof(*a->image));
		a->image->url = take_str(r);
		a->image->type = take_str(r);
		take(r, &a->image->length, sizeof(a->image->length));
		a->image->caption = take_str(r);
		a->image->credit = take_str(r);
	}
	a->rights = take_str(r);
	n = take_count(r, 20);
	for (size_t i = 0; r->ok && i < n; i++) {
		struct wf_time t = take_time(r);
		char *text = take_str(r);
		if (r->ok) {
			wf_article_add_correction(a, t, text);
		}
		free(text);
	}
	int32_t status = 0;
	take(r, &status, sizeof(status));
	a->status = status == WF_ARTICLE_WITHDRAWN ? WF_ARTICLE_WITHDRAWN
						   : WF_ARTICLE_PUBLISHED;
	a->withdrawn_at = take_time(r);
	a->withdrawn_reason = take_str(r);
	a->has_embargo = take_bool(r);
	a->embargo_until = take_time(r);
	a->has_expiry = take_bool(r);
	a->expires_at = take_time(r);
	if (!r->ok || r->left != 0 || !a->id) {
		wf_article_destroy(a);
		return NULL;
	}
	return a;
}

/* ---- the file ------------------------------------------------------------ */

/* The unnamed file, on the first record (under the lock). */
static bool
spool_file(struct wf_record_spool *s)
{
	if (s->fd >= 0 || s->broken) {
		return s->fd >= 0;
	}
	s->fd = open(s->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (s->fd < 0) {
		/* a filesystem without O_TMPFILE: a name, removed at once */
		char *path = xasprintf("%s/.wirefeed-spool-XXXXXX", s->dir);
		s->fd = mkostemp(path, O_CLOEXEC);
		if (s->fd >= 0) {
			unlink(path);
		}
		free(path);
	}
	s->broken = s->fd < 0;
	return !s->broken;
}

uint64_t
record_spool_add(struct wf_record_spool *s, const struct wf_article *a)
{
	if (!s) {
		return 0;
	}
	struct buf b;
	buf_init(&b, UINT32_MAX - 1);
	if (!put_article(&b, a)) {
		buf_finish(&b);
		return 0;
	}
	uint64_t ticket = 0;
	struct spooled item = { .len = (uint32_t)b.len };
	pthread_mutex_lock(&s->lock);
	if (spool_file(s)) {
		if (s->n == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 1024;
			s->items = xreallocarray(s->items, s->cap,
						 sizeof(*s->items));
		}
		item.offset = s->end;
		s->end += b.len;
		s->items[s->n++] = item;
		ticket = s->n;
	}
	int fd = s->fd;
	pthread_mutex_unlock(&s->lock);
	/* the place is this thread's: written outside the lock; a failed
	 * write leaves it unused */
	if (ticket && pwrite(fd, b.data, b.len, (off_t)item.offset) !=
			      (ssize_t)b.len) {
		ticket = 0;
	}
	buf_finish(&b);
	return ticket;
}

struct wf_article *
record_spool_load(const struct wf_record_spool *s, uint64_t ticket)
{
	if (!s || ticket == 0 || ticket > s->n) {
		return NULL;
	}
	const struct spooled *item = &s->items[ticket - 1];
	char *data = xmalloc(item->len ? item->len : 1);
	size_t got = 0;
	while (got < item->len) {
		ssize_t n = pread(s->fd, data + got, item->len - got,
				  (off_t)(item->offset + got));
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			free(data);
			return NULL;
		}
		got += (size_t)n;
	}
	struct reader r = { data, item->len, true };
	struct wf_article *a = take_article(&r);
	free(data);
	return a;
}
