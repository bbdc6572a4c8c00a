/* SPDX-License-Identifier: MIT */
/* The newsroom's editing commands: new, update, correct, withdraw, show,
 * list. Every read and write goes through the record store (store.h:
 * locked, checked through its write gate, atomic); what an update means
 * for readers is decided here. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirefeed/store.h"
#include "wirefeed/record.h"
#include "buf.h"
#include "cli.h"
#include "mem.h"

#define MAX_LIST 64

/* Options shared by the editing commands. */
struct edit_options {
	const char *root;
	const char *at;      /* --at TIME instead of now */
	const char *title;
	const char *summary;
	const char *content_file;
	const char *link;
	const char *source;
	const char *dateline;
	const char *reason;
	const char *embargo; /* --embargo TIME: held back until then */
	const char *expires; /* --expires TIME: leaves the feeds then */
	const char *authors[MAX_LIST];
	size_t n_authors;
	const char *sections[MAX_LIST];
	size_t n_sections;
	bool minor;
	bool help;
};

static void
print_diag(const char *cmd, const struct wf_diag *d)
{
	char line[2048];
	fprintf(stderr, "wirefeed %s: %s\n", cmd,
		wf_diag_format(d, line, sizeof(line)));
}

static void
report_store(void *ctx, const struct wf_diag *d)
{
	print_diag(ctx, d);
}

/* Open the store of @root; NULL (reported) on failure. */
static struct wf_store *
open_store(const char *cmd, const char *root)
{
	struct wf_store_options so = { .warning = report_store,
				       .ctx = (void *)cmd };
	struct wf_store *store = NULL;
	struct wf_diag d = { 0 };
	if (wf_store_open(root, &so, &store, &d) != WF_OK) {
		print_diag(cmd, &d);
		return NULL;
	}
	return store;
}

static int
exit_code(enum wf_status st)
{
	switch (st) {
	case WF_OK: return 0;
	case WF_ERR_INVALID:
	case WF_ERR_TOO_LARGE:
	case WF_ERR_PARSE:
	case WF_ERR_XML:
	case WF_ERR_CONFLICT:
	case WF_ERR_NOT_FOUND: return 1;
	default: return 2;
	}
}

/* Parse the options of @cmd; returns -1 to go on, else an exit code. */
static int
parse(int argc, char **argv, struct edit_options *o, const char *usage_text,
      int *first_arg)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "at", required_argument, NULL, 'T' },
		{ "title", required_argument, NULL, 't' },
		{ "summary", required_argument, NULL, 's' },
		{ "content-file", required_argument, NULL, 'c' },
		{ "link", required_argument, NULL, 'l' },
		{ "source", required_argument, NULL, 'S' },
		{ "dateline", required_argument, NULL, 'd' },
		{ "reason", required_argument, NULL, 'R' },
		{ "author", required_argument, NULL, 'a' },
		{ "section", required_argument, NULL, 'x' },
		{ "minor", no_argument, NULL, 'm' },
		{ "embargo", required_argument, NULL, 'E' },
		{ "expires", required_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	memset(o, 0, sizeof(*o));
	o->root = "feeds";
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': o->root = optarg; break;
		case 'T': o->at = optarg; break;
		case 't': o->title = optarg; break;
		case 's': o->summary = optarg; break;
		case 'c': o->content_file = optarg; break;
		case 'l': o->link = optarg; break;
		case 'S': o->source = optarg; break;
		case 'd': o->dateline = optarg; break;
		case 'R': o->reason = optarg; break;
		case 'E': o->embargo = optarg; break;
		case 'X': o->expires = optarg; break;
		case 'm': o->minor = true; break;
		case 'a':
		case 'x': {
			const char **list = c == 'a' ? o->authors : o->sections;
			size_t *n = c == 'a' ? &o->n_authors : &o->n_sections;
			if (*n == MAX_LIST) {
				fprintf(stderr, "wirefeed %s: too many values\n", argv[0]);
				return 2;
			}
			list[(*n)++] = optarg;
			break;
		}
		case 'h': fputs(usage_text, stdout); return 0;
		default:
			cli_bad_option(argv, c);
			fputs(usage_text, stderr);
			return 2;
		}
	}
	*first_arg = optind;
	return -1;
}

