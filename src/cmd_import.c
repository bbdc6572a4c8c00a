/* SPDX-License-Identifier: MIT */
/* wirefeed import: wire copy in, records out. Re-importing a story updates
 * its record (same id, same published) instead of duplicating it. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wirefeed/store.h"
#include "wirefeed/record.h"
#include "wirefeed/wirecopy.h"
#include "buf.h"
#include "cli.h"
#include "mem.h"

#define MAX_SECTIONS 16

static const char import_usage[] =
	"usage: wirefeed import [--root DIR] [--section SLUG]... [--id ID]\n"
	"                       [--embargo TIME] [--expires TIME] FILE...|-\n"
	"\n"
	"Turn wire copy (docs/editing.md) into article records. A story seen\n"
	"before (same source, title and original time, or the record named by\n"
	"--id) updates its record: id and published are kept, updated follows the\n"
	"copy. New stories get a fresh urn:uuid id and the --section slugs.\n"
	"All files are parsed first: if any is malformed, nothing is written.\n"
	"--embargo TIME holds the stories back from every feed until TIME;\n"
	"--expires TIME takes them out at TIME, as a withdrawal does\n"
	"(docs/lifecycle.md).\n"
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

/* Apply re-imported copy @c to the record @a: content follows the copy;
 * id, published, sections and link stay. */
static enum wf_status
merge_copy(struct wf_article *a, const struct wf_article *c, bool *changed,
	   void *ctx, struct wf_diag *diag)
{
	(void)ctx;
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
	/* --expires applies to a story already out; --embargo only to one
	 * still held back (an embargo cannot recall a published story) */
	if (c->has_expiry) {
		a->has_expiry = true;
		a->expires_at = c->expires_at;
	}
	if (c->has_embargo) {
		if (wf_article_phase(a, wf_time_now().utc, INT64_MAX, NULL) !=
		    WF_PHASE_EMBARGOED) {
			wf_article_destroy(before);
			wf_diag_set(diag, NULL, 0, 0,
				    "%s is already published; an embargo cannot take it back (use 'wirefeed withdraw')",
				    a->id);
			return WF_ERR_INVALID;
		}
		a->embargo_until = c->embargo_until;
	}
	/* whether anything changed: compare the serialized records */
	char *t1 = NULL, *t2 = NULL;
	struct wf_diag ignored = { 0 };
	if (wf_record_format(before, &t1, NULL, &ignored) == WF_OK &&
	    wf_record_format(a, &t2, NULL, &ignored) == WF_OK) {
		*changed = strcmp(t1, t2) != 0;
	} else {
		*changed = true;
	}
	free(t1);
	free(t2);
	wf_article_destroy(before);
	if (*changed) {
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

struct progress {
	struct timespec start;
	bool shown;
};

static double
seconds_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) +
	       (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A progress line on a terminal, once the import has run a second. */
static void
show_progress(void *ctx, size_t done, size_t total)
{
	struct progress *p = ctx;
	if (!p->shown && seconds_since(&p->start) < 1.0) {
		return;
	}
	p->shown = true;
	fprintf(stderr, "\rwirefeed import: %zu/%zu stories", done, total);
	fflush(stderr);
}

static void
report_store(void *ctx, const struct wf_diag *d)
{
	(void)ctx;
	char line[2048];
	fprintf(stderr, "wirefeed import: %s\n",
		wf_diag_format(d, line, sizeof(line)));
}

int
cmd_import(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "section", required_argument, NULL, 's' },
		{ "id", required_argument, NULL, 'i' },
		{ "embargo", required_argument, NULL, 'E' },
		{ "expires", required_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = "feeds", *id = NULL, *embargo = NULL, *expires = NULL;
	const char *sections[MAX_SECTIONS];
	size_t n_sections = 0;
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":r:s:i:E:X:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': root = optarg; break;
		case 'i': id = optarg; break;
		case 'E': embargo = optarg; break;
		case 'X': expires = optarg; break;
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
	struct wf_time embargo_at = { 0 }, expires_at = { 0 };
	if ((embargo && !cli_parse_time("import", "embargo", embargo, &embargo_at)) ||
	    (expires && !cli_parse_time("import", "expires", expires, &expires_at))) {
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

	/* Phase 2: one call to the store: matched, merged, checked, then
	 * written all at once (or nothing, if any story is refused). */
	struct wf_store_options so = { .warning = report_store };
	struct wf_store *store = NULL;
	struct wf_diag d = { 0 };
	if (wf_store_open(root, &so, &store, &d) != WF_OK) {
		char line[2048];
		fprintf(stderr, "wirefeed import: %s\n", wf_diag_format(&d, line, sizeof(line)));
		rc = 2;
		goto out;
	}
	struct wf_store_import_item *put = xcalloc(n, sizeof(*put));
	for (size_t i = 0; i < n; i++) {
		struct wf_article *a = items[i].article;
		put[i].article = a;
		put[i].update_id = id;
		for (size_t s = 0; s < n_sections; s++) {
			wf_article_add_section(a, sections[s], NULL);
		}
		a->has_embargo = embargo != NULL;
		a->embargo_until = embargo_at;
		a->has_expiry = expires != NULL;
		a->expires_at = expires_at;
	}
	struct progress prog = { .shown = false };
	clock_gettime(CLOCK_MONOTONIC, &prog.start);
	bool tty = isatty(STDERR_FILENO);
	enum wf_status st = wf_store_import(store, put, n, merge_copy, NULL,
					    tty ? show_progress : NULL, &prog,
					    &d);
	if (prog.shown) {
		fputc('\n', stderr);
	}
	wf_store_close(store);
	if (st != WF_OK) {
		char line[2048];
		const char *culprit = "";
		for (size_t i = 0; i < n; i++) {
			if (put[i].refused) {
				culprit = items[i].name;
			}
		}
		fprintf(stderr, "wirefeed import: %s%s%s\n", culprit,
			*culprit ? ": " : "", wf_diag_format(&d, line, sizeof(line)));
		fprintf(stderr, "wirefeed import: nothing written\n");
		rc = st == WF_ERR_IO ? 2 : 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (st == WF_OK) {
			if (put[i].outcome == WF_STORE_CREATED) {
				printf("%s created %s\n", put[i].id, put[i].location);
			} else {
				printf("%s %s\n", put[i].id,
				       put[i].outcome == WF_STORE_UPDATED ? "updated"
									  : "unchanged");
			}
		}
		free(put[i].id);
		free(put[i].location);
	}
	free(put);
out:
	for (size_t i = 0; i < n; i++) {
		wf_article_destroy(items[i].article);
	}
	free(items);
	return rc;
}
