/* SPDX-License-Identifier: MIT */
#include "wirefeed/newswire.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wirefeed/atomic_file.h"
#include "wirefeed/datetime.h"
#include "wirefeed/feed.h"
#include "wirefeed/record.h"
#include "buf.h"
#include "lifecycle.h"
#include "selection.h"
#include "mem.h"
#include "hash64.h"
#include "tsv.h"

/* 2: fields escaped (tsv.h), a journal cursor line after the magic */
#define INDEX_MAGIC "wirefeed-index 2"
#define INDEX_MAGIC_V1 "wirefeed-index 1"
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

static char *
join_path(const char *dir, const char *name)
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

static struct wf_file_stamp
stamp_of(const struct stat *st)
{
	return (struct wf_file_stamp){ .size = st->st_size,
				       .mtime_ns = mtime_ns(st),
				       .inode = (uint64_t)st->st_ino };
}

static bool
stamp_equal(struct wf_file_stamp a, struct wf_file_stamp b)
{
	return a.size == b.size && a.mtime_ns == b.mtime_ns &&
	       a.inode == b.inode;
}

/* A record file left out of the newswire (invalid, or a duplicate id). */
struct refused_file {
	char *name;
	struct wf_file_stamp seen;
};

struct wf_newswire_private {
	char *index_text; /* owns what the records' index_line point into */
	struct refused_file *refused; /* sorted by name */
	size_t n_refused;
	bool duplicates;   /* some are refused for a duplicate id */
	struct wf_file_stamp config; /* wirefeed.conf as loaded */
};

static void
refuse(struct wf_newswire_private *p, const char *name, struct wf_file_stamp seen)
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
static ptrdiff_t
find_refused(const struct wf_newswire_private *p, const char *name)
{
	for (size_t i = 0; i < p->n_refused; i++) {
		if (strcmp(p->refused[i].name, name) == 0) {
			return (ptrdiff_t)i;
		}
	}
	return -1;
}

static void
unrefuse(struct wf_newswire_private *p, size_t i)
{
	free(p->refused[i].name);
	memmove(&p->refused[i], &p->refused[i + 1],
		(p->n_refused - i - 1) * sizeof(*p->refused));
	p->n_refused--;
}

/* ---- the index ---------------------------------------------------------- */

struct index_entry {
	char *name;
	struct wf_file_stamp stamp;
	char digest[17];
	const char *line; /* the entry's line in the index (no newline) */
	size_t line_len;
	struct wf_article *stub; /* id, sections, published, updated, edited,
				    status */
	/* withdrawn, embargoed or expiring: parsed by every load, since
	 * its place in the feeds depends on the time (docs/lifecycle.md) */
	bool always_parse;
};

struct index {
	struct index_entry *entries; /* sorted by name */
	size_t n;
	char *text; /* the file's bytes; entries' lines point into it */
	char journal[WF_NEWSWIRE_CURSOR_MAX]; /* "" if none */
};

static void
index_free(struct index *ix)
{
	for (size_t i = 0; i < ix->n; i++) {
		free(ix->entries[i].name);
		wf_article_destroy(ix->entries[i].stub);
	}
	free(ix->entries);
	free(ix->text);
	ix->entries = NULL;
	ix->text = NULL;
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
parse_fields(char *line, struct index_entry *e);

static bool
parse_index_line(char *line, struct index_entry *e)
{
	/* fields are split and unescaped in a copy: the line itself is kept
	 * for a cheap rewrite */
	size_t len = strlen(line);
	char *copy = xstrndup(line, len);
	bool ok = parse_fields(copy, e);
	free(copy);
	e->line = line;
	e->line_len = len;
	return ok;
}

/* tsv_unescape plus "\\," for a comma inside a section term. */
static bool
unescape_term(char *s)
{
	char *out = s;
	for (const char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] == ',') {
			*out++ = ',';
			p++;
			continue;
		}
		if (p[0] == '\\' && p[1]) {
			*out++ = *p++;
		}
		*out++ = *p;
	}
	*out = '\0';
	return tsv_unescape(s);
}

static enum wf_status
append_term(struct buf *b, const char *term)
{
	enum wf_status st = WF_OK;
	for (const char *comma; st == WF_OK && (comma = strchr(term, ','));
	     term = comma + 1) {
		char *part = xstrndup(term, (size_t)(comma - term));
		st = tsv_append(b, part);
		free(part);
		if (st == WF_OK) {
			st = buf_append_str(b, "\\,");
		}
	}
	return st == WF_OK ? tsv_append(b, term) : st;
}

