/* SPDX-License-Identifier: MIT */
/* The feed state (docs/store.md): a `build --journal` after a few edits
 * opens only the journaled stories and those near the top of the feeds,
 * and takes unchanged feeds from the files it published. Whatever it
 * does, its files must be byte for byte what a build of the whole wire
 * writes. These run the real binary on a wire larger than the state, so
 * most stories are outside it. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

enum { STORIES = 260 }; /* more than max_entries + the margin (200) */

struct wire {
	char *tmp;
	char root[4096];
	char state_out[4096]; /* built with --journal throughout */
	char whole_out[4096]; /* built with --full, to compare */
};

/* @archives: "off" or "monthly" */
static void
wire_init(struct wire *w, const char *archives)
{
	w->tmp = helpers_make_tempdir();
	snprintf(w->root, sizeof(w->root), "%s/wire", w->tmp);
	snprintf(w->state_out, sizeof(w->state_out), "%s/state", w->tmp);
	snprintf(w->whole_out, sizeof(w->whole_out), "%s/whole", w->tmp);
	ck_assert_int_eq(helpers_runf(NULL, "mkdir -p '%s/articles' && "
				      "sed -e 's/^archives = .*/archives = %s/' -e 's/^max_entries = .*/max_entries = 10/' "
				      "'%s/feeds/wirefeed.conf' > '%s/wirefeed.conf'",
				      w->root, archives, helpers_source_root(),
				      w->root), 0);
	/* a story a minute through January, in two sections (and the
	 * sample's weather section, for one in ten) */
	ck_assert_int_eq(helpers_runf(NULL,
		"for i in $(seq %d); do "
		"  s=politics; [ $((i %% 2)) = 0 ] && s=sports; "
		"  w=; [ $((i %% 10)) = 0 ] && w='--section weather'; "
		"  '%s' new --root '%s' --title \"Story $i\" --section $s $w "
		"    --at $(date -u -d @$((1767225600 + i * 60)) +%%Y-%%m-%%dT%%H:%%M:%%SZ) >/dev/null || exit 1; "
		"done", STORIES, helpers_binary(), w->root), 0);
}

static void
wire_fini(struct wire *w)
{
	helpers_rmtree(w->tmp);
	free(w->tmp);
}

/* Build both ways at @at ("" for now), the state's way with @how
 * ("--journal", or "" for a plain build: a stat of every record); its
 * summary. */
static char *
build_both_by(const struct wire *w, const char *how, const char *at)
{
	char *summary = NULL;
	ck_assert_int_eq(helpers_runf(&summary, "'%s' build %s --root '%s' --out '%s' %s 2>&1",
				      helpers_binary(), how, w->root,
				      w->state_out, at), 0);
	/* the whole build on a copy of the records and config: a build
	 * remembers one output directory per newswire (the last one) */
	char *out = NULL;
	ck_assert_int_eq(helpers_runf(&out, "rm -rf '%s/copy' && mkdir '%s/copy' && "
				      "cp -R '%s/wirefeed.conf' '%s/articles' '%s/copy/' && "
				      "'%s' build --full --root '%s/copy' --out '%s' %s 2>&1",
				      w->tmp, w->tmp, w->root, w->root, w->tmp,
				      helpers_binary(), w->tmp, w->whole_out, at), 0);
	free(out);
	/* the same files, the same bytes */
	int rc = helpers_runf(&out, "diff -r '%s' '%s' 2>&1 | head -20",
			      w->state_out, w->whole_out);
	ck_assert_int_eq(rc, 0);
	ck_assert_msg(out[0] == '\0', "journal build differs from a whole build:\n%s\n(%s)",
		      out, summary);
	free(out);
	return summary;
}

static char *
build_both(const struct wire *w, const char *at)
{
	return build_both_by(w, "--journal", at);
}

static char *
id_of_story(const struct wire *w, int n)
{
	char *out = NULL;
	ck_assert_int_eq(helpers_runf(&out, "grep -l '<title>Story %d</title>' '%s'/articles/*.xml | head -1 | "
				      "xargs sed -n 's|.*<id>\\(urn:uuid:[^<]*\\)</id>.*|\\1|p'",
				      n, w->root), 0);
	out[strcspn(out, "\n")] = '\0';
	ck_assert_msg(strncmp(out, "urn:uuid:", 9) == 0, "story %d: %s", n, out);
	return out;
}

/* wirefeed VERB ID REST --root ROOT */
static void
edit(const struct wire *w, const char *verb, const char *id, const char *rest)
{
	ck_assert_int_eq(helpers_runf(NULL, "'%s' %s '%s' %s --root '%s' >/dev/null 2>&1",
				      helpers_binary(), verb, id, rest, w->root), 0);
}

