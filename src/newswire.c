/* SPDX-License-Identifier: MIT */
/* A newswire on disk, opened: the scan of the records against the build
 * index, in parallel (newswire.h). */

#include "wirefeed/newswire.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wirefeed/atomic_file.h"
#include "wirefeed/record.h"
#include "buf.h"
#include "mem.h"
#include "hash64.h"
#include "newswire_private.h"
#include "record_spool.h"

bool
wf_newswire_is_record_name(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && name[0] != '.' && strcmp(name + n - 4, ".xml") == 0;
}

char *
wf_newswire_index_path(const char *root)
{
	return xasprintf("%s/.wirefeed-index", root);
}

const char *
nw_base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

char *
nw_join_path(const char *dir, const char *name)
{
	size_t dir_len = strlen(dir), name_len = strlen(name);
	char *path = xmalloc(dir_len + 1 + name_len + 1);
	memcpy(path, dir, dir_len);
	path[dir_len] = '/';
	memcpy(path + dir_len + 1, name, name_len + 1);
	return path;
}

static int64_t
mtime_ns(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

struct wf_file_stamp
wf_file_stamp_of(const struct stat *st)
{
	return (struct wf_file_stamp){ .size = st->st_size,
				       .mtime_ns = mtime_ns(st),
				       .inode = (uint64_t)st->st_ino };
}

bool
wf_file_stamp_equal(struct wf_file_stamp a, struct wf_file_stamp b)
{
	return a.size == b.size && a.mtime_ns == b.mtime_ns &&
	       a.inode == b.inode;
}

void
nw_refuse(struct wf_newswire_private *p, const char *name, struct wf_file_stamp seen)
{
	/* kept sorted: open adds in name order, refresh inserts */
	size_t at = p->n_refused;
	while (at > 0 && strcmp(p->refused[at - 1].name, name) > 0) {
		at--;
	}
	p->refused = xreallocarray(p->refused, p->n_refused + 1,
				   sizeof(*p->refused));
	memmove(&p->refused[at + 1], &p->refused[at],
		(p->n_refused - at) * sizeof(*p->refused));
	p->refused[at] = (struct refused_file){ xstrdup(name), seen };
	p->n_refused++;
}

/* Index of the refused file @name, or -1. */
ptrdiff_t
nw_find_refused(const struct wf_newswire_private *p, const char *name)
{
	for (size_t i = 0; i < p->n_refused; i++) {
		if (strcmp(p->refused[i].name, name) == 0) {
			return (ptrdiff_t)i;
		}
	}
	return -1;
}

void
nw_unrefuse(struct wf_newswire_private *p, size_t i)
{
	free(p->refused[i].name);
	memmove(&p->refused[i], &p->refused[i + 1],
		(p->n_refused - i - 1) * sizeof(*p->refused));
	p->n_refused--;
}

/* ---- loading ------------------------------------------------------------ */

int
nw_compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the records in @dir; NULL with @diag on failure. */
char **
nw_list_records(const char *dir, size_t *count, struct wf_diag *diag)
{
	DIR *d = opendir(dir);
	if (!d) {
		wf_diag_set(diag, dir, 0, 0, "cannot open articles directory: %s",
			    strerror(errno));
		return NULL;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (!wf_newswire_is_record_name(de->d_name)) {
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			names = xreallocarray(names, cap, sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 1) {
		qsort(names, n, sizeof(*names), nw_compare_names);
	}
	*count = n;
	return names ? names : xcalloc(1, sizeof(*names));
}

void
nw_report(wf_report_fn fn, void *ctx, const struct wf_diag *d)
{
	if (fn) {
		fn(ctx, d);
	}
}

/* Read and parse one record; fills the record on success. */
bool
nw_parse_record(const char *path, const struct stat *st, struct wf_record *r,
	     struct wf_diag *d)
{
	struct buf b;
	buf_init(&b, WF_RECORD_MAX_BYTES);
	enum wf_status status = buf_read_file(&b, path, d);
	struct wf_article *a = NULL;
	if (status == WF_OK) {
		status = wf_record_parse_memory(b.data ? b.data : "", b.len, path,
						&a, d);
	}
	if (status != WF_OK) {
		buf_finish(&b);
		return false;
	}
	hash64_hex(b.data, b.len, r->digest);
	buf_finish(&b);
	r->path = xstrdup(path);
	r->article = a;
	r->loaded = true;
	r->changed = true;
	r->spooled = 0;
	r->stamp = wf_file_stamp_of(st);
	return true;
}

void
nw_drop_record(struct wf_record *r)
{
	free(r->path);
	wf_article_destroy(r->article);
	r->path = NULL;
	r->article = NULL;
}

/* Report and remove every record whose id another record also has. A hash
 * table of ids (open addressing) keeps this linear for large newswires. */
static size_t
drop_duplicate_ids(struct wf_record *recs, size_t n,
		   const struct wf_load_options *o,
		   struct wf_newswire_private *priv)
{
	if (n < 2) {
		return n;
	}
	size_t cap = 16;
	while (cap < n * 2) {
		cap *= 2;
	}
	size_t *slots = xcalloc(cap, sizeof(*slots)); /* index + 1; 0 empty */
	bool *dup = xcalloc(n, sizeof(*dup));
	size_t *first_of = xcalloc(n, sizeof(*first_of));
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		const char *id = recs[i].article->id;
		size_t h = (size_t)hash64(id, strlen(id)) & (cap - 1);
		first_of[i] = i;
		while (slots[h]) {
			size_t j = slots[h] - 1;
			if (strcmp(recs[j].article->id, id) == 0) {
				dup[i] = dup[j] = any = true;
				first_of[i] = j;
				break;
			}
			h = (h + 1) & (cap - 1);
		}
		if (!slots[h]) {
			slots[h] = i + 1;
		}
	}
	free(slots);
	size_t kept = n;
	if (any) {
		/* name, for each duplicate, another file with the same id */
		size_t *other = xcalloc(n, sizeof(*other));
		for (size_t i = 0; i < n; i++) {
			other[i] = i;
		}
		for (size_t i = 0; i < n; i++) {
			if (dup[i] && first_of[i] != i) {
				other[i] = first_of[i];
				other[first_of[i]] = i;
			}
		}
		for (size_t i = 0; i < n; i++) {
			if (dup[i]) {
				struct wf_diag d;
				int line = 0, col = 0;
				/* issue 17.14: at the <id>, like other errors */
				if (!wf_record_id_position(recs[i].path, &line,
							   &col)) {
					line = col = 0;
				}
				wf_diag_set(&d, recs[i].path, line, col,
					    "duplicate id %s (also in %s); neither record is published",
					    recs[i].article->id, recs[other[i]].path);
				nw_report(o->error, o->ctx, &d);
			}
		}
		free(other);
		kept = 0;
		priv->duplicates = true;
		for (size_t i = 0; i < n; i++) {
			if (dup[i]) {
				nw_refuse(priv, nw_base_name(recs[i].path),
				       recs[i].stamp);
				nw_drop_record(&recs[i]);
			} else {
				recs[kept++] = recs[i];
			}
		}
	}
	free(dup);
	free(first_of);
	return kept;
}

/* A content change that readers will not be told about. */
bool
nw_is_hand_edit(const char *old_digest, const struct wf_article *old,
	     const struct wf_record *r)
{
	const struct wf_article *a = r->article;
	if (!old || strcmp(old_digest, r->digest) == 0 ||
	    strcmp(old->id, a->id) != 0 ||
	    wf_time_compare(old->updated, a->updated) != 0) {
		return false;
	}
	/* a changed app:edited is a minor edit, recorded as such */
	return old->has_edited == a->has_edited &&
	       (!a->has_edited || wf_time_compare(old->edited, a->edited) == 0);
}

void
nw_report_hand_edit(const struct wf_load_options *o, const char *path)
{
	struct wf_diag d;
	wf_diag_set(&d, path, 0, 0,
		    "the record changed since the last build but its updated (and app:edited) did not: readers will not see the change as an update (use 'wirefeed update', or --minor for a silent fix)");
	nw_report(o->warning, o->ctx, &d);
}

/* Free all but what choosing entries and the index need: the id, the
 * times, the status and the section terms (what an index stub holds). */
static void
strip_to_stub(struct wf_article *a)
{
	struct wf_article *stub = wf_article_create();
	stub->id = a->id;
	a->id = NULL;
	stub->published = a->published;
	stub->updated = a->updated;
	stub->edited = a->edited;
	stub->has_edited = a->has_edited;
	stub->status = a->status;
	for (size_t i = 0; i < a->n_sections; i++) {
		wf_article_add_section(stub, a->sections[i].term, NULL);
	}
	wf_article_move_into(a, stub); /* @a keeps its address */
}

/* What the scan found for one file. */
enum scan_result { SCAN_REUSED, SCAN_PARSED, SCAN_INVALID, SCAN_GONE };

struct scan {
	/* shared, read-only */
	const char *dir;
	int dir_fd;
	char **names;
	size_t n;
	struct index_entry **match; /* the index entry of each name, or NULL */
	const bool *trusted; /* NULL, or per name: take the index entry as is */
	bool stubs; /* keep parsed records as stubs (wf_load_options) */
	struct wf_record_spool *spool; /* NULL: none */
	/* work distribution */
	atomic_size_t next;
	/* per file */
	enum scan_result *result;
	struct wf_record *recs;
	struct wf_diag **diags; /* invalid records' errors */
	bool *hand_edit;
};

static void
scan_one(struct scan *sc, size_t i)
{
	const char *name = sc->names[i];
	struct index_entry *old = sc->match[i];
	bool trusted = sc->trusted && sc->trusted[i] && old && old->stub &&
		       !old->always_parse;
	struct stat st;
	if (!trusted && (fstatat(sc->dir_fd, name, &st, 0) != 0 ||
			 !S_ISREG(st.st_mode))) {
		sc->result[i] = SCAN_GONE; /* vanished, or not a file */
		return;
	}
	char *path = nw_join_path(sc->dir, name);
	struct wf_record *r = &sc->recs[i];
	if (trusted || (old && old->stub && !old->always_parse &&
			wf_file_stamp_equal(old->stamp, wf_file_stamp_of(&st)))) {
		/* unchanged since the last build: the index's stub */
		r->path = path;
		r->article = old->stub; /* moved out of the index */
		old->stub = NULL;
		r->stamp = old->stamp;
		memcpy(r->digest, old->digest, sizeof(r->digest));
		r->index_line = old->line;
		r->index_line_len = old->line_len;
		sc->result[i] = SCAN_REUSED;
		return;
	}
	struct wf_diag *d = xzalloc(sizeof(*d));
	if (nw_parse_record(path, &st, r, d)) {
		sc->hand_edit[i] =
			old && nw_is_hand_edit(old->digest, old->stub, r);
		/* parsed only for its lifecycle: not news to this build */
		r->changed = !(old && old->always_parse &&
			       strcmp(old->digest, r->digest) == 0);
		sc->result[i] = SCAN_PARSED;
		if (sc->stubs && !wf_article_depends_on_clock(r->article)) {
			/* kept whole for the archives, outside memory */
			r->spooled = record_spool_add(sc->spool, r->article);
			strip_to_stub(r->article);
			r->loaded = false;
		}
		free(d);
	} else {
		sc->diags[i] = d;
		sc->result[i] = SCAN_INVALID;
		r->stamp = wf_file_stamp_of(&st); /* remembered as refused */
	}
	free(path);
}

static void *
scan_worker(void *arg)
{
	struct scan *sc = arg;
	/* files are taken in runs, so threads do not fight over the counter
	 * and their per-file slots do not share cache lines */
	enum { RUN = 64 };
	for (;;) {
		size_t first = atomic_fetch_add(&sc->next, RUN);
		if (first >= sc->n) {
			return NULL;
		}
		size_t end = sc->n - first < RUN ? sc->n : first + RUN;
		for (size_t i = first; i < end; i++) {
			scan_one(sc, i);
		}
	}
}

/* Stat (and parse where needed) every record, on up to one thread per CPU:
 * a full build of a large newswire is bound by parsing, a rebuild by
 * stat(). Results land in per-file slots, so the outcome and the order of
 * reports do not depend on scheduling. */
static void
scan_records(struct scan *sc)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t threads = cpus > 1 ? (size_t)cpus : 1;
	if (threads > 8) {
		threads = 8;
	}
	if (sc->n < 256) {
		threads = 1;
	}
	pthread_t tid[8];
	size_t started = 0;
	for (size_t t = 1; t < threads; t++) {
		if (pthread_create(&tid[started], NULL, scan_worker, sc) == 0) {
			started++;
		}
	}
	scan_worker(sc);
	for (size_t t = 0; t < started; t++) {
		pthread_join(tid[t], NULL);
	}
}

/* The index's names plus @changed (sorted, each once); trusted[i] for
 * those that are in the index and not changed. */
static char **
trusted_names(const struct index *ix, const char *const *changed,
	      size_t n_changed, size_t *count, bool **trusted_out)
{
	char **ch = xcalloc(n_changed ? n_changed : 1, sizeof(*ch));
	size_t k = 0;
	for (size_t i = 0; i < n_changed; i++) {
		if (wf_newswire_is_record_name(changed[i])) {
			ch[k++] = xstrdup(changed[i]);
		}
	}
	qsort(ch, k, sizeof(*ch), nw_compare_names);
	char **names = xcalloc(ix->n + k + 1, sizeof(*names));
	bool *trusted = xcalloc(ix->n + k + 1, sizeof(*trusted));
	size_t n = 0, i = 0, j = 0;
	while (i < ix->n || j < k) {
		int c = i == ix->n ? 1
			: j == k   ? -1
				   : strcmp(ix->entries[i].name, ch[j]);
		if (c < 0) {
			trusted[n] = true;
			names[n++] = xstrdup(ix->entries[i++].name);
		} else {
			if (c == 0) {
				i++;
			}
			if (n > 0 && !trusted[n - 1] && strcmp(names[n - 1], ch[j]) == 0) {
				free(ch[j++]); /* journaled twice */
				continue;
			}
			names[n++] = ch[j++];
		}
	}
	free(ch);
	*count = n;
	*trusted_out = trusted;
	return names;
}

static enum wf_status
open_records(const char *root, const struct wf_load_options *o,
	     struct wf_newswire **out, struct wf_load_stats *stats,
	     struct wf_diag *diag)
{
	struct wf_load_stats local = { 0 };
	char *conf_path = xasprintf("%s/wirefeed.conf", root);
	struct wf_config *config = NULL;
	/* stamped before reading: a change in between makes a refresh reopen */
	struct stat conf_st;
	struct wf_file_stamp conf_seen = { -1, -1, 0 };
	if (stat(conf_path, &conf_st) == 0) {
		conf_seen = wf_file_stamp_of(&conf_st);
	}
	enum wf_status st = wf_config_load(conf_path, &config, diag);
	free(conf_path);
	if (st != WF_OK) {
		return st;
	}
	struct index ix = { 0 };
	size_t n_index = 0;
	if (o->index_path) {
		const char *why = NULL;
		local.index_used = nw_index_read(o->index_path, &ix, &why);
		n_index = ix.n;
		if (why) {
			struct wf_diag d;
			wf_diag_set(&d, o->index_path, 0, 0,
				    "index unusable (%s); parsing every record and rebuilding it",
				    why);
			nw_report(o->warning, o->ctx, &d);
		}
	}
	wf_atomic_file_sweep(root, wf_time_now().utc);
	char *dir = xasprintf("%s/articles", root);
	size_t n_files = 0;
	bool *trusted = NULL;
	char **names = NULL;
	if (o->trust_index && local.index_used) {
		names = trusted_names(&ix, o->changed, o->n_changed, &n_files,
				      &trusted);
	} else {
		/* what killed edits and index saves left behind (a full
		 * listing only: the journal path must not read the directory) */
		wf_atomic_file_sweep(dir, wf_time_now().utc);
		names = nw_list_records(dir, &n_files, diag);
	}
	int dir_fd = names ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (!names || dir_fd < 0) {
		if (names) {
			wf_diag_set(diag, dir, 0, 0, "cannot open: %s", strerror(errno));
			for (size_t i = 0; i < n_files; i++) {
				free(names[i]);
			}
			free(names);
		}
		free(trusted);
		nw_index_free(&ix);
		free(dir);
		wf_config_destroy(config);
		return WF_ERR_IO;
	}
	size_t slots = n_files ? n_files : 1;
	struct scan sc = {
		.dir = dir, .dir_fd = dir_fd, .names = names, .n = n_files,
		.match = nw_match_index(&ix, names, n_files),
		.trusted = trusted,
		.stubs = o->stubs,
		/* only archives read the spool */
		.spool = o->stubs && config->archives != WF_ARCHIVE_OFF ? o->spool
									 : NULL,
		.result = xcalloc(slots, sizeof(*sc.result)),
		.recs = xcalloc(slots, sizeof(*sc.recs)),
		.diags = xcalloc(slots, sizeof(*sc.diags)),
		.hand_edit = xcalloc(slots, sizeof(*sc.hand_edit)),
	};
	atomic_init(&sc.next, 0);
	scan_records(&sc);
	close(dir_fd);
	/* gather in name order; reports come out in that order too */
	struct wf_newswire_private *priv = xzalloc(sizeof(*priv));
	priv->config = conf_seen;
	struct wf_record *recs = sc.recs;
	size_t n = 0;
	for (size_t i = 0; i < n_files; i++) {
		switch (sc.result[i]) {
		case SCAN_REUSED:
			local.reused++;
			recs[n++] = sc.recs[i];
			break;
		case SCAN_PARSED:
			/* a lifecycle record read again, unchanged, counts as
			 * reused: it is not news (and the index still holds) */
			if (sc.recs[i].changed) {
				local.parsed++;
			} else {
				local.reused++;
			}
			if (sc.hand_edit[i]) {
				nw_report_hand_edit(o, sc.recs[i].path);
			}
			recs[n++] = sc.recs[i];
			break;
		case SCAN_INVALID:
			local.invalid++;
			nw_report(o->error, o->ctx, sc.diags[i]);
			free(sc.diags[i]);
			nw_refuse(priv, names[i],
			       sc.recs[i].stamp);
			break;
		case SCAN_GONE:
			break;
		}
		free(names[i]);
	}
	free(names);
	free(sc.match);
	free(sc.result);
	free(sc.diags);
	free(sc.hand_edit);
	free(trusted);
	free(dir);
	char *journal = xstrdup(ix.journal);
	priv->index_text = ix.text; /* reused records point into it */
	ix.text = NULL;
	nw_index_free(&ix);
	size_t kept = drop_duplicate_ids(recs, n, o, priv);
	local.invalid += n - kept;

	struct wf_newswire *nw = xzalloc(sizeof(*nw));
	nw->root = xstrdup(root);
	nw->journal_cursor = journal;
	nw->config = config;
	nw->records = recs;
	nw->n_records = kept;
	nw->priv_ = priv;
	nw->now = wf_time_now().utc;
	nw->next_change = INT64_MAX;
	/* nothing new, changed, removed or refused: the index on disk is
	 * already this one */
	nw->index_current = local.index_used && local.parsed == 0 &&
			    local.invalid == 0 && kept == n_index;
	*out = nw;
	if (stats) {
		*stats = local;
	}
	return WF_OK;
}

enum wf_status
wf_newswire_open(const char *root, const struct wf_load_options *o,
		 struct wf_newswire **out, struct wf_load_stats *stats,
		 struct wf_diag *diag)
{
	enum wf_status st = open_records(root, o, out, stats, diag);
	if (st == WF_OK) {
		(*out)->spool = o->spool;
	} else {
		record_spool_destroy(o->spool);
	}
	return st;
}

void
wf_newswire_release_spool(struct wf_newswire *nw)
{
	if (!nw->spool) {
		return; /* no tickets either */
	}
	record_spool_destroy(nw->spool);
	nw->spool = NULL;
	for (size_t i = 0; i < nw->n_records; i++) {
		nw->records[i].spooled = 0;
	}
}

enum wf_status
wf_newswire_load(const char *root, wf_report_fn report_fn, void *ctx,
		 struct wf_newswire **out, size_t *n_invalid,
		 struct wf_diag *diag)
{
	struct wf_load_options o = { .error = report_fn, .ctx = ctx };
	struct wf_load_stats stats = { 0 };
	enum wf_status st = wf_newswire_open(root, &o, out, &stats, diag);
	if (st == WF_OK && n_invalid) {
		*n_invalid = stats.invalid;
	}
	return st;
}

void
wf_newswire_destroy(struct wf_newswire *nw)
{
	if (!nw) {
		return;
	}
	for (size_t i = 0; i < nw->n_records; i++) {
		nw_drop_record(&nw->records[i]);
	}
	free(nw->records);
	wf_config_destroy(nw->config);
	if (nw->priv_) {
		for (size_t i = 0; i < nw->priv_->n_refused; i++) {
			free(nw->priv_->refused[i].name);
		}
		free(nw->priv_->refused);
		free(nw->priv_->index_text);
		free(nw->priv_);
	}
	record_spool_destroy(nw->spool);
	free(nw->root);
	free(nw->journal_cursor);
	free(nw);
}

const struct wf_record *
wf_newswire_find(const struct wf_newswire *nw, const char *id)
{
	for (size_t i = 0; i < nw->n_records; i++) {
		if (strcmp(nw->records[i].article->id, id) == 0) {
			return &nw->records[i];
		}
	}
	return NULL;
}
