/* SPDX-License-Identifier: MIT */
/* The record store's contract, run against every backend in the table
 * below (today: the file backend): create/get/replace/withdraw, versions
 * and conflicts, ids never reused, iteration order, the journal, the write
 * gate (as a property and by its known bad inputs), concurrent writers,
 * bulk import; then the file backend's index repairs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wirefeed/record.h"
#include "wirefeed/store.h"
#include "helpers.h"

/* ---- the backends under test --------------------------------------------- */

struct backend {
	const char *name;
	/* a fresh, empty store under @dir */
	void (*prepare)(const char *dir);
	enum wf_status (*open)(const char *dir, const struct wf_store_options *o,
			       struct wf_store **out, struct wf_diag *d);
};

static void
file_prepare(const char *dir)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/articles", dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
}

static const struct backend backends[] = {
	{ "file", file_prepare, wf_store_open },
};
static const struct backend *backend = &backends[0];

/* ---- fixture ------------------------------------------------------------- */

static char *tmp;
static char reports[16384];

static void
collect(void *ctx, const struct wf_diag *d)
{
	(void)ctx;
	char line[2048];
	size_t used = strlen(reports);
	snprintf(reports + used, sizeof(reports) - used, "%s\n",
		 wf_diag_format(d, line, sizeof(line)));
}

static void
setup(void)
{
	tmp = helpers_make_tempdir();
	backend->prepare(tmp);
	reports[0] = '\0';
}

static void
teardown(void)
{
	helpers_rmtree(tmp);
	free(tmp);
}

static struct wf_store *
open_store(void)
{
	struct wf_store_options o = { .warning = collect };
	struct wf_store *s = NULL;
	struct wf_diag d = { 0 };
	enum wf_status st = backend->open(tmp, &o, &s, &d);
	ck_assert_msg(st == WF_OK, "open: %s", d.message);
	return s;
}

static struct wf_time
at(int64_t minutes)
{
	/* 2026-01-01T00:00:00Z + minutes */
	return (struct wf_time){ .utc = 1767225600 + minutes * 60 };
}

static struct wf_article *
story(const char *title, int64_t minutes)
{
	struct wf_article *a = wf_article_create();
	wf_article_set_string(&a->title, title);
	a->published = a->updated = a->edited = at(minutes);
	a->has_edited = true;
	wf_article_add_section(a, "local", NULL);
	return a;
}

static char *
format(const struct wf_article *a)
{
	char *text = NULL;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_record_format(a, &text, NULL, &d), WF_OK);
	return text;
}

static void
assert_same_article(const struct wf_article *a, const struct wf_article *b)
{
	char *ta = format(a), *tb = format(b);
	ck_assert_str_eq(ta, tb);
	free(ta);
	free(tb);
}

/* Create @a; returns its id (heap). */
static char *
create(struct wf_store *s, struct wf_article *a, char *version)
{
	struct wf_diag d = { 0 };
	enum wf_status st = wf_store_create(s, a, version, NULL, &d);
	ck_assert_msg(st == WF_OK, "create: %s", d.message);
	return strdup(a->id);
}

/* ---- create, get, replace, withdraw -------------------------------------- */

START_TEST(create_then_get_gives_the_article_and_its_version)
{
	struct wf_store *s = open_store();
	struct wf_article *a = story("Harbor opens", 0);
	char v1[WF_STORE_VERSION_MAX];
	char *id = create(s, a, v1);
	ck_assert(wf_article_id_is_valid(id));
	struct wf_article *got = NULL;
	char v2[WF_STORE_VERSION_MAX];
	char *where = NULL;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_store_get(s, id, &got, v2, &where, &d), WF_OK);
	assert_same_article(a, got);
	ck_assert_str_eq(v1, v2);
	ck_assert_ptr_nonnull(where);
	wf_article_destroy(got);
	free(where);
	free(id);
	wf_article_destroy(a);
	wf_store_close(s);
}
END_TEST

START_TEST(get_of_unknown_id_is_not_found)
{
	struct wf_store *s = open_store();
	struct wf_article *got = NULL;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_store_get(s, "urn:uuid:00000000-0000-4000-8000-000000000000",
				      &got, NULL, NULL, &d),
			 WF_ERR_NOT_FOUND);
	ck_assert_ptr_null(got);
	ck_assert_ptr_nonnull(strstr(d.message, "no record has id"));
	wf_store_close(s);
}
END_TEST