static void
assert_state_used(const char *summary, bool used)
{
	bool opened = strstr(summary, "near the top of the feeds") != NULL;
	for (char *nl = strchr(summary, '\n'); nl; nl = strchr(nl, '\n')) {
		*nl = ' '; /* Check prints a message's first line only */
	}
	ck_assert_msg(opened == used, "expected the feed state %s: %s",
		      used ? "used" : "not used", summary);
}

enum state_use { STATE_EITHER, STATE_USED, STATE_NOT_USED };

/* build_both_by(), then whether the state was used as @expect says. */
static void
check_build(const struct wire *w, const char *how, const char *at,
	    enum state_use expect)
{
	char *s = build_both_by(w, how, at);
	if (expect != STATE_EITHER) {
		assert_state_used(s, expect == STATE_USED);
	}
	free(s);
}

/* `wirefeed update ID --title TITLE` of story @n. */
static void
retitle(const struct wire *w, int n, const char *title)
{
	char *id = id_of_story(w, n);
	char rest[256];
	snprintf(rest, sizeof(rest), "--title '%s'", title);
	edit(w, "update", id, rest);
	free(id);
}

START_TEST(journal_builds_from_the_state_equal_whole_builds)
{
	struct wire w;
	wire_init(&w, "off");
	check_build(&w, "--journal", "", STATE_NOT_USED); /* makes the state */
	/* an old story, far outside the state, updated: it comes to the top */
	retitle(&w, 3, "Story 3, revised");
	char *s = build_both(&w, "");
	assert_state_used(s, true);
	ck_assert_msg(strstr(s, "1 read"), "%s", s);
	free(s);
	/* the newest story withdrawn: a notice and a tombstone in its place */
	char *newest = id_of_story(&w, STORIES);
	edit(&w, "withdraw", newest, "--reason 'Legal review'");
	check_build(&w, "--journal", "", STATE_USED);
	/* a correction, a minor edit, a new story and one held back */
	char *mid = id_of_story(&w, STORIES - 4);
	edit(&w, "correct", mid, "'The vote was on Tuesday.'");
	edit(&w, "update", mid, "--minor --summary 'Typo fixed.'");
	ck_assert_int_eq(helpers_runf(NULL, "'%s' new --root '%s' --title 'Fresh' --section sports >/dev/null",
				      helpers_binary(), w.root), 0);
	ck_assert_int_eq(helpers_runf(NULL, "'%s' new --root '%s' --title 'Held' --section politics "
				      "--embargo 2030-01-01T00:00:00Z >/dev/null",
				      helpers_binary(), w.root), 0);
	check_build(&w, "--journal", "", STATE_USED);
	/* the clock: the embargo lifts, later the tombstone's window ends;
	 * both builds at the same instant */
	check_build(&w, "--journal", "--at 2030-01-01T00:00:01Z", STATE_EITHER);
	check_build(&w, "--journal", "--at 2031-01-01T00:00:00Z", STATE_EITHER);
	/* a story moved to another section */
	char *other = id_of_story(&w, STORIES - 1);
	edit(&w, "update", other, "--section politics");
	check_build(&w, "--journal", "--at 2031-01-01T00:00:01Z", STATE_EITHER);
	free(newest);
	free(mid);
	free(other);
	wire_fini(&w);
}
END_TEST

/* More edits than the margin: the next journal build reads the whole
 * index again (and makes a new state), with the same result. */
START_TEST(a_spent_margin_reads_everything_again)
{
	struct wire w;
	wire_init(&w, "off");
	check_build(&w, "--journal", "", STATE_EITHER);
	char *id = id_of_story(&w, 7);
	ck_assert_int_eq(helpers_runf(NULL, "for i in $(seq 205); do '%s' update '%s' --minor --summary \"Pass $i.\" --root '%s' >/dev/null 2>&1 || exit 1; done",
				      helpers_binary(), id, w.root), 0);
	check_build(&w, "--journal", "", STATE_NOT_USED);
	/* and the state is back for the next edit */
	edit(&w, "update", id, "--title 'Story 7, at last'");
	check_build(&w, "--journal", "", STATE_USED);
	free(id);
	wire_fini(&w);
}
END_TEST

/* Archives need every story of the open period: no state, same result. */
START_TEST(archives_always_read_the_whole_index)
{
	struct wire w;
	wire_init(&w, "monthly");
	check_build(&w, "--journal", "", STATE_EITHER);
	retitle(&w, 5, "Story 5, revised");
	check_build(&w, "--journal", "", STATE_NOT_USED);
	wire_fini(&w);
}
END_TEST

/* A published file changed behind the build's back is rendered again,
 * not taken. */
