/* SPDX-License-Identifier: MIT */
/* The newsroom's workflow end to end with the real binary: import wire
 * copy, update, correct, minor-edit, withdraw, rebuild after each step and
 * check what a reader's client gets; re-imports; concurrent editors;
 * incremental builds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

struct wire {
	char *tmp;
	char root[4096];
	char out[4096];
};

static void
wire_init(struct wire *w)
{
	w->tmp = helpers_make_tempdir();
	snprintf(w->root, sizeof(w->root), "%s/wire", w->tmp);
	snprintf(w->out, sizeof(w->out), "%s/public", w->tmp);
	ck_assert_int_eq(helpers_copy_sample_wire(w->root), 0);
}

static void
wire_fini(struct wire *w)
{
	helpers_rmtree(w->tmp);
	free(w->tmp);
}

static char *
copy_path(const char *name)
{
	char rel[256];
	snprintf(rel, sizeof(rel), "wirecopy/%s", name);
	return helpers_data_path(rel);
}

/* wirefeed import; returns the id printed (caller frees). */
static char *
import(const struct wire *w, const char *name, const char *expect_word)
{
	char *path = copy_path(name);
	char *out = NULL;
	int rc = helpers_runf(&out, "'%s' import --root '%s' --section local '%s' 2>/dev/null",
			      helpers_binary(), w->root, path);
	free(path);
	ck_assert_msg(rc == 0, "import %s: %s", name, out);
	ck_assert_msg(strstr(out, expect_word), "import %s: %s", name, out);
	char *id = strndup(out, strcspn(out, " \n"));
	free(out);
	return id;
}

static void
build(const struct wire *w)
{
	char *out = NULL;
	int rc = helpers_runf(&out, "'%s' build --root '%s' --out '%s'",
			      helpers_binary(), w->root, w->out);
	ck_assert_msg(rc == 0, "%s", out);
	free(out);
}

/* The block of @file (atom.xml/rss.xml) holding @id, or NULL. */
static char *
entry_of(const struct wire *w, const char *file, const char *id)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s", w->out, file);
	char *text = helpers_read_file(path, NULL);
	ck_assert_ptr_nonnull(text);
	const char *open_tag = strstr(file, "atom") ? "<entry>" : "<item>";
	const char *close_tag = strstr(file, "atom") ? "</entry>" : "</item>";
	char *found = NULL;
	for (char *p = strstr(text, open_tag); p; p = strstr(p + 1, open_tag)) {
		char *end = strstr(p, close_tag);
		ck_assert_ptr_nonnull(end);
		char *hit = strstr(p, id);
		if (hit && hit < end) {
			found = strndup(p, (size_t)(end - p));
			break;
		}
	}
	free(text);
	return found;
}

static void
assert_has(const char *block, const char *needle)
{
	ck_assert_msg(block && strstr(block, needle), "missing '%s' in:\n%s", needle,
		      block ? block : "(no entry)");
}

static int
count_entries(const struct wire *w, const char *file, const char *id)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s", w->out, file);
	char *text = helpers_read_file(path, NULL);
	int n = 0;
	for (char *p = strstr(text, id); p; p = strstr(p + 1, id)) {
		n++;
	}
	free(text);
	return n;
}

