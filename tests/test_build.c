/* SPDX-License-Identifier: MIT */
/* From a newswire directory to published files: loading, rendering,
 * atomic publishing, and the `wirefeed build` command end to end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "wirefeed/build.h"
#include "wirefeed/newswire.h"
#include "helpers.h"
#include "selection.h"

#define CONF "title = Test Wire\n" \
	"base_url = https://feeds.example.org/\n" \
	"feed_id = urn:uuid:5f0c9a52-8a7e-4c1e-9d2b-6b1f3e4a7c10\n" \
	"section = politics | Politics\n"

static char *
record_xml(const char *uuid_tail, const char *title, const char *updated,
	   const char *extra)
{
	char *s = NULL;
	size_t n = 4096 + strlen(title) + strlen(extra);
	s = malloc(n);
	snprintf(s, n,
		 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		 "<entry xmlns=\"http://www.w3.org/2005/Atom\" xmlns:wf=\"https://wirefeed.dev/ns/record/1.0\">\n"
		 "  <id>urn:uuid:00000000-0000-4000-8000-%s</id>\n"
		 "  <title>%s</title>\n"
		 "  <published>2021-12-30T09:39:00-05:00</published>\n"
		 "  <updated>%s</updated>\n%s"
		 "</entry>\n",
		 uuid_tail, title, updated, extra);
	return s;
}

static void
put(const char *dir, const char *rel, const char *text)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	helpers_write_file(path, text, strlen(text));
}

static void
put_record(const char *root, const char *name, const char *uuid_tail,
	   const char *title, const char *updated, const char *extra)
{
	char rel[512];
	snprintf(rel, sizeof(rel), "articles/%s", name);
	char *xml = record_xml(uuid_tail, title, updated, extra);
	put(root, rel, xml);
	free(xml);
}

/* Collected reports from wf_newswire_load. */
struct reports {
	char lines[8][1200];
	int n;
};

static void
collect(void *ctx, const struct wf_diag *d)
{
	struct reports *r = ctx;
	if (r->n < 8) {
		wf_diag_format(d, r->lines[r->n], sizeof(r->lines[0]));
	}
	r->n++;
}

START_TEST(load_reports_bad_records_and_keeps_good_ones)
{
	char *root = helpers_make_tempdir();
	put(root, "wirefeed.conf", CONF);
	put_record(root, "a.xml", "000000000001", "Good one",
		   "2021-12-30T10:00:00-05:00", "");
	put_record(root, "b.xml", "000000000002", "Bad date",
		   "yesterday", "");
	put_record(root, "c.xml", "000000000003", "Dup 1",
		   "2021-12-30T10:00:00-05:00", "");
	put_record(root, "d.xml", "000000000003", "Dup 2",
		   "2021-12-30T10:00:00-05:00", "");
	put(root, "articles/.e.xml.swp", "editor junk");
	put(root, "articles/notes.txt", "not a record");
	struct reports r = { .n = 0 };
	struct wf_newswire *nw = NULL;
	size_t n_invalid = 0;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_newswire_load(root, collect, &r, &nw, &n_invalid, &d),
			 WF_OK);
	ck_assert_uint_eq(n_invalid, 3);
	ck_assert_int_eq(r.n, 3);
	ck_assert_msg(strstr(r.lines[0], "/articles/b.xml:6:") &&
			      strstr(r.lines[0], "updated"),
		      "%s", r.lines[0]);
	ck_assert_msg(strstr(r.lines[1], "duplicate id") &&
			      strstr(r.lines[2], "duplicate id"),
		      "%s | %s", r.lines[1], r.lines[2]);
	ck_assert_uint_eq(nw->n_records, 1);
	ck_assert_str_eq(nw->records[0].article->title, "Good one");
	ck_assert_ptr_nonnull(wf_newswire_find(nw, "urn:uuid:00000000-0000-4000-8000-000000000001"));
	ck_assert_ptr_null(wf_newswire_find(nw, "urn:uuid:00000000-0000-4000-8000-000000000002"));
	wf_newswire_destroy(nw);
	helpers_rmtree(root);
	free(root);
}
END_TEST

/* The files @a and @b render to are the same, byte for byte. */
static void
assert_same_feeds(struct wf_newswire *a, struct wf_newswire *b)
{
	ck_assert_uint_eq(wf_newswire_prepare(a, NULL, NULL), 0);
	ck_assert_uint_eq(wf_newswire_prepare(b, NULL, NULL), 0);
	struct wf_feedset *fa = wf_render(a), *fb = wf_render(b);
	ck_assert_uint_eq(fa->n_files, fb->n_files);
	for (size_t i = 0; i < fa->n_files; i++) {
		ck_assert_str_eq(fa->files[i].path, fb->files[i].path);
		ck_assert_msg(fa->files[i].len == fb->files[i].len &&
				      memcmp(fa->files[i].data, fb->files[i].data,
					     fa->files[i].len) == 0,
			      "%s differs", fa->files[i].path);
	}
	wf_feedset_unref(fa);
	wf_feedset_unref(fb);
}

