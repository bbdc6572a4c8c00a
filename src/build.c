/* SPDX-License-Identifier: MIT */
/* The build as one library call: refresh (from the store's journal, a stat
 * of every record, or inotify's names) -> select -> render -> publish ->
 * save the index. `build` and `serve` differ only in options and
 * callbacks. */
#include "wirefeed/build.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <unistd.h>

#include "wirefeed/archive.h"
#include "wirefeed/feed.h"
#include "wirefeed/store.h"
#include "buf.h"
#include "record_spool.h"
#include "lifecycle.h"
#include "mem.h"
#include "selection.h"

#define LAST_BUILD_MAGIC "wirefeed-last-build 3"
/* How many stories may leave a feed's top max_entries, through edits or
 * the clock, before a journal build needs the whole index again: each
 * feed's state keeps this many stories beyond what it shows. */
#define FEED_STATE_MARGIN 200

static void
report(wf_report_fn fn, void *ctx, const struct wf_diag *d)
{
	if (fn) {
		fn(ctx, d);
	}
}

/* A file the last build published: what it was rendered from, and how
 * it was left on disk (a file changed since is rendered again). */
struct built_file {
	char *path;
	unsigned long long source; /* wf_rendered_file.source_digest */
	long long size, mtime_ns;
	char etag[WF_ETAG_MAX];
};

/* What the last build published, so that a journal-trusting build with
 * nothing new can stop at once, and one with a few edits can read just
 * them and the stories near the top of the feeds (the feed state,
 * docs/store.md): <root>/.wirefeed-store/last-build. */
struct last_build {
	char cursor[WF_STORE_CURSOR_MAX];
	long long conf_size, conf_mtime, conf_inode;
	size_t records, files;
	long long next_change; /* the feeds' next change by the clock */
	long long now;         /* the clock it rendered for */
	/* how many more stories may leave the feeds before the subset index
	 * (.wirefeed-store/feeds-index) stops holding every story a feed
	 * can show; -1: no feed state */
	long long margin;
	char out[4096];
	struct built_file *built;
	size_t n_built;
};

static void
last_build_finish(struct last_build *lb)
{
	for (size_t i = 0; i < lb->n_built; i++) {
		free(lb->built[i].path);
	}
	free(lb->built);
	lb->built = NULL;
	lb->n_built = 0;
}

static char *
feed_state_index_path(const char *root)
{
	return xasprintf("%s/.wirefeed-store/feeds-index", root);
}

/* The file @st describes is the one @bf recorded. */
static bool
is_as_built(const struct stat *st, const struct built_file *bf)
{
	struct wf_file_stamp now = wf_file_stamp_of(st);
	return S_ISREG(st->st_mode) && now.size == bf->size &&
	       now.mtime_ns == bf->mtime_ns;
}

static char *
last_build_path(const char *root)
{
	return xasprintf("%s/.wirefeed-store/last-build", root);
}

static bool
conf_stamp(const char *root, long long *size, long long *mtime,
	   long long *inode)
{
	char *path = xasprintf("%s/wirefeed.conf", root);
	struct stat st;
	bool ok = stat(path, &st) == 0;
	free(path);
	if (ok) {
		struct wf_file_stamp s = wf_file_stamp_of(&st);
		*size = s.size;
		*mtime = s.mtime_ns;
		*inode = (long long)s.inode;
	}
	return ok;
}