START_TEST(replace_with_the_current_version_succeeds_and_moves_it)
{
	struct wf_store *s = open_store();
	struct wf_article *a = story("Harbor opens", 0);
	char v1[WF_STORE_VERSION_MAX], v2[WF_STORE_VERSION_MAX];
	char *id = create(s, a, v1);
	wf_article_set_string(&a->title, "Harbor opens early");
	a->updated = a->edited = at(5);
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_store_replace(s, a, v1, v2, &d), WF_OK);
	ck_assert_str_ne(v1, v2);
	struct wf_article *got = NULL;
	ck_assert_int_eq(wf_store_get(s, id, &got, NULL, NULL, &d), WF_OK);
	ck_assert_str_eq(got->title, "Harbor opens early");
	wf_article_destroy(got);
	free(id);
	wf_article_destroy(a);
	wf_store_close(s);
}
END_TEST

START_TEST(replace_with_a_stale_version_is_a_conflict)
{
	struct wf_store *s = open_store();
	struct wf_article *a = story("Harbor opens", 0);
	char v1[WF_STORE_VERSION_MAX], v2[WF_STORE_VERSION_MAX];
	char *id = create(s, a, v1);
	a->updated = a->edited = at(5);
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_store_replace(s, a, v1, v2, &d), WF_OK);
	/* a second editor who read v1 */
	wf_article_set_string(&a->title, "Lost update");
	a->updated = a->edited = at(6);
	ck_assert_int_eq(wf_store_replace(s, a, v1, NULL, &d), WF_ERR_CONFLICT);
	struct wf_article *got = NULL;
	char now[WF_STORE_VERSION_MAX];
	ck_assert_int_eq(wf_store_get(s, id, &got, now, NULL, &d), WF_OK);
	ck_assert_str_eq(got->title, "Harbor opens");
	ck_assert_str_eq(now, v2);
	wf_article_destroy(got);
	free(id);
	wf_article_destroy(a);
	wf_store_close(s);
}
END_TEST

START_TEST(replace_keeps_the_update_rules)
{
	struct wf_store *s = open_store();
	struct wf_article *a = story("Harbor opens", 10);
	char *id = create(s, a, NULL);
	struct wf_diag d = { 0 };
	struct wf_article *b = wf_article_clone(a);
	b->updated = at(9); /* back in time */
	b->published = at(9);
	ck_assert_int_eq(wf_store_replace(s, b, NULL, NULL, &d), WF_ERR_INVALID);
	wf_article_destroy(b);
	b = wf_article_clone(a);
	b->updated = at(9);
	ck_assert_int_eq(wf_store_replace(s, b, NULL, NULL, &d), WF_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(d.message, "updated"));
	wf_article_destroy(b);
	free(id);
	wf_article_destroy(a);
	wf_store_close(s);
}
END_TEST

START_TEST(withdraw_keeps_the_record_with_time_and_reason)
{
	struct wf_store *s = open_store();
	struct wf_article *a = story("Harbor opens", 0);
	char *id = create(s, a, NULL);
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_store_withdraw(s, id, at(30), "Legal", NULL, NULL, &d),
			 WF_OK);
	struct wf_article *got = NULL;
	ck_assert_int_eq(wf_store_get(s, id, &got, NULL, NULL, &d), WF_OK);
	ck_assert_int_eq(got->status, WF_ARTICLE_WITHDRAWN);
	ck_assert_str_eq(got->withdrawn_reason, "Legal");
	ck_assert_int_eq(wf_time_compare(got->withdrawn_at, at(30)), 0);
	wf_article_destroy(got);
	free(id);
	wf_article_destroy(a);
	wf_store_close(s);
}
END_TEST

/* ---- ids ------------------------------------------------------------------ */

START_TEST(create_with_a_used_id_is_a_conflict)
{
	struct wf_store *s = open_store();
	struct wf_article *a = story("One", 0);
	char *id = create(s, a, NULL);
	struct wf_article *b = story("Two", 1);
	b->id = strdup(id);
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_store_create(s, b, NULL, NULL, &d), WF_ERR_CONFLICT);
	wf_article_destroy(b);
	free(id);
	wf_article_destroy(a);
	wf_store_close(s);
}
END_TEST

