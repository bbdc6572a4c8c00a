/* SPDX-License-Identifier: MIT */
/* The build index and subset indexes: their format, reading (whole, or
 * names and stamps only), writing, and what a stat finds changed. */

#include "wirefeed/newswire.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wirefeed/atomic_file.h"
#include "mem.h"
#include "hash64.h"
#include "tsv.h"
#include "newswire_private.h"

/* 2: fields escaped (tsv.h), a journal cursor line after the magic */
#define INDEX_MAGIC "wirefeed-index 2"
#define INDEX_MAGIC_V1 "wirefeed-index 1"
#define INDEX_MAX_BYTES (512u * 1024 * 1024)

void
nw_index_free(struct index *ix)
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

/* Read the index at @path into @b, check its checksum and header, and
 * take its journal cursor ("" if none): the newline before the first
 * entry line (the text ends there with the entries, "end" line cut off),
 * or NULL with @b finished and, when it exists but is unusable, the
 * reason in @why. */
static char *
index_text(const char *path, struct buf *b, char journal[WF_NEWSWIRE_CURSOR_MAX],
	   const char **why)
{
	*why = NULL;
	buf_init(b, INDEX_MAX_BYTES);
	struct wf_diag ignored = { 0 };
	if (buf_read_file(b, path, &ignored) != WF_OK || !b->data) {
		buf_finish(b);
		return NULL; /* missing: not worth a warning */
	}
	/* last line: "end <hash64 of everything before it>" */
	char *end_line = b->len > 21 ? b->data + b->len - 21 : NULL;
	char digest[17];
	if (!end_line || strncmp(end_line, "end ", 4) != 0 ||
	    b->data[b->len - 1] != '\n') {
		*why = "truncated";
		buf_finish(b);
		return NULL;
	}
	hash64_hex(b->data, (size_t)(end_line - b->data), digest);
	if (strncmp(end_line + 4, digest, 16) != 0) {
		*why = "checksum mismatch";
		buf_finish(b);
		return NULL;
	}
	*end_line = '\0';
	char *line = b->data;
	char *nl = strchr(line, '\n');
	if (nl && (size_t)(nl - line) == strlen(INDEX_MAGIC_V1) &&
	    strncmp(line, INDEX_MAGIC_V1, strlen(INDEX_MAGIC_V1)) == 0) {
		/* the previous format: rebuilt silently */
		buf_finish(b);
		return NULL;
	}
	if (!nl || (size_t)(nl - line) != strlen(INDEX_MAGIC) ||
	    strncmp(line, INDEX_MAGIC, strlen(INDEX_MAGIC)) != 0) {
		*why = "unknown format";
		buf_finish(b);
		return NULL;
	}
	/* "journal CURSOR": the store's journal as this index saw it */
	line = nl + 1;
	nl = strchr(line, '\n');
	if (!nl || strncmp(line, "journal ", 8) != 0 ||
	    (size_t)(nl - line) - 8 >= WF_NEWSWIRE_CURSOR_MAX) {
		*why = "malformed header";
		buf_finish(b);
		return NULL;
	}
	memcpy(journal, line + 8, (size_t)(nl - line) - 8);
	journal[nl - line - 8] = '\0';
	if (strcmp(journal, "-") == 0) {
		journal[0] = '\0';
	}
	return nl;
}

/* Read @path; false (index left empty) if missing or unusable, with the
 * reason in @why when it exists but is corrupt. */
bool
nw_index_read(const char *path, struct index *ix, const char **why)
{
	struct buf b;
	char *nl = index_text(path, &b, ix->journal, why);
	if (!nl) {
		return false;
	}
	char *line;
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
			nw_index_free(ix);
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
struct index_entry **
nw_match_index(struct index *ix, char **names, size_t n)
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
		st = tsv_append(&b, nw_base_name(r->path));
		if (st == WF_OK) {
			st = buf_printf(&b, "\t%lld\t%lld\t%llu\t%s\t%s\t%s\t%s\t%s\t%c\t",
					(long long)r->stamp.size,
					(long long)r->stamp.mtime_ns,
					(unsigned long long)r->stamp.inode,
					r->digest, a->id, pub, upd, ed,
					/* 'p': a stub serves; the others are
					 * parsed on every open (the scan's
					 * rule: the same predicate) */
					!wf_article_depends_on_clock(a) ? 'p'
					: a->status == WF_ARTICLE_WITHDRAWN ? 'w'
									    : 'e');
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
	char journal[WF_NEWSWIRE_CURSOR_MAX];
	const char *why;
	char *line = index_text(path, &b, journal, &why);
	if (!line) {
		return false;
	}
	size_t cap = 0;
	bool ok = true;
	for (line++; ok && *line;) {
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
			j->stamps[i] = wf_file_stamp_of(&st);
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
	char **names = nw_list_records(dir, &n, &ignored);
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
		if (gone ? e != NULL : !e || !wf_file_stamp_equal(e->stamp, stamps[i])) {
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
			if (bsearch(&name, names, n, sizeof(*names), nw_compare_names) ||
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
