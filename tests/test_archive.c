/* SPDX-License-Identifier: MIT */
/* RFC 5005 archives and JSON Feed 1.1: periods, the plan, and end to end
 * with the real binary (new/update/correct/withdraw --at, build, serve):
 * a walker rebuilds every feed from its archive chain, closed archives
 * keep their bytes, JSON Feed mirrors Atom, archives cache for a year. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "wirefeed/archive.h"
#include "wirefeed/feed.h"
#include "wirefeed/newswire.h"
#include "wirefeed/record.h"
#include "record_spool.h"
#include "helpers.h"

/* ---- periods and the plan ------------------------------------------------ */

START_TEST(periods_follow_the_utc_calendar)
{
	static const struct {
		enum wf_archive_period period;
		const char *time;
		const char *name;
		const char *start;
	} cases[] = {
		{ WF_ARCHIVE_MONTHLY, "2026-10-31T23:59:59Z", "2026-10", "2026-10-01T00:00:00Z" },
		/* 20:30 in New York on Oct 31 is November in UTC */
		{ WF_ARCHIVE_MONTHLY, "2026-10-31T20:30:00-04:00", "2026-11", "2026-11-01T00:00:00Z" },
		{ WF_ARCHIVE_MONTHLY, "2024-02-29T12:00:00Z", "2024-02", "2024-02-01T00:00:00Z" },
		{ WF_ARCHIVE_MONTHLY, "1969-12-31T23:00:00Z", "1969-12", "1969-12-01T00:00:00Z" },
		{ WF_ARCHIVE_DAILY, "2026-11-01T01:30:00-05:00", "2026-11-01", "2026-11-01T00:00:00Z" },
		{ WF_ARCHIVE_DAILY, "2026-11-01T23:30:00-05:00", "2026-11-02", "2026-11-02T00:00:00Z" },
		{ WF_ARCHIVE_DAILY, "2000-03-01T00:00:00Z", "2000-03-01", "2000-03-01T00:00:00Z" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wf_time t, start;
		const char *why;
		ck_assert_int_eq(wf_time_parse_rfc3339(cases[i].time, &t, &why), WF_OK);
		ck_assert_int_eq(wf_time_parse_rfc3339(cases[i].start, &start, &why), WF_OK);
		int64_t k = wf_archive_period_of(cases[i].period, t);
		char name[32];
		wf_archive_period_name(cases[i].period, k, name, sizeof(name));
		ck_assert_str_eq(name, cases[i].name);
		ck_assert_int_eq(wf_archive_period_start(cases[i].period, k).utc,
				 start.utc);
		/* the next period starts where this one ends */
		ck_assert_int_eq(wf_archive_period_of(cases[i].period,
						      wf_archive_period_start(cases[i].period, k + 1)),
				 k + 1);
	}
}
END_TEST

static struct wf_article *
story(const char *id, const char *updated, const char *edited)
{
	struct wf_article *a = wf_article_create();
	const char *why;
	wf_article_set_string(&a->id, id);
	wf_article_set_string(&a->title, "t");
	ck_assert_int_eq(wf_time_parse_rfc3339(updated, &a->updated, &why), WF_OK);
	a->published = a->updated;
	if (edited) {
		ck_assert_int_eq(wf_time_parse_rfc3339(edited, &a->edited, &why), WF_OK);
		a->has_edited = true;
	}
	return a;
}

START_TEST(plan_closes_periods_by_the_newest_change)
{
	struct wf_config c = { .archives = WF_ARCHIVE_MONTHLY };
	struct wf_article *a[3] = {
		story("urn:uuid:00000000-0000-4000-8000-000000000001", "2026-08-03T10:00:00Z", NULL),
		/* a minor edit (app:edited) in October counts as a change */
		story("urn:uuid:00000000-0000-4000-8000-000000000002", "2026-09-03T10:00:00Z", "2026-10-02T00:00:00Z"),
		story("urn:uuid:00000000-0000-4000-8000-000000000003", "2026-09-30T10:00:00Z", NULL),
	};
	struct wf_archive_plan plan;
	wf_archive_plan_make(&c, (const struct wf_article *const *)a, 3, &plan);
	ck_assert(wf_archive_plan_has_archives(&plan));
	char name[32];
	wf_archive_period_name(plan.period, plan.first, name, sizeof(name));
	ck_assert_str_eq(name, "2026-08");
	wf_archive_period_name(plan.period, plan.open, name, sizeof(name));
	ck_assert_str_eq(name, "2026-10");
	ck_assert(!wf_archive_is_current(&plan, a[0]));
	ck_assert(wf_archive_is_current(&plan, a[1]));
	ck_assert(!wf_archive_is_current(&plan, a[2]));
	char *dir = wf_archive_dir(&plan, "sections/x/", plan.open - 1);
	ck_assert_str_eq(dir, "sections/x/archives/2026-09/");
	free(dir);

	/* archives off, or every change in one period: nothing closed */
	c.archives = WF_ARCHIVE_OFF;
	wf_archive_plan_make(&c, (const struct wf_article *const *)a, 3, &plan);
	ck_assert(!wf_archive_plan_has_archives(&plan));
	ck_assert(!wf_archive_is_current(&plan, a[1]));
	c.archives = WF_ARCHIVE_MONTHLY;
	wf_archive_plan_make(&c, (const struct wf_article *const *)a + 2, 1, &plan);
	ck_assert(!wf_archive_plan_has_archives(&plan));
	for (int i = 0; i < 3; i++) {
		wf_article_destroy(a[i]);
	}
}
END_TEST

/* ---- JSON Feed writer ---------------------------------------------------- */

START_TEST(json_is_valid_utf8_whatever_the_strings_hold)
{
	/* control characters, an encoded lone surrogate (ED A0 80), a stray
	 * continuation byte, quotes and backslashes, U+2028 */
	struct wf_article *a = story("urn:uuid:00000000-0000-4000-8000-000000000009",
				     "2026-10-01T10:00:00Z", NULL);
	wf_article_set_string(&a->title, "bell\x07 nul-ish\x01 sur\xed\xa0\x80 bad\xff q\"b\\ ls\xe2\x80\xa8.");
	wf_article_set_string(&a->summary, "tab\there\x1b[0m");
	wf_article_add_correction(a, a->updated, "fix \x0b vt");
	const struct wf_article *entries[1] = { a };
	struct wf_feed_spec spec = {
		.id = "urn:uuid:5f0c9a52-8a7e-4c1e-9d2b-6b1f3e4a7c10",
		.title = "W\x02ire", .site_url = "https://example.org/",
		.json_url = "https://example.org/feed.json",
		.default_author = "Desk", .entries = entries, .n_entries = 1,
		.updated = a->updated,
	};
	char *out = NULL, *again = NULL;
	size_t len = 0, len2 = 0;
	ck_assert_int_eq(wf_json_write(&spec, &out, &len), WF_OK);
	ck_assert_int_eq(wf_json_write(&spec, &again, &len2), WF_OK);
	ck_assert_uint_eq(len, len2);
	ck_assert_mem_eq(out, again, len); /* deterministic */
	json_error_t err;
	/* jansson's decoder rejects invalid UTF-8 and raw control chars */
	json_t *doc = json_loadb(out, len, JSON_REJECT_DUPLICATES, &err);
	ck_assert_msg(doc != NULL, "%s at %d: %s", err.text, err.line, out);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "version")),
			 "https://jsonfeed.org/version/1.1");
	json_t *item = json_array_get(json_object_get(doc, "items"), 0);
	const char *title = json_string_value(json_object_get(item, "title"));
	for (const unsigned char *p = (const unsigned char *)title; *p; p++) {
		ck_assert_msg(*p >= 0x20, "control byte in %s", title);
	}
	ck_assert_ptr_nonnull(strstr(title, "q\"b\\"));
	ck_assert_str_eq(json_string_value(json_object_get(item, "id")), a->id);
	ck_assert_str_eq(json_string_value(json_object_get(item, "date_modified")),
			 "2026-10-01T10:00:00Z");
	ck_assert_str_eq(json_string_value(json_object_get(doc, "title")), "Wire");
	json_decref(doc);
	free(out);
	free(again);
	wf_article_destroy(a);
}
END_TEST