START_TEST(a_story_through_its_life_as_readers_see_it)
{
	struct wire w;
	wire_init(&w);
	char *id = import(&w, "ferry-strike.txt", "created");
	build(&w);
	char *e = entry_of(&w, "atom.xml", id);
	assert_has(e, "<published>2021-12-30T09:39:00-05:00</published>");
	assert_has(e, "<updated>2021-12-30T13:12:00-05:00</updated>");
	assert_has(e, "gave the vote as 40-7"); /* the wire's correction */
	free(e);
	e = entry_of(&w, "rss.xml", id);
	assert_has(e, "<guid isPermaLink=\"false\">");
	assert_has(e, "<pubDate>Thu, 30 Dec 2021 09:39:00 -0500</pubDate>");
	assert_has(e, "<atom:updated>2021-12-30T13:12:00-05:00</atom:updated>");
	free(e);
	e = entry_of(&w, "sections/local/atom.xml", id);
	ck_assert_ptr_nonnull(e);
	free(e);

	/* a significant update: updated moves, published and id stay */
	ck_assert_int_eq(helpers_runf(NULL, "'%s' update %s --root '%s' --at 2021-12-30T15:00:00-05:00 --title 'Ferry crews set strike date'",
				      helpers_binary(), id, w.root), 0);
	build(&w);
	e = entry_of(&w, "atom.xml", id);
	assert_has(e, "<title>Ferry crews set strike date</title>");
	assert_has(e, "<published>2021-12-30T09:39:00-05:00</published>");
	assert_has(e, "<updated>2021-12-30T15:00:00-05:00</updated>");
	free(e);

	/* a correction: significant, visible in both formats */
	ck_assert_int_eq(helpers_runf(NULL, "'%s' correct %s 'The strike date is Jan. 10, not Jan. 1.' --root '%s' --at 2021-12-30T16:00:00-05:00",
				      helpers_binary(), id, w.root), 0);
	build(&w);
	e = entry_of(&w, "atom.xml", id);
	assert_has(e, "<updated>2021-12-30T16:00:00-05:00</updated>");
	assert_has(e, "Correction, &lt;time datetime=&quot;2021-12-30T16:00:00-05:00");
	assert_has(e, "The strike date is Jan. 10, not Jan. 1.");
	free(e);
	e = entry_of(&w, "rss.xml", id);
	assert_has(e, "<atom:updated>2021-12-30T16:00:00-05:00</atom:updated>");
	assert_has(e, "<pubDate>Thu, 30 Dec 2021 09:39:00 -0500</pubDate>");
	assert_has(e, "The strike date is Jan. 10, not Jan. 1.");
	free(e);

	/* a minor edit: the text changes, readers are not told */
	ck_assert_int_eq(helpers_runf(NULL, "'%s' update %s --minor --summary 'Crews voted 41-6 to strike.' --root '%s' --at 2021-12-30T16:30:00-05:00",
				      helpers_binary(), id, w.root), 0);
	build(&w);
	e = entry_of(&w, "atom.xml", id);
	assert_has(e, "Crews voted 41-6 to strike.");
	assert_has(e, "<updated>2021-12-30T16:00:00-05:00</updated>");
	free(e);
	char *out = NULL;
	ck_assert_int_eq(helpers_runf(&out, "'%s' show %s --root '%s'", helpers_binary(),
				      id, w.root), 0);
	assert_has(out, "<app:edited>2021-12-30T16:30:00-05:00</app:edited>");
	free(out);
	ck_assert_int_eq(count_entries(&w, "atom.xml", id), 1);

	/* withdrawn: gone from every feed, and the build says so */
	ck_assert_int_eq(helpers_runf(NULL, "'%s' withdraw %s --reason 'Duplicate of an earlier story.' --root '%s' --at 2021-12-30T17:00:00-05:00",
				      helpers_binary(), id, w.root), 0);
	ck_assert_int_eq(helpers_runf(&out, "'%s' build --root '%s' --out '%s'",
				      helpers_binary(), w.root, w.out), 0);
	assert_has(out, "withdrawn");
	free(out);
	ck_assert_int_eq(count_entries(&w, "atom.xml", id), 0);
	ck_assert_int_eq(count_entries(&w, "rss.xml", id), 0);
	ck_assert_int_eq(count_entries(&w, "sections/local/atom.xml", id), 0);
	/* and the feeds still pass our own validator */
	ck_assert_int_eq(helpers_runf(&out, "'%s' validate --strict '%s/atom.xml' '%s/rss.xml'",
				      helpers_binary(), w.out, w.out), 0);
	free(out);
	free(id);
	wire_fini(&w);
}
END_TEST

START_TEST(reimport_updates_the_same_record)
{
	struct wire w;
	wire_init(&w);
	char *id = import(&w, "ferry-strike.txt", "created");
	char *again = import(&w, "ferry-strike.txt", "unchanged");
	ck_assert_str_eq(id, again);
	free(again);
	/* later copy of the same story: same id, updated follows the copy */
	char *orig = copy_path("ferry-strike.txt");
	char later[4200];
	snprintf(later, sizeof(later), "%s/later.txt", w.tmp);
	ck_assert_int_eq(helpers_runf(NULL, "sed 's/13:12 ET/15:40 ET/; s/as normal/as usual/' '%s' > '%s'",
				      orig, later), 0);
	char *out = NULL;
	ck_assert_int_eq(helpers_runf(&out, "'%s' import --root '%s' '%s'", helpers_binary(),
				      w.root, later), 0);
	ck_assert_msg(strstr(out, id) && strstr(out, "updated"), "%s", out);
	free(out);
	ck_assert_int_eq(helpers_runf(&out, "grep -l 'Ferry crews vote to strike' '%s'/articles/*.xml | wc -l",
				      w.root), 0);
	ck_assert_int_eq(atoi(out), 1);
	free(out);
	ck_assert_int_eq(helpers_runf(&out, "'%s' show %s --root '%s'", helpers_binary(), id,
				      w.root), 0);
	assert_has(out, "<published>2021-12-30T09:39:00-05:00</published>");
	assert_has(out, "<updated>2021-12-30T15:40:00-05:00</updated>");
	assert_has(out, "as usual");
	free(out);
	/* the older copy again: updated would go back, refused */
	ck_assert_int_eq(helpers_runf(&out, "'%s' import --root '%s' '%s'", helpers_binary(),
				      w.root, orig), 1);
	assert_has(out, "never goes backwards");
	free(out);
	/* --id names the record explicitly */
	ck_assert_int_eq(helpers_runf(&out, "'%s' import --root '%s' --id %s '%s'",
				      helpers_binary(), w.root, id, later), 0);
	assert_has(out, "unchanged");
	free(out);
	free(orig);
	free(id);
	wire_fini(&w);
}
END_TEST

