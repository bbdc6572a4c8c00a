/* SPDX-License-Identifier: MIT */
#include "wirefeed/newswire.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wirefeed/record.h"
#include "mem.h"

bool
wf_newswire_is_record_name(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && name[0] != '.' && strcmp(name + n - 4, ".xml") == 0;
}

static int
compare_strings(const void *a, const void *b)
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
			cap = cap ? cap * 2 : 64;
			names = xreallocarray(names, cap, sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 1) {
		qsort(names, n, sizeof(*names), compare_strings);
	}
	*count = n;
	return names ? names : xcalloc(1, sizeof(*names));
}

static int
compare_records_by_id(const void *a, const void *b)
{
	const struct wf_record *ra = a, *rb = b;
	int c = strcmp(ra->article->id, rb->article->id);
	return c ? c : strcmp(ra->path, rb->path);
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
compare_records_by_path(const void *a, const void *b)
{
	const struct wf_record *ra = a, *rb = b;
	return strcmp(ra->path, rb->path);
}

/* Report and remove every record whose id another record also has. */
static size_t
drop_duplicate_ids(struct wf_record *recs, size_t n, wf_report_fn report,
		   void *ctx)
{
	if (n < 2) {
		return n;
	}
	qsort(recs, n, sizeof(*recs), compare_records_by_id);
	bool *dup = xcalloc(n, sizeof(*dup));
	for (size_t i = 1; i < n; i++) {
		if (strcmp(recs[i].article->id, recs[i - 1].article->id) == 0) {
			dup[i] = dup[i - 1] = true;
		}
	}
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		if (!dup[i]) {
			recs[kept++] = recs[i];
			continue;
		}
		/* Name another file with the same id. */
		size_t other = (i > 0 && dup[i - 1] &&
				strcmp(recs[i - 1].article->id,
				       recs[i].article->id) == 0) ? i - 1 : i + 1;
		if (report) {
			struct wf_diag d;
			wf_diag_set(&d, recs[i].path, 0, 0,
				    "duplicate id %s (also in %s); neither record is published",
				    recs[i].article->id, recs[other].path);
			report(ctx, &d);
		}
	}
	/* Free after reporting: reports above read the other record. */
	for (size_t i = 0; i < n; i++) {
		if (dup[i]) {
			drop_record(&recs[i]);
		}
	}
	free(dup);
	qsort(recs, kept, sizeof(*recs), compare_records_by_path);
	return kept;
}

enum wf_status
wf_newswire_load(const char *root, wf_report_fn report, void *ctx,
		 struct wf_newswire **out, size_t *n_invalid,
		 struct wf_diag *diag)
{
	size_t invalid = 0;
	char *conf_path = xasprintf("%s/wirefeed.conf", root);
	struct wf_config *config = NULL;
	enum wf_status st = wf_config_load(conf_path, &config, diag);
	free(conf_path);
	if (st != WF_OK) {
		return st;
	}
	char *dir = xasprintf("%s/articles", root);
	size_t n_names = 0;
	char **names = list_records(dir, &n_names, diag);
	if (!names) {
		free(dir);
		wf_config_destroy(config);
		return WF_ERR_IO;
	}
	struct wf_record *recs = xcalloc(n_names ? n_names : 1, sizeof(*recs));
	size_t n = 0;
	for (size_t i = 0; i < n_names; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		free(names[i]);
		struct wf_article *a = NULL;
		struct wf_diag d = { 0 };
		if (wf_record_parse_file(path, &a, &d) != WF_OK) {
			invalid++;
			if (report) {
				report(ctx, &d);
			}
			free(path);
			continue;
		}
		recs[n].path = path;
		recs[n].article = a;
		n++;
	}
	free(names);
	free(dir);
	size_t kept = drop_duplicate_ids(recs, n, report, ctx);
	invalid += n - kept;

	struct wf_newswire *nw = xzalloc(sizeof(*nw));
	nw->root = xstrdup(root);
	nw->config = config;
	nw->records = recs;
	nw->n_records = kept;
	*out = nw;
	if (n_invalid) {
		*n_invalid = invalid;
	}
	return WF_OK;
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
