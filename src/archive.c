/* SPDX-License-Identifier: MIT */
/* RFC 5005 §4 archived feeds: which period each change belongs to, which
 * periods are closed, and writing their archive documents once. */
#include "wirefeed/archive.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wirefeed/atomic_file.h"
#include "wirefeed/build.h"
#include "wirefeed/feed.h"
#include "wirefeed/record.h"
#include "block_writer.h"
#include "record_spool.h"
#include "buf.h"
#include "lifecycle.h"
#include "newswire_private.h"
#include "selection.h"
#include "mem.h"

/* An archive document is read back for serving; none is near this big
 * unless a period holds a whole wire (then use daily periods). */
#define ARCHIVE_MAX_BYTES ((size_t)4 << 30)

struct wf_time
wf_archive_change_time(const struct wf_article *a)
{
	/* updated and app:edited only: both are in the index, so a stub and
	 * its full record agree. Every editing command (withdraw too) moves
	 * app:edited to the time of the change. */
	struct wf_time t = a->updated;
	if (a->has_edited && wf_time_compare(a->edited, t) > 0) {
		t = a->edited;
	}
	return t;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days since 1970-01-01 to a proleptic Gregorian date (the inverse of
 * wf_days_from_civil, by the era/day-of-era method). */
static void
civil_from_days(int64_t z, int64_t *year, unsigned *month, unsigned *day)
{
	z += 719468;
	int64_t era = floor_div(z, 146097);
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*day = doy - (153 * mp + 2) / 5 + 1;
	*month = mp < 10 ? mp + 3 : mp - 9;
	*year = (int64_t)yoe + era * 400 + (*month <= 2);
}

int64_t
wf_archive_period_of(enum wf_archive_period period, struct wf_time t)
{
	int64_t days = floor_div(t.utc, 86400);
	if (period == WF_ARCHIVE_DAILY) {
		return days;
	}
	int64_t y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	return (y - 1970) * 12 + (int64_t)(m - 1);
}

struct wf_time
wf_archive_period_start(enum wf_archive_period period, int64_t index)
{
	struct wf_time t = { 0, 0, 0 };
	if (period == WF_ARCHIVE_DAILY) {
		t.utc = index * 86400;
	} else {
		int64_t y = 1970 + floor_div(index, 12);
		unsigned m = (unsigned)(index - floor_div(index, 12) * 12) + 1;
		t.utc = wf_days_from_civil(y, m, 1) * 86400;
	}
	return t;
}

void
wf_archive_period_name(enum wf_archive_period period, int64_t index,
		       char *buf, size_t size)
{
	int64_t days = wf_archive_period_start(period, index).utc / 86400;
	int64_t y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	if (period == WF_ARCHIVE_DAILY) {
		snprintf(buf, size, "%04lld-%02u-%02u", (long long)y, m, d);
	} else {
		snprintf(buf, size, "%04lld-%02u", (long long)y, m);
	}
}

void
wf_archive_plan_make(const struct wf_config *config,
		     const struct wf_article *const *all, size_t n,
		     struct wf_archive_plan *out)
{
	struct wf_archive_plan p = { .period = config->archives };
	bool any = false;
	for (size_t i = 0; p.period != WF_ARCHIVE_OFF && i < n; i++) {
		int64_t k = wf_archive_period_of(p.period,
						 wf_archive_change_time(all[i]));
		if (!any || k < p.first) {
			p.first = k;
		}
		if (!any || k > p.open) {
			p.open = k;
		}
		any = true;
	}
	if (!any) {
		p.period = WF_ARCHIVE_OFF;
	} else {
		p.open_start = wf_archive_period_start(p.period, p.open);
	}
	*out = p;
}

bool
wf_archive_plan_has_archives(const struct wf_archive_plan *plan)
{
	return plan->period != WF_ARCHIVE_OFF && plan->first < plan->open;
}

bool
wf_archive_is_current(const struct wf_archive_plan *plan,
		      const struct wf_article *a)
{
	return plan->period != WF_ARCHIVE_OFF &&
	       wf_time_compare(wf_archive_change_time(a), plan->open_start) >= 0;
}

char *
wf_archive_dir(const struct wf_archive_plan *plan, const char *feed_dir,
	       int64_t index)
{
	char name[32];
	wf_archive_period_name(plan->period, index, name, sizeof(name));
	return xasprintf("%sarchives/%s/", feed_dir, name);
}

static int
compare_withdrawn(const void *pa, const void *pb)
{
	const struct wf_article *a = *(const struct wf_article *const *)pa;
	const struct wf_article *b = *(const struct wf_article *const *)pb;
	return strcmp(a->id, b->id);
}

size_t
wf_archive_current_entries(const struct wf_archive_plan *plan,
			   const struct wf_article *const *all, size_t n,
			   const char *section, const size_t *picked,
			   size_t n_picked, const struct wf_article ***entries,
			   const struct wf_article ***withdrawn,
			   size_t *n_withdrawn)
{
	bool *taken = xcalloc(n ? n : 1, sizeof(*taken));
	const struct wf_article **cand = xcalloc(n ? n : 1, sizeof(*cand));
	const struct wf_article **gone = xcalloc(n ? n : 1, sizeof(*gone));
	size_t n_cand = 0, n_gone = 0;
	for (size_t k = 0; k < n_picked; k++) {
		taken[picked[k]] = true;
		cand[n_cand++] = all[picked[k]];
	}
	for (size_t i = 0; i < n; i++) {
		const struct wf_article *a = all[i];
		if (taken[i] || !wf_archive_is_current(plan, a) ||
		    (section && !wf_article_in_section(a, section))) {
			continue;
		}
		if (a->status == WF_ARTICLE_WITHDRAWN) {
			gone[n_gone++] = a;
		} else {
			cand[n_cand++] = a;
		}
	}
	qsort(gone, n_gone, sizeof(*gone), compare_withdrawn);
	size_t count = wf_feed_select(cand, n_cand, NULL, n_cand, entries);
	free(cand);
	free(taken);
	*withdrawn = gone;
	*n_withdrawn = n_gone;
	return count;
}

size_t
wf_archive_prepare_view(struct wf_newswire *nw, const struct wf_view *view,
			wf_report_fn error, void *ctx)
{
	size_t n = nw->n_records;
	struct wf_archive_plan plan;
	wf_archive_plan_make(nw->config, view->history, view->n_history, &plan);
	size_t failed = 0;
	for (size_t i = 0; plan.period != WF_ARCHIVE_OFF && i < n; i++) {
		struct wf_record *r = &nw->records[i];
		/* tombstones need the withdrawal's time and reason too */
		if (r->loaded || !wf_archive_is_current(&plan, r->article)) {
			continue;
		}
		failed += !nw_record_reload(r, error, ctx);
	}
	return failed;
}

/* ---- the archive documents ---------------------------------------------- */

enum sink_mode { SINK_DISK, SINK_SET };

struct walk {
	const struct wf_newswire *nw;
	struct wf_view view; /* the stories as the archives keep them */
	struct wf_archive_plan plan;
	const char *out_dir;
	enum sink_mode mode;
	struct wf_feedset *set;
	struct wf_archive_stats stats;
	struct wf_diag *diag;
	struct chunk_cache *cache; /* for the entries of every period */
	struct committer *commit;  /* syncs and renames what is written */
};

static const char *const FILES[3] = { "atom.xml", "rss.xml", "feed.json" };
static const enum wf_file_kind KINDS[3] = { WF_FILE_ATOM, WF_FILE_RSS,
					    WF_FILE_JSON };

static bool
is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Bump allocation for a period's entries, one per rendering thread: a
 * few large blocks freed with the period, instead of tens of thousands of
 * entries of a few kilobytes each freed at once (which fragments the
 * heap: a build's peak memory grew by a third). */
struct frag_pool {
	struct chunk_cache *cache;
	char **chunks; /* FRAG_POOL_CHUNK bytes each */
	size_t n_chunks;
	char *cur;
	size_t left;
	char **big; /* entries larger than a chunk */
	size_t n_big;
};

enum { FRAG_POOL_CHUNK = 4 << 20, RENDER_THREADS_MAX = 8 };

/* The chunks of periods done, for the next ones: the same memory for
 * every period, faulted in once (a fresh page costs more than the bytes
 * rendered into it, and malloc gives freed chunks back to the kernel). */
struct chunk_cache {
	pthread_mutex_t lock;
	char **spare;
	size_t n, cap;
};

static char *
chunk_cache_take(struct chunk_cache *cache)
{
	char *chunk = NULL;
	pthread_mutex_lock(&cache->lock);
	if (cache->n > 0) {
		chunk = cache->spare[--cache->n];
	}
	pthread_mutex_unlock(&cache->lock);
	return chunk ? chunk : xmalloc(FRAG_POOL_CHUNK);
}

static void
chunk_cache_give(struct chunk_cache *cache, char *chunk)
{
	pthread_mutex_lock(&cache->lock);
	if (cache->n == cache->cap) {
		cache->cap = cache->cap ? cache->cap * 2 : 16;
		cache->spare = xreallocarray(cache->spare, cache->cap,
					     sizeof(*cache->spare));
	}
	cache->spare[cache->n++] = chunk;
	pthread_mutex_unlock(&cache->lock);
}

static void
chunk_cache_finish(struct chunk_cache *cache)
{
	for (size_t i = 0; i < cache->n; i++) {
		free(cache->spare[i]);
	}
	free(cache->spare);
	cache->spare = NULL;
	cache->n = cache->cap = 0;
}

/* @size bytes in @pool. */
static char *
frag_pool_alloc(struct frag_pool *pool, size_t size)
{
	if (size > FRAG_POOL_CHUNK) {
		/* an entry larger than a chunk gets a block of its own */
		pool->big = xreallocarray(pool->big, pool->n_big + 1,
					  sizeof(*pool->big));
		return pool->big[pool->n_big++] = xmalloc(size);
	}
	if (size > pool->left) {
		pool->chunks = xreallocarray(pool->chunks, pool->n_chunks + 1,
					     sizeof(*pool->chunks));
		pool->cur = pool->chunks[pool->n_chunks++] =
			chunk_cache_take(pool->cache);
		pool->left = FRAG_POOL_CHUNK;
	}
	char *out = pool->cur;
	pool->cur += size;
	pool->left -= size;
	return out;
}

/* A copy of the @len bytes at @s (NUL-terminated) in @pool. */
static const char *
frag_pool_copy(struct frag_pool *pool, const char *s, size_t len)
{
	char *out = frag_pool_alloc(pool, len + 1);
	memcpy(out, s, len);
	out[len] = '\0';
	return out;
}

static void
frag_pool_finish(struct frag_pool *pool)
{
	for (size_t i = 0; i < pool->n_chunks; i++) {
		chunk_cache_give(pool->cache, pool->chunks[i]);
	}
	free(pool->chunks);
	for (size_t i = 0; i < pool->n_big; i++) {
		free(pool->big[i]);
	}
	free(pool->big);
}

/* The stories of one period and each published one's entry in the three
 * formats, rendered once for the wire's and the sections' documents. A
 * story the view has as a stub is parsed, rendered and freed at once:
 * the documents are laid out from the stubs (which carry what selection
 * needs), except for withdrawn stories, whose tombstones need the whole
 * record: those are kept until the period is done. */
struct period_stories {
	const struct wf_article **all;
	size_t n;
	/* [story]: the record to parse (the view kept a stub), else NULL */
	const struct wf_record **parse;
	/* where the load kept the records it parsed (their tickets are
	 * wf_record.spooled), or NULL */
	const struct wf_record_spool *spool;
	struct wf_article **owned; /* [story]: parsed and kept (withdrawn) */
	const char *(*frag)[3];    /* [story][format], in the pools */
	size_t (*frag_len)[3];
	bool *has_image; /* [story] */
	struct frag_pool pools[RENDER_THREADS_MAX];
	/* parsing and rendering in parallel */
	const struct wf_feed_spec *spec;
	atomic_size_t next;
	atomic_size_t next_pool;
	atomic_int failed;
	atomic_size_t first_unparsed; /* SIZE_MAX: none */
};

static void
period_stories_finish(struct period_stories *ps)
{
	for (size_t t = 0; t < RENDER_THREADS_MAX; t++) {
		frag_pool_finish(&ps->pools[t]);
	}
	free(ps->frag);
	free(ps->frag_len);
	free(ps->has_image);
	for (size_t i = 0; ps->owned && i < ps->n; i++) {
		wf_article_destroy(ps->owned[i]);
	}
	free(ps->owned);
	free(ps->parse);
	free(ps->all);
	memset(ps, 0, sizeof(*ps));
}

/* Story @i's three entries into @pool. */
static bool
render_entries(struct period_stories *ps, size_t i, const struct wf_article *a,
	       struct frag_pool *pool)
{
	enum wf_status (*const write[3])(const struct wf_feed_spec *,
					 const struct wf_article *, char **,
					 size_t *) = {
		wf_atom_write_entry, wf_rss_write_entry, wf_json_write_entry
	};
	for (int f = 0; f < 3; f++) {
		char *text = NULL;
		size_t len = 0;
		if (write[f](ps->spec, a, &text, &len) != WF_OK) {
			return false;
		}
		ps->frag[i][f] = frag_pool_copy(pool, text, len);
		ps->frag_len[i][f] = len;
		free(text);
	}
	ps->has_image[i] = a->image != NULL;
	return true;
}

static void *
render_worker(void *arg)
{
	struct period_stories *ps = arg;
	struct frag_pool *pool = &ps->pools[atomic_fetch_add(&ps->next_pool, 1)];
	for (;;) {
		size_t i = atomic_fetch_add(&ps->next, 1);
		if (i >= ps->n) {
			return NULL;
		}
		const struct wf_article *a = ps->all[i];
		struct wf_article *parsed = NULL;
		if (ps->parse[i]) {
			/* from the spool (the very parse the stub came
			 * from), else from the file */
			parsed = record_spool_load(ps->spool,
						   ps->parse[i]->spooled);
			if (!parsed) {
				parsed = nw_record_parse_again(ps->parse[i], NULL);
			}
			/* the documents are laid out from the stub: a record
			 * changed since (status, or the time that files it in
			 * a period) fails as one that no longer parses */
			if (parsed && (parsed->status != a->status ||
				       wf_time_compare(wf_archive_change_time(parsed),
						       wf_archive_change_time(a)) != 0)) {
				wf_article_destroy(parsed);
				parsed = NULL;
			}
			if (!parsed) {
				/* the lowest such story is reported, as a
				 * sequential walk would */
				size_t seen = atomic_load(&ps->first_unparsed);
				while (i < seen &&
				       !atomic_compare_exchange_weak(
					       &ps->first_unparsed, &seen, i)) {
				}
				continue;
			}
			a = parsed;
		}
		if (a->status != WF_ARTICLE_PUBLISHED) {
			/* tombstones are written by the documents */
			ps->owned[i] = parsed;
			ps->all[i] = a;
			continue;
		}
		if (!render_entries(ps, i, a, pool)) {
			atomic_store(&ps->failed, 1);
		}
		wf_article_destroy(parsed);
	}
}

/* Every story parsed (where the view has a stub) and its entries
 * rendered, on up to one thread per CPU. WF_ERR_INVALID, reported in
 * @diag, if a record no longer parses. */
static enum wf_status
period_stories_render(struct period_stories *ps, const struct wf_config *c,
		      struct wf_diag *diag)
{
	struct wf_feed_spec spec = {
		.default_author = c->default_author ? c->default_author
						    : c->title,
	};
	ps->spec = &spec;
	ps->frag = xcalloc(ps->n ? ps->n : 1, sizeof(*ps->frag));
	ps->frag_len = xcalloc(ps->n ? ps->n : 1, sizeof(*ps->frag_len));
	ps->has_image = xcalloc(ps->n ? ps->n : 1, sizeof(*ps->has_image));
	atomic_init(&ps->next, 0);
	atomic_init(&ps->next_pool, 0);
	atomic_init(&ps->failed, 0);
	atomic_init(&ps->first_unparsed, SIZE_MAX);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t threads = cpus > 1 ? (size_t)cpus : 1;
	threads = threads > RENDER_THREADS_MAX ? RENDER_THREADS_MAX : threads;
	threads = ps->n < 64 ? 1 : threads;
	pthread_t tid[RENDER_THREADS_MAX];
	size_t started = 0;
	for (size_t t = 1; t < threads; t++) {
		if (pthread_create(&tid[started], NULL, render_worker, ps) == 0) {
			started++;
		}
	}
	render_worker(ps);
	for (size_t t = 0; t < started; t++) {
		pthread_join(tid[t], NULL);
	}
	ps->spec = NULL;
	/* the writers fail only when an allocation fails: as OOM */
	if (atomic_load(&ps->failed)) {
		abort();
	}
	size_t bad = atomic_load(&ps->first_unparsed);
	if (bad != SIZE_MAX) {
		/* again, for the diagnostic the workers did not keep */
		struct wf_article *a = nw_record_parse_again(ps->parse[bad], diag);
		if (a) { /* fixed in the meantime: still not what was read */
			wf_article_destroy(a);
			wf_diag_set(diag, ps->parse[bad]->path, 0, 0,
				    "the record changed during the build");
		}
		return WF_ERR_INVALID;
	}
	return WF_OK;
}

/* The stories at @idx (positions in @view's history): borrowed where the
 * view has the whole article, to be parsed where it has a stub. */
static void
period_stories_collect(struct period_stories *ps, const struct wf_newswire *nw,
		       const struct wf_view *view, const size_t *idx, size_t n,
		       struct chunk_cache *cache)
{
	ps->n = n;
	for (size_t t = 0; t < RENDER_THREADS_MAX; t++) {
		ps->pools[t].cache = cache;
	}
	ps->all = xcalloc(n ? n : 1, sizeof(*ps->all));
	ps->parse = xcalloc(n ? n : 1, sizeof(*ps->parse));
	ps->owned = xcalloc(n ? n : 1, sizeof(*ps->owned));
	ps->spool = nw->spool;
	for (size_t k = 0; k < n; k++) {
		const struct wf_article *kept = view->history[idx[k]];
		const struct wf_record *r = &nw->records[view->history_record[idx[k]]];
		ps->all[k] = kept;
		if (!r->loaded && kept == r->article) {
			ps->parse[k] = r;
		}
	}
}

/* One document in parts: the frame (the document without entries) and,
 * at offset @at, the entries (borrowed from the period's stories). */
struct doc_parts {
	enum wf_feed_format format;
	char *frame;
	size_t frame_len, at;
	const char **frags;
	size_t *lens;
	size_t n;
};

static void
doc_parts_finish(struct doc_parts *d)
{
	free(d->frame);
	free(d->frags);
	free(d->lens);
	memset(d, 0, sizeof(*d));
}

/* The three documents of feed @feed_dir (section @section, NULL: the
 * wire) for @period, in parts, from the stories' entries. */
static void
render_period(struct walk *w, const struct period_stories *ps,
	      const char *feed_dir, const struct wf_section_def *section,
	      int64_t period, struct doc_parts parts[3])
{
	const struct wf_config *c = w->nw->config;
	const char *slug = section ? section->slug : NULL;
	size_t *pos = NULL;
	size_t n = 0;
	/* published stories of the feed, newest updated first, ties by id */
	wf_feed_select_many(ps->all, ps->n, &slug, 1, ps->n, &pos, &n);
	const struct wf_article **gone = xcalloc(ps->n ? ps->n : 1,
						 sizeof(*gone));
	size_t n_gone = 0;
	for (size_t i = 0; i < ps->n; i++) {
		const struct wf_article *a = ps->all[i];
		if (a->status == WF_ARTICLE_WITHDRAWN &&
		    (!slug || wf_article_in_section(a, slug))) {
			gone[n_gone++] = a;
		}
	}
	qsort(gone, n_gone, sizeof(*gone), compare_withdrawn);
	/* an empty archive's updated: the period's start, from the records */
	struct wf_time updated = wf_archive_period_start(w->plan.period, period);
	bool has_image = false;
	for (size_t k = 0; k < n; k++) {
		if (k == 0 || wf_time_compare(ps->all[pos[k]]->updated, updated) > 0) {
			updated = ps->all[pos[k]]->updated;
		}
		has_image = has_image || ps->has_image[pos[k]];
	}

	char *dir = wf_archive_dir(&w->plan, feed_dir, period);
	char *prev = period > w->plan.first
			     ? wf_archive_dir(&w->plan, feed_dir, period - 1)
			     : NULL;
	char *next = wf_archive_dir(&w->plan, feed_dir, period + 1);
	char *id = section ? wf_section_feed_id(c->feed_id, slug)
			   : xstrdup(c->feed_id);
	char *title = section ? xasprintf("%s: %s", c->title, section->title)
			      : xstrdup(c->title);
	char *site = section ? xasprintf("%s%s", c->site_url, feed_dir)
			     : xstrdup(c->site_url);
	char *atom_url = xasprintf("%s%satom.xml", c->base_url, dir);
	char *rss_url = xasprintf("%s%srss.xml", c->base_url, dir);
	char *json_url = xasprintf("%s%sfeed.json", c->base_url, dir);
	char *current = xasprintf("%s%s", c->base_url, feed_dir);
	char *prev_url = prev ? xasprintf("%s%s", c->base_url, prev) : NULL;
	char *next_url = xasprintf("%s%s", c->base_url, next);
	struct wf_feed_spec spec = {
		.id = id,
		.title = title,
		.subtitle = section ? NULL : c->subtitle,
		.site_url = site,
		.atom_url = atom_url,
		.rss_url = rss_url,
		.json_url = json_url,
		.language = c->language,
		.rights = c->rights,
		.default_author = c->default_author ? c->default_author
						    : c->title,
		.updated = updated,
		.is_archive = true,
		.archive_current = current,
		.archive_prev = prev_url,
		/* the next period's archive appears when the open period
		 * closes; RFC 5005 lets the newest archive link ahead */
		.archive_next = next_url,
		.withdrawn = gone,
		.n_withdrawn = n_gone,
		.tombstone_by = c->tombstone_by,
		.declare_media = has_image,
	};
	for (int f = 0; f < 3; f++) {
		struct doc_parts *d = &parts[f];
		d->format = (enum wf_feed_format)f;
		d->frags = xcalloc(n ? n : 1, sizeof(*d->frags));
		d->lens = xcalloc(n ? n : 1, sizeof(*d->lens));
		d->n = n;
		for (size_t k = 0; k < n; k++) {
			d->frags[k] = ps->frag[pos[k]][f];
			d->lens[k] = ps->frag_len[pos[k]][f];
		}
		/* fails only if an allocation fails: as OOM */
		if (wf_feed_frame(d->format, &spec, &d->frame, &d->frame_len,
				  &d->at) != WF_OK) {
			abort();
		}
	}
	free(pos);
	free(gone);
	free(dir);
	free(prev);
	free(next);
	free(id);
	free(title);
	free(site);
	free(atom_url);
	free(rss_url);
	free(json_url);
	free(current);
	free(prev_url);
	free(next_url);
}

/* The document in memory (for serving). */
static char *
doc_parts_join(const struct doc_parts *d, size_t *len)
{
	size_t total = d->frame_len;
	for (size_t i = 0; i < d->n; i++) {
		total += d->lens[i] +
			 strlen(wf_feed_separator(d->format, i, d->n));
	}
	char *out = xmalloc(total + 1);
	char *p = out;
	memcpy(p, d->frame, d->at);
	p += d->at;
	for (size_t i = 0; i < d->n; i++) {
		const char *sep = wf_feed_separator(d->format, i, d->n);
		memcpy(p, d->frags[i], d->lens[i]);
		p += d->lens[i];
		memcpy(p, sep, strlen(sep));
		p += strlen(sep);
	}
	memcpy(p, d->frame + d->at, d->frame_len - d->at);
	p += d->frame_len - d->at;
	*p = '\0';
	*len = total;
	return out;
}

/* The document to @name in the directory @dirfd, written into a fresh
 * temporary (never through a link; world-readable whatever the umask)
 * straight from its parts and past the page cache (block_writer.h): the
 * archives of a large wire are gigabytes, written from the entries as
 * they are, not joined into one buffer first. On success *@tmp names the
 * closed temporary, still to be synced and renamed (commit_temp); on
 * failure nothing is left and @diag names @path. */
static enum wf_status
write_temp_at(int dirfd, const char *name, const char *path,
	      const struct doc_parts *d, char **tmp, struct wf_diag *diag)
{
	int fd = wf_atomic_file_create_temp_at(dirfd, name, path, tmp, diag);
	if (fd < 0) {
		return WF_ERR_IO;
	}
	struct block_writer bw;
	block_writer_begin(&bw, fd);
	block_writer_put(&bw, d->frame, d->at);
	for (size_t i = 0; i < d->n; i++) {
		const char *sep = wf_feed_separator(d->format, i, d->n);
		block_writer_put(&bw, d->frags[i], d->lens[i]);
		block_writer_put(&bw, sep, strlen(sep));
	}
	block_writer_put(&bw, d->frame + d->at, d->frame_len - d->at);
	int err = block_writer_end(&bw);
	if (!err && fchmod(fd, 0644) != 0) {
		err = errno;
	}
	if (close(fd) != 0 && !err) {
		err = errno;
	}
	if (err) {
		wf_diag_set(diag, path, 0, 0, "cannot write: %s", strerror(err));
		unlinkat(dirfd, *tmp, 0);
		free(*tmp);
		*tmp = NULL;
		return WF_ERR_IO;
	}
	return WF_OK;
}

/* The written temporary @tmp synced; on failure reported (@path names
 * it). The caller renames or removes it. */
static enum wf_status
sync_temp(int dirfd, const char *tmp, const char *path, struct wf_diag *diag)
{
	int fd = openat(dirfd, tmp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0) {
		wf_diag_set(diag, path, 0, 0, "cannot sync: %s", strerror(errno));
		if (fd >= 0) {
			close(fd);
		}
		return WF_ERR_IO;
	}
	if (close(fd) != 0) {
		wf_diag_set(diag, path, 0, 0, "cannot close: %s", strerror(errno));
		return WF_ERR_IO;
	}
	return WF_OK;
}

/* One feed's archive of one period: which of its files are on disk
 * (frozen: they stay) and the parts of the missing ones. */
struct feed_archive {
	char *rel; /* its directory, relative, with a trailing slash */
	char *paths[3];
	bool have[3];
	struct doc_parts parts[3];
};

/* One period of every feed: its stories rendered, its documents in parts,
 * then written (or added to the set) while the next period renders. */
struct period_job {
	struct walk *w;
	int64_t period;
	struct period_stories ps;
	struct feed_archive *feeds; /* the wire, then each section */
	size_t n_feeds;
	enum wf_status st;
	struct wf_diag diag; /* the sink's error */
};

/* The files of @fa on disk, and the parts of the missing ones, rendering
 * the period's stories first if nothing asked for them yet. */
static enum wf_status
feed_archive_prepare(struct period_job *job, struct feed_archive *fa,
		     const size_t *idx, size_t n_idx, const char *feed_dir,
		     const struct wf_section_def *section)
{
	struct walk *w = job->w;
	fa->rel = wf_archive_dir(&w->plan, feed_dir, job->period);
	bool all = w->out_dir != NULL;
	for (int f = 0; f < 3; f++) {
		fa->paths[f] = xasprintf("%s%s", fa->rel, FILES[f]);
		if (w->out_dir) {
			char *abs = xasprintf("%s/%s", w->out_dir, fa->paths[f]);
			fa->have[f] = is_file(abs);
			free(abs);
		}
		all = all && fa->have[f];
	}
	if (all) {
		return WF_OK;
	}
	if (!job->ps.all) {
		period_stories_collect(&job->ps, w->nw, &w->view, idx, n_idx,
				       w->cache);
		enum wf_status st = period_stories_render(&job->ps,
							  w->nw->config, w->diag);
		if (st != WF_OK) {
			return st;
		}
	}
	render_period(w, &job->ps, feed_dir, section, job->period, fa->parts);
	return WF_OK;
}

/* Every file of @fa added to the set: the frozen bytes from disk, the
 * others joined from their parts. Errors in @diag. */
static enum wf_status
feed_archive_add(struct walk *w, int64_t period, struct feed_archive *fa,
		 struct wf_diag *diag)
{
	/* Last-Modified: when the period closed, a time the records fix */
	struct wf_time closed_at = wf_archive_period_start(w->plan.period,
							   period + 1);
	enum wf_status st = WF_OK;
	for (int f = 0; st == WF_OK && f < 3; f++) {
		size_t len = 0;
		char *data = NULL;
		if (fa->have[f]) {
			/* frozen: served as written, never re-rendered */
			char *abs = xasprintf("%s/%s", w->out_dir, fa->paths[f]);
			struct buf b;
			buf_init(&b, ARCHIVE_MAX_BYTES);
			st = buf_read_file(&b, abs, diag);
			data = st == WF_OK ? buf_take(&b, &len) : NULL;
			buf_finish(&b);
			free(abs);
		} else {
			data = doc_parts_join(&fa->parts[f], &len);
			w->stats.written++;
		}
		if (data) {
			wf_feedset_add_immutable(w->set, fa->paths[f], KINDS[f],
						 data, len, closed_at, NULL, 0);
		}
	}
	return st;
}

/* A file of a period: its temporary, written, until synced and renamed. */
struct pending {
	size_t feed;
	int format;
	char *path; /* for messages */
	char *tmp;  /* once written */
	int dirfd;  /* while it is written (its feed's, borrowed) */
};

/* A period's written temporaries, for the committer thread: their syncs
 * and renames, then their directories' syncs. Directories are opened
 * again there, one at a time, so descriptors stay few whatever the
 * number of sections. */
struct commit_batch {
	struct commit_batch *next;
	const char *out_dir;
	struct pending *pend; /* in feed order */
	size_t n;
	char **rel; /* [feed]: its directory, relative, no trailing slash */
	size_t n_feeds;
};

/*
 * Syncing and renaming a period's files on a thread of their own, while
 * the next period is written: the first fsync of a period waits for the
 * filesystem's journal commit (tens of milliseconds), and the disk sat
 * idle meanwhile. Batches are committed in order, and after a failure the
 * ones after it are removed (temporaries, and their directories where
 * they are left empty), so no later period appears.
 */
struct committer {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct commit_batch *head, *tail;
	size_t queued;
	bool closing;
	bool started;
	pthread_t thread;
	enum wf_status st; /* the first failure */
	struct wf_diag diag;
	size_t written;
};

enum { WRITE_THREADS = 3, COMMIT_QUEUE_MAX = 2, WRITE_CHUNK = 16 };

static void
commit_batch_free(struct commit_batch *b)
{
	for (size_t k = 0; k < b->n; k++) {
		free(b->pend[k].path);
		free(b->pend[k].tmp);
	}
	for (size_t i = 0; i < b->n_feeds; i++) {
		free(b->rel[i]);
	}
	free(b->pend);
	free(b->rel);
	free(b);
}

/* The files of one feed (@pend, @n of them, in @dirfd): synced, then
 * renamed, then the directory synced; once *@st is a failure, removed
 * instead. Returns how many were renamed. */
static size_t
commit_feed(int dirfd, const char *dir, struct pending *pend, size_t n,
	    enum wf_status *st, struct wf_diag *diag)
{
	/* every sync before any rename: the first one commits the journal
	 * for all of them, and no rename dirties it again in between */
	for (size_t k = 0; k < n && *st == WF_OK; k++) {
		*st = sync_temp(dirfd, pend[k].tmp, pend[k].path, diag);
	}
	size_t renamed = 0;
	for (size_t k = 0; k < n; k++) {
		if (*st == WF_OK &&
		    renameat(dirfd, pend[k].tmp, dirfd, FILES[pend[k].format]) != 0) {
			wf_diag_set(diag, pend[k].path, 0, 0, "cannot write: %s",
				    strerror(errno));
			*st = WF_ERR_IO;
		}
		if (*st == WF_OK) {
			renamed++;
		} else {
			unlinkat(dirfd, pend[k].tmp, 0);
		}
	}
	if (*st == WF_OK) {
		*st = wf_atomic_file_sync_dir(dirfd, dir, diag);
	}
	return renamed;
}

/* @b committed, feed by feed; once *@st is a failure, removed instead
 * (with its directories where that leaves them empty). Returns how many
 * files were renamed. */
static size_t
commit_batch_run(struct commit_batch *b, enum wf_status *st,
		 struct wf_diag *diag)
{
	size_t renamed = 0;
	for (size_t k = 0; k < b->n;) {
		size_t feed = b->pend[k].feed, end = k;
		while (end < b->n && b->pend[end].feed == feed) {
			end++;
		}
		char *dir = xasprintf("%s/%s", b->out_dir, b->rel[feed]);
		struct wf_diag ignored = { 0 };
		int dirfd = wf_publish_open_dir(b->out_dir, b->rel[feed],
						*st == WF_OK ? diag : &ignored);
		if (dirfd < 0) {
			*st = WF_ERR_IO;
		} else {
			renamed += commit_feed(dirfd, dir, b->pend + k, end - k,
					       st, diag);
			close(dirfd);
		}
		if (*st != WF_OK) {
			rmdir(dir); /* made for this period, now empty */
		}
		free(dir);
		k = end;
	}
	return renamed;
}

static void *
committer_main(void *arg)
{
	struct committer *c = arg;
	pthread_mutex_lock(&c->lock);
	for (;;) {
		while (!c->head && !c->closing) {
			pthread_cond_wait(&c->changed, &c->lock);
		}
		struct commit_batch *b = c->head;
		if (!b) {
			break;
		}
		c->head = b->next;
		c->tail = c->head ? c->tail : NULL;
		enum wf_status st = c->st;
		pthread_mutex_unlock(&c->lock);
		struct wf_diag diag = { 0 };
		size_t renamed = commit_batch_run(b, &st, &diag);
		commit_batch_free(b);
		pthread_mutex_lock(&c->lock);
		if (c->st == WF_OK && st != WF_OK) {
			c->st = st;
			c->diag = diag;
		}
		c->written += renamed;
		c->queued--;
		pthread_cond_broadcast(&c->changed);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* Hand @b to the committer (waiting while COMMIT_QUEUE_MAX batches are
 * queued), or commit it here if its thread cannot start (or is done). */
static void
committer_add(struct committer *c, struct commit_batch *b)
{
	pthread_mutex_lock(&c->lock);
	if (!c->started && !c->closing) {
		c->started = pthread_create(&c->thread, NULL, committer_main,
					    c) == 0;
	}
	if (!c->started) {
		enum wf_status st = c->st;
		struct wf_diag diag = { 0 };
		c->written += commit_batch_run(b, &st, &diag);
		commit_batch_free(b);
		if (c->st == WF_OK && st != WF_OK) {
			c->st = st;
			c->diag = diag;
		}
		pthread_mutex_unlock(&c->lock);
		return;
	}
	while (c->queued >= COMMIT_QUEUE_MAX) {
		pthread_cond_wait(&c->changed, &c->lock);
	}
	if (c->tail) {
		c->tail->next = b;
	} else {
		c->head = b;
	}
	c->tail = b;
	c->queued++;
	pthread_cond_broadcast(&c->changed);
	pthread_mutex_unlock(&c->lock);
}

/* The first failure so far, its message in @diag. */
static enum wf_status
committer_status(struct committer *c, struct wf_diag *diag)
{
	pthread_mutex_lock(&c->lock);
	enum wf_status st = c->st;
	if (st != WF_OK && diag) {
		*diag = c->diag;
	}
	pthread_mutex_unlock(&c->lock);
	return st;
}

/* Every batch committed (or removed after a failure); the thread gone. */
static void
committer_finish(struct committer *c)
{
	pthread_mutex_lock(&c->lock);
	c->closing = true;
	pthread_cond_broadcast(&c->changed);
	bool started = c->started;
	c->started = false; /* joined once; later batches are committed here */
	pthread_mutex_unlock(&c->lock);
	if (started) {
		pthread_join(c->thread, NULL);
	}
}

/* Temporaries written by several threads: one synchronous write stream
 * leaves the disk idle between its requests. */
struct write_batch {
	struct period_job *job;
	struct pending *pend;
	size_t n;
	atomic_size_t next;
	atomic_size_t failed; /* 1 + the first failing index, 0: none */
	struct wf_diag *diags; /* [n] */
};

static void *
write_batch_worker(void *arg)
{
	struct write_batch *b = arg;
	for (;;) {
		size_t k = atomic_fetch_add(&b->next, 1);
		if (k >= b->n || atomic_load(&b->failed)) {
			return NULL;
		}
		struct pending *p = &b->pend[k];
		struct feed_archive *fa = &b->job->feeds[p->feed];
		if (write_temp_at(p->dirfd, FILES[p->format], p->path,
				  &fa->parts[p->format], &p->tmp,
				  &b->diags[k]) != WF_OK) {
			size_t none = 0;
			atomic_compare_exchange_strong(&b->failed, &none, k + 1);
		}
	}
}

/* The @n temporaries of @pend written, on up to WRITE_THREADS threads;
 * after a failure none is left. */
static enum wf_status
write_temps(struct period_job *job, struct pending *pend, size_t n,
	    struct wf_diag *diag)
{
	struct write_batch b = { .job = job, .pend = pend, .n = n,
				 .diags = xcalloc(n ? n : 1, sizeof(*b.diags)) };
	atomic_init(&b.next, 0);
	atomic_init(&b.failed, 0);
	pthread_t tid[WRITE_THREADS];
	size_t started = 0;
	for (size_t t = 1; t < WRITE_THREADS && t < n; t++) {
		if (pthread_create(&tid[started], NULL, write_batch_worker, &b) == 0) {
			started++;
		}
	}
	write_batch_worker(&b);
	for (size_t t = 0; t < started; t++) {
		pthread_join(tid[t], NULL);
	}
	size_t failed = atomic_load(&b.failed);
	if (failed) {
		*diag = b.diags[failed - 1];
		for (size_t k = 0; k < n; k++) {
			if (pend[k].tmp) {
				unlinkat(pend[k].dirfd, pend[k].tmp, 0);
			}
		}
	}
	free(b.diags);
	return failed ? WF_ERR_IO : WF_OK;
}

/* Every missing file of the period written into its temporary (while the
 * next period renders), the files of WRITE_CHUNK directories at a time
 * (few descriptors open whatever the number of sections), then handed to the
 * committer to be synced and renamed while the next period is written.
 * Errors in @diag; after one, nothing of the period is left. */
static enum wf_status
period_write(struct period_job *job, struct wf_diag *diag)
{
	struct walk *w = job->w;
	enum wf_status st = WF_OK;
	struct commit_batch *b = xcalloc(1, sizeof(*b));
	b->out_dir = w->out_dir;
	b->n_feeds = job->n_feeds;
	b->rel = xcalloc(job->n_feeds, sizeof(*b->rel));
	b->pend = xcalloc(3 * job->n_feeds, sizeof(*b->pend));
	size_t chunk = 0; /* the first pending file of the chunk */
	int *open_fds = xcalloc(WRITE_CHUNK, sizeof(*open_fds));
	size_t n_open = 0;
	for (size_t i = 0; st == WF_OK && i < job->n_feeds; i++) {
		struct feed_archive *fa = &job->feeds[i];
		int dirfd = -1;
		for (int f = 0; st == WF_OK && f < 3; f++) {
			if (fa->have[f]) {
				w->stats.frozen++;
				continue;
			}
			if (dirfd < 0) {
				/* rel without its trailing slash */
				b->rel[i] = xstrndup(fa->rel, strlen(fa->rel) - 1);
				dirfd = wf_publish_open_dir(w->out_dir, b->rel[i], diag);
				if (dirfd < 0) {
					st = WF_ERR_IO;
					break;
				}
				open_fds[n_open++] = dirfd;
				/* a build killed while writing this archive
				 * left its temporaries here, and only here
				 * (the directory of a whole archive is never
				 * opened again) */
				wf_atomic_file_sweep_at(dirfd, wf_time_now().utc);
			}
			b->pend[b->n++] = (struct pending){
				.feed = i,
				.format = f,
				.path = xasprintf("%s/%s", w->out_dir, fa->paths[f]),
				.dirfd = dirfd,
			};
		}
		/* a chunk is written once it holds WRITE_CHUNK directories'
		 * files, or at the end: few descriptors open at a time */
		bool last = i + 1 == job->n_feeds;
		if (st == WF_OK && (n_open == WRITE_CHUNK || last) && b->n > chunk) {
			st = write_temps(job, b->pend + chunk, b->n - chunk, diag);
			chunk = st == WF_OK ? b->n : chunk;
		}
		if (n_open == WRITE_CHUNK || last || st != WF_OK) {
			for (size_t k = 0; k < n_open; k++) {
				close(open_fds[k]);
			}
			n_open = 0;
		}
	}
	free(open_fds);
	if (st != WF_OK) {
		/* the chunks written before: removed (the failed one
		 * removed its own) */
		for (size_t k = 0; k < chunk; k++) {
			char *tmp_path = xasprintf("%s/%s/%s", w->out_dir,
						   b->rel[b->pend[k].feed],
						   b->pend[k].tmp);
			unlink(tmp_path);
			free(tmp_path);
		}
		commit_batch_free(b);
		return st;
	}
	committer_add(w->commit, b);
	return WF_OK;
}

static void
period_job_free(struct period_job *job)
{
	for (size_t i = 0; i < job->n_feeds; i++) {
		struct feed_archive *fa = &job->feeds[i];
		for (int f = 0; f < 3; f++) {
			doc_parts_finish(&fa->parts[f]);
			free(fa->paths[f]);
		}
		free(fa->rel);
	}
	free(job->feeds);
	period_stories_finish(&job->ps);
	free(job);
}

/* The writing of a period, on the writer thread. */
static void *
period_write_job(void *arg)
{
	struct period_job *job = arg;
	job->st = period_write(job, &job->diag);
	return NULL;
}

/* A written period's status (its error in w->diag); frees it. */
static enum wf_status
period_job_result(struct walk *w, struct period_job *job)
{
	enum wf_status st = job->st;
	if (st != WF_OK && w->diag) {
		*w->diag = job->diag;
	}
	period_job_free(job);
	return st;
}

/* Wait for the period being written, if any: period_job_result(). */
static enum wf_status
finish_writing(struct walk *w, pthread_t *writer, struct period_job **writing)
{
	if (!*writing) {
		return WF_OK;
	}
	pthread_join(*writer, NULL);
	enum wf_status st = period_job_result(w, *writing);
	*writing = NULL;
	return st;
}

/* The walk's status once the period being written is: the oldest
 * period's error first, as a walk in order would report it (the
 * committer's, then the writer's, then @st, the period just rendered). */
static enum wf_status
settle(struct walk *w, pthread_t *writer, struct period_job **writing,
       enum wf_status st)
{
	enum wf_status written = finish_writing(w, writer, writing);
	if (written != WF_OK) {
		/* the periods before it finish committing (or are removed) */
		committer_finish(w->commit);
	}
	enum wf_status committed = committer_status(w->commit, w->diag);
	return committed != WF_OK ? committed : written != WF_OK ? written : st;
}

static enum wf_status
walk_archives(struct walk *w)
{
	const struct wf_newswire *nw = w->nw;
	/* archives keep every story but the embargoed ones, an expired one
	 * as withdrawn at its expiry (docs/lifecycle.md) */
	wf_view_make(nw, &w->view);
	const struct wf_article *const *all = w->view.history;
	size_t n = w->view.n_history;
	wf_archive_plan_make(nw->config, all, n, &w->plan);
	if (!wf_archive_plan_has_archives(&w->plan)) {
		wf_view_finish(&w->view);
		return WF_OK;
	}
	/* bucket the records by period (counting sort): start[p]..start[p+1] */
	size_t n_periods = (size_t)(w->plan.open - w->plan.first);
	size_t *start = xcalloc(n_periods + 2, sizeof(*start));
	size_t *idx = xcalloc(n ? n : 1, sizeof(*idx));
	int64_t *period_of = xcalloc(n ? n : 1, sizeof(*period_of));
	for (size_t i = 0; i < n; i++) {
		period_of[i] = wf_archive_period_of(
			w->plan.period, wf_archive_change_time(all[i]));
		if (period_of[i] < w->plan.open) {
			start[(size_t)(period_of[i] - w->plan.first) + 1]++;
		}
	}
	for (size_t p = 0; p < n_periods; p++) {
		start[p + 1] += start[p];
	}
	size_t *fill = xcalloc(n_periods + 1, sizeof(*fill));
	for (size_t i = 0; i < n; i++) {
		if (period_of[i] < w->plan.open) {
			size_t p = (size_t)(period_of[i] - w->plan.first);
			idx[start[p] + fill[p]++] = i;
		}
	}
	free(fill);
	free(period_of);

	/* Period by period, oldest first: one renders while the one before
	 * it is written (on disk; the disk waits are the writer thread's,
	 * the CPUs render). At most two periods are in memory. */
	const struct wf_config *c = nw->config;
	enum wf_status st = WF_OK;
	struct chunk_cache cache = { .lock = PTHREAD_MUTEX_INITIALIZER };
	w->cache = &cache;
	struct committer commit = { .lock = PTHREAD_MUTEX_INITIALIZER,
				    .changed = PTHREAD_COND_INITIALIZER };
	w->commit = &commit;
	pthread_t writer;
	struct period_job *writing = NULL;
	size_t frozen = 0; /* the writer thread counts the others */
	for (size_t p = 0; st == WF_OK && p < n_periods; p++) {
		struct period_job *job = xcalloc(1, sizeof(*job));
		job->w = w;
		job->period = w->plan.first + (int64_t)p;
		job->n_feeds = 1 + c->n_sections;
		job->feeds = xcalloc(job->n_feeds, sizeof(*job->feeds));
		const size_t *members = idx + start[p];
		size_t n_members = start[p + 1] - start[p];
		st = feed_archive_prepare(job, &job->feeds[0], members,
					  n_members, "", NULL);
		for (size_t s = 0; st == WF_OK && s < c->n_sections; s++) {
			char *feed_dir = xasprintf("sections/%s/",
						   c->sections[s].slug);
			st = feed_archive_prepare(job, &job->feeds[1 + s],
						  members, n_members, feed_dir,
						  &c->sections[s]);
			free(feed_dir);
		}
		if (st == WF_OK && w->mode == SINK_SET) {
			/* the set is filled in order, on this thread */
			for (size_t i = 0; st == WF_OK && i < job->n_feeds; i++) {
				st = feed_archive_add(w, job->period,
						      &job->feeds[i], w->diag);
			}
			period_job_free(job);
			continue;
		}
		/* the older period's error first, as a walk in order would */
		st = settle(w, &writer, &writing, st);
		if (st != WF_OK || !job->ps.all) {
			/* failed, or every file on disk already (nothing was
			 * rendered): no thread for counting them */
			frozen += st == WF_OK ? 3 * job->n_feeds : 0;
			period_job_free(job);
			continue;
		}
		if (pthread_create(&writer, NULL, period_write_job, job) == 0) {
			writing = job;
			continue;
		}
		period_write_job(job);
		st = period_job_result(w, job);
	}
	st = settle(w, &writer, &writing, st);
	committer_finish(&commit);
	st = settle(w, &writer, &writing, st); /* the last renames' status */
	w->stats.written += commit.written;
	w->commit = NULL;
	w->stats.frozen += frozen;
	chunk_cache_finish(&cache);
	w->cache = NULL;
	free(start);
	free(idx);
	wf_view_finish(&w->view);
	return st;
}

enum wf_status
wf_archive_publish(const struct wf_newswire *nw, const char *out_dir,
		   struct wf_archive_stats *stats, struct wf_diag *diag)
{
	struct walk w = { .nw = nw, .out_dir = out_dir, .mode = SINK_DISK,
			  .diag = diag };
	enum wf_status st = walk_archives(&w);
	if (stats) {
		*stats = w.stats;
	}
	return st;
}

enum wf_status
wf_archive_add_to_set(struct wf_feedset *set, const struct wf_newswire *nw,
		      const char *out_dir, struct wf_diag *diag)
{
	struct walk w = { .nw = nw, .out_dir = out_dir, .mode = SINK_SET,
			  .set = set, .diag = diag };
	return walk_archives(&w);
}
