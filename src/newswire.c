/* SPDX-License-Identifier: MIT */
#include "wirefeed/newswire.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wirefeed/build.h"
#include "wirefeed/feed.h"
#include "wirefeed/record.h"
#include "buf.h"
#include "mem.h"
#include "sha256.h"

#define INDEX_MAGIC "wirefeed-index 1"
#define INDEX_MAX_BYTES (512u * 1024 * 1024)

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

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* ---- the index ---------------------------------------------------------- */

struct index_entry {
	char *name;
	int64_t size, mtime_ns;
	uint64_t inode;
	char sha256[65];
	struct wf_article *stub; /* id, sections, published, updated, edited,
				    status */
};

struct index {
	struct index_entry *entries; /* sorted by name */
	size_t n;
};

static void
index_free(struct index *ix)
{
	for (size_t i = 0; i < ix->n; i++) {
		free(ix->entries[i].name);
		wf_article_destroy(ix->entries[i].stub);
	}
	free(ix->entries);
	ix->entries = NULL;
	ix->n = 0;
}

static bool
parse_time_field(const char *s, struct wf_time *t)
{
	const char *why;
	return wf_time_parse_rfc3339(s, t, &why) == WF_OK;
}

/* One line: name size mtime inode sha id published updated edited status
 * sections, tab-separated. */
static bool
parse_index_line(char *line, struct index_entry *e)
{
	char *f[11];
	int n = 0;
	for (char *p = line; n < 11; n++) {
		f[n] = p;
		char *tab = strchr(p, '\t');
		if (!tab) {
			n++;
			break;
		}
		*tab = '\0';
		p = tab + 1;
	}
	if (n != 11 || strlen(f[4]) != 64 || !wf_newswire_is_record_name(f[0])) {
		return false;
	}
	char *end;
	e->size = strtoll(f[1], &end, 10);
	if (*end) {
		return false;
	}
	e->mtime_ns = strtoll(f[2], &end, 10);
	if (*end) {
		return false;
	}
	e->inode = strtoull(f[3], &end, 10);
	if (*end) {
		return false;
	}
	memcpy(e->sha256, f[4], 65);
	struct wf_article *a = wf_article_create();
	wf_article_set_string(&a->id, f[5]);
	bool ok = wf_article_id_is_valid(f[5]) &&
		  parse_time_field(f[6], &a->published) &&
		  parse_time_field(f[7], &a->updated);
	if (ok && strcmp(f[8], "-") != 0) {
		ok = parse_time_field(f[8], &a->edited);
		a->has_edited = ok;
	}
	if (ok && (f[9][0] == 'p' || f[9][0] == 'w') && f[9][1] == '\0') {
		a->status = f[9][0] == 'w' ? WF_ARTICLE_WITHDRAWN
					   : WF_ARTICLE_PUBLISHED;
	} else {
		ok = false;
	}
	if (ok && strcmp(f[10], "-") != 0) {
		for (char *s = f[10]; s;) {
			char *comma = strchr(s, ',');
			if (comma) {
				*comma = '\0';
			}
			wf_article_add_section(a, s, NULL);
			s = comma ? comma + 1 : NULL;
		}
	}
	if (!ok) {
		wf_article_destroy(a);
		return false;
	}
	e->name = xstrdup(f[0]);
	e->stub = a;
	return true;
}

/* Read @path; false (index left empty) if missing or unusable, with the
 * reason in @why when it exists but is corrupt. */