static struct wf_newswire *
open_fresh(const char *root)
{
	struct wf_newswire *nw = NULL;
	size_t bad = 0;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_newswire_load(root, NULL, NULL, &nw, &bad, &d),
			 WF_OK);
	return nw;
}

START_TEST(refresh_in_place_matches_a_fresh_load)
{
	char *root = helpers_make_tempdir();
	put(root, "wirefeed.conf", CONF);
	put_record(root, "a.xml", "000000000001", "First",
		   "2021-12-30T10:00:00-05:00",
		   "  <category term=\"politics\"/>\n");
	put_record(root, "b.xml", "000000000002", "Second",
		   "2021-12-30T11:00:00-05:00", "");
	put_record(root, "c.xml", "000000000003", "Third",
		   "2021-12-30T12:00:00-05:00", "");
	char index[4200];
	snprintf(index, sizeof(index), "%s/.wirefeed-index", root);
	struct reports errors = { .n = 0 }, warnings = { .n = 0 };
	struct wf_load_options lo = { .index_path = index, .error = collect,
				      .warning = collect, .ctx = &errors };
	struct wf_newswire *nw = NULL;
	struct wf_load_stats st = { 0 };
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_newswire_open(root, &lo, &nw, &st, &d), WF_OK);
	ck_assert_uint_eq(wf_newswire_prepare(nw, NULL, NULL), 0);
	ck_assert_int_eq(wf_newswire_save_index(nw, index, &d), WF_OK);

	/* nothing changed: nothing read */
	ck_assert_int_eq(wf_newswire_refresh(nw, NULL, 0, &lo, &st),
			 WF_REFRESH_UNCHANGED);
	ck_assert_uint_eq(st.parsed, 0);

	/* an update, a new story, a deletion, a broken record, and a name
	 * that is not a record */
	put_record(root, "b.xml", "000000000002", "Second, updated",
		   "2021-12-30T13:00:00-05:00",
		   "  <category term=\"politics\"/>\n");
	put_record(root, "d.xml", "000000000004", "Fourth",
		   "2021-12-30T12:30:00-05:00", "");
	snprintf(index, sizeof(index), "%s/articles/c.xml", root);
	ck_assert_int_eq(unlink(index), 0);
	snprintf(index, sizeof(index), "%s/.wirefeed-index", root);
	put_record(root, "e.xml", "000000000005", "Broken", "soon", "");
	const char *names[] = { "b.xml", "c.xml", "d.xml", "e.xml",
				"notes.txt", "b.xml" };
	ck_assert_int_eq(wf_newswire_refresh(nw, names, 6, &lo, &st),
			 WF_REFRESH_CHANGED);
	ck_assert_uint_eq(st.parsed, 2);
	ck_assert_uint_eq(st.invalid, 1);
	ck_assert_int_eq(errors.n, 1);
	ck_assert_msg(strstr(errors.lines[0], "/articles/e.xml:"), "%s",
		      errors.lines[0]);
	ck_assert_uint_eq(nw->n_records, 3);
	ck_assert_ptr_null(wf_newswire_find(nw, "urn:uuid:00000000-0000-4000-8000-000000000003"));
	struct wf_newswire *fresh = open_fresh(root);
	assert_same_feeds(nw, fresh);
	wf_newswire_destroy(fresh);

	/* the broken record stays left out, unreported, until it changes */
	ck_assert_int_eq(wf_newswire_refresh(nw, NULL, 0, &lo, &st),
			 WF_REFRESH_UNCHANGED);
	ck_assert_uint_eq(st.invalid, 1);
	ck_assert_int_eq(errors.n, 1);
	put_record(root, "e.xml", "000000000005", "Mended",
		   "2021-12-30T14:00:00-05:00", "");
	ck_assert_int_eq(wf_newswire_refresh(nw, NULL, 0, &lo, &st),
			 WF_REFRESH_CHANGED);
	ck_assert_uint_eq(st.parsed, 1);
	ck_assert_uint_eq(st.invalid, 0);
	ck_assert_uint_eq(nw->n_records, 4);
	fresh = open_fresh(root);
	assert_same_feeds(nw, fresh);
	wf_newswire_destroy(fresh);

	/* the index saved after a refresh is the one a full load writes */
	ck_assert_int_eq(wf_newswire_save_index(nw, index, &d), WF_OK);
	char *refreshed_index = helpers_read_file(index, NULL);
	fresh = open_fresh(root);
	ck_assert_int_eq(wf_newswire_save_index(fresh, index, &d), WF_OK);
	char *full_index = helpers_read_file(index, NULL);
	ck_assert_str_eq(refreshed_index, full_index);
	free(refreshed_index);
	free(full_index);
	wf_newswire_destroy(fresh);

	/* a hand edit (content changed, updated not) is flagged */
	lo.ctx = &warnings;
	put_record(root, "a.xml", "000000000001", "First, quietly retitled",
		   "2021-12-30T10:00:00-05:00",
		   "  <category term=\"politics\"/>\n");
	const char *a_only[] = { "a.xml" };
	ck_assert_int_eq(wf_newswire_refresh(nw, a_only, 1, &lo, &st),
			 WF_REFRESH_CHANGED);
	ck_assert_int_eq(warnings.n, 1);
	ck_assert_msg(strstr(warnings.lines[0], "readers will not see"), "%s",
		      warnings.lines[0]);
	wf_newswire_destroy(nw);
	helpers_rmtree(root);
	free(root);
}
END_TEST