/* Documents assembled from entries rendered once are byte for byte what
 * the writers give, in all three formats, for the sample wire. */
START_TEST(assembled_documents_equal_written_ones)
{
	char *root = NULL;
	{
		char path[8192];
		snprintf(path, sizeof(path), "%s/feeds", helpers_source_root());
		root = strdup(path);
	}
	struct wf_newswire *nw = NULL;
	size_t bad = 0;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_newswire_load(root, NULL, NULL, &nw, &bad, &d), WF_OK);
	const struct wf_article **entries = NULL;
	const struct wf_article **all = calloc(nw->n_records, sizeof(*all));
	const struct wf_article *gone[1] = { NULL };
	for (size_t i = 0; i < nw->n_records; i++) {
		all[i] = nw->records[i].article;
		if (all[i]->status == WF_ARTICLE_WITHDRAWN) {
			gone[0] = all[i];
		}
	}
	ck_assert_ptr_nonnull(gone[0]);
	size_t n = wf_feed_select(all, nw->n_records, NULL, 100, &entries);
	struct wf_feed_spec spec = {
		.id = nw->config->feed_id, .title = "T & <t>", .subtitle = "s",
		.site_url = "https://example.org/", .atom_url = "https://example.org/a/atom.xml",
		.rss_url = "https://example.org/a/rss.xml", .json_url = "https://example.org/a/feed.json",
		.language = "en", .rights = "r", .default_author = "Desk",
		.entries = entries, .n_entries = n,
		.updated = wf_feed_newest(entries, n, entries[0]->updated),
		.is_archive = true, .archive_current = "https://example.org/",
		.archive_prev = "https://example.org/archives/2026-09/",
		.archive_next = "https://example.org/archives/2026-11/",
		.withdrawn = gone, .n_withdrawn = 1,
	};
	typedef enum wf_status (*doc_fn)(const struct wf_feed_spec *, char **, size_t *);
	typedef enum wf_status (*entry_fn)(const struct wf_feed_spec *, const struct wf_article *, char **, size_t *);
	static const doc_fn docs[3] = { wf_atom_write, wf_rss_write, wf_json_write };
	static const entry_fn one[3] = { wf_atom_write_entry, wf_rss_write_entry, wf_json_write_entry };
	for (int f = 0; f < 3; f++) {
		char *whole = NULL, *assembled = NULL;
		size_t whole_len = 0, assembled_len = 0;
		ck_assert_int_eq(docs[f](&spec, &whole, &whole_len), WF_OK);
		char **frags = calloc(n, sizeof(*frags));
		size_t *lens = calloc(n, sizeof(*lens));
		for (size_t i = 0; i < n; i++) {
			ck_assert_int_eq(one[f](&spec, entries[i], &frags[i], &lens[i]), WF_OK);
		}
		ck_assert_int_eq(wf_feed_assemble((enum wf_feed_format)f, &spec,
						  (const char *const *)frags, lens, n,
						  &assembled, &assembled_len), WF_OK);
		size_t at = 0;
		while (at < whole_len && at < assembled_len && whole[at] == assembled[at]) {
			at++;
		}
		ck_assert_msg(at == whole_len && at == assembled_len,
			      "format %d: assembled differs at byte %zu: written '%.60s' vs assembled '%.60s'",
			      f, at, whole + (at > 20 ? at - 20 : 0),
			      assembled + (at > 20 ? at - 20 : 0));
		for (size_t i = 0; i < n; i++) {
			free(frags[i]);
		}
		free(frags);
		free(lens);
		free(whole);
		free(assembled);
	}
	free(entries);
	free(all);
	wf_newswire_destroy(nw);
	free(root);
}
END_TEST