static bool
read_last_build(const char *root, struct last_build *lb)
{
	memset(lb, 0, sizeof(*lb));
	char *path = last_build_path(root);
	FILE *f = fopen(path, "re");
	free(path);
	if (!f) {
		return false;
	}
	char magic[64];
	bool ok = fgets(magic, sizeof(magic), f) &&
		  strncmp(magic, LAST_BUILD_MAGIC "\n", sizeof(magic)) == 0 &&
		  fscanf(f, "%47s %lld %lld %lld %zu %zu %lld %lld %lld", lb->cursor,
			 &lb->conf_size, &lb->conf_mtime, &lb->conf_inode,
			 &lb->records, &lb->files, &lb->next_change, &lb->now,
			 &lb->margin) == 9 &&
		  fgetc(f) == '\n' && fgets(lb->out, sizeof(lb->out), f);
	if (ok) {
		lb->out[strcspn(lb->out, "\n")] = '\0';
	}
	/* file KEY SIZE MTIME ETAG PATH, one per published file */
	char line[8192];
	while (ok && fgets(line, sizeof(line), f)) {
		struct built_file b = { 0 };
		int at = 0;
		if (sscanf(line, "file %16llx %lld %lld %71s %n", &b.source,
			   &b.size, &b.mtime_ns, b.etag, &at) != 4 || at == 0) {
			ok = false;
			break;
		}
		line[strcspn(line, "\n")] = '\0';
		b.path = xstrdup(line + at);
		lb->built = xreallocarray(lb->built, lb->n_built + 1,
					  sizeof(*lb->built));
		lb->built[lb->n_built++] = b;
	}
	fclose(f);
	if (!ok) {
		last_build_finish(lb);
	}
	return ok;
}

static void
write_last_build(const char *root, const char *cursor, const char *out,
		 const struct wf_build_stats *stats, int64_t now,
		 long long margin, const struct wf_feedset *set)
{
	long long size, mtime, inode;
	if (!*cursor || !conf_stamp(root, &size, &mtime, &inode)) {
		return;
	}
	char *path = last_build_path(root);
	struct buf b;
	buf_init(&b, SIZE_MAX);
	enum wf_status st = buf_printf(&b, LAST_BUILD_MAGIC "\n%s %lld %lld %lld %zu %zu %lld %lld %lld\n%s\n",
				       cursor, size, mtime, inode, stats->records,
				       stats->files, (long long)stats->next_change,
				       (long long)now, margin, out);
	for (size_t i = 0; st == WF_OK && set && i < set->n_files; i++) {
		const struct wf_rendered_file *f = &set->files[i];
		char *file = xasprintf("%s/%s", out, f->path);
		struct stat fs;
		if (f->source_digest && !strchr(f->path, '\n') &&
		    lstat(file, &fs) == 0 && S_ISREG(fs.st_mode) &&
		    (size_t)fs.st_size == f->len) {
			st = buf_printf(&b, "file %016llx %lld %lld %s %s\n",
					(unsigned long long)f->source_digest,
					(long long)fs.st_size,
					(long long)wf_file_stamp_of(&fs).mtime_ns,
					f->etag, f->path);
		}
		free(file);
	}
	struct wf_diag ignored = { 0 };
	/* a cache: losing it costs one render */
	if (st != WF_OK ||
	    wf_write_file_atomic(path, b.data, b.len, &ignored) != WF_OK) {
		unlink(path);
	}
	buf_finish(&b);
	free(path);
}

/* The files the last build published, as a place render takes unchanged
 * feeds from: a file still as that build left it (size and mtime) is
 * mapped, not read, and publishing leaves it alone. */
struct built_source {
	const struct last_build *lb;
	const char *out;
};

