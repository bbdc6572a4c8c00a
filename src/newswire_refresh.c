/* SPDX-License-Identifier: MIT */
/* A kept newswire brought up to date in place (wirefeed serve). */

#include "wirefeed/newswire.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem.h"
#include "newswire_private.h"

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
	nw_drop_record(&nw->records[i]);
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
		qsort(out, k, sizeof(*out), nw_compare_names);
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
	char **disk = nw_list_records(dir, &n_disk, &ignored);
	if (!disk) {
		return NULL;
	}
	char **out = NULL;
	size_t n_out = 0, cap = 0;
	size_t i = 0, j = 0, k = 0;
	while (i < n_disk || j < nw->n_records || k < p->n_refused) {
		const char *on_disk = i < n_disk ? disk[i] : NULL;
		const char *loaded = j < nw->n_records
					     ? nw_base_name(nw->records[j].path)
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
			changed = !wf_file_stamp_equal(seen, wf_file_stamp_of(&st));
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
	char *path = nw_join_path(dir, name);
	struct wf_record *old = bsearch(path, nw->records, nw->n_records,
					sizeof(*nw->records),
					compare_path_to_record);
	size_t old_at = old ? (size_t)(old - nw->records) : 0;
	ptrdiff_t refused_at = nw_find_refused(p, name);
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
			nw_unrefuse(p, (size_t)refused_at);
		}
		free(path);
		return result;
	}
	struct wf_file_stamp now = wf_file_stamp_of(&st);
	if ((old && wf_file_stamp_equal(now, old->stamp)) ||
	    (refused_at >= 0 && wf_file_stamp_equal(now, p->refused[refused_at].seen))) {
		free(path);
		return WF_REFRESH_UNCHANGED;
	}
	struct wf_record fresh = { 0 };
	struct wf_diag d = { 0 };
	if (!nw_parse_record(path, &st, &fresh, &d)) {
		nw_report(o->error, o->ctx, &d);
		if (old) {
			remove_record(nw, old_at);
		}
		if (refused_at >= 0) {
			p->refused[refused_at].seen = now;
		} else {
			nw_refuse(p, name, now);
		}
		free(path);
		return result;
	}
	free(path);
	stats->parsed++;
	const struct wf_record *twin = wf_newswire_find(nw, fresh.article->id);
	if (twin && twin != old) {
		/* a duplicate id: wf_newswire_open() reports both files */
		nw_drop_record(&fresh);
		return WF_REFRESH_REOPEN;
	}
	if (old) {
		if (nw_is_hand_edit(old->digest, old->article, &fresh)) {
			nw_report_hand_edit(o, fresh.path);
		}
		nw_drop_record(old);
		*old = fresh;
	} else {
		insert_record(nw, fresh);
	}
	if (refused_at >= 0) {
		nw_unrefuse(p, (size_t)refused_at);
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
			   wf_file_stamp_equal(wf_file_stamp_of(&st), p->config);
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