START_TEST(ids_are_never_reused_even_after_the_record_is_gone)
{
	struct wf_store *s = open_store();
	struct wf_article *a = story("Gone soon", 0);
	char *where = NULL;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_store_create(s, a, NULL, &where, &d), WF_OK);
	wf_store_close(s);
	ck_assert_int_eq(unlink(where), 0); /* removed by hand */
	s = open_store();
	struct wf_article *b = story("Reuse", 1);
	b->id = strdup(a->id);
	ck_assert_int_eq(wf_store_create(s, b, NULL, NULL, &d), WF_ERR_CONFLICT);
	/* fresh ids: all distinct */
	char *seen[50];
	for (int i = 0; i < 50; i++) {
		struct wf_article *c = story("Fresh", i);
		seen[i] = create(s, c, NULL);
		for (int j = 0; j < i; j++) {
			ck_assert_str_ne(seen[i], seen[j]);
		}
		ck_assert_str_ne(seen[i], a->id);
		wf_article_destroy(c);
	}
	for (int i = 0; i < 50; i++) {
		free(seen[i]);
	}
	wf_article_destroy(b);
	free(where);
	wf_article_destroy(a);
	wf_store_close(s);
}
END_TEST

/* ---- iteration ------------------------------------------------------------ */

struct order {
	char titles[8][32];
	int n;
};

static enum wf_status
note_title(void *ctx, const struct wf_article *a, const char *version)
{
	struct order *o = ctx;
	ck_assert_uint_eq(strlen(version), 16);
	snprintf(o->titles[o->n++], sizeof(o->titles[0]), "%s", a->title);
	return WF_OK;
}

START_TEST(iterate_gives_most_recently_updated_first)
{
	struct wf_store *s = open_store();
	const int minutes[] = { 20, 5, 40, 10 };
	const char *titles[] = { "B", "D", "A", "C" };
	for (int i = 0; i < 4; i++) {
		struct wf_article *a = story(titles[i], minutes[i]);
		free(create(s, a, NULL));
		wf_article_destroy(a);
	}
	struct order o = { .n = 0 };
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_store_iterate(s, note_title, &o, &d), WF_OK);
	ck_assert_int_eq(o.n, 4);
	ck_assert_str_eq(o.titles[0], "A");
	ck_assert_str_eq(o.titles[1], "B");
	ck_assert_str_eq(o.titles[2], "C");
	ck_assert_str_eq(o.titles[3], "D");
	wf_store_close(s);
}
END_TEST

/* ---- the journal ---------------------------------------------------------- */

START_TEST(journal_lists_every_write_after_a_cursor)
{
	struct wf_store *s = open_store();
	char start[WF_STORE_CURSOR_MAX];
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_store_cursor(s, start, &d), WF_OK);
	struct wf_article *a = story("Journaled", 0);
	char v1[WF_STORE_VERSION_MAX], v2[WF_STORE_VERSION_MAX],
		v3[WF_STORE_VERSION_MAX];
	char *id = create(s, a, v1);
	a->updated = a->edited = at(1);
	ck_assert_int_eq(wf_store_replace(s, a, v1, v2, &d), WF_OK);
	ck_assert_int_eq(wf_store_withdraw(s, id, at(2), "Wrong", v2, v3, &d), WF_OK);
	struct wf_store_changes c = { 0 };
	ck_assert_int_eq(wf_store_changes_since(s, start, &c, &d), WF_OK);
	ck_assert(c.complete);
	ck_assert_uint_eq(c.n, 3);
	ck_assert_int_eq(c.items[0].op, WF_STORE_OP_CREATE);
	ck_assert_int_eq(c.items[1].op, WF_STORE_OP_REPLACE);
	ck_assert_int_eq(c.items[2].op, WF_STORE_OP_WITHDRAW);
	ck_assert_str_eq(c.items[0].version, v1);
	ck_assert_str_eq(c.items[1].version, v2);
	ck_assert_str_eq(c.items[2].version, v3);
	for (size_t i = 0; i < 3; i++) {
		ck_assert_str_eq(c.items[i].id, id);
	}
	/* from the cursor it returned: only what came after */
	char next[WF_STORE_CURSOR_MAX];
	snprintf(next, sizeof(next), "%s", c.next);
	wf_store_changes_finish(&c);
	ck_assert_int_eq(wf_store_changes_since(s, next, &c, &d), WF_OK);
	ck_assert_uint_eq(c.n, 0);
	ck_assert_str_eq(c.next, next);
	wf_store_changes_finish(&c);
	/* a cursor from another journal is recognised */
	ck_assert_int_eq(wf_store_changes_since(s, "0000000000000000:30", &c, &d),
			 WF_OK);
	ck_assert(!c.complete);
	wf_store_changes_finish(&c);
	free(id);
	wf_article_destroy(a);
	wf_store_close(s);
}
END_TEST