static bool
parse_fields(char *line, struct index_entry *e)
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
	if (n != 11 || strlen(f[4]) != 16 || !tsv_unescape(f[0]) ||
	    !wf_newswire_is_record_name(f[0])) {
		return false;
	}
	char *end;
	e->stamp.size = strtoll(f[1], &end, 10);
	if (*end) {
		return false;
	}
	e->stamp.mtime_ns = strtoll(f[2], &end, 10);
	if (*end) {
		return false;
	}
	e->stamp.inode = strtoull(f[3], &end, 10);
	if (*end) {
		return false;
	}
	memcpy(e->digest, f[4], 17);
	struct wf_article *a = wf_article_create();
	wf_article_set_string(&a->id, f[5]);
	bool ok = wf_article_id_is_valid(f[5]) &&
		  parse_time_field(f[6], &a->published) &&
		  parse_time_field(f[7], &a->updated);
	if (ok && strcmp(f[8], "-") != 0) {
		ok = parse_time_field(f[8], &a->edited);
		a->has_edited = ok;
	}
	if (ok && strchr("pwe", f[9][0]) && f[9][0] && f[9][1] == '\0') {
		a->status = f[9][0] == 'w' ? WF_ARTICLE_WITHDRAWN
					   : WF_ARTICLE_PUBLISHED;
		e->always_parse = f[9][0] != 'p';
	} else {
		ok = false;
	}
	if (ok && strcmp(f[10], "-") != 0) {
		/* terms separated by ',' (escaped as "\\," inside a term) */
		char *term = f[10];
		for (char *p = f[10];; p++) {
			if (*p == '\\' && p[1]) {
				p++;
				continue;
			}
			if (*p != ',' && *p != '\0') {
				continue;
			}
			bool last = *p == '\0';
			*p = '\0';
			if (!unescape_term(term)) {
				ok = false;
				break;
			}
			wf_article_add_section(a, term, NULL);
			if (last) {
				break;
			}
			term = p + 1;
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
	/* last line: "end <hash64 of everything before it>" */
	char *end_line = b.len > 21 ? b.data + b.len - 21 : NULL;
	char digest[17];
	if (!end_line || strncmp(end_line, "end ", 4) != 0 ||
	    b.data[b.len - 1] != '\n') {
		*why = "truncated";
		buf_finish(&b);
		return false;
	}
	hash64_hex(b.data, (size_t)(end_line - b.data), digest);
	if (strncmp(end_line + 4, digest, 16) != 0) {
		*why = "checksum mismatch";
		buf_finish(&b);
		return false;
	}
	*end_line = '\0';
	char *line = b.data;
	char *nl = strchr(line, '\n');
	if (nl && (size_t)(nl - line) == strlen(INDEX_MAGIC_V1) &&
	    strncmp(line, INDEX_MAGIC_V1, strlen(INDEX_MAGIC_V1)) == 0) {
		/* the previous format: rebuilt silently */
		buf_finish(&b);
		return false;
	}
	if (!nl || (size_t)(nl - line) != strlen(INDEX_MAGIC) ||
	    strncmp(line, INDEX_MAGIC, strlen(INDEX_MAGIC)) != 0) {
		*why = "unknown format";
		buf_finish(&b);
		return false;
	}
	/* "journal CURSOR": the store's journal as this index saw it */
	line = nl + 1;
	nl = strchr(line, '\n');
	if (!nl || strncmp(line, "journal ", 8) != 0 ||
	    (size_t)(nl - line) - 8 >= sizeof(ix->journal)) {
		*why = "malformed header";
		buf_finish(&b);
		return false;
	}
	memcpy(ix->journal, line + 8, (size_t)(nl - line) - 8);
	ix->journal[nl - line - 8] = '\0';
	if (strcmp(ix->journal, "-") == 0) {
		ix->journal[0] = '\0';
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
	ix->text = buf_take(&b, NULL); /* the entries' lines live in it */
	return true;
}

/* Pair each of the sorted @names with its entry in the index (sorted by
 * name too): one merge pass. */
static struct index_entry **
match_index(struct index *ix, char **names, size_t n)
{
	struct index_entry **match = xcalloc(n ? n : 1, sizeof(*match));
	size_t j = 0;
	for (size_t i = 0; i < n && j < ix->n; i++) {
		while (j < ix->n && strcmp(ix->entries[j].name, names[i]) < 0) {
			j++;
		}
		if (j < ix->n && strcmp(ix->entries[j].name, names[i]) == 0) {
			match[i] = &ix->entries[j++];
		}
	}
	return match;
}

bool
wf_newswire_index_cursor(const char *path, char *cursor)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		return false;
	}
	char line[128];
	bool ok = fgets(line, sizeof(line), f) &&
		  strcmp(line, INDEX_MAGIC "\n") == 0 &&
		  fgets(line, sizeof(line), f) && strncmp(line, "journal ", 8) == 0;
	fclose(f);
	if (ok) {
		line[strcspn(line, "\n")] = '\0';
		const char *c = strcmp(line + 8, "-") == 0 ? "" : line + 8;
		size_t len = strlen(c);
		ok = len < WF_NEWSWIRE_CURSOR_MAX;
		if (ok) {
			memcpy(cursor, c, len + 1);
		}
	}
	return ok;
}

