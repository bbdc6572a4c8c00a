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
#include <sys/uio.h>
#include <unistd.h>

#include "wirefeed/atomic_file.h"
#include "wirefeed/build.h"
#include "wirefeed/feed.h"
#include "wirefeed/record.h"
#include "buf.h"
#include "lifecycle.h"
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

/* Parse the record at @i of @nw into a new article; NULL (reported in
 * @diag) if it no longer loads or its id changed. */
static struct wf_article *
load_record(const struct wf_record *r, struct wf_diag *diag)
{
	struct wf_article *a = NULL;
	if (wf_record_parse_file(r->path, &a, diag) != WF_OK) {
		return NULL;
	}
	if (strcmp(a->id, r->article->id) != 0) {
		wf_diag_set(diag, r->path, 0, 0,
			    "the record's id changed during the build");
		wf_article_destroy(a);
		return NULL;
	}
	return a;
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
		struct wf_diag d = { 0 };
		struct wf_article *a = load_record(r, &d);
		if (!a) {
			if (error) {
				error(ctx, &d);
			}
			/* never shown in this build */
			r->failed = true;
			r->changed = true;
			failed++;
			continue;
		}
		wf_article_move_into(r->article, a); /* views stay valid */
		r->loaded = true;
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

/* The stories of one period: full articles, borrowed or parsed now, and
 * each one's entry in the three formats, rendered once for the wire's
 * and the sections' documents. */
struct period_stories {
	const struct wf_article **all;
	size_t n;
	struct wf_article **owned;
	size_t n_owned;
	char *(*frag)[3]; /* [story][format] */
	size_t (*frag_len)[3];
	/* rendering in parallel */
	const struct wf_feed_spec *spec;
	atomic_size_t next;
	atomic_int failed;
};

static void
period_stories_finish(struct period_stories *ps)
{
	for (size_t i = 0; ps->frag && i < ps->n; i++) {
		for (int f = 0; f < 3; f++) {
			free(ps->frag[i][f]);
		}
	}
	free(ps->frag);
	free(ps->frag_len);
	for (size_t i = 0; i < ps->n_owned; i++) {
		wf_article_destroy(ps->owned[i]);
	}
	free(ps->owned);
	free(ps->all);
	memset(ps, 0, sizeof(*ps));
}

static void *
render_worker(void *arg)
{
	struct period_stories *ps = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&ps->next, 1);
		if (i >= ps->n) {
			return NULL;
		}
		const struct wf_article *a = ps->all[i];
		if (a->status != WF_ARTICLE_PUBLISHED) {
			continue; /* tombstones are written by the documents */
		}
		if (wf_atom_write_entry(ps->spec, a, &ps->frag[i][0],
					&ps->frag_len[i][0]) != WF_OK ||
		    wf_rss_write_entry(ps->spec, a, &ps->frag[i][1],
				       &ps->frag_len[i][1]) != WF_OK ||
		    wf_json_write_entry(ps->spec, a, &ps->frag[i][2],
					&ps->frag_len[i][2]) != WF_OK) {
			atomic_store(&ps->failed, 1);
		}
	}
}

/* Every story's entries, on up to one thread per CPU. */
static void
period_stories_render(struct period_stories *ps, const struct wf_config *c)
{
	struct wf_feed_spec spec = {
		.default_author = c->default_author ? c->default_author
						    : c->title,
	};
	ps->spec = &spec;
	ps->frag = xcalloc(ps->n ? ps->n : 1, sizeof(*ps->frag));
	ps->frag_len = xcalloc(ps->n ? ps->n : 1, sizeof(*ps->frag_len));
	atomic_init(&ps->next, 0);
	atomic_init(&ps->failed, 0);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t threads = cpus > 1 ? (size_t)cpus : 1;
	threads = threads > 8 ? 8 : threads;
	threads = ps->n < 64 ? 1 : threads;
	pthread_t tid[8];
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
}