START_TEST(a_touched_output_file_is_rendered_again)
{
	struct wire w;
	wire_init(&w, "off");
	check_build(&w, "--journal", "", STATE_EITHER);
	char path[4200];
	snprintf(path, sizeof(path), "%s/sections/weather/atom.xml", w.state_out);
	/* with nothing journaled since: not "nothing changed" either */
	helpers_write_file(path, "scribbled", 9);
	check_build(&w, "--journal", "", STATE_EITHER);
	helpers_write_file(path, "scribbled", 9);
	retitle(&w, 11, "Story 11, revised");
	check_build(&w, "--journal", "", STATE_USED);
	wire_fini(&w);
}
END_TEST

/* Rewrite story @n's title and times in place, by hand (`cat > file`
 * keeps the inode: `sed -i` and most editors rename a new file over the
 * old one, which the store sees as a change of the directory). */
static void
hand_edit_in_place(const struct wire *w, int n, const char *when)
{
	ck_assert_int_eq(helpers_runf(NULL, "f=$(grep -l '<title>Story %d</title>' '%s'/articles/*.xml) && "
				      "sed -e 's|<title>Story %d</title>|<title>Story %d, by hand</title>|' "
				      "-e 's|<updated>[^<]*</updated>|<updated>%s</updated>|' "
				      "-e 's|<app:edited>[^<]*</app:edited>|<app:edited>%s</app:edited>|' \"$f\" > '%s/edit' && "
				      "cat '%s/edit' > \"$f\"",
				      n, w->root, n, n, when, when, w->tmp, w->tmp), 0);
}

/* A plain build (a stat of every record) starts from the state too, and
 * sees what no journal holds: records edited, removed and added by
 * hand. With nothing changed it renders nothing. */
START_TEST(plain_builds_from_the_state_see_hand_edits)
{
	struct wire w;
	wire_init(&w, "off");
	check_build(&w, "", "", STATE_NOT_USED);
	char *s = build_both_by(&w, "", "");
	ck_assert_msg(strstr(s, "(nothing changed since the last build)"), "%s", s);
	free(s);
	/* an old story, outside the state, edited by hand to the top */
	hand_edit_in_place(&w, 2, "2026-03-01T00:00:00Z");
	check_build(&w, "", "", STATE_USED);
	/* a story at the top removed, and a copy of an old one added, by
	 * hand: the store's open finds the directory changed, and the build
	 * reads the whole index (a copy could share an id with a story
	 * outside the state) */
	ck_assert_int_eq(helpers_runf(NULL, "rm \"$(grep -l '<title>Story %d</title>' '%s'/articles/*.xml)\" && "
				      "sed -e 's|urn:uuid:[0-9a-f-]*|urn:uuid:0b5e4a8c-2f1d-4c3b-9a7e-6d5c4b3a2f10|' "
				      "-e 's|<title>Story 4</title>|<title>Story 4, copied</title>|' "
				      "-e 's|<updated>[^<]*</updated>|<updated>2026-02-01T00:00:00Z</updated>|' "
				      "-e 's|<app:edited>[^<]*</app:edited>|<app:edited>2026-02-01T00:00:00Z</app:edited>|' "
				      "\"$(grep -l '<title>Story 4</title>' '%s'/articles/*.xml)\" > '%s/articles/zz-copy.xml'",
				      STORIES - 1, w.root, w.root, w.root), 0);
	check_build(&w, "", "", STATE_NOT_USED);
	/* a copy that keeps its original's id: both reported, neither shown,
	 * as by a whole build */
	ck_assert_int_eq(helpers_runf(NULL, "cp \"$(grep -l '<title>Story 6</title>' '%s'/articles/*.xml)\" '%s/articles/zz-twin.xml'",
				      w.root, w.root), 0);
	char *summary = NULL;
	ck_assert_int_ne(helpers_runf(&summary, "'%s' build --root '%s' --out '%s' 2>&1",
				      helpers_binary(), w.root, w.state_out), 0);
	ck_assert_msg(strstr(summary, "zz-twin.xml"), "%s", summary);
	free(summary);
	ck_assert_int_eq(helpers_runf(NULL, "rm '%s/articles/zz-twin.xml'", w.root), 0);
	check_build(&w, "", "", STATE_EITHER);
	/* an in-place hand edit again: the state is back */
	hand_edit_in_place(&w, 8, "2026-03-02T00:00:00Z");
	check_build(&w, "", "", STATE_USED);
	/* and a journal build after it */
	retitle(&w, 9, "Story 9, revised");
	check_build(&w, "--journal", "", STATE_USED);
	wire_fini(&w);
}
END_TEST

int
main(void)
{
	Suite *suite = suite_create("feed_state");
	TCase *tc = tcase_create("feed_state");
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, journal_builds_from_the_state_equal_whole_builds);
	tcase_add_test(tc, a_spent_margin_reads_everything_again);
	tcase_add_test(tc, archives_always_read_the_whole_index);
	tcase_add_test(tc, a_touched_output_file_is_rendered_again);
	tcase_add_test(tc, plain_builds_from_the_state_see_hand_edits);
	suite_add_tcase(suite, tc);
	return helpers_run_suite(suite);
}