static bool
index_read(const char *path, struct index *ix, const char **why)
{
	*why = NULL;
	struct buf b;
	buf_init(&b, INDEX_MAX_BYTES);
	struct wf_diag ignored = { 0 };
	if (buf_read_file(&b, path, &ignored) != WF_OK || !b.data) {
		buf_finish(&b);
		return false; /* missing: not worth a warning */
	}
	/* last line: "end <sha256 of everything before it>" */
	char *end_line = b.len > 69 ? b.data + b.len - 69 : NULL;
	char digest[65];
	if (!end_line || strncmp(end_line, "end ", 4) != 0 ||
	    b.data[b.len - 1] != '\n') {
		*why = "truncated";
		buf_finish(&b);
		return false;
	}
	sha256_hex(b.data, (size_t)(end_line - b.data), digest);
	if (strncmp(end_line + 4, digest, 64) != 0) {
		*why = "checksum mismatch";
		buf_finish(&b);
		return false;
	}
	*end_line = '\0';
	char *line = b.data;
	char *nl = strchr(line, '\n');
	if (!nl || (size_t)(nl - line) != strlen(INDEX_MAGIC) ||
	    strncmp(line, INDEX_MAGIC, strlen(INDEX_MAGIC)) != 0) {
		*why = "unknown format";
		buf_finish(&b);
		return false;
	}
	size_t cap = 1024;
	ix->entries = xcalloc(cap, sizeof(*ix->entries));
	for (line = nl + 1; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl) {
			break;
		}
		*nl = '\0';
		if (ix->n == cap) {
			cap *= 2;
			ix->entries = xreallocarray(ix->entries, cap,
						    sizeof(*ix->entries));
		}
		if (!parse_index_line(line, &ix->entries[ix->n]) ||
		    (ix->n > 0 &&
		     strcmp(ix->entries[ix->n - 1].name, ix->entries[ix->n].name) >= 0)) {
			if (ix->entries[ix->n].name) {
				ix->n++;
			}
			*why = "malformed line";
			index_free(ix);
			buf_finish(&b);
			return false;
		}
		ix->n++;
	}
	buf_finish(&b);
	return true;
}

static const struct index_entry *
index_find(const struct index *ix, const char *name)
{
	size_t lo = 0, hi = ix->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(ix->entries[mid].name, name);
		if (c == 0) {
			return &ix->entries[mid];
		}
		if (c < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return NULL;
}

enum wf_status
wf_newswire_save_index(const struct wf_newswire *nw, const char *path,
		       struct wf_diag *diag)
{
	struct buf b;
	buf_init(&b, SIZE_MAX);
	enum wf_status st = buf_append_str(&b, INDEX_MAGIC "\n");
	for (size_t i = 0; st == WF_OK && i < nw->n_records; i++) {
		const struct wf_record *r = &nw->records[i];
		const struct wf_article *a = r->article;
		char pub[WF_TIME_RFC3339_MAX], upd[WF_TIME_RFC3339_MAX],
			ed[WF_TIME_RFC3339_MAX] = "-";
		wf_time_format_rfc3339(a->published, pub, sizeof(pub));
		wf_time_format_rfc3339(a->updated, upd, sizeof(upd));
		if (a->has_edited) {
			wf_time_format_rfc3339(a->edited, ed, sizeof(ed));
		}
		st = buf_printf(&b, "%s\t%lld\t%lld\t%llu\t%s\t%s\t%s\t%s\t%s\t%c\t",
				base_name(r->path), (long long)r->size,
				(long long)r->mtime_ns,
				(unsigned long long)r->inode, r->sha256, a->id,
				pub, upd, ed,
				a->status == WF_ARTICLE_WITHDRAWN ? 'w' : 'p');
		for (size_t s = 0; st == WF_OK && s < a->n_sections; s++) {
			st = buf_printf(&b, "%s%s", s ? "," : "",
					a->sections[s].term);
		}
		if (st == WF_OK) {
			st = buf_append_str(&b, a->n_sections ? "\n" : "-\n");
		}
	}
	char digest[65];
	sha256_hex(b.data, b.len, digest);
	if (st == WF_OK) {
		st = buf_printf(&b, "end %s\n", digest);
	}
	if (st == WF_OK) {
		st = wf_write_file_atomic(path, b.data, b.len, diag);
	}
	buf_finish(&b);
	return st;
}

/* ---- loading ------------------------------------------------------------ */

struct dir_entry {
	char *name;
	struct stat st;
};

static int
compare_dir_entries(const void *a, const void *b)
{
	return strcmp(((const struct dir_entry *)a)->name,
		      ((const struct dir_entry *)b)->name);
}

/* Sorted records in @dir with their stat; NULL with @diag on failure. */
static struct dir_entry *
list_records(const char *dir, size_t *count, struct wf_diag *diag)
{
	DIR *d = opendir(dir);
	if (!d) {
		wf_diag_set(diag, dir, 0, 0, "cannot open articles directory: %s",
			    strerror(errno));
		return NULL;
	}
	struct dir_entry *list = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (!wf_newswire_is_record_name(de->d_name)) {
			continue;
		}
		struct stat st;
		if (fstatat(dirfd(d), de->d_name, &st, 0) != 0 ||
		    !S_ISREG(st.st_mode)) {
			continue; /* vanished, or not a file */
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			list = xreallocarray(list, cap, sizeof(*list));
		}
		list[n].name = xstrdup(de->d_name);
		list[n].st = st;
		n++;
	}
	closedir(d);
	if (n > 1) {
		qsort(list, n, sizeof(*list), compare_dir_entries);
	}
	*count = n;
	return list ? list : xcalloc(1, sizeof(*list));
}