START_TEST(a_refused_write_leaves_no_trace)
{
	struct wf_store *s = open_store();
	struct wf_article *a = story("Clean", 0);
	char v1[WF_STORE_VERSION_MAX];
	char *id = create(s, a, v1);
	char before[WF_STORE_CURSOR_MAX], after[WF_STORE_CURSOR_MAX];
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_store_cursor(s, before, &d), WF_OK);
	struct wf_article *b = wf_article_clone(a);
	wf_article_set_string(&b->link, "");
	ck_assert_int_ne(wf_store_replace(s, b, NULL, NULL, &d), WF_OK);
	ck_assert_int_ne(wf_store_withdraw(s, id, at(3), "", NULL, NULL, &d), WF_OK);
	ck_assert_int_eq(wf_store_cursor(s, after, &d), WF_OK);
	ck_assert_str_eq(before, after);
	char v2[WF_STORE_VERSION_MAX];
	struct wf_article *got = NULL;
	ck_assert_int_eq(wf_store_get(s, id, &got, v2, NULL, &d), WF_OK);
	ck_assert_str_eq(v1, v2);
	wf_article_destroy(got);
	wf_article_destroy(b);
	free(id);
	wf_article_destroy(a);
	wf_store_close(s);
}
END_TEST

/* ---- the write gate ------------------------------------------------------- */

static unsigned rng_state = 12345;

static unsigned
rng(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (rng_state >> 16) & 0x7fff;
}

/* Text that exercises what the record format must carry or refuse. */
static char *
random_text(bool may_be_empty)
{
	static const char *const pieces[] = {
		"harbor", " ", "&", "<b>", "\"", "'", "é", "\t", "\n", "  ",
		"]]>", "&amp;", "\xe2\x80\x94", "x", "",
	};
	/* rarely, what no record may hold */
	static const char *const bad[] = { "\x01", "\xff", "\x7f", "\xef\xbf\xbe" };
	size_t n = rng() % 8 + (may_be_empty ? 0 : 1);
	char *s = calloc(1, 256);
	for (size_t i = 0; i < n; i++) {
		strcat(s, rng() % 40 == 0
				  ? bad[rng() % (sizeof(bad) / sizeof(*bad))]
				  : pieces[rng() % (sizeof(pieces) / sizeof(*pieces))]);
	}
	return s;
}

static void
maybe_set(char **field)
{
	if (rng() % 3 == 0) {
		return;
	}
	char *t = random_text(true);
	wf_article_set_string(field, t);
	free(t);
}