/* A load with a spool keeps each record it parses whole (and then keeps
 * as a stub) in the spool: what comes back is the record as parsed,
 * every field (wf_article_digest covers them all); records kept whole in
 * memory (withdrawn ones) and a config without archives keep nothing. */
static void
open_with_spool(const char *root, const char *spool_dir, struct wf_newswire **nw)
{
	struct wf_load_options lo = { .stubs = true,
				      .spool = record_spool_create(spool_dir) };
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_newswire_open(root, &lo, nw, NULL, &d), WF_OK);
	ck_assert_ptr_eq((*nw)->spool, lo.spool);
}

START_TEST(records_parsed_at_open_are_kept_whole)
{
	char *tmp = helpers_make_tempdir();
	char root[4096];
	snprintf(root, sizeof(root), "%s/wire", tmp);
	helpers_copy_sample_wire(root);
	struct wf_newswire *nw = NULL;
	open_with_spool(root, tmp, &nw);
	size_t spooled = 0, whole = 0;
	for (size_t i = 0; i < nw->n_records; i++) {
		const struct wf_record *r = &nw->records[i];
		struct wf_article *a = NULL;
		struct wf_diag d = { 0 };
		ck_assert_int_eq(wf_record_parse_file(r->path, &a, &d), WF_OK);
		if (r->loaded) {
			ck_assert_uint_eq(r->spooled, 0);
			whole++;
			wf_article_destroy(a);
			continue;
		}
		ck_assert_uint_ne(r->spooled, 0);
		spooled++;
		struct wf_article *back = record_spool_load(nw->spool, r->spooled);
		ck_assert_ptr_nonnull(back);
		ck_assert_str_eq(back->id, a->id);
		ck_assert_uint_eq(wf_article_digest(back), wf_article_digest(a));
		wf_article_destroy(back);
		wf_article_destroy(a);
	}
	ck_assert_uint_ge(spooled, 10);
	ck_assert_uint_ge(whole, 1); /* the withdrawn story */
	/* no such ticket */
	ck_assert_ptr_null(record_spool_load(nw->spool, 0));
	ck_assert_ptr_null(record_spool_load(nw->spool, 100000));
	/* released: the tickets go with it */
	wf_newswire_release_spool(nw);
	ck_assert_ptr_null(nw->spool);
	for (size_t i = 0; i < nw->n_records; i++) {
		ck_assert_uint_eq(nw->records[i].spooled, 0);
	}
	wf_newswire_destroy(nw);
	/* archives off: nothing kept */
	char conf[8192];
	snprintf(conf, sizeof(conf), "sed -i 's/^archives = .*/archives = off/' '%s/wirefeed.conf'", root);
	char *out = NULL;
	ck_assert_int_eq(helpers_runf(&out, "%s", conf), 0);
	free(out);
	open_with_spool(root, tmp, &nw);
	for (size_t i = 0; i < nw->n_records; i++) {
		ck_assert_uint_eq(nw->records[i].spooled, 0);
	}
	wf_newswire_destroy(nw);
	helpers_rmtree(tmp);
	free(tmp);
}
END_TEST

/* Every field of an article, each optional one present, comes back from
 * the spool as it went in; so do the absent ones (NULL, false, none). */
START_TEST(spool_keeps_every_field)
{
	char *tmp = helpers_make_tempdir();
	struct wf_record_spool *spool = record_spool_create(tmp);
	struct wf_article *full = wf_article_create();
	wf_article_set_string(&full->id, "urn:uuid:00000000-0000-4000-8000-000000000001");
	wf_article_set_string(&full->title, "T \xc3\xa9 <&>");
	wf_article_add_author(full, "A", "https://a.example/", "a@example.org");
	wf_article_add_author(full, "B", NULL, NULL);
	wf_article_set_string(&full->source, "Src");
	wf_article_set_string(&full->dateline, "CITY");
	wf_article_add_section(full, "x", "Ex");
	wf_article_add_section(full, "y", NULL);
	full->published = (struct wf_time){ 1700000000, 5, -18000 };
	full->updated = (struct wf_time){ 1700000100, 0, 3600 };
	full->edited = (struct wf_time){ 1700000200, 7, 0 };
	full->has_edited = true;
	wf_article_set_string(&full->summary, "S");
	wf_article_set_string(&full->content_html, "<p>C</p>");
	wf_article_set_string(&full->link, "https://x.example/s");
	full->image = calloc(1, sizeof(*full->image));
	wf_article_set_string(&full->image->url, "https://x.example/i.jpg");
	wf_article_set_string(&full->image->type, "image/jpeg");
	full->image->length = 12345;
	wf_article_set_string(&full->image->caption, "Cap");
	wf_article_set_string(&full->image->credit, "Cred");
	wf_article_set_string(&full->rights, "R");
	wf_article_add_correction(full, (struct wf_time){ 1700000300, 0, 0 }, "Fixed.");
	full->status = WF_ARTICLE_WITHDRAWN;
	full->withdrawn_at = (struct wf_time){ 1700000400, 0, 0 };
	wf_article_set_string(&full->withdrawn_reason, "Why");
	full->has_embargo = true;
	full->embargo_until = (struct wf_time){ 1700000500, 0, 0 };
	full->has_expiry = true;
	full->expires_at = (struct wf_time){ 1700000600, 0, 0 };
	struct wf_article *bare = wf_article_create();
	wf_article_set_string(&bare->id, "urn:uuid:00000000-0000-4000-8000-000000000002");
	const struct wf_article *in[2] = { full, bare };
	for (int k = 0; k < 2; k++) {
		uint64_t ticket = record_spool_add(spool, in[k]);
		ck_assert_uint_ne(ticket, 0);
		struct wf_article *back = record_spool_load(spool, ticket);
		ck_assert_ptr_nonnull(back);
		ck_assert_uint_eq(wf_article_digest(back), wf_article_digest(in[k]));
		ck_assert_int_eq(back->image != NULL, in[k]->image != NULL);
		ck_assert_int_eq(back->summary != NULL, in[k]->summary != NULL);
		wf_article_destroy(back);
	}
	ck_assert_uint_eq(record_spool_add(NULL, full), 0);
	wf_article_destroy(full);
	wf_article_destroy(bare);
	record_spool_destroy(spool);
	helpers_rmtree(tmp);
	free(tmp);
}
END_TEST