/* The index of the records of @nw that @keep selects (NULL: all). */
static enum wf_status
save_index(const struct wf_newswire *nw, const bool *keep, const char *path,
	   struct wf_diag *diag)
{
	struct buf b;
	buf_init(&b, SIZE_MAX);
	enum wf_status st = buf_printf(&b, INDEX_MAGIC "\njournal %s\n",
				       nw->journal_cursor && *nw->journal_cursor
					       ? nw->journal_cursor
					       : "-");
	for (size_t i = 0; st == WF_OK && i < nw->n_records; i++) {
		const struct wf_record *r = &nw->records[i];
		if (keep && !keep[i]) {
			continue;
		}
		if (r->index_line) {
			/* unchanged since the index was read: its own line */
			st = buf_append(&b, r->index_line, r->index_line_len);
			if (st == WF_OK) {
				st = buf_append(&b, "\n", 1);
			}
			continue;
		}
		const struct wf_article *a = r->article;
		char pub[WF_TIME_RFC3339_MAX], upd[WF_TIME_RFC3339_MAX],
			ed[WF_TIME_RFC3339_MAX] = "-";
		wf_time_format_rfc3339(a->published, pub, sizeof(pub));
		wf_time_format_rfc3339(a->updated, upd, sizeof(upd));
		if (a->has_edited) {
			wf_time_format_rfc3339(a->edited, ed, sizeof(ed));
		}
		st = tsv_append(&b, base_name(r->path));
		if (st == WF_OK) {
			st = buf_printf(&b, "\t%lld\t%lld\t%llu\t%s\t%s\t%s\t%s\t%s\t%c\t",
					(long long)r->stamp.size,
					(long long)r->stamp.mtime_ns,
					(unsigned long long)r->stamp.inode,
					r->digest, a->id, pub, upd, ed,
					a->status == WF_ARTICLE_WITHDRAWN ? 'w'
					: a->has_embargo || a->has_expiry ? 'e'
									 : 'p');
		}
		for (size_t s = 0; st == WF_OK && s < a->n_sections; s++) {
			if (s) {
				st = buf_append_str(&b, ",");
			}
			if (st == WF_OK) {
				st = append_term(&b, a->sections[s].term);
			}
		}
		if (st == WF_OK) {
			st = buf_append_str(&b, a->n_sections ? "\n" : "-\n");
		}
	}
	char digest[17];
	hash64_hex(b.data, b.len, digest);
	if (st == WF_OK) {
		st = buf_printf(&b, "end %s\n", digest);
	}
	if (st == WF_OK) {
		st = wf_write_file_atomic(path, b.data, b.len, diag);
	}
	buf_finish(&b);
	return st;
}

enum wf_status
wf_newswire_save_index(const struct wf_newswire *nw, const char *path,
		       struct wf_diag *diag)
{
	if (nw->partial) {
		wf_diag_set(diag, path, 0, 0,
			    "internal: a partial newswire is no index of the whole");
		return WF_ERR_INVALID;
	}
	if (nw->index_current) {
		return WF_OK;
	}
	return save_index(nw, NULL, path, diag);
}

enum wf_status
wf_newswire_save_subset(const struct wf_newswire *nw, const bool *keep,
			const char *path, struct wf_diag *diag)
{
	return save_index(nw, keep, path, diag);
}

/* ---- loading ------------------------------------------------------------ */

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the records in @dir; NULL with @diag on failure. */
static char **
list_records(const char *dir, size_t *count, struct wf_diag *diag)
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
		qsort(names, n, sizeof(*names), compare_names);
	}
	*count = n;
	return names ? names : xcalloc(1, sizeof(*names));
}

/* ---- what changed, by stat (the feed state's scan) ---------------------- */

struct stamp_entry {
	char *name; /* into the index text, unescaped in place */
	struct wf_file_stamp stamp;
};