/* A wire of three stories, a.xml "Oldest", b.xml "Middle" and c.xml
 * "Newest", an hour apart, with @conf_extra in its config; @index gets the
 * path of its build index. */
static char *
three_stories(const char *conf_extra, char *index, size_t size)
{
	char *root = helpers_make_tempdir();
	char conf[1024];
	snprintf(conf, sizeof(conf), CONF "%s", conf_extra);
	put(root, "wirefeed.conf", conf);
	put_record(root, "a.xml", "000000000001", "Oldest",
		   "2021-12-30T10:00:00-05:00", "");
	put_record(root, "b.xml", "000000000002", "Middle",
		   "2021-12-30T11:00:00-05:00", "");
	put_record(root, "c.xml", "000000000003", "Newest",
		   "2021-12-30T12:00:00-05:00", "");
	snprintf(index, size, "%s/.wirefeed-index", root);
	return root;
}

/* A stub chosen for a feed whose file broke after the load is reported
 * and dropped, and the next story takes its place. */
START_TEST(prepare_replaces_a_stub_that_no_longer_loads)
{
	char index[4200];
	char *root = three_stories("max_entries = 2\n", index, sizeof(index));
	struct reports errors = { .n = 0 };
	struct wf_load_options lo = { .index_path = index, .error = collect,
				      .ctx = &errors };
	struct wf_newswire *nw = NULL;
	struct wf_load_stats st = { 0 };
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_newswire_open(root, &lo, &nw, &st, &d), WF_OK);
	ck_assert_int_eq(wf_newswire_save_index(nw, index, &d), WF_OK);
	wf_newswire_destroy(nw);
	/* every record comes back as a stub; then c breaks */
	ck_assert_int_eq(wf_newswire_open(root, &lo, &nw, &st, &d), WF_OK);
	ck_assert_uint_eq(st.reused, 3);
	put(root, "articles/c.xml", "<entry xmlns=\"http://www.w3.org/2005/Atom\">");
	ck_assert_uint_eq(wf_newswire_prepare(nw, collect, &errors), 1);
	ck_assert_int_eq(errors.n, 1);
	ck_assert_msg(strstr(errors.lines[0], "/articles/c.xml"), "%s",
		      errors.lines[0]);
	ck_assert_uint_eq(nw->n_records, 2);
	struct wf_feedset *set = wf_render(nw);
	const struct wf_rendered_file *atom = wf_feedset_find(set, "atom.xml");
	ck_assert_uint_eq(atom->n_entries, 2);
	const char *middle = strstr(atom->data, "<title>Middle</title>");
	const char *oldest = strstr(atom->data, "<title>Oldest</title>");
	ck_assert(middle && oldest && middle < oldest);
	wf_feedset_unref(set);
	wf_newswire_destroy(nw);
	helpers_rmtree(root);
	free(root);
}
END_TEST

/* With archives, the subscription documents show every story changed in
 * the open period, not only the newest max_entries: wf_render() parses
 * those stubs too, and one that no longer parses is dropped, never
 * written as an entry without its title and content. */