START_TEST(malformed_copy_writes_nothing)
{
	struct wire w;
	wire_init(&w);
	char *good = copy_path("summer.txt");
	char *bad = copy_path("fold-ambiguous.txt");
	char *before = NULL, *after = NULL, *out = NULL;
	ck_assert_int_eq(helpers_runf(&before, "ls '%s/articles'", w.root), 0);
	ck_assert_int_eq(helpers_runf(&out, "'%s' import --root '%s' '%s' '%s'",
				      helpers_binary(), w.root, good, bad), 1);
	assert_has(out, "fold-ambiguous.txt:4: error:");
	assert_has(out, "nothing written");
	free(out);
	ck_assert_int_eq(helpers_runf(&after, "ls '%s/articles'", w.root), 0);
	ck_assert_str_eq(before, after);
	/* stdin works too, and names itself */
	ck_assert_int_eq(helpers_runf(&out, "'%s' import --root '%s' - < '%s'",
				      helpers_binary(), w.root, bad), 1);
	assert_has(out, "<stdin>:4: error:");
	free(out);
	free(before);
	free(after);
	free(good);
	free(bad);
	wire_fini(&w);
}
END_TEST

/* issue 17.1: an edit that wirefeed would then refuse is refused when
 * made: non-zero exit, a clear error, the record untouched, and build,
 * show and update keep working. */
static void
assert_refused_and_untouched(const struct wire *w, const char *path,
			     const char *before, const char *cmdline,
			     const char *why)
{
	char *out = NULL;
	int rc = helpers_runf(&out, "%s", cmdline);
	ck_assert_msg(rc == 1, "rc %d for %s: %s", rc, cmdline, out);
	assert_has(out, why);
	free(out);
	char *after = helpers_read_file(path, NULL);
	ck_assert_str_eq(before, after);
	free(after);
	ck_assert_int_eq(helpers_runf(&out, "'%s' build --root '%s' --out '%s'",
				      helpers_binary(), w->root, w->out), 0);
	free(out);
}

START_TEST(edits_that_would_not_read_back_are_refused)
{
	struct wire w;
	wire_init(&w);
	const char *id = "urn:uuid:dcaf8170-1ddd-4f04-a24b-81aa408285a4";
	char path[4200];
	snprintf(path, sizeof(path), "%s/articles/2026-11-02-whale-songs.xml", w.root);
	char *before = helpers_read_file(path, NULL);
	char cmd[9000];
	snprintf(cmd, sizeof(cmd), "'%s' withdraw %s --reason '' --root '%s'",
		 helpers_binary(), id, w.root);
	assert_refused_and_untouched(&w, path, before, cmd, "refused");
	snprintf(cmd, sizeof(cmd), "'%s' update %s --link '' --root '%s'",
		 helpers_binary(), id, w.root);
	assert_refused_and_untouched(&w, path, before, cmd, "refused");
	/* 5 MiB of '&': 25 MiB as a record, over the 8 MiB limit */
	char big[4200];
	snprintf(big, sizeof(big), "%s/big.html", w.tmp);
	ck_assert_int_eq(helpers_runf(NULL, "head -c 5242880 /dev/zero | tr '\\0' '&' > '%s'", big), 0);
	snprintf(cmd, sizeof(cmd), "'%s' update %s --content-file '%s' --root '%s'",
		 helpers_binary(), id, big, w.root);
	assert_refused_and_untouched(&w, path, before, cmd, "over the limit");
	/* the record is still found and editable */
	char *out = NULL;
	ck_assert_int_eq(helpers_runf(&out, "'%s' update %s --summary 'Still here' --root '%s'",
				      helpers_binary(), id, w.root), 0);
	free(out);
	free(before);
	wire_fini(&w);
}
END_TEST