START_TEST(any_write_that_succeeds_reads_back_as_the_same_article)
{
	struct wf_store *s = open_store();
	int ok = 0, refused = 0;
	for (int i = 0; i < 150; i++) {
		struct wf_article *a = story("Base", i);
		char *t = random_text(false);
		wf_article_set_string(&a->title, t);
		free(t);
		maybe_set(&a->summary);
		maybe_set(&a->content_html);
		maybe_set(&a->source);
		maybe_set(&a->dateline);
		maybe_set(&a->rights);
		if (rng() % 4 == 0) {
			wf_article_set_string(&a->link, rng() % 2 ? "" : "https://example.org/s");
		}
		if (rng() % 4 == 0) {
			char *n = random_text(true);
			wf_article_add_author(a, n, NULL, NULL);
			free(n);
		}
		if (rng() % 5 == 0) {
			a->status = WF_ARTICLE_WITHDRAWN;
			a->withdrawn_at = at(i + 1);
			maybe_set(&a->withdrawn_reason);
		}
		struct wf_diag d = { 0 };
		char v[WF_STORE_VERSION_MAX];
		char *where = NULL;
		enum wf_status st = wf_store_create(s, a, v, &where, &d);
		if (st != WF_OK) {
			refused++;
			ck_assert_ptr_null(where);
			ck_assert_msg(st == WF_ERR_INVALID || st == WF_ERR_TOO_LARGE,
				      "status %d: %s", st, d.message);
			wf_article_destroy(a);
			continue;
		}
		ok++;
		/* what a reader of the file gets */
		struct wf_article *back = NULL;
		ck_assert_msg(wf_record_parse_file(where, &back, &d) == WF_OK,
			      "written but unreadable: %s", d.message);
		assert_same_article(a, back);
		wf_article_destroy(back);
		free(where);
		wf_article_destroy(a);
	}
	/* the generator must exercise both sides */
	ck_assert_int_gt(ok, 25);
	ck_assert_int_gt(refused, 10);
	wf_store_close(s);
}
END_TEST

START_TEST(gate_refuses_a_record_over_the_size_limit)
{
	struct wf_store *s = open_store();
	struct wf_article *a = story("Big", 0);
	size_t n = 3 * 1024 * 1024; /* '&' becomes "&amp;": 15 MiB */
	a->content_html = malloc(n + 1);
	memset(a->content_html, '&', n);
	a->content_html[n] = '\0';
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_store_create(s, a, NULL, NULL, &d), WF_ERR_TOO_LARGE);
	ck_assert_ptr_nonnull(strstr(d.message, "over the limit"));
	struct wf_store_changes c = { 0 };
	ck_assert_int_eq(wf_store_changes_since(s, NULL, &c, &d), WF_OK);
	ck_assert_uint_eq(c.n, 0);
	wf_store_changes_finish(&c);
	wf_article_destroy(a);
	wf_store_close(s);
}
END_TEST

/* ---- concurrent writers ----------------------------------------------------- */

static enum wf_status
add_correction(struct wf_article *a, void *ctx, struct wf_diag *d)
{
	(void)d;
	const char *text = ctx;
	struct wf_time t = a->updated;
	t.utc += 1;
	a->updated = a->edited = t;
	wf_article_add_correction(a, t, text);
	return WF_OK;
}

START_TEST(eight_processes_of_25_edits_lose_none)
{
	struct wf_store *s = open_store();
	struct wf_article *a = story("Contested", 0);
	char *id = create(s, a, NULL);
	wf_store_close(s);
	pid_t kids[8];
	for (int k = 0; k < 8; k++) {
		kids[k] = fork();
		ck_assert_int_ge(kids[k], 0);
		if (kids[k] == 0) {
			struct wf_store *cs = NULL;
			struct wf_diag d = { 0 };
			if (backend->open(tmp, NULL, &cs, &d) != WF_OK) {
				_exit(3);
			}
			for (int e = 0; e < 25; e++) {
				char text[64];
				snprintf(text, sizeof(text), "writer %d edit %d", k, e);
				if (wf_store_edit(cs, id, add_correction, text, NULL,
						  NULL, &d) != WF_OK) {
					_exit(4);
				}
			}
			wf_store_close(cs);
			_exit(0);
		}
	}
	for (int k = 0; k < 8; k++) {
		int status = 0;
		ck_assert_int_eq(waitpid(kids[k], &status, 0), kids[k]);
		ck_assert(WIFEXITED(status));
		ck_assert_int_eq(WEXITSTATUS(status), 0);
	}
	s = open_store();
	struct wf_article *got = NULL;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_store_get(s, id, &got, NULL, NULL, &d), WF_OK);
	ck_assert_uint_eq(got->n_corrections, 200);
	struct wf_store_changes c = { 0 };
	ck_assert_int_eq(wf_store_changes_since(s, NULL, &c, &d), WF_OK);
	ck_assert_uint_eq(c.n, 201);
	wf_store_changes_finish(&c);
	wf_article_destroy(got);
	free(id);
	wf_article_destroy(a);
	wf_store_close(s);
}
END_TEST