START_TEST(render_drops_an_archive_stub_that_no_longer_loads)
{
	char index[4200];
	char *root = three_stories("max_entries = 1\narchives = monthly\n",
				   index, sizeof(index));
	struct wf_load_options lo = { .index_path = index };
	struct wf_newswire *nw = NULL;
	struct wf_load_stats st = { 0 };
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_newswire_open(root, &lo, &nw, &st, &d), WF_OK);
	ck_assert_int_eq(wf_newswire_save_index(nw, index, &d), WF_OK);
	struct wf_feedset *set = wf_render(nw);
	ck_assert_uint_eq(wf_feedset_find(set, "atom.xml")->n_entries, 3);
	wf_feedset_unref(set);
	wf_newswire_destroy(nw);
	/* stubs again; then the middle story, below max_entries, breaks */
	ck_assert_int_eq(wf_newswire_open(root, &lo, &nw, &st, &d), WF_OK);
	ck_assert_uint_eq(st.reused, 3);
	put(root, "articles/b.xml", "<entry xmlns=\"http://www.w3.org/2005/Atom\">");
	set = wf_render(nw);
	const struct wf_rendered_file *atom = wf_feedset_find(set, "atom.xml");
	ck_assert_uint_eq(atom->n_entries, 2);
	ck_assert_ptr_null(strstr(atom->data, "Middle"));
	ck_assert(strstr(atom->data, "<title>Newest</title>") &&
		  strstr(atom->data, "<title>Oldest</title>"));
	/* every entry has its title */
	size_t entries = 0, titled = 0;
	for (const char *p = atom->data; (p = strstr(p, "<entry>")) != NULL; p++) {
		const char *end = strstr(p, "</entry>");
		const char *title = strstr(p, "<title>");
		entries++;
		titled += end && title && title < end;
	}
	ck_assert_uint_eq(entries, 2);
	ck_assert_uint_eq(titled, 2);
	ck_assert_uint_eq(nw->n_records, 2);
	wf_feedset_unref(set);
	wf_newswire_destroy(nw);
	helpers_rmtree(root);
	free(root);
}
END_TEST

/* The ready callback sees every set wf_build_run() returns, once, and no
 * other: before the publish when the set is returned whatever the publish
 * does (soft_publish), after it otherwise. */
struct readiness {
	int calls;
	struct wf_feedset *seen;
};

static void
on_ready(void *ctx, struct wf_feedset *set)
{
	struct readiness *r = ctx;
	r->calls++;
	r->seen = set;
}

static enum wf_status
run_build(const char *root, const char *out, bool soft, struct readiness *r,
	  struct wf_feedset **set)
{
	struct wf_build_options o = { .root = root, .out = out, .full = true,
				      .soft_publish = soft };
	struct wf_build_callbacks cb = { .ready = on_ready, .ctx = r };
	struct wf_build_stats stats = { 0 };
	struct wf_diag d = { 0 };
	*r = (struct readiness){ 0 };
	*set = NULL;
	return wf_build_run(&o, &cb, NULL, set, &stats, &d);
}

START_TEST(ready_is_called_once_for_every_set_returned)
{
	char *root = helpers_make_tempdir();
	put(root, "wirefeed.conf", CONF);
	put_record(root, "a.xml", "000000000001", "One",
		   "2021-12-30T10:00:00-05:00", "");
	char out[4200], blocked[4200];
	snprintf(out, sizeof(out), "%s/out", root);
	/* an output directory that cannot be made: a file is in the way */
	put(root, "file", "x");
	snprintf(blocked, sizeof(blocked), "%s/file/out", root);
	struct readiness r;
	struct wf_feedset *set = NULL;
	for (int soft = 0; soft < 2; soft++) {
		ck_assert_int_eq(run_build(root, out, soft, &r, &set), WF_OK);
		ck_assert_int_eq(r.calls, 1);
		ck_assert_ptr_eq(r.seen, set);
		wf_feedset_unref(set);
	}
	ck_assert_int_ne(run_build(root, blocked, false, &r, &set), WF_OK);
	ck_assert_ptr_null(set);
	ck_assert_int_eq(r.calls, 0);
	ck_assert_int_eq(run_build(root, blocked, true, &r, &set), WF_OK);
	ck_assert_ptr_nonnull(set);
	ck_assert_int_eq(r.calls, 1);
	ck_assert_ptr_eq(r.seen, set);
	wf_feedset_unref(set);
	ck_assert_int_eq(run_build(root, NULL, false, &r, &set), WF_OK);
	ck_assert_int_eq(r.calls, 1);
	ck_assert_ptr_eq(r.seen, set);
	wf_feedset_unref(set);
	helpers_rmtree(root);
	free(root);
}
END_TEST