/* A spool that cannot make its file (its directory is gone) spools
 * nothing, and the load goes on: the archives parse the records again. */
START_TEST(spool_without_a_file_spools_nothing)
{
	char *tmp = helpers_make_tempdir();
	char root[4096], gone[4096];
	snprintf(root, sizeof(root), "%s/wire", tmp);
	snprintf(gone, sizeof(gone), "%s/no-such-dir", tmp);
	helpers_copy_sample_wire(root);
	struct wf_newswire *nw = NULL;
	open_with_spool(root, gone, &nw);
	ck_assert_uint_gt(nw->n_records, 0);
	for (size_t i = 0; i < nw->n_records; i++) {
		ck_assert_uint_eq(nw->records[i].spooled, 0);
	}
	wf_newswire_destroy(nw);
	/* a failed open frees the spool it was handed (ASan checks) */
	struct wf_load_options lo = { .stubs = true, .spool = record_spool_create(tmp) };
	struct wf_diag d = { 0 };
	ck_assert_int_ne(wf_newswire_open(gone, &lo, &nw, NULL, &d), WF_OK);
	helpers_rmtree(tmp);
	free(tmp);
}
END_TEST

/* ---- end to end ----------------------------------------------------------- */

#define BASE "http://archive.test/"
#define N_STORIES 18

struct wire {
	char *tmp;
	char root[4096];
	char out[4096];
	char ids[N_STORIES][64];
};