/* ---- bulk import ------------------------------------------------------------ */

static enum wf_status
take_title(struct wf_article *existing, const struct wf_article *in,
	   bool *changed, void *ctx, struct wf_diag *d)
{
	(void)ctx;
	(void)d;
	*changed = strcmp(existing->summary ? existing->summary : "",
			  in->summary ? in->summary : "") != 0;
	wf_article_set_string(&existing->summary, in->summary);
	return WF_OK;
}

static void
free_items(struct wf_store_import_item *it, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(it[i].id);
		free(it[i].location);
		wf_article_destroy(it[i].article);
	}
}

START_TEST(import_is_all_or_nothing)
{
	struct wf_store *s = open_store();
	struct wf_store_import_item it[3] = { { 0 } };
	it[0].article = story("First", 0);
	it[1].article = story("Second", 1);
	it[2].article = story("Too big", 2);
	size_t n = 3 * 1024 * 1024;
	it[2].article->content_html = malloc(n + 1);
	memset(it[2].article->content_html, '&', n);
	it[2].article->content_html[n] = '\0';
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_store_import(s, it, 3, take_title, NULL, NULL, NULL, &d),
			 WF_ERR_TOO_LARGE);
	ck_assert(it[2].refused);
	struct order o = { .n = 0 };
	ck_assert_int_eq(wf_store_iterate(s, note_title, &o, &d), WF_OK);
	ck_assert_int_eq(o.n, 0);
	/* no temporaries left in the articles directory */
	char *out = NULL;
	helpers_runf(&out, "ls -A '%s/articles' | grep -v '^.lock$' | wc -l", tmp);
	ck_assert_str_eq(out, "0\n");
	free(out);
	free_items(it, 3);
	wf_store_close(s);
}
END_TEST

START_TEST(reimport_matches_the_same_story_and_never_duplicates)
{
	struct wf_store *s = open_store();
	struct wf_store_import_item it[2] = { { 0 } };
	it[0].article = story("Ferry strike", 0);
	it[1].article = story("Ferry strike", 0); /* twice in one call */
	wf_article_set_string(&it[1].article->summary, "Now with a summary");
	it[1].article->updated = at(3);
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_store_import(s, it, 2, take_title, NULL, NULL, NULL, &d),
			 WF_OK);
	ck_assert_int_eq(it[0].outcome, WF_STORE_CREATED);
	ck_assert_int_eq(it[1].outcome, WF_STORE_UPDATED);
	ck_assert_str_eq(it[0].id, it[1].id);
	char *first_id = strdup(it[0].id);
	free_items(it, 2);
	/* again, in a later call: unchanged, same record */
	memset(it, 0, sizeof(it));
	it[0].article = story("Ferry strike", 0);
	wf_article_set_string(&it[0].article->summary, "Now with a summary");
	ck_assert_int_eq(wf_store_import(s, it, 1, take_title, NULL, NULL, NULL, &d),
			 WF_OK);
	ck_assert_int_eq(it[0].outcome, WF_STORE_UNCHANGED);
	ck_assert_str_eq(it[0].id, first_id);
	free_items(it, 1);
	struct order o = { .n = 0 };
	ck_assert_int_eq(wf_store_iterate(s, note_title, &o, &d), WF_OK);
	ck_assert_int_eq(o.n, 1);
	free(first_id);
	wf_store_close(s);
}
END_TEST

/* ---- file backend: the id index repairs itself ------------------------------ */

static char *
create_at(struct wf_store *s, const char *title, char **where)
{
	struct wf_article *a = story(title, 0);
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_store_create(s, a, NULL, where, &d), WF_OK);
	char *id = strdup(a->id);
	wf_article_destroy(a);
	return id;
}