START_TEST(import_of_an_oversized_story_writes_nothing_and_never_duplicates)
{
	struct wire w;
	wire_init(&w);
	/* wire copy whose body is full of '&': a record over 8 MiB */
	char copy[4200];
	snprintf(copy, sizeof(copy), "%s/amp.txt", w.tmp);
	char *orig = copy_path("ferry-strike.txt");
	ck_assert_int_eq(helpers_runf(NULL,
		"{ sed -n '1,/^By /p' '%s'; echo; head -c 1800000 /dev/zero | tr '\\0' '&' | fold -w 600 | sed G; } > '%s'",
		orig, copy), 0);
	char *before = NULL, *after = NULL, *out = NULL;
	ck_assert_int_eq(helpers_runf(&before, "ls '%s/articles'", w.root), 0);
	for (int round = 0; round < 2; round++) {
		int rc = helpers_runf(&out, "'%s' import --root '%s' '%s'",
				      helpers_binary(), w.root, copy);
		ck_assert_msg(rc == 1, "rc %d: %s", rc, out);
		assert_has(out, "over the limit");
		assert_has(out, "nothing written");
		free(out);
		ck_assert_int_eq(helpers_runf(&after, "ls '%s/articles'", w.root), 0);
		ck_assert_str_eq(before, after);
		free(after);
	}
	free(before);
	free(orig);
	wire_fini(&w);
}
END_TEST

START_TEST(concurrent_editors_lose_nothing)
{
	struct wire w;
	wire_init(&w);
	char *out = NULL;
	ck_assert_int_eq(helpers_runf(&out, "'%s' new --root '%s' --title 'Council meets' --section politics --at 2021-01-01T10:00:00Z 2>/dev/null",
				      helpers_binary(), w.root), 0);
	char *id = strndup(out, strcspn(out, "\n"));
	free(out);
	/* 8 processes x 5 corrections each, all at once */
	ck_assert_int_eq(helpers_runf(&out,
		"for p in 1 2 3 4 5 6 7 8; do (for i in 1 2 3 4 5; do '%s' correct %s \"fix $p.$i\" --root '%s' >/dev/null || echo FAIL; done) & done; wait",
		helpers_binary(), id, w.root), 0);
	ck_assert_msg(!strstr(out, "FAIL"), "%s", out);
	free(out);
	ck_assert_int_eq(helpers_runf(&out, "'%s' show %s --root '%s' | grep -c '<wf:correction'",
				      helpers_binary(), id, w.root), 0);
	ck_assert_int_eq(atoi(out), 40);
	free(out);
	free(id);
	wire_fini(&w);
}
END_TEST

START_TEST(edits_keep_the_update_rules)
{
	struct wire w;
	wire_init(&w);
	const char *id = "urn:uuid:dcaf8170-1ddd-4f04-a24b-81aa408285a4"; /* whale songs */
	char path[4200];
	snprintf(path, sizeof(path), "%s/articles/2026-11-02-whale-songs.xml", w.root);
	char *before = helpers_read_file(path, NULL);
	char *out = NULL;
	/* updated never goes back */
	ck_assert_int_eq(helpers_runf(&out, "'%s' update %s --root '%s' --at 2026-11-01T00:00:00Z",
				      helpers_binary(), id, w.root), 1);
	assert_has(out, "never goes backwards");
	free(out);
	char *after = helpers_read_file(path, NULL);
	ck_assert_str_eq(before, after);
	free(after);
	/* an invalid edit is refused before anything is written */
	ck_assert_int_eq(helpers_runf(&out, "'%s' update %s --root '%s' --title \"$(printf 'bell \\a')\"",
				      helpers_binary(), id, w.root), 1);
	free(out);
	after = helpers_read_file(path, NULL);
	ck_assert_str_eq(before, after);
	free(after);
	ck_assert_int_eq(helpers_runf(&out, "'%s' update urn:uuid:00000000-0000-4000-8000-000000000000 --root '%s'",
				      helpers_binary(), w.root), 1);
	assert_has(out, "no record has id");
	free(out);
	ck_assert_int_eq(helpers_runf(&out, "'%s' withdraw %s --root '%s'", helpers_binary(),
				      id, w.root), 2);
	assert_has(out, "--reason");
	free(out);
	/* withdrawn stories take no more edits */
	ck_assert_int_eq(helpers_runf(NULL, "'%s' withdraw %s --reason x --root '%s'",
				      helpers_binary(), id, w.root), 0);
	ck_assert_int_eq(helpers_runf(&out, "'%s' correct %s late --root '%s'",
				      helpers_binary(), id, w.root), 1);
	assert_has(out, "withdrawn");
	free(out);
	/* new + list + show */
	ck_assert_int_eq(helpers_runf(&out, "'%s' new --root '%s' --title 'Café & bar <opens>' --section business --author 'Zoë Ng' 2>&1",
				      helpers_binary(), w.root), 0);
	assert_has(out, "wrote");
	const char *id_at = strstr(out, "urn:uuid:");
	ck_assert_ptr_nonnull(id_at);
	char *new_id = strndup(id_at, strcspn(id_at, "\n"));
	free(out);
	ck_assert_int_eq(helpers_runf(&out, "'%s' list --root '%s' --section business",
				      helpers_binary(), w.root), 0);
	assert_has(out, new_id);
	assert_has(out, "Café & bar <opens>");
	ck_assert_ptr_null(strstr(out, "humpback")); /* science only */
	free(out);
	ck_assert_int_eq(helpers_runf(&out, "'%s' list --root '%s'", helpers_binary(), w.root), 0);
	assert_has(out, "withdrawn");
	free(out);
	free(new_id);
	free(before);
	wire_fini(&w);
}
END_TEST