/* @idx: positions in @view's history */
static enum wf_status
period_stories_load(struct period_stories *ps, const struct wf_newswire *nw,
		    const struct wf_view *view, const size_t *idx, size_t n,
		    struct wf_diag *diag)
{
	ps->all = xcalloc(n ? n : 1, sizeof(*ps->all));
	ps->owned = xcalloc(n ? n : 1, sizeof(*ps->owned));
	for (size_t k = 0; k < n; k++) {
		const struct wf_article *kept = view->history[idx[k]];
		const struct wf_record *r = &nw->records[view->history_record[idx[k]]];
		if (r->loaded || kept != r->article) {
			ps->all[ps->n++] = kept;
			continue;
		}
		struct wf_article *a = load_record(r, diag);
		if (!a) {
			return WF_ERR_INVALID;
		}
		ps->owned[ps->n_owned++] = a;
		ps->all[ps->n++] = a;
	}
	return WF_OK;
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
		has_image = has_image || ps->all[pos[k]]->image != NULL;
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

/* writev() all of @iov, resuming after short writes. */
static bool
write_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t done = writev(fd, iov, n);
		if (done < 0 && errno == EINTR) {
			continue;
		}
		if (done <= 0) {
			return false;
		}
		size_t left = (size_t)done;
		while (n > 0 && left >= iov->iov_len) {
			left -= iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + left;
			iov->iov_len -= left;
		}
	}
	return true;
}

/* The first of an archive's three files that is not on disk yet. */
static int
first_missing(const bool have[3])
{
	int f = 0;
	while (f < 3 && have[f]) {
		f++;
	}
	return f;
}

/* The document to @name in the directory @dirfd, atomically as
 * wf_write_file_atomic() does (temporary in the same directory, fsync,
 * rename, fsync the directory; never through a link), but straight from
 * its parts: a month of a large wire is tens of megabytes, not copied once
 * more to be written. @path names it in @diag. */
static enum wf_status
write_parts_at(int dirfd, const char *name, const char *path,
	       const struct doc_parts *d, struct wf_diag *diag)
{
	char *tmp = NULL;
	int fd = wf_atomic_file_create_temp_at(dirfd, name, path, &tmp, diag);
	if (fd < 0) {
		return WF_ERR_IO;
	}
	/* writev() takes at most IOV_MAX pieces (1024 on Linux) */
	enum { IOVS_MAX = 1024 };
	struct iovec iov[IOVS_MAX];
	long iov_max = sysconf(_SC_IOV_MAX);
	int IOVS = iov_max >= 16 && iov_max < IOVS_MAX ? (int)iov_max : IOVS_MAX;
	bool ok = true;
	int k = 0;
	iov[k++] = (struct iovec){ d->frame, d->at };
	for (size_t i = 0; ok && i < d->n; i++) {
		const char *sep = wf_feed_separator(d->format, i, d->n);
		if (k + 2 > IOVS) { /* room for an entry and its separator */
			ok = write_all(fd, iov, k);
			k = 0;
		}
		iov[k++] = (struct iovec){ (void *)(uintptr_t)d->frags[i],
					   d->lens[i] };
		if (*sep) {
			iov[k++] = (struct iovec){ (void *)(uintptr_t)sep,
						   strlen(sep) };
		}
	}
	if (ok && k + 1 > IOVS) {
		ok = write_all(fd, iov, k);
		k = 0;
	}
	iov[k++] = (struct iovec){ d->frame + d->at, d->frame_len - d->at };
	ok = ok && write_all(fd, iov, k);
	ok = ok && fsync(fd) == 0;
	int saved = errno;
	ok = close(fd) == 0 && ok;
	if (ok && renameat(dirfd, tmp, dirfd, name) != 0) {
		saved = errno;
		ok = false;
	}
	if (!ok) {
		wf_diag_set(diag, path, 0, 0, "cannot write: %s",
			    strerror(saved ? saved : EIO));
		unlinkat(dirfd, tmp, 0);
		free(tmp);
		return WF_ERR_IO;
	}
	free(tmp);
	fsync(dirfd); /* some filesystems refuse: fine */
	return WF_OK;
}

/* One feed's archive of one period: frozen files stay, missing ones are
 * rendered (once for all three) and written or added. */