/* The time of this edit: --at, or now in the local offset. */
static bool
edit_time(const struct edit_options *o, const char *cmd, struct wf_time *t)
{
	if (!o->at) {
		*t = wf_time_now_local();
		return true;
	}
	if (!cli_parse_time(cmd, "at", o->at, t)) {
		return false;
	}
	/* issue 17.7: a far-future --at pinned a story to the top of every
	 * feed and made every later edit "go back"; a day of slack */
	if (t->utc > wf_time_now().utc + 86400) {
		fprintf(stderr, "wirefeed %s: --at '%s': is in the future (more than a day from now)\n",
			cmd, o->at);
		return false;
	}
	return true;
}

/* Apply --embargo and --expires to @a. */
static bool
apply_lifecycle(const char *cmd, const struct edit_options *o,
		struct wf_article *a)
{
	if (o->embargo &&
	    !cli_parse_time(cmd, "embargo", o->embargo, &a->embargo_until)) {
		return false;
	}
	if (o->expires &&
	    !cli_parse_time(cmd, "expires", o->expires, &a->expires_at)) {
		return false;
	}
	a->has_embargo = a->has_embargo || o->embargo;
	a->has_expiry = a->has_expiry || o->expires;
	return true;
}

static char *
read_content(const char *cmd, const char *path)
{
	struct buf b;
	buf_init(&b, WF_RECORD_MAX_BYTES);
	struct wf_diag d = { 0 };
	enum wf_status st = WF_OK;
	if (strcmp(path, "-") == 0) {
		char chunk[65536];
		size_t got;
		while (st == WF_OK && (got = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
			st = buf_append(&b, chunk, got);
		}
		if (st == WF_OK && !b.data) {
			st = buf_append(&b, "", 0);
		}
	} else {
		st = buf_read_file(&b, path, &d);
	}
	if (st != WF_OK) {
		fprintf(stderr, "wirefeed %s: cannot read %s\n", cmd, path);
		buf_finish(&b);
		return NULL;
	}
	return buf_take(&b, NULL);
}

/* Apply the content options (title, summary, ...) to @a. */
static bool
apply_fields(const char *cmd, const struct edit_options *o,
	     struct wf_article *a)
{
	if (o->title) {
		wf_article_set_string(&a->title, o->title);
	}
	if (o->summary) {
		wf_article_set_string(&a->summary, o->summary);
	}
	if (o->link) {
		wf_article_set_string(&a->link, o->link);
	}
	if (o->source) {
		wf_article_set_string(&a->source, o->source);
	}
	if (o->dateline) {
		wf_article_set_string(&a->dateline, o->dateline);
	}
	if (o->content_file) {
		char *html = read_content(cmd, o->content_file);
		if (!html) {
			return false;
		}
		free(a->content_html);
		a->content_html = html;
	}
	if (o->n_sections > 0) {
		for (size_t i = 0; i < a->n_sections; i++) {
			free(a->sections[i].term);
			free(a->sections[i].label);
		}
		a->n_sections = 0;
		for (size_t i = 0; i < o->n_sections; i++) {
			wf_article_add_section(a, o->sections[i], NULL);
		}
	}
	if (o->n_authors > 0) {
		for (size_t i = 0; i < a->n_authors; i++) {
			free(a->authors[i].name);
			free(a->authors[i].uri);
			free(a->authors[i].email);
		}
		a->n_authors = 0;
		for (size_t i = 0; i < o->n_authors; i++) {
			wf_article_add_author(a, o->authors[i], NULL, NULL);
		}
	}
	return true;
}

static void
print_result(const struct wf_article *a, const char *what)
{
	char upd[WF_TIME_RFC3339_MAX];
	wf_time_format_rfc3339(a->updated, upd, sizeof(upd));
	printf("%s %s (updated %s)\n", a->id, what, upd);
}

/* ---- new ---------------------------------------------------------------- */

static const char new_usage[] =
	"usage: wirefeed new --title TITLE [--author NAME]... [--section SLUG]...\n"
	"                    [--summary TEXT] [--content-file FILE|-] [--link URL]\n"
	"                    [--source TEXT] [--dateline TEXT] [--at TIME]\n"
	"                    [--embargo TIME] [--expires TIME] [--root DIR]\n"
	"\n"
	"Create a record with a fresh urn:uuid id, published = updated = edited =\n"
	"now (or --at, RFC 3339), in DIR/articles/<date>-<slug>.xml. Prints the id.\n"
	"  --embargo TIME  hold the story back from every feed until TIME\n"
	"  --expires TIME  take it out of the feeds at TIME, as a withdrawal does\n"
	"                  (docs/lifecycle.md)\n";

int
cmd_new(int argc, char **argv)
{
	struct edit_options o;
	int first;
	int rc = parse(argc, argv, &o, new_usage, &first);
	if (rc >= 0) {
		return rc;
	}
	if (!o.title || first < argc) {
		fprintf(stderr, "wirefeed new: %s\n",
			!o.title ? "--title is required" : "unexpected argument");
		fputs(new_usage, stderr);
		return 2;
	}
	struct wf_time now;
	if (!edit_time(&o, "new", &now)) {
		return 2;
	}
	struct wf_article *a = wf_article_create();
	a->id = wf_article_new_id();
	a->published = a->updated = a->edited = now;
	a->has_edited = true;
	if (!apply_lifecycle("new", &o, a) || !apply_fields("new", &o, a)) {
		wf_article_destroy(a);
		return 2;
	}
	char *path = NULL;
	struct wf_diag d = { 0 };
	struct wf_store *store = open_store("new", o.root);
	if (!store) {
		wf_article_destroy(a);
		return 2;
	}
	free(a->id);
	a->id = NULL; /* the store picks a fresh, never used one */
	enum wf_status st = wf_store_create(store, a, NULL, &path, &d);
	wf_store_close(store);
	if (st != WF_OK) {
		print_diag("new", &d);
	} else {
		printf("%s\n", a->id);
		fprintf(stderr, "wirefeed new: wrote %s\n", path);
	}
	free(path);
	wf_article_destroy(a);
	return exit_code(st);
}

/* ---- update, correct, withdraw ---------------------------------------- */

struct change {
	const struct edit_options *o;
	const char *cmd;
	struct wf_time at;
	const char *correction; /* correct */
	bool withdraw;
};

static enum wf_status
apply_change(struct wf_article *a, void *ctx, struct wf_diag *diag)
{
	struct change *ch = ctx;
	if (!ch->o->at) {
		/* "now" is read under the lock, so an editor who waited for
		 * another never stamps an older time after a newer one */
		ch->at = wf_time_now_local();
	}
	if (a->status == WF_ARTICLE_WITHDRAWN && !ch->withdraw) {
		wf_diag_set(diag, NULL, 0, 0,
			    "%s is withdrawn; edits would not reach readers", a->id);
		return WF_ERR_INVALID;
	}
	/* an embargo holds back a story nobody has seen yet: once out, it
	 * cannot be recalled by one (withdraw it instead) */
	if (ch->o->embargo &&
	    wf_article_phase(a, wf_time_now().utc, INT64_MAX, NULL) !=
		    WF_PHASE_EMBARGOED) {
		wf_diag_set(diag, NULL, 0, 0,
			    "%s is already published; an embargo cannot take it back (use 'wirefeed withdraw')",
			    a->id);
		return WF_ERR_INVALID;
	}
	if (!apply_lifecycle(ch->cmd, ch->o, a)) {
		wf_diag_set(diag, NULL, 0, 0, "bad --embargo or --expires");
		return WF_ERR_INVALID;
	}
	if (!apply_fields(ch->cmd, ch->o, a)) {
		wf_diag_set(diag, NULL, 0, 0, "cannot read the new content");
		return WF_ERR_IO;
	}
	/* a significant change moves updated (never back); every change
	 * moves edited */
	bool significant = !ch->o->minor && !ch->withdraw;
	if (significant) {
		if (wf_time_compare(ch->at, a->updated) < 0) {
			char upd[WF_TIME_RFC3339_MAX];
			wf_time_format_rfc3339(a->updated, upd, sizeof(upd));
			wf_diag_set(diag, NULL, 0, 0,
				    "the edit time is before the record's updated (%s); updated never goes backwards",
				    upd);
			return WF_ERR_INVALID;
		}
		a->updated = ch->at;
	}
	if (ch->correction) {
		wf_article_add_correction(a, ch->at, ch->correction);
	}
	if (ch->withdraw) {
		a->status = WF_ARTICLE_WITHDRAWN;
		a->withdrawn_at = ch->at;
		wf_article_set_string(&a->withdrawn_reason, ch->o->reason);
	}
	if (!a->has_edited || wf_time_compare(ch->at, a->edited) > 0) {
		a->edited = ch->at;
		a->has_edited = true;
	}
	return WF_OK;
}

static int
run_change(int argc, char **argv, const char *usage_text, int n_args,
	   bool withdraw)
{
	struct edit_options o;
	int first;
	int rc = parse(argc, argv, &o, usage_text, &first);
	if (rc >= 0) {
		return rc;
	}
	if (argc - first != n_args) {
		fprintf(stderr, "wirefeed %s: expected %s\n", argv[0],
			n_args == 1 ? "ID" : "ID TEXT");
		fputs(usage_text, stderr);
		return 2;
	}
	if (withdraw && !o.reason) {
		fprintf(stderr, "wirefeed withdraw: --reason is required\n");
		return 2;
	}
	struct change ch = { .o = &o, .cmd = argv[0], .withdraw = withdraw,
			     .correction = n_args == 2 ? argv[first + 1] : NULL };
	if (!edit_time(&o, argv[0], &ch.at)) {
		return 2;
	}
	struct wf_article *a = NULL;
	struct wf_diag d = { 0 };
	struct wf_store *store = open_store(argv[0], o.root);
	if (!store) {
		return 2;
	}
	enum wf_status st = wf_store_edit(store, argv[first], apply_change, &ch,
					  &a, NULL, &d);
	wf_store_close(store);
	if (st != WF_OK) {
		print_diag(argv[0], &d);
		return exit_code(st);
	}
	print_result(a, withdraw ? "withdrawn"
			: ch.correction ? "corrected"
			: o.minor ? "edited (minor: readers are not told)"
				  : "updated");
	wf_article_destroy(a);
	return 0;
}

static const char update_usage[] =
	"usage: wirefeed update ID [--minor] [--title T] [--summary T]\n"
	"                      [--content-file FILE|-] [--link URL] [--section SLUG]...\n"
	"                      [--author NAME]... [--at TIME] [--embargo TIME]\n"
	"                      [--expires TIME] [--root DIR]\n"
	"\n"
	"Record an edit of story ID. A significant edit sets updated and edited to\n"
	"now (readers are told: feeds show the new updated time); --minor (a typo\n"
	"fix) sets edited only. published never changes; updated never goes back.\n"
	"--embargo moves the release of a story still under embargo (one already\n"
	"out cannot be recalled: withdraw it); --expires sets its expiry.\n";

int
cmd_update(int argc, char **argv)
{
	return run_change(argc, argv, update_usage, 1, false);
}

static const char correct_usage[] =
	"usage: wirefeed correct ID TEXT [--at TIME] [--root DIR]\n"
	"\n"
	"Append a correction (its time and TEXT) to story ID. A correction is a\n"
	"significant update: updated and edited move to its time, and both feed\n"
	"formats show the correction in the story's content.\n";

int
cmd_correct(int argc, char **argv)
{
	return run_change(argc, argv, correct_usage, 2, false);
}

static const char withdraw_usage[] =
	"usage: wirefeed withdraw ID --reason TEXT [--at TIME] [--root DIR]\n"
	"\n"
	"Withdraw story ID: it leaves every feed at the next build. The record is\n"
	"kept, with the time and the reason.\n";

int
cmd_withdraw(int argc, char **argv)
{
	return run_change(argc, argv, withdraw_usage, 1, true);
}

/* ---- show, list --------------------------------------------------------- */

/* Where the story is in its lifecycle now, as list and show print it:
 * "published", "published, expires at T", "embargoed until T",
 * "withdrawn at T", "expired at T". */
static void
state_of(const struct wf_article *a, char *out, size_t size)
{
	char t[WF_TIME_RFC3339_MAX];
	struct wf_article_end end;
	/* no tombstone window here: a story stays "withdrawn" for good */
	enum wf_article_phase phase =
		wf_article_phase(a, wf_time_now().utc, INT64_MAX, &end);
	if (phase == WF_PHASE_KILLED || phase == WF_PHASE_GONE) {
		wf_time_format_rfc3339(end.when, t, sizeof(t));
		snprintf(out, size, "%s at %s", end.expired ? "expired" : "withdrawn", t);
	} else if (phase == WF_PHASE_EMBARGOED) {
		wf_time_format_rfc3339(a->embargo_until, t, sizeof(t));
		snprintf(out, size, "embargoed until %s", t);
	} else if (a->has_expiry) {
		wf_time_format_rfc3339(a->expires_at, t, sizeof(t));
		snprintf(out, size, "published, expires at %s", t);
	} else {
		snprintf(out, size, "published");
	}
}

static const char show_usage[] =
	"usage: wirefeed show ID [--root DIR]\n\nPrint the record of story ID.\n";

int
cmd_show(int argc, char **argv)
{
	struct edit_options o;
	int first;
	int rc = parse(argc, argv, &o, show_usage, &first);
	if (rc >= 0) {
		return rc;
	}
	if (argc - first != 1) {
		fputs(show_usage, stderr);
		return 2;
	}
	char *path = NULL;
	struct wf_diag d = { 0 };
	struct wf_store *store = open_store("show", o.root);
	if (!store) {
		return 2;
	}
	struct wf_article *a = NULL;
	enum wf_status st = wf_store_get(store, argv[first], &a, NULL, &path, &d);
	wf_store_close(store);
	if (st == WF_OK) {
		char *text = NULL;
		st = wf_record_format(a, &text, NULL, &d);
		if (st == WF_OK) {
			char state[160];
			state_of(a, state, sizeof(state));
			printf("<!-- %s -->\n<!-- state: %s -->\n%s", path, state, text);
		}
		free(text);
	}
	if (st != WF_OK) {
		print_diag("show", &d);
	}
	wf_article_destroy(a);
	free(path);
	return exit_code(st);
}

static const char list_usage[] =
	"usage: wirefeed list [--section SLUG] [--root DIR]\n"
	"\n"
	"One line per story, most recently updated first:\n"
	"ID  UPDATED  STATE  SECTIONS  TITLE\n"
	"STATE: published [, expires at T] | embargoed until T | withdrawn at T |\n"
	"expired at T.\n";

struct list_run {
	const char *section; /* NULL: all */
	size_t bad;
};

static void
report_bad(void *ctx, const struct wf_diag *d)
{
	struct list_run *run = ctx;
	run->bad++;
	print_diag("list", d);
}

static enum wf_status
list_one(void *ctx, const struct wf_article *a, const char *version)
{
	(void)version;
	const struct list_run *run = ctx;
	if (run->section && !wf_article_in_section(a, run->section)) {
		return WF_OK;
	}
	char upd[WF_TIME_RFC3339_MAX];
	wf_time_format_rfc3339(a->updated, upd, sizeof(upd));
	char state[160];
	state_of(a, state, sizeof(state));
	printf("%s  %s  %-9s  ", a->id, upd, state);
	for (size_t s = 0; s < a->n_sections; s++) {
		printf("%s%s", s ? "," : "", a->sections[s].term);
	}
	printf("%s  %s\n", a->n_sections ? "" : "-", a->title);
	return WF_OK;
}

int
cmd_list(int argc, char **argv)
{
	struct edit_options o;
	int first;
	int rc = parse(argc, argv, &o, list_usage, &first);
	if (rc >= 0) {
		return rc;
	}
	if (first < argc || o.n_sections > 1) {
		fputs(list_usage, stderr);
		return 2;
	}
	struct list_run run = { .section = o.n_sections ? o.sections[0] : NULL };
	struct wf_store_options so = { .warning = report_bad, .ctx = &run };
	struct wf_store *store = NULL;
	struct wf_diag d = { 0 };
	enum wf_status st = wf_store_open(o.root, &so, &store, &d);
	if (st == WF_OK) {
		run.bad = 0; /* the index's own notes are not bad records */
		st = wf_store_iterate(store, list_one, &run, &d);
	}
	wf_store_close(store);
	if (st != WF_OK) {
		print_diag("list", &d);
		return 2;
	}
	return run.bad > 0 ? 1 : 0;
}

/* ---- import (wirecopy.c) ------------------------------------------------ */