START_TEST(hand_edit_in_place_is_found_and_the_index_updated)
{
	struct wf_store *s = open_store();
	char *where = NULL;
	char *id = create_at(s, "Before", &where);
	/* an editor rewrites the file in place: same inode, new bytes */
	char *text = helpers_read_file(where, NULL);
	char *t = strstr(text, "Before");
	memcpy(t, "Behold", 6);
	FILE *f = fopen(where, "r+");
	fputs(text, f);
	fclose(f);
	free(text);
	reports[0] = '\0';
	struct wf_article *got = NULL;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_store_get(s, id, &got, NULL, NULL, &d), WF_OK);
	ck_assert_str_eq(got->title, "Behold");
	ck_assert_ptr_nonnull(strstr(reports, "changed outside wirefeed"));
	/* and journaled, so a build reads it */
	struct wf_store_changes c = { 0 };
	ck_assert_int_eq(wf_store_changes_since(s, NULL, &c, &d), WF_OK);
	ck_assert_int_eq(c.items[c.n - 1].op, WF_STORE_OP_REPAIR);
	wf_store_changes_finish(&c);
	wf_article_destroy(got);
	free(where);
	free(id);
	wf_store_close(s);
}
END_TEST

START_TEST(deleted_file_is_found_and_reported)
{
	struct wf_store *s = open_store();
	char *where = NULL;
	char *id = create_at(s, "Doomed", &where);
	wf_store_close(s);
	unlink(where);
	reports[0] = '\0';
	s = open_store();
	ck_assert_ptr_nonnull(strstr(reports, "repaired"));
	ck_assert_ptr_nonnull(strstr(reports, "1 gone"));
	struct wf_article *got = NULL;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_store_get(s, id, &got, NULL, NULL, &d), WF_ERR_NOT_FOUND);
	free(where);
	free(id);
	wf_store_close(s);
}
END_TEST

/* The temporaries of killed writers: a write does not list articles/
 * (an edit stays O(1)), but a killed writer moved the directory's stamp,
 * so the next open scans, and the scan sweeps articles/, the store's
 * directory and its id buckets (issue 17.8). */
START_TEST(a_killed_writers_temporaries_go_at_the_next_scan)
{
	struct wf_store *s = open_store();
	char *where = NULL;
	char *id = create_at(s, "Kept", &where);
	wf_store_close(s);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	const char *dirs[] = { "articles", ".wirefeed-store", ".wirefeed-store/ids" };
	char paths[3][4400];
	for (int i = 0; i < 3; i++) {
		snprintf(paths[i], sizeof(paths[i]), "%s/%s/x.xml.tmp-%ld-zzzzzz", tmp,
			 dirs[i], (long)pid);
		helpers_write_file(paths[i], "half", 4);
	}
	reports[0] = '\0';
	s = open_store();
	for (int i = 0; i < 3; i++) {
		ck_assert_msg(access(paths[i], F_OK) != 0, "%s is still there", paths[i]);
	}
	struct wf_article *got = NULL;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_store_get(s, id, &got, NULL, NULL, &d), WF_OK);
	wf_article_destroy(got);
	wf_store_close(s);
	free(where);
	free(id);
}
END_TEST

START_TEST(renamed_file_is_found_under_its_new_name)
{
	struct wf_store *s = open_store();
	char *where = NULL;
	char *id = create_at(s, "Moving", &where);
	char moved[4200];
	snprintf(moved, sizeof(moved), "%s/articles/renamed.xml", tmp);
	ck_assert_int_eq(rename(where, moved), 0);
	reports[0] = '\0';
	struct wf_article *got = NULL;
	char *loc = NULL;
	struct wf_diag d = { 0 };
	/* the same handle: the entry is stale, the lookup repairs it */
	ck_assert_int_eq(wf_store_get(s, id, &got, NULL, &loc, &d), WF_OK);
	ck_assert_str_eq(loc, moved);
	ck_assert_ptr_nonnull(strstr(reports, "repaired"));
	wf_article_destroy(got);
	free(loc);
	free(where);
	free(id);
	wf_store_close(s);
}
END_TEST

START_TEST(copied_file_with_a_duplicate_id_is_refused_by_name)
{
	struct wf_store *s = open_store();
	char *where = NULL;
	char *id = create_at(s, "Original", &where);
	wf_store_close(s);
	helpers_runf(NULL, "cp '%s' '%s/articles/copy.xml'", where, tmp);
	reports[0] = '\0';
	s = open_store();
	ck_assert_ptr_nonnull(strstr(reports, "duplicate id"));
	ck_assert_ptr_nonnull(strstr(reports, "copy.xml"));
	struct wf_article *got = NULL;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_store_get(s, id, &got, NULL, NULL, &d), WF_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(d.message, "copy.xml"));
	/* fixed by hand: removing the copy makes it whole again */
	char copy[4200];
	snprintf(copy, sizeof(copy), "%s/articles/copy.xml", tmp);
	unlink(copy);
	wf_store_close(s);
	s = open_store();
	ck_assert_int_eq(wf_store_get(s, id, &got, NULL, NULL, &d), WF_OK);
	wf_article_destroy(got);
	free(where);
	free(id);
	wf_store_close(s);
}
END_TEST