struct stamp_index {
	struct stamp_entry *entries; /* sorted by name */
	size_t n;
	char *text;
};

static void
stamp_index_free(struct stamp_index *ix)
{
	free(ix->entries);
	free(ix->text);
	memset(ix, 0, sizeof(*ix));
}

/* The names and stamps of an index, nothing else parsed (a stub per
 * record is what makes reading the whole index slow). */
static bool
stamp_index_read(const char *path, struct stamp_index *ix)
{
	memset(ix, 0, sizeof(*ix));
	struct buf b;
	buf_init(&b, INDEX_MAX_BYTES);
	struct wf_diag ignored = { 0 };
	if (buf_read_file(&b, path, &ignored) != WF_OK || !b.data || b.len < 22) {
		buf_finish(&b);
		return false;
	}
	char *end_line = b.data + b.len - 21;
	char digest[17];
	hash64_hex(b.data, (size_t)(end_line - b.data), digest);
	if (strncmp(end_line, "end ", 4) != 0 || b.data[b.len - 1] != '\n' ||
	    strncmp(end_line + 4, digest, 16) != 0 ||
	    strncmp(b.data, INDEX_MAGIC "\n", strlen(INDEX_MAGIC) + 1) != 0) {
		buf_finish(&b);
		return false;
	}
	*end_line = '\0';
	char *line = strchr(b.data + strlen(INDEX_MAGIC) + 1, '\n'); /* journal */
	size_t cap = 0;
	bool ok = line != NULL;
	for (line = ok ? line + 1 : NULL; ok && *line;) {
		char *nl = strchr(line, '\n');
		if (!nl) {
			ok = false;
			break;
		}
		*nl = '\0';
		char *f[4];
		int k = 0;
		for (char *p = line; k < 4 && p; k++) {
			f[k] = p;
			p = strchr(p, '\t');
			if (p) {
				*p++ = '\0';
			}
		}
		char *end1, *end2, *end3;
		struct stamp_entry e = { .name = f[0] };
		ok = k == 4 && tsv_unescape(f[0]);
		if (ok) {
			e.stamp.size = strtoll(f[1], &end1, 10);
			e.stamp.mtime_ns = strtoll(f[2], &end2, 10);
			e.stamp.inode = strtoull(f[3], &end3, 10);
			ok = !*end1 && !*end2 && !*end3 &&
			     (ix->n == 0 || strcmp(ix->entries[ix->n - 1].name, e.name) < 0);
		}
		if (ok) {
			if (ix->n == cap) {
				cap = cap ? cap * 2 : 1024;
				ix->entries = xreallocarray(ix->entries, cap,
							    sizeof(*ix->entries));
			}
			ix->entries[ix->n++] = e;
		}
		line = nl + 1;
	}
	ix->text = buf_take(&b, NULL);
	if (!ok) {
		stamp_index_free(ix);
	}
	return ok;
}

static const struct stamp_entry *
stamp_find(const struct stamp_index *ix, const char *name)
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

struct stat_job {
	int dir_fd;
	char **names;
	struct wf_file_stamp *stamps; /* size -1: gone, or not a file */
	size_t from, to;
};

static void *
stat_worker(void *arg)
{
	struct stat_job *j = arg;
	for (size_t i = j->from; i < j->to; i++) {
		struct stat st;
		if (fstatat(j->dir_fd, j->names[i], &st, 0) == 0 &&
		    S_ISREG(st.st_mode)) {
			j->stamps[i] = stamp_of(&st);
		} else {
			j->stamps[i].size = -1;
		}
	}
	return NULL;
}