static void
wf(const struct wire *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Run `wirefeed <printf args> --root <the wire>`; it must succeed. */
static void
wf(const struct wire *w, const char *fmt, ...)
{
	char args[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	char *out = NULL;
	int rc = helpers_runf(&out, "'%s' %s --root '%s'", helpers_binary(), args,
			      w->root);
	ck_assert_msg(rc == 0, "wirefeed %s: %s", args, out);
	free(out);
}

/* The template wire, made once per run (an unchecked fixture) and copied
 * by each test: 18 stories, six a month in August, September and October
 * 2026 (UTC), alternately in sections a and b, then changes: an August
 * story updated in September and corrected in October, one withdrawn in
 * September, an October story withdrawn in October, a September story
 * edited (minor) in October. Open period: October; closed: August and
 * September. */
static struct wire template_wire;

static void
template_make(void)
{
	struct wire *w = &template_wire;
	w->tmp = helpers_make_tempdir();
	snprintf(w->root, sizeof(w->root), "%s/wire", w->tmp);
	snprintf(w->out, sizeof(w->out), "%s/public", w->tmp);
	char path[10000];
	snprintf(path, sizeof(path), "%s/wirefeed.conf", w->root);
	const char *conf = "title = Archive Wire\n"
			   "base_url = " BASE "\n"
			   "feed_id = urn:uuid:5f0c9a52-8a7e-4c1e-9d2b-6b1f3e4a7c10\n"
			   "max_entries = 3\n"
			   "archives = monthly\n"
			   "section = a | Alpha\n"
			   "section = b | Beta & Co\n";
	helpers_write_file(path, conf, strlen(conf));
	snprintf(path, sizeof(path), "%s/articles", w->root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	for (int i = 0; i < N_STORIES; i++) {
		char *out = NULL;
		int rc = helpers_runf(&out,
				      "'%s' new --title 'Story %d <&> \"q\"' --section %s --summary 'About %d' --at 2026-%02d-%02dT10:00:00Z --root '%s'",
				      helpers_binary(), i, i % 2 ? "b" : "a", i,
				      8 + i / 6, 3 + i % 6 * 4, w->root);
		ck_assert_msg(rc == 0, "new: %s", out);
		char *id = strstr(out, "urn:uuid:");
		ck_assert_ptr_nonnull(id);
		snprintf(w->ids[i], sizeof(w->ids[i]), "%.45s", id);
		free(out);
	}
	wf(w, "update %s --title 'Story 1 revised' --at %s", w->ids[1], "2026-09-20T00:00:00Z");
	wf(w, "correct %s 'A name was misspelled.' --at %s", w->ids[1], "2026-10-15T00:00:00Z");
	wf(w, "withdraw %s --reason 'Retracted by the source.' --at %s", w->ids[3], "2026-09-21T00:00:00Z");
	wf(w, "withdraw %s --reason 'Duplicate.' --at %s", w->ids[13], "2026-10-20T00:00:00Z");
	wf(w, "update %s --minor --summary 'About seven, fixed' --at %s", w->ids[7], "2026-10-21T00:00:00Z");
}

static void
template_destroy(void)
{
	helpers_rmtree(template_wire.tmp);
	free(template_wire.tmp);
}

/* A private copy of the template wire. */
static void
wire_make(struct wire *w)
{
	*w = template_wire;
	w->tmp = helpers_make_tempdir();
	snprintf(w->root, sizeof(w->root), "%s/wire", w->tmp);
	snprintf(w->out, sizeof(w->out), "%s/public", w->tmp);
	char *out = NULL;
	int rc = helpers_runf(&out, "cp -R '%s' '%s'", template_wire.root,
			      w->root);
	ck_assert_msg(rc == 0, "%s", out);
	free(out);
}

static void
wire_destroy(struct wire *w)
{
	helpers_rmtree(w->tmp);
	free(w->tmp);
}

static void
build(const struct wire *w, const char *out_dir)
{
	char *out = NULL;
	int rc = helpers_runf(&out, "'%s' build --quiet --root '%s' --out '%s'",
			      helpers_binary(), w->root, out_dir);
	ck_assert_msg(rc == 0, "build: %s", out);
	free(out);
}

static void
walk(const struct wire *w, const char *out_dir, const char *feed,
     const char *section)
{
	char *out = NULL;
	int rc = helpers_runf(&out, "/usr/bin/python3 '%s/tests/e2e/archive_walk.py' '%s' '%s' '" BASE "' '%s' %s",
			      helpers_source_root(), w->root, out_dir, feed,
			      section ? section : "");
	ck_assert_msg(rc == 0, "walk of %s:\n%s", feed, out);
	free(out);
}

/* "path sha256" of every file under @dir matching @find_args, sorted. */
static char *
listing(const char *dir, const char *find_args)
{
	char *out = NULL;
	int rc = helpers_runf(&out, "cd '%s' && find . -type f %s | sort | xargs sha256sum",
			      dir, find_args);
	ck_assert_int_eq(rc, 0);
	return out;
}

/* "path mtime" of every archive file, sorted. */
static char *
archive_mtimes(const char *dir)
{
	char *out = NULL;
	int rc = helpers_runf(&out, "cd '%s' && find . -path '*archives*' -type f -printf '%%p %%T@\\n' | sort",
			      dir);
	ck_assert_int_eq(rc, 0);
	return out;
}

START_TEST(walker_rebuilds_every_feed_from_its_archives)
{
	struct wire w;
	wire_make(&w);
	build(&w, w.out);
	char path[10000];
	snprintf(path, sizeof(path), "%s/archives/2026-08/atom.xml", w.out);
	ck_assert_msg(access(path, R_OK) == 0, "no %s", path);
	snprintf(path, sizeof(path), "%s/sections/b/archives/2026-09/feed.json", w.out);
	ck_assert_msg(access(path, R_OK) == 0, "no %s", path);
	snprintf(path, sizeof(path), "%s/archives/2026-10/atom.xml", w.out);
	ck_assert_msg(access(path, F_OK) != 0, "the open period was archived");
	walk(&w, w.out, "atom.xml", NULL);
	walk(&w, w.out, "rss.xml", NULL);
	walk(&w, w.out, "sections/a/atom.xml", "a");
	walk(&w, w.out, "sections/b/rss.xml", "b");
	/* the subscription feed holds more than max_entries (3): every
	 * story changed in October, and the October withdrawal's tombstone */
	snprintf(path, sizeof(path), "%s/atom.xml", w.out);
	char *atom = helpers_read_file(path, NULL);
	ck_assert_ptr_nonnull(atom);
	ck_assert_ptr_nonnull(strstr(atom, w.ids[1]));
	ck_assert_ptr_nonnull(strstr(atom, w.ids[7]));
	ck_assert_ptr_nonnull(strstr(atom, "<at:deleted-entry ref=\""));
	ck_assert_ptr_nonnull(strstr(atom, "rel=\"prev-archive\" type=\"application/atom+xml\" href=\"" BASE "archives/2026-09/atom.xml\""));
	free(atom);
	/* the index links the archives and the JSON feeds */
	snprintf(path, sizeof(path), "%s/index.html", w.out);
	char *index = helpers_read_file(path, NULL);
	ck_assert_ptr_nonnull(strstr(index, "href=\"archives/2026-08/atom.xml\""));
	ck_assert_ptr_nonnull(strstr(index, "href=\"sections/b/archives/2026-09/atom.xml\""));
	ck_assert_ptr_nonnull(strstr(index, "type=\"application/feed+json\""));
	free(index);
	/* our own validator accepts every document */
	char *out = NULL;
	int rc = helpers_runf(&out, "cd '%s' && '%s' validate --strict $(find . -name '*.xml' -o -name '*.json' | sort)",
			      w.out, helpers_binary());
	ck_assert_msg(rc == 0, "validate: %s", out);
	free(out);
	wire_destroy(&w);
}
END_TEST

/* A story with an image in a closed period: its archives declare the
 * Media RSS prefix they use (they are assembled from entries rendered
 * once, apart from the document head) and stay valid. */
START_TEST(archived_images_keep_their_namespace)
{
	struct wire w;
	wire_make(&w);
	char *out = NULL;
	int rc = helpers_runf(&out,
			      "f=$(grep -l '%s' '%s'/articles/*.xml) && "
			      "sed -i 's|<wf:status>|<wf:image href=\"https://archive.test/p.jpg\" type=\"image/jpeg\" length=\"10\"><wf:credit>Desk</wf:credit></wf:image><wf:status>|' \"$f\"",
			      w.ids[0], w.root);
	ck_assert_msg(rc == 0, "%s", out);
	free(out);
	build(&w, w.out);
	static const char *const docs[] = {
		"archives/2026-08/atom.xml", "archives/2026-08/rss.xml",
		"sections/a/archives/2026-08/atom.xml",
	};
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		char path[10000];
		snprintf(path, sizeof(path), "%s/%s", w.out, docs[i]);
		char *doc = helpers_read_file(path, NULL);
		ck_assert_msg(doc != NULL, "no %s", docs[i]);
		ck_assert_msg(strstr(doc, "<media:content url=\"https://archive.test/p.jpg\"") != NULL,
			      "%s: no media:content", docs[i]);
		ck_assert_msg(strstr(doc, "xmlns:media=\"http://search.yahoo.com/mrss/\"") != NULL,
			      "%s: media prefix not declared", docs[i]);
		free(doc);
		rc = helpers_runf(&out, "'%s' validate --strict '%s'", helpers_binary(), path);
		ck_assert_msg(rc == 0, "validate %s: %s", docs[i], out);
		free(out);
	}
	/* the September archive has no image and declares nothing */
	char path[10000];
	snprintf(path, sizeof(path), "%s/archives/2026-09/atom.xml", w.out);
	char *doc = helpers_read_file(path, NULL);
	ck_assert_ptr_nonnull(doc);
	ck_assert_ptr_null(strstr(doc, "xmlns:media"));
	free(doc);
	wire_destroy(&w);
}
END_TEST

START_TEST(closed_archives_keep_their_bytes)
{
	struct wire w;
	wire_make(&w);
	build(&w, w.out);
	char *before = listing(w.out, "-path '*archives*'");
	char *mtimes = archive_mtimes(w.out);
	/* from scratch into another directory: the same bytes */
	char other[10000];
	snprintf(other, sizeof(other), "%s/public2", w.tmp);
	build(&w, other);
	char *fresh = listing(other, "-path '*archives*'");
	ck_assert_str_eq(before, fresh);
	/* an edit of a story of the open period: archives untouched */
	wf(&w, "update %s --title 'Story 14 again' --at %s", w.ids[14], "2026-10-25T00:00:00Z");
	build(&w, w.out);
	char *after = listing(w.out, "-path '*archives*'");
	char *mtimes_after = archive_mtimes(w.out);
	ck_assert_str_eq(before, after);
	ck_assert_str_eq(mtimes, mtimes_after);
	walk(&w, w.out, "atom.xml", NULL);
	free(before);
	free(fresh);
	free(after);
	free(mtimes);
	free(mtimes_after);
	wire_destroy(&w);
}
END_TEST

/* An archive that cannot be written (here: a directory where the file
 * goes) fails the build with the file's name, removes its temporary and
 * leaves every other file as it was; from scratch too, where the failing
 * period is written while the next one renders. */
START_TEST(archive_write_failure_is_reported_and_leaves_no_temporaries)
{
	struct wire w;
	wire_make(&w);
	build(&w, w.out);
	char *before = listing(w.out, "-path '*archives*'");
	char path[10000];
	snprintf(path, sizeof(path), "%s/archives/2026-09/rss.xml", w.out);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	char *out = NULL;
	int rc = helpers_runf(&out, "'%s' build --quiet --full --root '%s' --out '%s'",
			      helpers_binary(), w.root, w.out);
	ck_assert_msg(rc != 0, "build succeeded: %s", out);
	ck_assert_msg(strstr(out, "archives/2026-09/rss.xml") &&
			      strstr(out, "cannot write"),
		      "%s", out);
	free(out);
	ck_assert_int_eq(rmdir(path), 0);
	char *after = listing(w.out, "-path '*archives*'");
	/* the same files but the one made a directory */
	char *line = strstr(before, "./archives/2026-09/rss.xml");
	ck_assert_ptr_nonnull(line);
	char *end = strchr(line, '\n');
	char *b = before;
	ck_assert_ptr_nonnull(end);
	/* the listing is "hash  path": cut that file's line out of it */
	char *start = line;
	while (start > b && start[-1] != '\n') {
		start--;
	}
	memmove(start, end + 1, strlen(end + 1) + 1);
	ck_assert_str_eq(before, after);
	char *temps = NULL;
	ck_assert_int_eq(helpers_runf(&temps, "find '%s' -name '*.tmp-*'", w.out), 0);
	ck_assert_str_eq(temps, "");
	free(temps);
	/* from scratch: the first period's file is the one in the way */
	char fresh[10000];
	snprintf(fresh, sizeof(fresh), "%s/fresh/archives/2026-08/atom.xml", w.tmp);
	char *mk = NULL;
	ck_assert_int_eq(helpers_runf(&mk, "mkdir -p '%s'", fresh), 0);
	free(mk);
	snprintf(fresh, sizeof(fresh), "%s/fresh", w.tmp);
	rc = helpers_runf(&out, "'%s' build --quiet --root '%s' --out '%s'",
			  helpers_binary(), w.root, fresh);
	ck_assert_msg(rc != 0, "build succeeded: %s", out);
	ck_assert_msg(strstr(out, "archives/2026-08/atom.xml"), "%s", out);
	free(out);
	ck_assert_int_eq(helpers_runf(&temps, "find '%s' -name '*.tmp-*'", fresh), 0);
	ck_assert_str_eq(temps, "");
	free(temps);
	/* the next period, rendered meanwhile, was not written, and no
	 * subscription document links to archives that are not there */
	char *left = NULL;
	ck_assert_int_eq(helpers_runf(&left, "cd '%s' && find . -path '*2026-09*' -o -name atom.xml -type f "
				      "| grep -v '^./archives/2026-08/atom.xml$' || true", fresh), 0);
	ck_assert_msg(strcmp(left, "") == 0, "written after the failure:\n%s", left);
	free(left);
	free(before);
	free(after);
	wire_destroy(&w);
}
END_TEST

START_TEST(edit_of_an_old_story_changes_only_current_documents)
{
	struct wire w;
	wire_make(&w);
	build(&w, w.out);
	char *archives = listing(w.out, "-path '*archives*'");
	char *current = listing(w.out, "-not -path '*archives*'");
	/* story 0 (August, section a) gets an update in October */
	wf(&w, "update %s --title 'Story 0, years later' --at %s", w.ids[0], "2026-10-26T00:00:00Z");
	build(&w, w.out);
	char *archives_after = listing(w.out, "-path '*archives*'");
	ck_assert_str_eq(archives, archives_after);
	char *current_after = listing(w.out, "-not -path '*archives*'");
	ck_assert_str_ne(current, current_after);
	/* section b's documents do not show story 0: unchanged */
	char *out = NULL;
	ck_assert_int_eq(helpers_runf(&out, "cd '%s' && sha256sum ./sections/b/atom.xml ./sections/b/feed.json ./sections/b/rss.xml", w.out), 0);
	ck_assert_ptr_nonnull(strstr(current, out));
	free(out);
	/* the August archive still holds the old title; the walk the new */
	char path[10000];
	snprintf(path, sizeof(path), "%s/archives/2026-08/atom.xml", w.out);
	char *aug = helpers_read_file(path, NULL);
	ck_assert_ptr_nonnull(strstr(aug, "Story 0 &lt;&amp;&gt;"));
	free(aug);
	walk(&w, w.out, "atom.xml", NULL);
	walk(&w, w.out, "sections/a/rss.xml", "a");
	free(archives);
	free(archives_after);
	free(current);
	free(current_after);
	wire_destroy(&w);
}
END_TEST

START_TEST(closing_a_period_archives_it_once)
{
	struct wire w;
	wire_make(&w);
	build(&w, w.out);
	char *before = listing(w.out, "-path '*archives*'");
	/* the first November story closes October */
	wf(&w, "new --title 'November' --section a --at %s", "2026-11-02T09:00:00Z");
	build(&w, w.out);
	char *after = listing(w.out, "-path '*archives/2026-0*'");
	ck_assert_str_eq(before, after); /* August and September untouched */
	char path[10000];
	snprintf(path, sizeof(path), "%s/sections/b/archives/2026-10/rss.xml", w.out);
	ck_assert_msg(access(path, R_OK) == 0, "October was not archived");
	walk(&w, w.out, "atom.xml", NULL);
	walk(&w, w.out, "sections/b/rss.xml", "b");
	/* September's next-archive link, written before October closed,
	 * now leads to a document */
	snprintf(path, sizeof(path), "%s/archives/2026-09/atom.xml", w.out);
	char *sep = helpers_read_file(path, NULL);
	ck_assert_ptr_nonnull(strstr(sep, "rel=\"next-archive\" type=\"application/atom+xml\" href=\"" BASE "archives/2026-10/atom.xml\""));
	free(sep);
	free(before);
	free(after);
	wire_destroy(&w);
}
END_TEST

START_TEST(json_feeds_mirror_the_atom_feeds)
{
	struct wire w;
	wire_make(&w);
	build(&w, w.out);
	char *out = NULL;
	int rc = helpers_runf(&out, "/usr/bin/python3 '%s/tests/e2e/jsonfeed_check.py' '%s'",
			      helpers_source_root(), w.out);
	ck_assert_msg(rc == 0, "jsonfeed_check:\n%s", out);
	/* 3 feeds x (subscription + 2 archives) */
	ck_assert_msg(strstr(out, "9 JSON feeds") != NULL, "%s", out);
	free(out);
	wire_destroy(&w);
}
END_TEST

/* The archives written from the records kept in the spool while they
 * were read (a first build into an empty --out) are the bytes of the ones
 * written from the records parsed again (an --out whose archives/ is
 * there but empty: no spool). */
START_TEST(spooled_archives_equal_parsed_ones)
{
	struct wire w;
	wire_make(&w);
	build(&w, w.out);
	char *spooled = listing(w.out, "-path '*archives*'");
	char parsed[10000];
	snprintf(parsed, sizeof(parsed), "%s/public2/archives", w.tmp);
	char *out = NULL;
	ck_assert_int_eq(helpers_runf(&out, "mkdir -p '%s'", parsed), 0);
	free(out);
	snprintf(parsed, sizeof(parsed), "%s/public2", w.tmp);
	build(&w, parsed);
	char *again = listing(parsed, "-path '*archives*'");
	ck_assert_str_eq(spooled, again);
	free(spooled);
	free(again);
	wire_destroy(&w);
}
END_TEST

/* A month of more entries than writev() takes pieces (IOV_MAX, 1024):
 * the archive is written in batches. Regression: the JSON document of a
 * 100,000-story wire's month failed with EINVAL. */
START_TEST(large_archive_is_written_in_batches)
{
	struct wire w;
	wire_make(&w);
	char path[10000];
	for (int i = 0; i < 1100; i++) {
		snprintf(path, sizeof(path), "%s/articles/bulk-%04d.xml", w.root, i);
		char xml[1024];
		snprintf(xml, sizeof(xml),
			 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			 "<entry xmlns=\"http://www.w3.org/2005/Atom\">\n"
			 "  <id>urn:uuid:00000000-0000-4000-8000-%012d</id>\n"
			 "  <title>Bulk %d</title>\n"
			 "  <published>2026-09-02T10:%02d:%02dZ</published>\n"
			 "  <updated>2026-09-02T10:%02d:%02dZ</updated>\n"
			 "  <content type=\"html\">&lt;p&gt;x&lt;/p&gt;</content>\n"
			 "</entry>\n",
			 i, i, i / 60, i % 60, i / 60, i % 60);
		helpers_write_file(path, xml, strlen(xml));
	}
	build(&w, w.out);
	char *out = NULL;
	int rc = helpers_runf(&out, "cd '%s' && '%s' validate archives/2026-09/feed.json archives/2026-09/atom.xml archives/2026-09/rss.xml && grep -c '<entry>' archives/2026-09/atom.xml",
			      w.out, helpers_binary());
	ck_assert_msg(rc == 0, "%s", out);
	ck_assert_int_ge(atoi(out), 1100);
	free(out);
	walk(&w, w.out, "atom.xml", NULL);
	wire_destroy(&w);
}
END_TEST

/* ---- HTTP ------------------------------------------------------------------ */

static char *
curl_headers(const char *url, const char *extra)
{
	char *out = NULL;
	int rc = helpers_runf(&out, "curl -s -o /dev/null -D - %s '%s'", extra, url);
	ck_assert_msg(rc == 0, "curl %s: %s", url, out);
	return out;
}

/* The value of header @name in @headers (case-insensitive), or "". */
static void
header(const char *headers, const char *name, char *value, size_t size)
{
	value[0] = '\0';
	size_t n = strlen(name);
	for (const char *p = headers; p && *p;) {
		const char *eol = strchr(p, '\n');
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;
			while (*v == ' ') {
				v++;
			}
			size_t len = (size_t)((eol ? eol : v + strlen(v)) - v);
			while (len > 0 && (v[len - 1] == '\r' || v[len - 1] == ' ')) {
				len--;
			}
			snprintf(value, size, "%.*s", (int)len, v);
			return;
		}
		p = eol ? eol + 1 : NULL;
	}
}

START_TEST(archives_are_served_immutable_with_304s)
{
	struct wire w;
	wire_make(&w);
	char log[10000];
	snprintf(log, sizeof(log), "%s/serve.log", w.tmp);
	const char *argv[] = {
		helpers_binary(), "serve", "--root", w.root, "--out", w.out,
		"--listen", "127.0.0.1:0", "--scan-interval", "0",
		"--access-log", "off", NULL,
	};
	pid_t pid = helpers_spawn(argv, log);
	char *text = helpers_wait_for_text(log, "serving", 20000);
	ck_assert_msg(text != NULL, "server did not start");
	const char *p = strstr(text, "http://127.0.0.1:");
	ck_assert_ptr_nonnull(p);
	char base[64];
	snprintf(base, sizeof(base), "http://127.0.0.1:%d/", atoi(p + 17));
	free(text);

	char url[256], value[256], etag[256], cond[400];
	static const char *const archive_files[] = {
		"archives/2026-08/atom.xml", "sections/a/archives/2026-09/rss.xml",
		"archives/2026-09/feed.json",
	};
	for (size_t i = 0; i < 3; i++) {
		snprintf(url, sizeof(url), "%s%s", base, archive_files[i]);
		char *h = curl_headers(url, "");
		ck_assert_msg(strncmp(h, "HTTP/1.1 200", 12) == 0, "%s", h);
		header(h, "Cache-Control", value, sizeof(value));
		ck_assert_str_eq(value, "public, max-age=31536000, immutable");
		header(h, "ETag", etag, sizeof(etag));
		ck_assert_msg(etag[0] == '"', "not a strong ETag: %s", etag);
		free(h);
		snprintf(cond, sizeof(cond), "-H 'If-None-Match: %s'", etag);
		h = curl_headers(url, cond);
		ck_assert_msg(strncmp(h, "HTTP/1.1 304", 12) == 0, "%s", h);
		header(h, "Cache-Control", value, sizeof(value));
		ck_assert_str_eq(value, "public, max-age=31536000, immutable");
		free(h);
		/* gzip: its own ETag, and a 304 for it */
		h = curl_headers(url, "-H 'Accept-Encoding: gzip'");
		header(h, "Content-Encoding", value, sizeof(value));
		ck_assert_str_eq(value, "gzip");
		header(h, "ETag", etag, sizeof(etag));
		free(h);
		snprintf(cond, sizeof(cond), "-H 'Accept-Encoding: gzip' -H 'If-None-Match: %s'", etag);
		h = curl_headers(url, cond);
		ck_assert_msg(strncmp(h, "HTTP/1.1 304", 12) == 0, "%s", h);
		free(h);
	}
	/* the subscription documents keep the configured max-age */
	snprintf(url, sizeof(url), "%sfeed.json", base);
	char *h = curl_headers(url, "");
	header(h, "Content-Type", value, sizeof(value));
	ck_assert_str_eq(value, "application/feed+json; charset=utf-8");
	header(h, "Cache-Control", value, sizeof(value));
	ck_assert_str_eq(value, "public, max-age=300");
	free(h);
	kill(pid, SIGTERM);
	ck_assert_int_eq(helpers_wait_exit(pid, 15000), 0);
	wire_destroy(&w);
}
END_TEST

static Suite *
archive_suite(void)
{
	Suite *s = suite_create("archive");
	TCase *tc = tcase_create("periods");
	tcase_add_test(tc, periods_follow_the_utc_calendar);
	tcase_add_test(tc, plan_closes_periods_by_the_newest_change);
	suite_add_tcase(s, tc);
	tc = tcase_create("json_writer");
	tcase_add_test(tc, json_is_valid_utf8_whatever_the_strings_hold);
	tcase_add_test(tc, assembled_documents_equal_written_ones);
	tcase_add_test(tc, records_parsed_at_open_are_kept_whole);
	tcase_add_test(tc, spool_keeps_every_field);
	tcase_add_test(tc, spool_without_a_file_spools_nothing);
	suite_add_tcase(s, tc);
	tc = tcase_create("end_to_end");
	tcase_set_timeout(tc, 120);
	tcase_add_unchecked_fixture(tc, template_make, template_destroy);
	tcase_add_test(tc, walker_rebuilds_every_feed_from_its_archives);
	tcase_add_test(tc, closed_archives_keep_their_bytes);
	tcase_add_test(tc, archived_images_keep_their_namespace);
	tcase_add_test(tc, edit_of_an_old_story_changes_only_current_documents);
	tcase_add_test(tc, closing_a_period_archives_it_once);
	tcase_add_test(tc, json_feeds_mirror_the_atom_feeds);
	tcase_add_test(tc, large_archive_is_written_in_batches);
	tcase_add_test(tc, spooled_archives_equal_parsed_ones);
	tcase_add_test(tc, archives_are_served_immutable_with_304s);
	tcase_add_test(tc, archive_write_failure_is_reported_and_leaves_no_temporaries);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return helpers_run_suite(archive_suite());
}