START_TEST(corrupt_index_is_rebuilt_and_reported)
{
	struct wf_store *s = open_store();
	char *ids[20];
	for (int i = 0; i < 20; i++) {
		char title[32];
		snprintf(title, sizeof(title), "Story %d", i);
		ids[i] = create_at(s, title, NULL);
	}
	wf_store_close(s);
	/* scribble over every bucket */
	helpers_runf(NULL, "for f in '%s'/.wirefeed-store/ids/*; do echo garbage > \"$f\"; done",
		     tmp);
	reports[0] = '\0';
	s = open_store();
	for (int i = 0; i < 20; i++) {
		struct wf_article *got = NULL;
		struct wf_diag d = { 0 };
		ck_assert_int_eq(wf_store_get(s, ids[i], &got, NULL, NULL, &d), WF_OK);
		wf_article_destroy(got);
		free(ids[i]);
	}
	ck_assert_ptr_nonnull(strstr(reports, "corrupt"));
	wf_store_close(s);
}
END_TEST

int
main(void)
{
	Suite *suite = suite_create("store");
	for (size_t b = 0; b < sizeof(backends) / sizeof(*backends); b++) {
		backend = &backends[b];
		static char names[8][64]; /* Check keeps the pointer */
		snprintf(names[b], sizeof(names[b]), "%s_contract", backend->name);
		TCase *tc = tcase_create(names[b]);
		tcase_add_checked_fixture(tc, setup, teardown);
		tcase_set_timeout(tc, 240);
		tcase_add_test(tc, create_then_get_gives_the_article_and_its_version);
		tcase_add_test(tc, get_of_unknown_id_is_not_found);
		tcase_add_test(tc, replace_with_the_current_version_succeeds_and_moves_it);
		tcase_add_test(tc, replace_with_a_stale_version_is_a_conflict);
		tcase_add_test(tc, replace_keeps_the_update_rules);
		tcase_add_test(tc, withdraw_keeps_the_record_with_time_and_reason);
		tcase_add_test(tc, create_with_a_used_id_is_a_conflict);
		tcase_add_test(tc, ids_are_never_reused_even_after_the_record_is_gone);
		tcase_add_test(tc, iterate_gives_most_recently_updated_first);
		tcase_add_test(tc, journal_lists_every_write_after_a_cursor);
		tcase_add_test(tc, a_refused_write_leaves_no_trace);
		tcase_add_test(tc, any_write_that_succeeds_reads_back_as_the_same_article);
		tcase_add_test(tc, gate_refuses_a_record_over_the_size_limit);
		tcase_add_test(tc, eight_processes_of_25_edits_lose_none);
		tcase_add_test(tc, import_is_all_or_nothing);
		tcase_add_test(tc, reimport_matches_the_same_story_and_never_duplicates);
		suite_add_tcase(suite, tc);
	}
	backend = &backends[0];
	TCase *repair = tcase_create("file_index_repair");
	/* creates and fsyncs dozens of records: slow on a loaded CI disk */
	tcase_set_timeout(repair, 120);
	tcase_add_checked_fixture(repair, setup, teardown);
	tcase_add_test(repair, hand_edit_in_place_is_found_and_the_index_updated);
	tcase_add_test(repair, deleted_file_is_found_and_reported);
	tcase_add_test(repair, a_killed_writers_temporaries_go_at_the_next_scan);
	tcase_add_test(repair, renamed_file_is_found_under_its_new_name);
	tcase_add_test(repair, copied_file_with_a_duplicate_id_is_refused_by_name);
	tcase_add_test(repair, corrupt_index_is_rebuilt_and_reported);
	suite_add_tcase(suite, repair);
	return helpers_run_suite(suite);
}