bool
wf_newswire_stat_changes(const char *root, const char *index_path,
			 const char *subset_path, struct wf_stat_changes *out)
{
	memset(out, 0, sizeof(*out));
	struct stamp_index whole, subset;
	if (!stamp_index_read(index_path, &whole)) {
		return false;
	}
	if (!stamp_index_read(subset_path, &subset)) {
		stamp_index_free(&whole);
		return false;
	}
	char *dir = xasprintf("%s/articles", root);
	struct wf_diag ignored = { 0 };
	size_t n = 0;
	char **names = list_records(dir, &n, &ignored);
	int dir_fd = names ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	free(dir);
	bool ok = names && dir_fd >= 0;
	struct wf_file_stamp *stamps = xcalloc(n ? n : 1, sizeof(*stamps));
	if (ok) {
		/* the stat of every file in two threads, as the scan does */
		struct stat_job jobs[2] = {
			{ dir_fd, names, stamps, 0, n / 2 },
			{ dir_fd, names, stamps, n / 2, n },
		};
		pthread_t t;
		bool threaded = n > 1000 &&
				pthread_create(&t, NULL, stat_worker, &jobs[1]) == 0;
		stat_worker(&jobs[0]);
		if (threaded) {
			pthread_join(t, NULL);
		} else {
			stat_worker(&jobs[1]);
		}
	}
	if (dir_fd >= 0) {
		close(dir_fd);
	}
	size_t cap = 0;
	for (size_t i = 0; ok && i < n; i++) {
		/* the subset is the newer record of what it holds */
		const struct stamp_entry *e = stamp_find(&subset, names[i]);
		if (!e) {
			e = stamp_find(&whole, names[i]);
		}
		bool gone = stamps[i].size < 0;
		if (!e) {
			out->added += !gone;
		} else if (gone) {
			out->removed++;
		}
		if (gone ? e != NULL : !e || !stamp_equal(e->stamp, stamps[i])) {
			if (out->n == cap) {
				cap = cap ? cap * 2 : 16;
				out->names = xreallocarray(out->names, cap,
							   sizeof(*out->names));
			}
			out->names[out->n++] = xstrdup(names[i]);
		}
	}
	/* indexed records whose file is no longer listed */
	for (int which = 0; ok && which < 2; which++) {
		const struct stamp_index *ix = which ? &subset : &whole;
		for (size_t i = 0; i < ix->n; i++) {
			const char *name = ix->entries[i].name;
			if (bsearch(&name, names, n, sizeof(*names), compare_names) ||
			    (which == 0 && stamp_find(&subset, name))) {
				continue; /* listed, or counted with the subset */
			}
			if (out->n == cap) {
				cap = cap ? cap * 2 : 16;
				out->names = xreallocarray(out->names, cap,
							   sizeof(*out->names));
			}
			out->names[out->n++] = xstrdup(name);
			out->removed++;
		}
	}
	for (size_t i = 0; names && i < n; i++) {
		free(names[i]);
	}
	free(names);
	free(stamps);
	stamp_index_free(&whole);
	stamp_index_free(&subset);
	out->n_records = ok ? n : 0;
	if (!ok) {
		wf_stat_changes_finish(out);
	}
	return ok;
}