static int64_t
mtime_ns(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

static void
report(wf_report_fn fn, void *ctx, const struct wf_diag *d)
{
	if (fn) {
		fn(ctx, d);
	}
}

/* Read and parse one record; fills the record on success. */
static bool
parse_record(const char *path, const struct stat *st, struct wf_record *r,
	     const struct wf_load_options *o)
{
	struct buf b;
	buf_init(&b, WF_RECORD_MAX_BYTES);
	struct wf_diag d = { 0 };
	enum wf_status status = buf_read_file(&b, path, &d);
	struct wf_article *a = NULL;
	if (status == WF_OK) {
		status = wf_record_parse_memory(b.data ? b.data : "", b.len, path,
						&a, &d);
	}
	if (status != WF_OK) {
		report(o->error, o->ctx, &d);
		buf_finish(&b);
		return false;
	}
	sha256_hex(b.data, b.len, r->sha256);
	buf_finish(&b);
	r->path = xstrdup(path);
	r->article = a;
	r->loaded = true;
	r->changed = true;
	r->size = st->st_size;
	r->mtime_ns = mtime_ns(st);
	r->inode = st->st_ino;
	return true;
}

static void
drop_record(struct wf_record *r)
{
	free(r->path);
	wf_article_destroy(r->article);
	r->path = NULL;
	r->article = NULL;
}

static int
compare_records_by_id(const void *a, const void *b)
{
	const struct wf_record *ra = a, *rb = b;
	int c = strcmp(ra->article->id, rb->article->id);
	return c ? c : strcmp(ra->path, rb->path);
}

static int
compare_records_by_path(const void *a, const void *b)
{
	const struct wf_record *ra = a, *rb = b;
	return strcmp(ra->path, rb->path);
}

/* Report and remove every record whose id another record also has. */
static size_t
drop_duplicate_ids(struct wf_record *recs, size_t n,
		   const struct wf_load_options *o)
{
	if (n < 2) {
		return n;
	}
	qsort(recs, n, sizeof(*recs), compare_records_by_id);
	bool *dup = xcalloc(n, sizeof(*dup));
	bool any = false;
	for (size_t i = 1; i < n; i++) {
		if (strcmp(recs[i].article->id, recs[i - 1].article->id) == 0) {
			dup[i] = dup[i - 1] = any = true;
		}
	}
	size_t kept = n;
	if (any) {
		kept = 0;
		for (size_t i = 0; i < n; i++) {
			if (!dup[i]) {
				recs[kept++] = recs[i];
				continue;
			}
			size_t other = (i > 0 && dup[i - 1] &&
					strcmp(recs[i - 1].article->id,
					       recs[i].article->id) == 0)
					       ? i - 1
					       : i + 1;
			struct wf_diag d;
			wf_diag_set(&d, recs[i].path, 0, 0,
				    "duplicate id %s (also in %s); neither record is published",
				    recs[i].article->id, recs[other].path);
			report(o->error, o->ctx, &d);
		}
		for (size_t i = 0; i < n; i++) {
			if (dup[i]) {
				drop_record(&recs[i]);
			}
		}
	}
	free(dup);
	qsort(recs, kept, sizeof(*recs), compare_records_by_path);
	return kept;
}

/* A content change that readers will not be told about. */
static void
check_hand_edit(const struct index_entry *old, const struct wf_record *r,
		const struct wf_load_options *o)
{
	const struct wf_article *a = r->article;
	if (!old || strcmp(old->sha256, r->sha256) == 0 ||
	    strcmp(old->stub->id, a->id) != 0 ||
	    wf_time_compare(old->stub->updated, a->updated) != 0) {
		return;
	}
	bool edited_same = old->stub->has_edited == a->has_edited &&
			   (!a->has_edited ||
			    wf_time_compare(old->stub->edited, a->edited) == 0);
	if (!edited_same) {
		return; /* a minor edit, recorded as such */
	}
	struct wf_diag d;
	wf_diag_set(&d, r->path, 0, 0,
		    "the record changed since the last build but its updated (and app:edited) did not: readers will not see the change as an update (use 'wirefeed update', or --minor for a silent fix)");
	report(o->warning, o->ctx, &d);
}

enum wf_status
wf_newswire_open(const char *root, const struct wf_load_options *o,
		 struct wf_newswire **out, struct wf_load_stats *stats,
		 struct wf_diag *diag)
{
	struct wf_load_stats local = { 0 };
	char *conf_path = xasprintf("%s/wirefeed.conf", root);
	struct wf_config *config = NULL;
	enum wf_status st = wf_config_load(conf_path, &config, diag);
	free(conf_path);
	if (st != WF_OK) {
		return st;
	}
	char *dir = xasprintf("%s/articles", root);
	size_t n_files = 0;
	struct dir_entry *files = list_records(dir, &n_files, diag);
	if (!files) {
		free(dir);
		wf_config_destroy(config);
		return WF_ERR_IO;
	}
	struct index ix = { 0 };
	if (o->index_path) {
		const char *why = NULL;
		local.index_used = index_read(o->index_path, &ix, &why);
		if (why) {
			struct wf_diag d;
			wf_diag_set(&d, o->index_path, 0, 0,
				    "index unusable (%s); parsing every record and rebuilding it",
				    why);
			report(o->warning, o->ctx, &d);
		}
	}
	struct wf_record *recs = xcalloc(n_files ? n_files : 1, sizeof(*recs));
	size_t n = 0;
	for (size_t i = 0; i < n_files; i++) {
		const struct dir_entry *f = &files[i];
		const struct index_entry *old = index_find(&ix, f->name);
		char *path = xasprintf("%s/%s", dir, f->name);
		if (old && old->size == f->st.st_size &&
		    old->mtime_ns == mtime_ns(&f->st) &&
		    old->inode == (uint64_t)f->st.st_ino) {
			/* unchanged since the last build: the index's stub */
			struct wf_record *r = &recs[n++];
			r->path = path;
			r->article = wf_article_clone(old->stub);
			r->size = old->size;
			r->mtime_ns = old->mtime_ns;
			r->inode = old->inode;
			memcpy(r->sha256, old->sha256, sizeof(r->sha256));
			local.reused++;
		} else if (parse_record(path, &f->st, &recs[n], o)) {
			check_hand_edit(old, &recs[n], o);
			n++;
			local.parsed++;
			free(path);
		} else {
			local.invalid++;
			free(path);
		}
		free(files[i].name);
	}
	free(files);
	free(dir);
	index_free(&ix);
	size_t kept = drop_duplicate_ids(recs, n, o);
	local.invalid += n - kept;

	struct wf_newswire *nw = xzalloc(sizeof(*nw));
	nw->root = xstrdup(root);
	nw->config = config;
	nw->records = recs;
	nw->n_records = kept;
	*out = nw;
	if (stats) {
		*stats = local;
	}
	return WF_OK;
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

/* qsort has no context argument: the array being ordered (single-threaded
 * use only, like the rest of loading). */
static const struct wf_article **sort_all;

static int
compare_by_pointer(const void *a, const void *b)
{
	uintptr_t pa = (uintptr_t)sort_all[*(const size_t *)a];
	uintptr_t pb = (uintptr_t)sort_all[*(const size_t *)b];
	return pa < pb ? -1 : pa > pb;
}

static const struct wf_article **
bsearch_pointer(const struct wf_article **all, const size_t *order, size_t n,
		const struct wf_article *want)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uintptr_t p = (uintptr_t)all[order[mid]];
		if (p == (uintptr_t)want) {
			return &all[order[mid]];
		}
		if (p < (uintptr_t)want) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return NULL;
}

/* Parse the stubs among the entries of one feed. */
static size_t
load_selected(struct wf_newswire *nw, const char *section,
	      wf_report_fn error, void *ctx, bool *dropped)
{
	const struct wf_article **all = xcalloc(nw->n_records ? nw->n_records : 1,
						sizeof(*all));
	for (size_t i = 0; i < nw->n_records; i++) {
		all[i] = nw->records[i].article;
	}
	/* all[] positions sorted by pointer value, to map back */
	size_t *order = xcalloc(nw->n_records ? nw->n_records : 1, sizeof(*order));
	for (size_t i = 0; i < nw->n_records; i++) {
		order[i] = i;
	}
	sort_all = all;
	qsort(order, nw->n_records, sizeof(*order), compare_by_pointer);
	const struct wf_article **picked = NULL;
	size_t n = wf_feed_select(all, nw->n_records, section,
				  nw->config->max_entries, &picked);
	size_t failed = 0;
	for (size_t k = 0; k < n; k++) {
		/* all[] is parallel to records[]: the pointer's offset in it
		 * is the record's index */
		const struct wf_article **slot =
			bsearch_pointer(all, order, nw->n_records, picked[k]);
		if (!slot) {
			continue;
		}
		struct wf_record *r = &nw->records[slot - all];
		if (r->loaded) {
			continue;
		}
		struct wf_article *a = NULL;
		struct wf_diag d = { 0 };
		if (wf_record_parse_file(r->path, &a, &d) != WF_OK ||
		    strcmp(a->id, r->article->id) != 0) {
			if (a) {
				wf_diag_set(&d, r->path, 0, 0,
					    "the record's id changed during the build");
			}
			if (error) {
				error(ctx, &d);
			}
			wf_article_destroy(a);
			failed++;
			*dropped = true;
			r->loaded = false;
			r->changed = true;
			/* mark for removal: a NULL-titled withdrawn stub is
			 * never selected again */
			r->article->status = WF_ARTICLE_WITHDRAWN;
			continue;
		}
		wf_article_destroy(r->article);
		r->article = a;
		r->loaded = true;
	}
	free(picked);
	free(order);
	free(all);
	return failed;
}

size_t
wf_newswire_prepare(struct wf_newswire *nw, wf_report_fn error, void *ctx)
{
	size_t failed = 0;
	bool dropped = false;
	failed += load_selected(nw, NULL, error, ctx, &dropped);
	for (size_t s = 0; s < nw->config->n_sections; s++) {
		failed += load_selected(nw, nw->config->sections[s].slug, error,
					ctx, &dropped);
	}
	if (dropped) {
		/* remove the records that failed to load */
		size_t kept = 0;
		for (size_t i = 0; i < nw->n_records; i++) {
			struct wf_record *r = &nw->records[i];
			if (!r->loaded && r->changed) {
				drop_record(r);
			} else {
				nw->records[kept++] = *r;
			}
		}
		nw->n_records = kept;
	}
	return failed;
}

void
wf_newswire_destroy(struct wf_newswire *nw)
{
	if (!nw) {
		return;
	}
	for (size_t i = 0; i < nw->n_records; i++) {
		drop_record(&nw->records[i]);
	}
	free(nw->records);
	wf_config_destroy(nw->config);
	free(nw->root);
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