START_TEST(refresh_hands_back_what_it_cannot_do_in_place)
{
	char *root = helpers_make_tempdir();
	put(root, "wirefeed.conf", CONF);
	put_record(root, "a.xml", "000000000001", "First",
		   "2021-12-30T10:00:00-05:00", "");
	struct wf_load_stats st = { 0 };
	/* a second record with an id already taken */
	struct wf_newswire *nw = open_fresh(root);
	put_record(root, "b.xml", "000000000001", "Copy of first",
		   "2021-12-30T10:00:00-05:00", "");
	struct wf_load_options lo = { 0 };
	ck_assert_int_eq(wf_newswire_refresh(nw, NULL, 0, &lo, &st),
			 WF_REFRESH_REOPEN);
	wf_newswire_destroy(nw);
	/* while duplicates are left out, any change reopens (it may resolve
	 * them), and no change does nothing */
	nw = open_fresh(root);
	ck_assert_uint_eq(nw->n_records, 0);
	ck_assert_int_eq(wf_newswire_refresh(nw, NULL, 0, &lo, &st),
			 WF_REFRESH_UNCHANGED);
	ck_assert_uint_eq(st.invalid, 2);
	put_record(root, "b.xml", "000000000002", "Now its own story",
		   "2021-12-30T10:00:00-05:00", "");
	ck_assert_int_eq(wf_newswire_refresh(nw, NULL, 0, &lo, &st),
			 WF_REFRESH_REOPEN);
	wf_newswire_destroy(nw);
	/* a changed config */
	nw = open_fresh(root);
	put(root, "wirefeed.conf", CONF "max_entries = 10\n");
	ck_assert_int_eq(wf_newswire_refresh(nw, NULL, 0, &lo, &st),
			 WF_REFRESH_REOPEN);
	wf_newswire_destroy(nw);
	helpers_rmtree(root);
	free(root);
}
END_TEST

START_TEST(load_fails_without_usable_config)
{
	char *root = helpers_make_tempdir();
	struct wf_newswire *nw = NULL;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_newswire_load(root, NULL, NULL, &nw, NULL, &d),
			 WF_ERR_NOT_FOUND);
	ck_assert_ptr_nonnull(strstr(d.source, "wirefeed.conf"));
	put(root, "wirefeed.conf", "title = x\nnonsense\n");
	ck_assert_int_ne(wf_newswire_load(root, NULL, NULL, &nw, NULL, &d), WF_OK);
	ck_assert_int_eq(d.line, 2);
	put(root, "wirefeed.conf", CONF);
	ck_assert_int_eq(wf_newswire_load(root, NULL, NULL, &nw, NULL, &d),
			 WF_ERR_IO); /* no articles/ directory */
	ck_assert_ptr_null(nw);
	helpers_rmtree(root);
	free(root);
}
END_TEST

/* issue 17.16: index fields are escaped, so a TAB, LF, backslash or comma
 * in a category term (or a file name) keeps the index usable. */
START_TEST(index_survives_tabs_and_newlines_in_terms_and_names)
{
	char *root = helpers_make_tempdir();
	put(root, "wirefeed.conf", CONF);
	put_record(root, "a.xml", "000000000001", "First",
		   "2021-12-30T10:00:00-05:00",
		   "  <category term=\"tab&#9;term\"/>\n"
		   "  <category term=\"line&#10;feed\"/>\n"
		   "  <category term=\"back\\slash,comma\"/>\n");
	put_record(root, "odd\tname.xml", "000000000002", "Second",
		   "2021-12-30T11:00:00-05:00", "");
	char index[4200];
	snprintf(index, sizeof(index), "%s/.wirefeed-index", root);
	struct reports warnings = { .n = 0 };
	struct wf_load_options lo = { .index_path = index, .warning = collect,
				      .ctx = &warnings };
	struct wf_newswire *nw = NULL;
	struct wf_load_stats st = { 0 };
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_newswire_open(root, &lo, &nw, &st, &d), WF_OK);
	ck_assert_uint_eq(st.parsed, 2);
	ck_assert_int_eq(wf_newswire_save_index(nw, index, &d), WF_OK);
	wf_newswire_destroy(nw);
	/* the next open uses the index: nothing parsed, nothing reported */
	ck_assert_int_eq(wf_newswire_open(root, &lo, &nw, &st, &d), WF_OK);
	ck_assert(st.index_used);
	ck_assert_uint_eq(st.parsed, 0);
	ck_assert_uint_eq(st.reused, 2);
	ck_assert_int_eq(warnings.n, 0);
	/* and the stubs carry the terms exactly */
	const struct wf_record *r = wf_newswire_find(nw, "urn:uuid:00000000-0000-4000-8000-000000000001");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->article->n_sections, 3);
	ck_assert_str_eq(r->article->sections[0].term, "tab\tterm");
	ck_assert_str_eq(r->article->sections[1].term, "line\nfeed");
	ck_assert_str_eq(r->article->sections[2].term, "back\\slash,comma");
	wf_newswire_destroy(nw);
	helpers_rmtree(root);
	free(root);
}
END_TEST