START_TEST(incremental_build_matches_full_build)
{
	struct wire w;
	wire_init(&w);
	char *out = NULL;
	ck_assert_int_eq(helpers_runf(&out, "'%s' build --root '%s' --out '%s'",
				      helpers_binary(), w.root, w.out), 0);
	assert_has(out, "(14 read, 0 unchanged)");
	free(out);
	ck_assert_int_eq(helpers_runf(&out, "'%s' build --root '%s' --out '%s'",
				      helpers_binary(), w.root, w.out), 0);
	assert_has(out, "(0 read, 14 unchanged)");
	assert_has(out, "0 written");
	free(out);
	ck_assert_int_eq(helpers_runf(NULL, "'%s' correct urn:uuid:de4a9bc8-3661-4bd8-8d31-2c1652a17293 'Fuel rose for a fourth week.' --root '%s'",
				      helpers_binary(), w.root), 0);
	ck_assert_int_eq(helpers_runf(&out, "'%s' build --root '%s' --out '%s'",
				      helpers_binary(), w.root, w.out), 0);
	assert_has(out, "(1 read, 13 unchanged)");
	free(out);
	/* the same bytes as a full build from scratch */
	ck_assert_int_eq(helpers_runf(&out, "'%s' build --full --quiet --root '%s' --out '%s/full' && diff -r '%s' '%s/full'",
				      helpers_binary(), w.root, w.tmp, w.out, w.tmp), 0);
	free(out);
	/* a corrupt index: a warning, everything parsed, same output */
	ck_assert_int_eq(helpers_runf(NULL, "printf 'junk' >> '%s/.wirefeed-index'", w.root), 0);
	ck_assert_int_eq(helpers_runf(&out, "'%s' build --root '%s' --out '%s' && diff -r '%s' '%s/full'",
				      helpers_binary(), w.root, w.out, w.out, w.tmp), 0);
	assert_has(out, "index unusable");
	assert_has(out, "(14 read, 0 unchanged)");
	free(out);
	/* a hand edit that forgot updated: the build warns */
	ck_assert_int_eq(helpers_runf(NULL, "sed -i 's/bunker fuel costs climb/bunker fuel prices climb/' '%s/articles/2026-11-02-shipping-stocks.xml'",
				      w.root), 0);
	ck_assert_int_eq(helpers_runf(&out, "'%s' build --root '%s' --out '%s'",
				      helpers_binary(), w.root, w.out), 0);
	assert_has(out, "2026-11-02-shipping-stocks.xml: warning: the record changed since the last build but its updated");
	free(out);
	wire_fini(&w);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("cli_edit");
	TCase *tc = tcase_create("edit");
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, a_story_through_its_life_as_readers_see_it);
	tcase_add_test(tc, reimport_updates_the_same_record);
	tcase_add_test(tc, malformed_copy_writes_nothing);
	tcase_add_test(tc, concurrent_editors_lose_nothing);
	tcase_add_test(tc, edits_that_would_not_read_back_are_refused);
	tcase_add_test(tc, import_of_an_oversized_story_writes_nothing_and_never_duplicates);
	tcase_add_test(tc, edits_keep_the_update_rules);
	tcase_add_test(tc, incremental_build_matches_full_build);
	suite_add_tcase(s, tc);
	return helpers_run_suite(s);
}