void
wf_stat_changes_finish(struct wf_stat_changes *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->names[i]);
	}
	free(c->names);
	memset(c, 0, sizeof(*c));
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
	r->stamp = stamp_of(st);
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
				report(o->error, o->ctx, &d);
			}
		}
		free(other);
		kept = 0;
		priv->duplicates = true;
		for (size_t i = 0; i < n; i++) {
			if (dup[i]) {
				refuse(priv, base_name(recs[i].path),
				       recs[i].stamp);
				drop_record(&recs[i]);
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
static bool
is_hand_edit(const char *old_digest, const struct wf_article *old,
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

static void
report_hand_edit(const struct wf_load_options *o, const char *path)
{
	struct wf_diag d;
	wf_diag_set(&d, path, 0, 0,
		    "the record changed since the last build but its updated (and app:edited) did not: readers will not see the change as an update (use 'wirefeed update', or --minor for a silent fix)");
	report(o->warning, o->ctx, &d);
}

/* Whether a record's phase depends on the clock: such records stay whole
 * (the index marks them to be parsed by every load). */
static bool
needs_whole(const struct wf_article *a)
{
	return a->status == WF_ARTICLE_WITHDRAWN || a->has_embargo ||
	       a->has_expiry;
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
	char *path = join_path(sc->dir, name);
	struct wf_record *r = &sc->recs[i];
	if (trusted || (old && old->stub && !old->always_parse &&
			stamp_equal(old->stamp, stamp_of(&st)))) {
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
	if (parse_record(path, &st, r, d)) {
		sc->hand_edit[i] =
			old && is_hand_edit(old->digest, old->stub, r);
		/* parsed only for its lifecycle: not news to this build */
		r->changed = !(old && old->always_parse &&
			       strcmp(old->digest, r->digest) == 0);
		sc->result[i] = SCAN_PARSED;
		if (sc->stubs && !needs_whole(r->article)) {
			strip_to_stub(r->article);
			r->loaded = false;
		}
		free(d);
	} else {
		sc->diags[i] = d;
		sc->result[i] = SCAN_INVALID;
		r->stamp = stamp_of(&st); /* remembered as refused */
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
	qsort(ch, k, sizeof(*ch), compare_names);
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

enum wf_status
wf_newswire_open(const char *root, const struct wf_load_options *o,
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
		conf_seen = stamp_of(&conf_st);
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
		local.index_used = index_read(o->index_path, &ix, &why);
		n_index = ix.n;
		if (why) {
			struct wf_diag d;
			wf_diag_set(&d, o->index_path, 0, 0,
				    "index unusable (%s); parsing every record and rebuilding it",
				    why);
			report(o->warning, o->ctx, &d);
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
		names = list_records(dir, &n_files, diag);
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
		index_free(&ix);
		free(dir);
		wf_config_destroy(config);
		return WF_ERR_IO;
	}
	size_t slots = n_files ? n_files : 1;
	struct scan sc = {
		.dir = dir, .dir_fd = dir_fd, .names = names, .n = n_files,
		.match = match_index(&ix, names, n_files),
		.trusted = trusted,
		.stubs = o->stubs,
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
				report_hand_edit(o, sc.recs[i].path);
			}
			recs[n++] = sc.recs[i];
			break;
		case SCAN_INVALID:
			local.invalid++;
			report(o->error, o->ctx, sc.diags[i]);
			free(sc.diags[i]);
			refuse(priv, names[i],
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
	index_free(&ix);
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

/* ---- refreshing in place ----------------------------------------------- */

/* Beyond this many changed files, wf_newswire_open() (parallel) is faster. */
#define REFRESH_MAX_FILES 256

static int
compare_path_to_record(const void *path, const void *record)
{
	return strcmp(path, ((const struct wf_record *)record)->path);
}

static void
remove_record(struct wf_newswire *nw, size_t i)
{
	drop_record(&nw->records[i]);
	memmove(&nw->records[i], &nw->records[i + 1],
		(nw->n_records - i - 1) * sizeof(*nw->records));
	nw->n_records--;
}

/* Insert @r (owned) keeping the records sorted by path. */
static void
insert_record(struct wf_newswire *nw, struct wf_record r)
{
	size_t lo = 0, hi = nw->n_records;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(nw->records[mid].path, r.path) < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	nw->records = xreallocarray(nw->records, nw->n_records + 1,
				    sizeof(*nw->records));
	memmove(&nw->records[lo + 1], &nw->records[lo],
		(nw->n_records - lo) * sizeof(*nw->records));
	nw->records[lo] = r;
	nw->n_records++;
}

static void
push_name(char ***names, size_t *n, size_t *cap, const char *name)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*names = xreallocarray(*names, *cap, sizeof(**names));
	}
	(*names)[(*n)++] = xstrdup(name);
}

/* The record names among @names, sorted, each once. */
static char **
distinct_record_names(const char *const *names, size_t n, size_t *count)
{
	char **out = NULL;
	size_t k = 0, cap = 0;
	for (size_t i = 0; i < n; i++) {
		if (wf_newswire_is_record_name(names[i])) {
			push_name(&out, &k, &cap, names[i]);
		}
	}
	if (k > 1) {
		qsort(out, k, sizeof(*out), compare_names);
	}
	size_t m = 0;
	for (size_t i = 0; i < k; i++) {
		if (m > 0 && strcmp(out[m - 1], out[i]) == 0) {
			free(out[i]);
		} else {
			out[m++] = out[i];
		}
	}
	*count = m;
	return out;
}

/* The names of the files that differ from what @nw saw (new, changed or
 * gone), sorted: one merge over the directory, the records and the
 * refused files, all three in name order. NULL if @dir is unreadable. */
static char **
changed_names(const struct wf_newswire *nw, const char *dir, int dir_fd,
	      size_t *count)
{
	const struct wf_newswire_private *p = nw->priv_;
	struct wf_diag ignored = { 0 };
	size_t n_disk = 0;
	char **disk = list_records(dir, &n_disk, &ignored);
	if (!disk) {
		return NULL;
	}
	char **out = NULL;
	size_t n_out = 0, cap = 0;
	size_t i = 0, j = 0, k = 0;
	while (i < n_disk || j < nw->n_records || k < p->n_refused) {
		const char *on_disk = i < n_disk ? disk[i] : NULL;
		const char *loaded = j < nw->n_records
					     ? base_name(nw->records[j].path)
					     : NULL;
		const char *refused = k < p->n_refused ? p->refused[k].name
						       : NULL;
		const char *name = on_disk;
		if (loaded && (!name || strcmp(loaded, name) < 0)) {
			name = loaded;
		}
		if (refused && (!name || strcmp(refused, name) < 0)) {
			name = refused;
		}
		bool is_disk = on_disk && strcmp(on_disk, name) == 0;
		bool is_loaded = loaded && strcmp(loaded, name) == 0;
		bool is_refused = refused && strcmp(refused, name) == 0;
		bool changed = true;
		struct stat st;
		if (is_disk && (is_loaded || is_refused) &&
		    fstatat(dir_fd, name, &st, 0) == 0 && S_ISREG(st.st_mode)) {
			struct wf_file_stamp seen = is_loaded
						    ? nw->records[j].stamp
						    : p->refused[k].seen;
			changed = !stamp_equal(seen, stamp_of(&st));
		}
		if (changed) {
			push_name(&out, &n_out, &cap, name);
		}
		i += is_disk;
		j += is_loaded;
		k += is_refused;
	}
	for (size_t d = 0; d < n_disk; d++) {
		free(disk[d]);
	}
	free(disk);
	*count = n_out;
	return out ? out : xcalloc(1, sizeof(*out));
}

/* Look at one file again: gone, unchanged, reparsed or refused. */
static enum wf_refresh
refresh_one(struct wf_newswire *nw, const char *dir, int dir_fd,
	    const char *name, const struct wf_load_options *o,
	    struct wf_load_stats *stats)
{
	struct wf_newswire_private *p = nw->priv_;
	char *path = join_path(dir, name);
	struct wf_record *old = bsearch(path, nw->records, nw->n_records,
					sizeof(*nw->records),
					compare_path_to_record);
	size_t old_at = old ? (size_t)(old - nw->records) : 0;
	ptrdiff_t refused_at = find_refused(p, name);
	enum wf_refresh result = WF_REFRESH_CHANGED;
	struct stat st;
	if (fstatat(dir_fd, name, &st, 0) != 0 || !S_ISREG(st.st_mode)) {
		if (!old && refused_at < 0) {
			result = WF_REFRESH_UNCHANGED; /* never was a record */
		}
		if (old) {
			remove_record(nw, old_at);
		}
		if (refused_at >= 0) {
			unrefuse(p, (size_t)refused_at);
		}
		free(path);
		return result;
	}
	struct wf_file_stamp now = stamp_of(&st);
	if ((old && stamp_equal(now, old->stamp)) ||
	    (refused_at >= 0 && stamp_equal(now, p->refused[refused_at].seen))) {
		free(path);
		return WF_REFRESH_UNCHANGED;
	}
	struct wf_record fresh = { 0 };
	struct wf_diag d = { 0 };
	if (!parse_record(path, &st, &fresh, &d)) {
		report(o->error, o->ctx, &d);
		if (old) {
			remove_record(nw, old_at);
		}
		if (refused_at >= 0) {
			p->refused[refused_at].seen = now;
		} else {
			refuse(p, name, now);
		}
		free(path);
		return result;
	}
	free(path);
	stats->parsed++;
	const struct wf_record *twin = wf_newswire_find(nw, fresh.article->id);
	if (twin && twin != old) {
		/* a duplicate id: wf_newswire_open() reports both files */
		drop_record(&fresh);
		return WF_REFRESH_REOPEN;
	}
	if (old) {
		if (is_hand_edit(old->digest, old->article, &fresh)) {
			report_hand_edit(o, fresh.path);
		}
		drop_record(old);
		*old = fresh;
	} else {
		insert_record(nw, fresh);
	}
	if (refused_at >= 0) {
		unrefuse(p, (size_t)refused_at);
	}
	return result;
}

enum wf_refresh
wf_newswire_refresh(struct wf_newswire *nw, const char *const *names,
		    size_t n_names, const struct wf_load_options *o,
		    struct wf_load_stats *stats)
{
	struct wf_newswire_private *p = nw->priv_;
	struct wf_load_stats local = { .index_used = true };
	char *conf_path = xasprintf("%s/wirefeed.conf", nw->root);
	struct stat st;
	bool same_config = stat(conf_path, &st) == 0 &&
			   stamp_equal(stamp_of(&st), p->config);
	free(conf_path);
	char *dir = xasprintf("%s/articles", nw->root);
	int dir_fd = same_config
			     ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
			     : -1;
	char **todo = NULL;
	size_t n_todo = 0;
	if (dir_fd >= 0) {
		todo = names ? distinct_record_names(names, n_names, &n_todo)
			     : changed_names(nw, dir, dir_fd, &n_todo);
	}
	enum wf_refresh result = WF_REFRESH_UNCHANGED;
	if (!todo || n_todo > REFRESH_MAX_FILES ||
	    (n_todo > 0 && p->duplicates)) {
		/* the config or the directory changed, a duplicate id may be
		 * resolved, or a bulk change */
		result = WF_REFRESH_REOPEN;
	}
	for (size_t i = 0; i < nw->n_records; i++) {
		nw->records[i].changed = false; /* "read in this refresh" */
	}
	for (size_t t = 0; result != WF_REFRESH_REOPEN && t < n_todo; t++) {
		enum wf_refresh r = refresh_one(nw, dir, dir_fd, todo[t], o,
						&local);
		if (r != WF_REFRESH_UNCHANGED) {
			result = r;
		}
	}
	for (size_t t = 0; t < n_todo; t++) {
		free(todo[t]);
	}
	free(todo);
	if (dir_fd >= 0) {
		close(dir_fd);
	}
	free(dir);
	if (result == WF_REFRESH_CHANGED) {
		nw->index_current = false;
	}
	local.invalid = p->n_refused;
	local.reused = nw->n_records > local.parsed ? nw->n_records - local.parsed
						    : 0;
	if (stats) {
		*stats = local;
	}
	return result;
}

/* Parse the stub at @i; false (reported, and marked for removal) if it
 * no longer loads. */
static bool
load_stub(struct wf_newswire *nw, size_t i, wf_report_fn error, void *ctx)
{
	struct wf_record *r = &nw->records[i];
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
		r->changed = true;
		/* never selected again in this build */
		r->article->status = WF_ARTICLE_WITHDRAWN;
		return false;
	}
	wf_article_move_into(r->article, a); /* in place: views stay valid */
	r->loaded = true;
	return true;
}

void
wf_newswire_select(const struct wf_newswire *nw,
		   const struct wf_article *const *shown, size_t n,
		   size_t **picked, size_t *counts)
{
	const struct wf_config *c = nw->config;
	const char **slugs = xcalloc(1 + c->n_sections, sizeof(*slugs));
	for (size_t s = 0; s < c->n_sections; s++) {
		slugs[s + 1] = c->sections[s].slug;
	}
	wf_feed_select_many(shown, n, slugs, 1 + c->n_sections,
			    c->max_entries, picked, counts);
	free(slugs);
}

size_t
wf_selection_make(struct wf_newswire *nw, struct wf_selection *sel,
		  wf_report_fn error, void *ctx)
{
	size_t n_feeds = 1 + nw->config->n_sections;
	sel->previous = NULL;
	sel->source = NULL;
	sel->n_feeds = n_feeds;
	sel->picked = xcalloc(n_feeds, sizeof(*sel->picked));
	sel->n_picked = xcalloc(n_feeds, sizeof(*sel->n_picked));
	size_t failed = 0;
	for (;;) {
		wf_view_make(nw, &sel->view);
		wf_newswire_select(nw, sel->view.shown, sel->view.n_shown,
				   sel->picked, sel->n_picked);
		size_t failed_now = 0;
		for (size_t f = 0; f < n_feeds; f++) {
			for (size_t k = 0; k < sel->n_picked[f]; k++) {
				size_t i = sel->view.record[sel->picked[f][k]];
				if (!nw->records[i].loaded &&
				    nw->records[i].article->status == WF_ARTICLE_PUBLISHED &&
				    !load_stub(nw, i, error, ctx)) {
					failed_now++;
				}
			}
		}
		if (failed_now == 0) {
			break;
		}
		/* a stub that fails to load drops out and the next story
		 * takes its place: remove it, then choose again (rare: a
		 * record broken since the index) */
		failed += failed_now;
		for (size_t f = 0; f < n_feeds; f++) {
			free(sel->picked[f]);
			sel->picked[f] = NULL;
		}
		wf_view_finish(&sel->view);
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
wf_selection_finish(struct wf_selection *sel)
{
	for (size_t f = 0; f < sel->n_feeds; f++) {
		free(sel->picked[f]);
	}
	free(sel->picked);
	free(sel->n_picked);
	wf_view_finish(&sel->view);
	memset(sel, 0, sizeof(*sel));
}

size_t
wf_newswire_prepare(struct wf_newswire *nw, wf_report_fn error, void *ctx)
{
	struct wf_selection sel;
	size_t failed = wf_selection_make(nw, &sel, error, ctx);
	wf_selection_finish(&sel);
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
	if (nw->priv_) {
		for (size_t i = 0; i < nw->priv_->n_refused; i++) {
			free(nw->priv_->refused[i].name);
		}
		free(nw->priv_->refused);
		free(nw->priv_->index_text);
		free(nw->priv_);
	}
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