START_TEST(record_names)
{
	ck_assert(wf_newswire_is_record_name("story.xml"));
	ck_assert(!wf_newswire_is_record_name(".story.xml"));
	ck_assert(!wf_newswire_is_record_name("story.xml~"));
	ck_assert(!wf_newswire_is_record_name("story.xml.tmp-abc123"));
	ck_assert(!wf_newswire_is_record_name(".xml"));
}
END_TEST

static struct wf_newswire *
load_sample(void)
{
	char root[4096];
	snprintf(root, sizeof(root), "%s/feeds", helpers_source_root());
	struct wf_newswire *nw = NULL;
	size_t bad = 0;
	struct wf_diag d = { 0 };
	ck_assert_msg(wf_newswire_load(root, NULL, NULL, &nw, &bad, &d) == WF_OK,
		      "%s", d.message);
	ck_assert_uint_eq(bad, 0);
	return nw;
}

START_TEST(render_sample_newswire)
{
	struct wf_newswire *nw = load_sample();
	ck_assert_uint_ge(nw->n_records, 12);
	struct wf_feedset *set = wf_render(nw);
	/* wire Atom/RSS/JSON + the same per section + index */
	ck_assert_uint_eq(set->n_files, 3 + 3 * nw->config->n_sections + 1);
	ck_assert_ptr_nonnull(wf_feedset_find(set, "sections/politics/feed.json"));
	const struct wf_rendered_file *atom = wf_feedset_find(set, "atom.xml");
	ck_assert_ptr_nonnull(atom);
	ck_assert_ptr_nonnull(wf_feedset_find(set, "rss.xml"));
	ck_assert_ptr_nonnull(wf_feedset_find(set, "sections/politics/atom.xml"));
	ck_assert_ptr_nonnull(wf_feedset_find(set, "sections/politics/rss.xml"));
	const struct wf_rendered_file *index = wf_feedset_find(set, "index.html");
	ck_assert_ptr_nonnull(index);
	ck_assert_ptr_nonnull(strstr(index->data, "<link rel=\"alternate\" type=\"application/atom+xml\""));
	ck_assert_ptr_nonnull(strstr(index->data, "href=\"sections/politics/rss.xml\""));
	/* every published record is in the wire feed, the withdrawn one not */
	size_t published = 0;
	for (size_t i = 0; i < nw->n_records; i++) {
		const struct wf_article *a = nw->records[i].article;
		bool in = strstr(atom->data, a->id) != NULL;
		if (a->status == WF_ARTICLE_PUBLISHED) {
			published++;
			ck_assert_msg(in, "%s missing", a->id);
		} else {
			ck_assert_msg(!in, "withdrawn %s present", a->id);
		}
	}
	ck_assert_uint_eq(atom->n_entries, published);
	/* same newswire, same bytes, same ETag */
	struct wf_feedset *again = wf_render(nw);
	for (size_t i = 0; i < set->n_files; i++) {
		ck_assert_str_eq(set->files[i].path, again->files[i].path);
		ck_assert_uint_eq(set->files[i].len, again->files[i].len);
		ck_assert_mem_eq(set->files[i].data, again->files[i].data,
				 set->files[i].len);
		ck_assert_str_eq(set->files[i].etag, again->files[i].etag);
	}
	wf_feedset_unref(again);
	wf_feedset_unref(set);
	wf_newswire_destroy(nw);
}
END_TEST

/* Bytes equal to a fresh render's, ETags from those bytes. */
static void
assert_same_sets(const struct wf_feedset *a, const struct wf_feedset *b)
{
	ck_assert_uint_eq(a->n_files, b->n_files);
	for (size_t i = 0; i < a->n_files; i++) {
		ck_assert_str_eq(a->files[i].path, b->files[i].path);
		ck_assert_uint_eq(a->files[i].len, b->files[i].len);
		ck_assert_mem_eq(a->files[i].data, b->files[i].data, a->files[i].len);
		ck_assert_str_eq(a->files[i].etag, b->files[i].etag);
	}
}

/* A render source that counts what it hands out. */
struct counting_source {
	struct wf_render_source inner;
	size_t taken;
};

static bool
count_takes(void *ctx, const char *path, uint64_t source, char **data,
	    size_t *len, bool *mapped, char etag[72])
{
	struct counting_source *c = ctx;
	bool took = c->inner.take(c->inner.ctx, path, source, data, len,
				  mapped, etag);
	c->taken += took;
	return took;
}

/* A rebuild that takes unchanged feeds from the set it replaces (serve)
 * gives exactly what rendering everything gives, after edits of a story's
 * text, of a section, a withdrawal and a clock past the tombstone window;
 * and it does reuse: a feed the edit did not touch is not rendered. */