static bool
take_built(void *ctx, const char *path, uint64_t source, char **data,
	   size_t *len, bool *mapped, char etag[WF_ETAG_MAX])
{
	const struct built_source *bs = ctx;
	const struct built_file *bf = NULL;
	for (size_t i = 0; i < bs->lb->n_built && !bf; i++) {
		if (strcmp(bs->lb->built[i].path, path) == 0) {
			bf = &bs->lb->built[i];
		}
	}
	if (!bf || bf->source != source || bf->size <= 0) {
		return false;
	}
	char *file = xasprintf("%s/%s", bs->out, path);
	int fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	free(file);
	struct stat fs;
	void *map = MAP_FAILED;
	if (fd >= 0 && fstat(fd, &fs) == 0 && is_as_built(&fs, bf)) {
		map = mmap(NULL, (size_t)fs.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	}
	if (fd >= 0) {
		close(fd);
	}
	if (map == MAP_FAILED) {
		return false;
	}
	*data = map;
	*len = (size_t)bf->size;
	*mapped = true;
	snprintf(etag, WF_ETAG_MAX, "%s", bf->etag);
	return true;
}

/* The last build wrote into @out with the config as it is now. */
static bool
same_target(const struct wf_build_options *o, const struct last_build *lb)
{
	long long size, mtime, inode;
	return o->out && strcmp(lb->out, o->out) == 0 &&
	       conf_stamp(o->root, &size, &mtime, &inode) &&
	       size == lb->conf_size && mtime == lb->conf_mtime &&
	       inode == lb->conf_inode;
}

/* Every file the last build published is still as it left it. */
static bool
outputs_intact(const struct last_build *lb)
{
	for (size_t i = 0; i < lb->n_built; i++) {
		char *file = xasprintf("%s/%s", lb->out, lb->built[i].path);
		struct stat fs;
		bool same = lstat(file, &fs) == 0 && is_as_built(&fs, &lb->built[i]);
		free(file);
		if (!same) {
			return false;
		}
	}
	return lb->n_built > 0;
}

/* Nothing journaled since the last build into @out, same config, its
 * files as it left them, and no story changed phase since (@now). */
static bool
is_up_to_date(const struct wf_build_options *o, const char *cursor,
	      int64_t now, const struct last_build *lb)
{
	return *cursor && now < lb->next_change &&
	       strcmp(lb->cursor, cursor) == 0 && same_target(o, lb) &&
	       outputs_intact(lb);
}

/* A build that found the files current: what it reports. */
static void
report_up_to_date(struct wf_build_stats *stats, const struct last_build *lb,
		  bool journal)
{
	stats->up_to_date = true;
	stats->journal_used = journal;
	stats->next_change = (int64_t)lb->next_change;
	stats->records = stats->reused = lb->records;
	stats->files = stats->unchanged = lb->files;
}

/* Notes for the stories held back (every build: the newsroom wants to
 * know when they go out) and for the records read in this build (new or
 * changed). */
static void
report_notes(const struct wf_newswire *nw, const struct wf_build_callbacks *cb)
{
	int64_t window = wf_view_window(nw->config);
	for (size_t i = 0; i < nw->n_records; i++) {
		const struct wf_record *r = &nw->records[i];
		const struct wf_article *a = r->article;
		struct wf_diag d;
		struct wf_article_end end;
		enum wf_article_phase phase = wf_article_phase(a, nw->now, window,
							       &end);
		if (phase == WF_PHASE_EMBARGOED && cb->note) {
			char when[WF_TIME_RFC3339_MAX];
			wf_time_format_rfc3339(a->embargo_until, when, sizeof(when));
			wf_diag_set(&d, r->path, 0, 0,
				    "%s is embargoed until %s: in no feed before then (wirefeed serve releases it at that second; otherwise build again after it)",
				    a->id, when);
			cb->note(cb->ctx, &d);
		}
		if (!r->changed) {
			continue;
		}
		if ((phase == WF_PHASE_KILLED || phase == WF_PHASE_GONE) &&
		    cb->note) {
			char when[WF_TIME_RFC3339_MAX];
			wf_time_format_rfc3339(end.when, when, sizeof(when));
			wf_diag_set(&d, r->path, 0, 0,
				    "%s %s at %s (%s); %s",
				    a->id, end.expired ? "expired" : "was withdrawn",
				    when, end.reason ? end.reason : "no reason given",
				    phase == WF_PHASE_KILLED
					    ? "shown as a tombstone and a notice until tombstone_days pass"
					    : "left out of the feeds");
			cb->note(cb->ctx, &d);
		}
		for (size_t s = 0; s < a->n_sections; s++) {
			if (!wf_config_find_section(nw->config, a->sections[s].term)) {
				wf_diag_set(&d, r->path, 0, 0,
					    "section '%s' is not in wirefeed.conf; the story is only in the wire feed",
					    a->sections[s].term);
				report(cb->warning, cb->ctx, &d);
			}
		}
	}
}

/* The files of @set whose bytes differ from @previous or, without it,
 * from what is in @out now. */
static char **
changed_paths(const struct wf_feedset *set, const struct wf_feedset *previous,
	      const char *out, size_t *count)
{
	char **paths = xcalloc(set->n_files + 1, sizeof(*paths));
	size_t n = 0;
	for (size_t i = 0; i < set->n_files; i++) {
		const struct wf_rendered_file *f = &set->files[i];
		bool same = f->on_disk;
		if (same) {
			/* taken from the published file */
		} else if (previous) {
			const struct wf_rendered_file *p =
				wf_feedset_find(previous, f->path);
			same = p && strcmp(p->etag, f->etag) == 0;
		} else if (out) {
			char *path = xasprintf("%s/%s", out, f->path);
			struct buf b;
			buf_init(&b, f->len + 1);
			struct wf_diag ignored = { 0 };
			same = buf_read_file(&b, path, &ignored) == WF_OK &&
			       b.len == f->len &&
			       (f->len == 0 || memcmp(b.data, f->data, f->len) == 0);
			buf_finish(&b);
			free(path);
		}
		if (!same) {
			paths[n++] = f->path;
		}
	}
	*count = n;
	return paths;
}

static void
open_store(const struct wf_build_options *o, const struct wf_build_callbacks *cb,
	   struct wf_store **store)
{
	struct wf_store_options so = { .warning = cb->warning, .ctx = cb->ctx };
	struct wf_diag ignored = { 0 };
	/* without a usable store (no articles/, read-only root) the build
	 * still runs, by a stat of every record, and reports what is wrong */
	if (wf_store_open(o->root, &so, store, &ignored) != WF_OK) {
		*store = NULL;
	}
}

/* Whether this build may write archives it has not got: a first build
 * into --out (no archives/ there yet), or a server's first, which keeps
 * them in memory. Then the records it parses are kept whole outside
 * memory as they are read (wf_load_options.spool), instead of parsed
 * again for the archives; a config without archives keeps nothing. */
static bool
archives_to_render(const struct wf_build_options *o)
{
	if (!o->out) {
		return true;
	}
	char *dir = xasprintf("%s/archives", o->out);
	struct stat st;
	bool there = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
	free(dir);
	return !there;
}

/* Bring *warm up to date, or open the newswire. */
static enum wf_status
refresh(const struct wf_build_options *o, const struct wf_build_callbacks *cb,
	struct wf_store *store, struct wf_newswire **warm, char *cursor,
	struct wf_build_stats *stats, struct wf_diag *diag)
{
	char *index_path = wf_newswire_index_path(o->root);
	struct wf_load_options lo = { .index_path = o->full ? NULL : index_path,
				      .error = cb->error,
				      .warning = cb->warning,
				      .ctx = cb->ctx,
				      .stubs = true };
	struct wf_load_stats ls = { 0 };
	enum wf_status st = WF_OK;
	/* the journal's end before anything is read: what is written later
	 * is read again by the next build */
	cursor[0] = '\0';
	if (store && wf_store_cursor(store, cursor, diag) != WF_OK) {
		cursor[0] = '\0';
	}
	enum wf_refresh how = WF_REFRESH_REOPEN;
	if (*warm && !o->reopen) {
		how = wf_newswire_refresh(*warm, o->changed_known ? o->changed : NULL,
					  o->changed_known ? o->n_changed : 0,
					  &lo, &ls);
	}
	if (how == WF_REFRESH_UNCHANGED) {
		stats->up_to_date = true;
		free(index_path);
		return WF_OK;
	}
	struct wf_store_changes changes = { 0 };
	const char **names = NULL;
	if (how == WF_REFRESH_REOPEN) {
		wf_newswire_destroy(*warm);
		*warm = NULL;
		char since[WF_NEWSWIRE_CURSOR_MAX];
		if (o->journal && !o->full && store &&
		    wf_newswire_index_cursor(index_path, since) && *since &&
		    wf_store_changes_since(store, since, &changes, diag) == WF_OK &&
		    changes.complete) {
			/* the index is current to @since: only what was
			 * journaled after it is looked at */
			names = xcalloc(changes.n + 1, sizeof(*names));
			for (size_t i = 0; i < changes.n; i++) {
				names[i] = changes.items[i].location;
			}
			lo.trust_index = true;
			lo.changed = names;
			lo.n_changed = changes.n;
			snprintf(cursor, WF_STORE_CURSOR_MAX, "%s", changes.next);
		}
		lo.spool = archives_to_render(o) ? record_spool_create(o->root)
						 : NULL;
		st = wf_newswire_open(o->root, &lo, warm, &ls, diag);
		stats->journal_used = st == WF_OK && lo.trust_index && ls.index_used;
	}
	free(names);
	wf_store_changes_finish(&changes);
	free(index_path);
	stats->parsed = ls.parsed;
	stats->reused = ls.reused;
	stats->invalid = ls.invalid;
	return st;
}

/* ---- the feed state: a journal build that reads a few stories ---------- */

/* What changed since the feed state: the journal after its cursor
 * (--journal), or a stat of every record against the state's subset index
 * and the build index (a plain build: hand edits included). */
struct state_changes {
	struct wf_stat_changes found;
	size_t records; /* the wire's, counted as the last build counted */
	char next[WF_STORE_CURSOR_MAX]; /* the journal cursor they go to */
};

static bool
state_changes(const struct wf_build_options *o, struct wf_store *store,
	      const struct last_build *lb, const char *subset,
	      struct state_changes *out)
{
	memset(out, 0, sizeof(*out));
	struct wf_diag ignored = { 0 };
	/* the cursor before anything is read: what is journaled later is
	 * seen by the next build */
	char next[WF_STORE_CURSOR_MAX];
	if (wf_store_cursor(store, next, &ignored) != WF_OK) {
		return false;
	}
	struct wf_store_changes changes = { 0 };
	bool ok = wf_store_changes_since(store, lb->cursor, &changes,
					 &ignored) == WF_OK &&
		  changes.complete;
	/* Files added, removed, renamed or copied by hand (the store's open
	 * repaired its index and journaled them): a copy may share an id
	 * with a story outside the state, which only the whole index shows. */
	for (size_t i = 0; ok && i < changes.n; i++) {
		ok = changes.items[i].op != WF_STORE_OP_REPAIR &&
		     changes.items[i].op != WF_STORE_OP_REMOVE;
	}
	struct wf_stat_changes *found = &out->found;
	if (ok && o->journal) {
		/* no removals (they fall back above) */
		found->names = xcalloc(changes.n + 1, sizeof(*found->names));
		for (size_t i = 0; i < changes.n; i++) {
			found->added +=
				changes.items[i].op == WF_STORE_OP_CREATE;
			found->names[found->n++] =
				xstrdup(changes.items[i].location);
		}
		snprintf(next, sizeof(next), "%s", changes.next);
	} else if (ok) {
		/* a stat of every record: in-place hand edits too */
		char *index_path = wf_newswire_index_path(o->root);
		ok = wf_newswire_stat_changes(o->root, index_path, subset, found);
		free(index_path);
	}
	wf_store_changes_finish(&changes);
	size_t there = lb->records + found->added;
	out->records = there > found->removed ? there - found->removed : 0;
	snprintf(out->next, sizeof(out->next), "%s", next);
	return ok;
}

/*
 * A journal build after a few edits opens only the stories of the feed
 * state (each feed's newest max_entries + FEED_STATE_MARGIN, and every
 * story whose phase depends on the clock) plus the journaled ones. That
 * shows exactly what the whole wire would as long as fewer stories than
 * the margin left any feed since the state was made: a story outside the
 * state was below max_entries + margin in every feed it is in, and only an
 * edit (journaled, so read) or a phase change (of a story in the state,
 * so counted) can make one above it leave. Each build spends the margin
 * by what it saw; when it is gone, or anything else is off (another --out,
 * another config, archives, a change found outside the store), the build
 * reads the whole index and makes a new state.
 *
 * True with *warm set to the partial newswire; false to build the usual
 * way (nothing reported: a miss only costs time).
 */
static bool
open_partial(const struct wf_build_options *o, const struct wf_build_callbacks *cb,
	     struct wf_store *store, const struct last_build *lb, int64_t now,
	     struct wf_newswire **warm, char *cursor, long long *margin_left,
	     struct wf_build_stats *stats)
{
	if (o->full || o->serving || *warm || !store || lb->margin <= 0 ||
	    !same_target(o, lb)) {
		return false;
	}
	char *subset = feed_state_index_path(o->root);
	char since[WF_NEWSWIRE_CURSOR_MAX];
	struct state_changes ch = { 0 };
	bool ok = wf_newswire_index_cursor(subset, since) &&
		  strcmp(since, lb->cursor) == 0 &&
		  state_changes(o, store, lb, subset, &ch) &&
		  (long long)ch.found.n <= lb->margin;
	if (ok && ch.found.n == 0 && now < lb->next_change && outputs_intact(lb)) {
		/* nothing changed, nothing due: the files are current */
		report_up_to_date(stats, lb, o->journal);
		wf_stat_changes_finish(&ch.found);
		free(subset);
		return true;
	}
	struct wf_newswire *nw = NULL;
	struct wf_load_stats ls = { 0 };
	struct wf_diag ignored = { 0 };
	if (ok) {
		struct wf_load_options lo = { .index_path = subset,
					      .error = cb->error,
					      .warning = cb->warning,
					      .ctx = cb->ctx,
					      .trust_index = true,
					      .changed = (const char *const *)ch.found.names,
					      .n_changed = ch.found.n,
					      .stubs = true };
		ok = wf_newswire_open(o->root, &lo, &nw, &ls, &ignored) == WF_OK;
		/* an unusable subset index makes open read everything: that
		 * is a whole newswire, not a partial one (and it is fine) */
		if (ok && !ls.index_used) {
			*warm = nw;
			stats->parsed = ls.parsed;
			stats->reused = ls.reused;
			stats->invalid = ls.invalid;
			snprintf(cursor, WF_STORE_CURSOR_MAX, "%s", ch.next);
			wf_stat_changes_finish(&ch.found);
			free(subset);
			return true;
		}
	}
	long long spent = (long long)ch.found.n;
	int64_t window = ok ? wf_view_window(nw->config) : 0;
	for (size_t i = 0; ok && i < nw->n_records; i++) {
		const struct wf_record *r = &nw->records[i];
		if (!r->changed && wf_article_depends_on_clock(r->article) &&
		    wf_article_phase(r->article, lb->now, window, NULL) !=
			    wf_article_phase(r->article, now, window, NULL)) {
			spent++;
		}
	}
	ok = ok && nw->config->archives == WF_ARCHIVE_OFF && spent <= lb->margin;
	if (ok) {
		nw->partial = true;
		*warm = nw;
		*margin_left = lb->margin - spent;
		size_t records = ch.records;
		stats->parsed = ls.parsed;
		stats->reused = records > ls.parsed ? records - ls.parsed : 0;
		stats->invalid = ls.invalid;
		stats->journal_used = o->journal;
		stats->records = records;
		stats->state_records = nw->n_records;
		snprintf(cursor, WF_STORE_CURSOR_MAX, "%s", ch.next);
	} else {
		wf_newswire_destroy(nw);
	}
	wf_stat_changes_finish(&ch.found);
	free(subset);
	return ok;
}

/* The stories a feed state keeps of a whole newswire: each feed's newest
 * max_entries + FEED_STATE_MARGIN, and those whose phase depends on the
 * clock. */
static bool *
feed_state_members(const struct wf_newswire *nw)
{
	bool *keep = xcalloc(nw->n_records ? nw->n_records : 1, sizeof(*keep));
	struct wf_view view;
	wf_view_make(nw, &view);
	size_t n_feeds = 1 + nw->config->n_sections;
	size_t **picked = xcalloc(n_feeds, sizeof(*picked));
	size_t *counts = xcalloc(n_feeds, sizeof(*counts));
	wf_newswire_select(nw, view.shown, view.n_shown,
			   nw->config->max_entries + FEED_STATE_MARGIN, picked,
			   counts);
	for (size_t k = 0; k < n_feeds; k++) {
		for (size_t j = 0; j < counts[k]; j++) {
			keep[view.record[picked[k][j]]] = true;
		}
		free(picked[k]);
	}
	for (size_t i = 0; i < nw->n_records; i++) {
		keep[i] = keep[i] || wf_article_depends_on_clock(nw->records[i].article);
	}
	free(picked);
	free(counts);
	wf_view_finish(&view);
	return keep;
}

/* Record what this build published, and the feed state a journal build
 * can start from next time. */
static void
save_feed_state(const struct wf_build_options *o, const struct wf_newswire *nw,
		const char *cursor, int64_t now, long long margin_left,
		const struct wf_build_stats *stats, const struct wf_feedset *set,
		const struct wf_build_callbacks *cb)
{
	long long margin = -1;
	if (o->serving) {
		/* a server: no journal build starts from its state */
	} else if (nw->partial) {
		margin = margin_left;
	} else if (nw->config->archives == WF_ARCHIVE_OFF) {
		margin = FEED_STATE_MARGIN;
	}
	if (margin >= 0) {
		char *path = feed_state_index_path(o->root);
		bool *keep = nw->partial ? NULL : feed_state_members(nw);
		struct wf_diag d = { 0 };
		if (wf_newswire_save_subset(nw, keep, path, &d) != WF_OK) {
			report(cb->warning, cb->ctx, &d);
			margin = -1;
		}
		free(keep);
		free(path);
	}
	write_last_build(o->root, cursor, o->out, stats, now, margin, set);
}

/* Select, render, publish; reports and counts. */
static enum wf_status
render_and_publish(const struct wf_build_options *o,
		   const struct wf_build_callbacks *cb, struct wf_newswire *nw,
		   const struct last_build *lb, struct wf_feedset **set_out,
		   struct wf_build_stats *stats, struct wf_diag *diag)
{
	report_notes(nw, cb);
	/* a partial newswire holds a subset: open_partial() counted the
	 * wire's records */
	bool count = !nw->partial;
	if (count) {
		stats->records = nw->n_records;
	}
	if (stats->invalid > 0 && !o->keep_going) {
		wf_diag_set(diag, NULL, 0, 0, "%zu invalid record%s", stats->invalid,
			    stats->invalid == 1 ? "" : "s");
		return WF_ERR_INVALID;
	}
	/* one selection, from choosing the entries to rendering them */
	struct wf_selection sel;
	stats->invalid += wf_selection_make(nw, &sel, cb->error, cb->ctx);
	if (count) {
		stats->records = nw->n_records; /* without the ones dropped */
	}
	if (stats->invalid > 0 && !o->keep_going) {
		wf_selection_finish(&sel);
		wf_diag_set(diag, NULL, 0, 0, "%zu invalid record%s", stats->invalid,
			    stats->invalid == 1 ? "" : "s");
		return WF_ERR_INVALID;
	}
	/* unchanged feeds are taken, not rendered: from the set being
	 * served, or from what the last build published here */
	struct built_source bs = { lb, o->out };
	struct wf_render_source source;
	sel.previous = o->previous;
	if (o->previous) {
		wf_render_source_from_set(&source, o->previous);
	} else {
		source = (struct wf_render_source){ take_built, &bs };
	}
	sel.source = o->previous || (!o->serving && lb && o->out &&
				     strcmp(lb->out, o->out) == 0)
			     ? &source
			     : NULL;
	struct wf_feedset *set = wf_render_selection(nw, &sel);
	wf_selection_finish(&sel);
	nw->next_change = wf_view_next_change(nw);
	stats->next_change = nw->next_change;
	stats->files = set->n_files;
	size_t n_changed = 0;
	char **changed = cb->changed ? changed_paths(set, o->previous, o->out,
						     &n_changed)
				     : NULL;
	/* closed archives first: the feeds link to them */
	struct wf_archive_stats as = { 0 };
	enum wf_status st = o->out ? wf_archive_publish(nw, o->out, &as, diag)
				   : WF_OK;
	/* a server serves the closed archives too (frozen bytes), and the
	 * set as soon as it is whole: before its files are written */
	if (st == WF_OK && o->serving &&
	    wf_archive_add_to_set(set, nw, o->out, diag) != WF_OK) {
		report(cb->error, cb->ctx, diag);
		wf_diag_clear(diag);
	}
	/* the archives were its only reader: its disk space back before
	 * the feeds are published */
	wf_newswire_release_spool(nw);
	/* ready: once for the set returned, as early as that is certain */
	bool returned_anyway = o->soft_publish || !o->out;
	if (cb->ready && returned_anyway) {
		cb->ready(cb->ctx, set);
	}
	if (o->out) {
		struct wf_publish_stats ps = { 0 };
		if (st == WF_OK) {
			st = wf_publish(set, o->out, &ps, diag);
		}
		if (st != WF_OK && o->soft_publish) {
			report(cb->error, cb->ctx, diag);
			wf_diag_clear(diag);
		} else if (st != WF_OK) {
			free(changed);
			wf_feedset_unref(set);
			return st;
		}
		stats->written = ps.written + as.written;
		stats->unchanged = ps.unchanged + as.frozen;
		stats->files += as.written + as.frozen;
	}
	if (cb->ready && !returned_anyway) {
		cb->ready(cb->ctx, set);
	}
	if (cb->changed && n_changed > 0) {
		cb->changed(cb->ctx, (const char *const *)changed, n_changed);
	}
	free(changed);
	*set_out = set;
	return WF_OK;
}

enum wf_status
wf_build_run(const struct wf_build_options *o,
	     const struct wf_build_callbacks *cb, struct wf_newswire **warm_io,
	     struct wf_feedset **set, struct wf_build_stats *stats_out,
	     struct wf_diag *diag)
{
	struct wf_build_stats stats = { .next_change = INT64_MAX };
	int64_t now = o->now ? o->now : wf_time_now().utc;
	struct wf_newswire *local = NULL;
	struct wf_newswire **warm = warm_io ? warm_io : &local;
	*set = NULL;
	struct wf_store *store = NULL;
	if (!*warm || o->reopen) {
		open_store(o, cb, &store);
	}
	char cursor[WF_STORE_CURSOR_MAX] = "";
	enum wf_status st = WF_OK;
	struct last_build lb = { .margin = -1 };
	bool have_lb = o->out && !*warm && read_last_build(o->root, &lb);
	if (o->journal && !o->full && !*warm && store && have_lb &&
	    wf_store_cursor(store, cursor, diag) == WF_OK &&
	    is_up_to_date(o, cursor, now, &lb)) {
		/* nothing journaled since the last build into this --out,
		 * and its files as it left them */
		report_up_to_date(&stats, &lb, true);
		wf_store_close(store);
		last_build_finish(&lb);
		*stats_out = stats;
		return WF_OK;
	}
	long long margin_left = -1;
	if (!(have_lb && open_partial(o, cb, store, &lb, now, warm, cursor,
				      &margin_left, &stats))) {
		st = refresh(o, cb, store, warm, cursor, &stats, diag);
	}
	wf_store_close(store);
	if (st == WF_OK && *warm) {
		/* the files did not change, but the clock passed an embargo,
		 * an expiry or the end of a tombstone's window */
		if (stats.up_to_date && now >= (*warm)->next_change) {
			stats.up_to_date = false;
		}
		(*warm)->now = now;
		stats.next_change = (*warm)->next_change;
	}
	if (st == WF_OK && !stats.up_to_date && *warm) {
		st = render_and_publish(o, cb, *warm, have_lb ? &lb : NULL, set,
					&stats, diag);
	}
	if (*warm && (*warm)->spool) {
		/* the archives are written (or the build failed): a server
		 * keeps its newswire for hours, not the spool's disk space */
		wf_newswire_release_spool(*warm);
	}
	if ((st == WF_OK || st == WF_ERR_INVALID) && *warm) {
		struct wf_newswire *nw = *warm;
		if (*cursor && (!nw->journal_cursor ||
				strcmp(nw->journal_cursor, cursor) != 0)) {
			free(nw->journal_cursor);
			nw->journal_cursor = xstrdup(cursor);
			nw->index_current = false;
		}
		if (o->save_index && st == WF_OK && !nw->partial) {
			char *index_path = wf_newswire_index_path(o->root);
			struct wf_diag d = { 0 };
			/* what this build saw, for the next one; losing it
			 * only costs time */
			if (wf_newswire_save_index(nw, index_path, &d) != WF_OK) {
				report(cb->warning, cb->ctx, &d);
			}
			free(index_path);
		}
		if (st == WF_OK && o->out && *set && stats.invalid == 0) {
			save_feed_state(o, nw, cursor, now, margin_left, &stats,
					*set, cb);
		}
	}
	if (st == WF_ERR_INVALID || (st == WF_OK && stats.invalid > 0)) {
		/* the last-build shortcut must not skip a build that has
		 * something to report */
		char *path = last_build_path(o->root);
		unlink(path);
		free(path);
	}
	wf_newswire_destroy(local);
	last_build_finish(&lb);
	*stats_out = stats;
	return st;
}