static enum wf_status
one_archive(struct walk *w, struct period_stories *ps, bool *loaded,
	    const size_t *idx, size_t n_idx, const char *feed_dir,
	    const struct wf_section_def *section, int64_t period)
{
	char *rel = wf_archive_dir(&w->plan, feed_dir, period);
	char *paths[3] = { NULL, NULL, NULL };
	bool have[3] = { false, false, false };
	bool all = w->out_dir != NULL;
	for (int f = 0; f < 3; f++) {
		paths[f] = xasprintf("%s%s", rel, FILES[f]);
		if (w->out_dir) {
			char *abs = xasprintf("%s/%s", w->out_dir, paths[f]);
			have[f] = is_file(abs);
			free(abs);
		}
		all = all && have[f];
	}
	enum wf_status st = WF_OK;
	/* Last-Modified: when the period closed, a time the records fix */
	struct wf_time closed_at = wf_archive_period_start(w->plan.period,
							   period + 1);
	struct doc_parts parts[3];
	memset(parts, 0, sizeof(parts));
	if (!all) {
		if (!*loaded) {
			st = period_stories_load(ps, w->nw, &w->view, idx, n_idx,
						 w->diag);
			if (st == WF_OK) {
				period_stories_render(ps, w->nw->config);
			}
			*loaded = true;
		}
		if (st == WF_OK) {
			render_period(w, ps, feed_dir, section, period, parts);
		}
	}
	for (int f = 0; st == WF_OK && f < 3; f++) {
		char *abs = w->out_dir ? xasprintf("%s/%s", w->out_dir, paths[f])
				       : NULL;
		if (have[f] && w->mode == SINK_DISK) {
			w->stats.frozen++;
		} else if (have[f]) {
			/* frozen: served as written, never re-rendered */
			struct buf b;
			buf_init(&b, ARCHIVE_MAX_BYTES);
			st = buf_read_file(&b, abs, w->diag);
			if (st == WF_OK) {
				size_t len = 0;
				char *data = buf_take(&b, &len);
				wf_feedset_add_immutable(w->set, paths[f],
							 KINDS[f], data, len,
							 closed_at, NULL, 0);
			}
			buf_finish(&b);
		} else if (w->mode == SINK_DISK) {
			/* rel without its trailing slash */
			char *dir = xstrndup(rel, strlen(rel) - 1);
			int dfd = wf_publish_open_dir(w->out_dir, dir, w->diag);
			free(dir);
			if (dfd >= 0 && f == first_missing(have)) {
				/* a build killed while writing this archive
				 * left its temporaries here, and only here
				 * (the directory of a whole archive is never
				 * opened again) */
				wf_atomic_file_sweep_at(dfd, wf_time_now().utc);
			}
			st = dfd < 0 ? WF_ERR_IO
				     : write_parts_at(dfd, FILES[f], abs,
						      &parts[f], w->diag);
			if (dfd >= 0) {
				close(dfd);
			}
			w->stats.written += st == WF_OK;
		} else {
			size_t len = 0;
			char *data = doc_parts_join(&parts[f], &len);
			wf_feedset_add_immutable(w->set, paths[f], KINDS[f],
						 data, len, closed_at, NULL, 0);
			w->stats.written++;
		}
		free(abs);
	}
	for (int f = 0; f < 3; f++) {
		doc_parts_finish(&parts[f]);
		free(paths[f]);
	}
	free(rel);
	return st;
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

	const struct wf_config *c = nw->config;
	enum wf_status st = WF_OK;
	for (size_t p = 0; st == WF_OK && p < n_periods; p++) {
		int64_t period = w->plan.first + (int64_t)p;
		struct period_stories ps = { 0 };
		bool loaded = false;
		const size_t *members = idx + start[p];
		size_t n_members = start[p + 1] - start[p];
		st = one_archive(w, &ps, &loaded, members, n_members, "", NULL,
				 period);
		for (size_t s = 0; st == WF_OK && s < c->n_sections; s++) {
			char *feed_dir = xasprintf("sections/%s/",
						   c->sections[s].slug);
			st = one_archive(w, &ps, &loaded, members, n_members,
					 feed_dir, &c->sections[s], period);
			free(feed_dir);
		}
		period_stories_finish(&ps);
	}
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