START_TEST(render_reusing_the_previous_set_equals_a_fresh_render)
{
	struct wf_newswire *nw = load_sample();
	struct wf_feedset *previous = wf_render(nw);
	struct wf_article *a = NULL;
	for (size_t i = 0; i < nw->n_records && !a; i++) {
		struct wf_article *c = nw->records[i].article;
		if (c->status == WF_ARTICLE_PUBLISHED &&
		    wf_article_in_section(c, "sports")) {
			a = c;
		}
	}
	ck_assert_ptr_nonnull(a);
	for (int step = 0; step < 5; step++) {
		switch (step) {
		case 0: /* nothing */
			break;
		case 1: /* a minor text edit: same times */
			wf_article_set_string(&a->summary, "A changed summary.");
			break;
		case 2: /* a correction */
			wf_article_add_correction(a, a->updated, "A correction.");
			break;
		case 3: /* withdrawn */
			a->status = WF_ARTICLE_WITHDRAWN;
			a->withdrawn_at = a->updated;
			a->withdrawn_at.utc += 60;
			wf_article_set_string(&a->withdrawn_reason, "Legal.");
			break;
		case 4: /* the tombstone window has passed */
			nw->now = a->withdrawn_at.utc + 400 * 86400;
			break;
		}
		struct wf_selection sel;
		ck_assert_uint_eq(wf_selection_make(nw, &sel, NULL, NULL), 0);
		sel.previous = previous;
		struct counting_source counting = { 0 };
		wf_render_source_from_set(&counting.inner, previous);
		struct wf_render_source source = { count_takes, &counting };
		sel.source = &source;
		struct wf_feedset *reused = wf_render_selection(nw, &sel);
		wf_selection_finish(&sel);
		/* the feeds the story was never in were taken, not rendered */
		ck_assert_uint_gt(counting.taken, 0);
		struct wf_feedset *fresh = wf_render(nw);
		assert_same_sets(reused, fresh);
		/* the politics feed never held the story: taken, not rendered */
		const struct wf_rendered_file *p =
			wf_feedset_find(reused, "sections/politics/atom.xml");
		const struct wf_rendered_file *q =
			wf_feedset_find(previous, "sections/politics/atom.xml");
		ck_assert_uint_eq(p->source_digest, q->source_digest);
		/* the story's edits changed the sports feed */
		p = wf_feedset_find(reused, "sections/sports/atom.xml");
		q = wf_feedset_find(previous, "sections/sports/atom.xml");
		if (step == 0) {
			ck_assert_str_eq(p->etag, q->etag);
		} else if (step < 4) {
			ck_assert_msg(strcmp(p->etag, q->etag) != 0, "step %d", step);
		}
		wf_feedset_unref(fresh);
		wf_feedset_unref(previous);
		previous = reused;
	}
	wf_feedset_unref(previous);
	wf_newswire_destroy(nw);
}
END_TEST

START_TEST(section_feed_ids_are_stable_name_based_uuids)
{
	char *a = wf_section_feed_id("urn:uuid:5f0c9a52-8a7e-4c1e-9d2b-6b1f3e4a7c10", "politics");
	char *b = wf_section_feed_id("urn:uuid:5f0c9a52-8a7e-4c1e-9d2b-6b1f3e4a7c10", "politics");
	char *c = wf_section_feed_id("urn:uuid:5f0c9a52-8a7e-4c1e-9d2b-6b1f3e4a7c10", "sports");
	char *d = wf_section_feed_id("urn:uuid:11111111-8a7e-4c1e-9d2b-6b1f3e4a7c10", "politics");
	ck_assert_str_eq(a, b);
	ck_assert_str_ne(a, c);
	ck_assert_str_ne(a, d);
	ck_assert_uint_eq(strlen(a), 45);
	ck_assert_int_eq(a[9 + 14], '5'); /* version nibble: v5 (SHA-1) */
	free(a);
	free(b);
	free(c);
	free(d);
}
END_TEST

static int
count_temporaries(const char *dir)
{
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "find '%s' -name '*.tmp-*' | wc -l", dir);
	char *out = NULL;
	ck_assert_int_eq(helpers_run(cmd, &out), 0);
	int n = atoi(out);
	free(out);
	return n;
}

