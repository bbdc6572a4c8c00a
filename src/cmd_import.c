/* SPDX-License-Identifier: MIT */
/* wirefeed import: wire copy in, records out. Re-importing a story updates
 * its record (same id, same published) instead of duplicating it. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirefeed/newswire.h"
#include "wirefeed/recstore.h"
#include "wirefeed/record.h"
#include "wirefeed/wirecopy.h"
#include "buf.h"
#include "cli.h"
#include "mem.h"

#define MAX_SECTIONS 16

static const char import_usage[] =
	"usage: wirefeed import [--root DIR] [--section SLUG]... [--id ID] FILE...|-\n"
	"\n"
	"Turn wire copy (docs/editing.md) into article records. A story seen\n"
	"before (same source, title and original time, or the record named by\n"
	"--id) updates its record: id and published are kept, updated follows the\n"
	"copy. New stories get a fresh urn:uuid id and the --section slugs.\n"
	"All files are parsed first: if any is malformed, nothing is written.\n"
	"Exit status: 0 imported, 1 malformed copy or a rejected update, 2 usage\n"
	"or I/O error.\n";

struct import_item {
	const char *name;
	struct wf_article *article;
	char *existing_id; /* the record it updates, or NULL */
};

static char *
read_input(const char *name, size_t *len, struct wf_diag *d)
{
	struct buf b;
	buf_init(&b, WF_RECORD_MAX_BYTES);
	enum wf_status st = WF_OK;
	if (strcmp(name, "-") == 0) {
		char chunk[65536];
		size_t got;
		while (st == WF_OK && (got = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
			st = buf_append(&b, chunk, got);
		}
		if (st != WF_OK) {
			wf_diag_set(d, "<stdin>", 0, 0, "input too large");
		}
	} else {
		st = buf_read_file(&b, name, d);
	}
	if (st == WF_OK && !b.data) {
		st = buf_append(&b, "", 0);
	}
	if (st != WF_OK) {
		buf_finish(&b);
		return NULL;
	}
	return buf_take(&b, len);
}

/* The record this copy updates: same source, title and published instant. */
static const char *
match_existing(const struct wf_newswire *nw, const struct wf_article *copy)
{
	for (size_t i = 0; i < nw->n_records; i++) {
		const struct wf_article *a = nw->records[i].article;
		bool same_source = (!a->source && !copy->source) ||
				   (a->source && copy->source &&
				    strcmp(a->source, copy->source) == 0);
		if (same_source && strcmp(a->title, copy->title) == 0 &&
		    wf_time_compare(a->published, copy->published) == 0) {
			return a->id;
		}
	}
	return NULL;
}

struct merge {
	const struct wf_article *copy;
	bool changed;
};

/* Apply re-imported copy to the record: content follows the copy, id,
 * published, sections and link stay. */
static enum wf_status
merge_copy(struct wf_article *a, void *ctx, struct wf_diag *diag)
{
	struct merge *m = ctx;
	const struct wf_article *c = m->copy;
	if (wf_time_compare(c->published, a->published) != 0) {
		wf_diag_set(diag, NULL, 0, 0,
			    "the copy's 'Originally Published' differs from the record's published; published never changes");
		return WF_ERR_INVALID;
	}
	if (wf_time_compare(c->updated, a->updated) < 0) {
		wf_diag_set(diag, NULL, 0, 0,
			    "the copy's 'Updated' is older than the record's updated; updated never goes backwards");
		return WF_ERR_INVALID;
	}
	struct wf_article *before = wf_article_clone(a);
	wf_article_set_string(&a->title, c->title);
	wf_article_set_string(&a->source, c->source);
	wf_article_set_string(&a->summary, c->summary);
	wf_article_set_string(&a->content_html, c->content_html);
	for (size_t i = 0; i < a->n_authors; i++) {
		free(a->authors[i].name);
		free(a->authors[i].uri);
		free(a->authors[i].email);
	}
	a->n_authors = 0;
	for (size_t i = 0; i < c->n_authors; i++) {
		wf_article_add_author(a, c->authors[i].name, NULL, NULL);
	}
	for (size_t i = 0; i < a->n_corrections; i++) {
		free(a->corrections[i].text);
	}
	a->n_corrections = 0;
	for (size_t i = 0; i < c->n_corrections; i++) {
		wf_article_add_correction(a, c->corrections[i].time,
					  c->corrections[i].text);
	}
	a->updated = c->updated;
	/* whether anything changed: compare the serialized records */
	char *t1 = NULL, *t2 = NULL;
	struct wf_diag ignored = { 0 };
	if (wf_record_format(before, &t1, NULL, &ignored) == WF_OK &&
	    wf_record_format(a, &t2, NULL, &ignored) == WF_OK) {
		m->changed = strcmp(t1, t2) != 0;
	} else {
		m->changed = true;
	}
	free(t1);
	free(t2);
	wf_article_destroy(before);
	if (m->changed) {
		struct wf_time now = wf_time_now_local();
		struct wf_time edited = wf_time_compare(now, a->updated) > 0 ? now
									 : a->updated;
		if (!a->has_edited || wf_time_compare(edited, a->edited) > 0) {
			a->edited = edited;
			a->has_edited = true;
		}
	}
	return WF_OK;
}

/* Report a write that failed; returns the exit code. */
static int
import_failed(const char *name, enum wf_status st, const struct wf_diag *d)
{
	char line[2048];
	fprintf(stderr, "wirefeed import: %s: %s\n", name,
		wf_diag_format(d, line, sizeof(line)));
	return st == WF_ERR_IO ? 2 : 1;
}

static void
quiet_report(void *ctx, const struct wf_diag *d)
{
	(void)ctx;
	(void)d; /* bad records are the build's business, not import's */
}

int
cmd_import(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "section", required_argument, NULL, 's' },
		{ "id", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = "feeds", *id = NULL;
	const char *sections[MAX_SECTIONS];
	size_t n_sections = 0;
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":r:s:i:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': root = optarg; break;
		case 'i': id = optarg; break;
		case 's':
			if (n_sections == MAX_SECTIONS) {
				fprintf(stderr, "wirefeed import: too many sections\n");
				return 2;
			}
			sections[n_sections++] = optarg;
			break;
		case 'h': fputs(import_usage, stdout); return 0;
		default:
			cli_bad_option(argv, c);
			fputs(import_usage, stderr);
			return 2;
		}
	}
	size_t n = (size_t)(argc - optind);
	if (n == 0 || (id && n != 1)) {
		fprintf(stderr, "wirefeed import: %s\n",
			n == 0 ? "no files given" : "--id takes exactly one file");
		fputs(import_usage, stderr);
		return 2;
	}

	/* Phase 1: parse everything; any error and nothing is written. */
	struct import_item *items = xcalloc(n, sizeof(*items));
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		items[i].name = argv[optind + (int)i];
		const char *shown = strcmp(items[i].name, "-") == 0 ? "<stdin>"
								     : items[i].name;
		struct wf_diag d = { 0 };
		size_t len = 0;
		char *text = read_input(items[i].name, &len, &d);
		if (!text) {
			char line[2048];
			fprintf(stderr, "wirefeed import: %s\n",
				wf_diag_format(&d, line, sizeof(line)));
			rc = 2;
			continue;
		}
		/* the length read, not strlen(): a NUL must reach the parser,
		 * which refuses it, instead of cutting the copy short */
		if (wf_wirecopy_parse(text, len, shown, &items[i].article,
				      &d) != WF_OK) {
			/* compilers' style: file:line[:column]: error: cause */
			if (d.line > 0 && d.column > 0) {
				fprintf(stderr, "%s:%d:%d: error: %s\n", shown,
					d.line, d.column, d.message);
			} else if (d.line > 0) {
				fprintf(stderr, "%s:%d: error: %s\n", shown, d.line,
					d.message);
			} else {
				fprintf(stderr, "%s: error: %s\n", shown, d.message);
			}
			rc = rc ? rc : 1;
		}
		free(text);
	}
	if (rc != 0) {
		fprintf(stderr, "wirefeed import: nothing written\n");
		goto out;
	}

	/* Phase 2: match re-imports, then write. */
	struct wf_newswire *nw = NULL;
	struct wf_diag d = { 0 };
	if (!id && wf_newswire_load(root, quiet_report, NULL, &nw, NULL, &d) != WF_OK) {
		char line[2048];
		fprintf(stderr, "wirefeed import: %s\n", wf_diag_format(&d, line, sizeof(line)));
		rc = 2;
		goto out;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct wf_article *a = items[i].article;
		const char *existing = id ? id : match_existing(nw, a);
		if (existing) {
			struct merge m = { .copy = a };
			struct wf_article *result = NULL;
			enum wf_status st = wf_recstore_edit(root, existing, merge_copy,
							     &m, &result, &d);
			if (st != WF_OK) {
				rc = import_failed(items[i].name, st, &d);
				break;
			}
			printf("%s %s\n", result->id, m.changed ? "updated" : "unchanged");
			wf_article_destroy(result);
			continue;
		}
		a->id = wf_article_new_id();
		for (size_t s = 0; s < n_sections; s++) {
			wf_article_add_section(a, sections[s], NULL);
		}
		char *path = NULL;
		enum wf_status st = wf_recstore_create(root, a, &path, &d);
		if (st != WF_OK) {
			rc = import_failed(items[i].name, st, &d);
			break;
		}
		printf("%s created %s\n", a->id, path);
		free(path);
	}
	wf_newswire_destroy(nw);
out:
	for (size_t i = 0; i < n; i++) {
		wf_article_destroy(items[i].article);
	}
	free(items);
	return rc;
}