START_TEST(publish_writes_changed_files_only)
{
	struct wf_newswire *nw = load_sample();
	struct wf_feedset *set = wf_render(nw);
	char *out = helpers_make_tempdir();
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/public", out);
	struct wf_publish_stats stats;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_publish(set, dir, &stats, &d), WF_OK);
	ck_assert_uint_eq(stats.written, set->n_files);
	ck_assert_uint_eq(stats.unchanged, 0);
	char path[4200];
	snprintf(path, sizeof(path), "%s/atom.xml", dir);
	struct stat st1, st2;
	ck_assert_int_eq(stat(path, &st1), 0);
	ck_assert_int_eq(st1.st_mode & 0777, 0644);
	size_t len;
	char *bytes = helpers_read_file(path, &len);
	const struct wf_rendered_file *atom = wf_feedset_find(set, "atom.xml");
	ck_assert_uint_eq(len, atom->len);
	ck_assert_mem_eq(bytes, atom->data, len);
	free(bytes);
	nanosleep(&(struct timespec){ 0, 20000000 }, NULL);
	ck_assert_int_eq(wf_publish(set, dir, &stats, &d), WF_OK);
	ck_assert_uint_eq(stats.written, 0);
	ck_assert_uint_eq(stats.unchanged, set->n_files);
	ck_assert_int_eq(stat(path, &st2), 0);
	ck_assert_int_eq(st1.st_mtim.tv_nsec, st2.st_mtim.tv_nsec);
	ck_assert_int_eq(st1.st_ino, st2.st_ino);
	ck_assert_int_eq(count_temporaries(dir), 0);
	wf_feedset_unref(set);
	wf_newswire_destroy(nw);
	helpers_rmtree(out);
	free(out);
}
END_TEST

START_TEST(failed_publish_leaves_previous_files_intact)
{
	struct wf_newswire *nw = load_sample();
	struct wf_feedset *set = wf_render(nw);
	char *out = helpers_make_tempdir();
	/* previous build: different bytes everywhere */
	put(out, "atom.xml", "previous atom");
	put(out, "rss.xml", "previous rss");
	/* a file where the sections directory must go: publishing fails
	 * part-way through writing temporaries */
	put(out, "sections", "in the way");
	struct wf_publish_stats stats;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_publish(set, out, &stats, &d), WF_ERR_IO);
	ck_assert_ptr_nonnull(strstr(d.source, "sections"));
	ck_assert_uint_eq(stats.written, 0);
	char path[4200];
	snprintf(path, sizeof(path), "%s/atom.xml", out);
	char *bytes = helpers_read_file(path, NULL);
	ck_assert_str_eq(bytes, "previous atom");
	free(bytes);
	snprintf(path, sizeof(path), "%s/rss.xml", out);
	bytes = helpers_read_file(path, NULL);
	ck_assert_str_eq(bytes, "previous rss");
	free(bytes);
	ck_assert_int_eq(count_temporaries(out), 0);
	wf_feedset_unref(set);
	wf_newswire_destroy(nw);
	helpers_rmtree(out);
	free(out);
}
END_TEST

START_TEST(atomic_write_replaces_whole_file)
{
	char *dir = helpers_make_tempdir();
	char path[4200];
	snprintf(path, sizeof(path), "%s/f.txt", dir);
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_write_file_atomic(path, "one", 3, &d), WF_OK);
	ck_assert_int_eq(wf_write_file_atomic(path, "second", 6, &d), WF_OK);
	char *bytes = helpers_read_file(path, NULL);
	ck_assert_str_eq(bytes, "second");
	free(bytes);
	snprintf(path, sizeof(path), "%s/no/such/dir/f.txt", dir);
	ck_assert_int_eq(wf_write_file_atomic(path, "x", 1, &d), WF_ERR_IO);
	ck_assert_int_eq(count_temporaries(dir), 0);
	helpers_rmtree(dir);
	free(dir);
}
END_TEST

int
main(void)
{
	xmlInitParser();
	Suite *s = suite_create("build");
	TCase *load = tcase_create("load");
	tcase_add_test(load, load_reports_bad_records_and_keeps_good_ones);
	tcase_add_test(load, load_fails_without_usable_config);
	tcase_add_test(load, record_names);
	tcase_add_test(load, index_survives_tabs_and_newlines_in_terms_and_names);
	tcase_add_test(load, refresh_in_place_matches_a_fresh_load);
	tcase_add_test(load, refresh_hands_back_what_it_cannot_do_in_place);
	tcase_add_test(load, prepare_replaces_a_stub_that_no_longer_loads);
	tcase_add_test(load, render_drops_an_archive_stub_that_no_longer_loads);
	tcase_add_test(load, ready_is_called_once_for_every_set_returned);
	suite_add_tcase(s, load);
	TCase *render = tcase_create("render");
	tcase_add_test(render, render_sample_newswire);
	tcase_add_test(render, render_reusing_the_previous_set_equals_a_fresh_render);
	tcase_add_test(render, section_feed_ids_are_stable_name_based_uuids);
	suite_add_tcase(s, render);
	TCase *publish = tcase_create("publish");
	tcase_add_test(publish, publish_writes_changed_files_only);
	tcase_add_test(publish, failed_publish_leaves_previous_files_intact);
	tcase_add_test(publish, atomic_write_replaces_whole_file);
	suite_add_tcase(s, publish);
	return helpers_run_suite(s);
}
