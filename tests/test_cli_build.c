/* SPDX-License-Identifier: MIT */
/* `wirefeed build` end to end: the real binary on a copy of the sample
 * newswire, checked with xmllint, our own validator and python3-feedparser. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

struct env {
	char *tmp;
	char root[4096]; /* copy of feeds/ */
	char out[4096];
};

static void
env_init(struct env *e)
{
	e->tmp = helpers_make_tempdir();
	snprintf(e->root, sizeof(e->root), "%s/wire", e->tmp);
	snprintf(e->out, sizeof(e->out), "%s/public", e->tmp);
	ck_assert_int_eq(helpers_copy_sample_wire(e->root), 0);
}

static void
env_fini(struct env *e)
{
	helpers_rmtree(e->tmp);
	free(e->tmp);
}

/* Run `wirefeed ARGS` with the env's paths substituted for {root} {out}. */
static int
wirefeed(const struct env *e, const char *args, char **output)
{
	char cmd[12000];
	snprintf(cmd, sizeof(cmd), "'%s' %s", helpers_binary(), args);
	char expanded[16000];
	size_t n = 0;
	for (const char *p = cmd; *p && n + 4200 < sizeof(expanded);) {
		const char *sub = NULL;
		if (strncmp(p, "{root}", 6) == 0) {
			sub = e->root;
			p += 6;
		} else if (strncmp(p, "{out}", 5) == 0) {
			sub = e->out;
			p += 5;
		}
		if (sub) {
			size_t l = strlen(sub);
			memcpy(expanded + n, sub, l);
			n += l;
		} else {
			expanded[n++] = *p++;
		}
	}
	expanded[n] = '\0';
	return helpers_run(expanded, output);
}

/* All output files, concatenated with their names, for comparisons. */
static char *
snapshot(const struct env *e)
{
	char cmd[9000];
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && find . -type f | LC_ALL=C sort | while read f; do echo \"== $f\"; cat \"$f\"; done",
		 e->out);
	char *out = NULL;
	ck_assert_int_eq(helpers_run(cmd, &out), 0);
	return out;
}

static const char *const feeds[] = {
	"atom.xml", "rss.xml",
	"sections/politics/atom.xml", "sections/politics/rss.xml",
	"sections/business/atom.xml", "sections/business/rss.xml",
	"sections/science/atom.xml", "sections/science/rss.xml",
	"sections/sports/atom.xml", "sections/sports/rss.xml",
	"sections/weather/atom.xml", "sections/weather/rss.xml",
	"sections/local/atom.xml", "sections/local/rss.xml",
};

START_TEST(builds_sample_newswire)
{
	struct env e;
	env_init(&e);
	char *out = NULL;
	ck_assert_int_eq(wirefeed(&e, "build --root {root} --out {out}", &out), 0);
	/* the withdrawn story is announced */
	ck_assert_msg(strstr(out, "withdrawn") && strstr(out, "left out of the feeds"),
		      "%s", out);
	free(out);
	for (size_t i = 0; i < sizeof(feeds) / sizeof(feeds[0]); i++) {
		char cmd[9000];
		snprintf(cmd, sizeof(cmd), "xmllint --noout --nonet '%s/%s'", e.out,
			 feeds[i]);
		ck_assert_msg(helpers_run(cmd, &out) == 0, "xmllint %s: %s", feeds[i], out);
		free(out);
	}
	/* wirefeed never publishes a feed its own validator rejects, not
	 * even with a warning */
	char args[9000];
	snprintf(args, sizeof(args),
		 "validate --strict {out}/atom.xml {out}/rss.xml {out}/sections/*/*.xml");
	ck_assert_msg(wirefeed(&e, args, &out) == 0, "%s", out);
	free(out);
	env_fini(&e);
}
END_TEST

START_TEST(feedparser_reads_every_feed)
{
	struct env e;
	env_init(&e);
	ck_assert_int_eq(wirefeed(&e, "build --quiet --root {root} --out {out}", NULL), 0);
	for (size_t i = 0; i < sizeof(feeds) / sizeof(feeds[0]); i++) {
		char section[64] = "";
		if (strncmp(feeds[i], "sections/", 9) == 0) {
			snprintf(section, sizeof(section), "%.*s",
				 (int)(strchr(feeds[i] + 9, '/') - feeds[i] - 9),
				 feeds[i] + 9);
		}
		char cmd[9000];
		snprintf(cmd, sizeof(cmd), "/usr/bin/python3 '%s/tests/e2e/feedparser_check.py' '%s' '%s/%s' %s",
			 helpers_source_root(), e.root, e.out, feeds[i], section);
		char *out = NULL;
		int rc = helpers_run(cmd, &out);
		ck_assert_msg(rc == 0, "%s: %s", feeds[i], out);
		free(out);
	}
	env_fini(&e);
}
END_TEST

/* The photo story's image, caption and credit as feedparser reads Media
 * RSS, in the whole-wire and section feeds of both formats. */
START_TEST(feedparser_reads_media_rss)
{
	static const char *const media_feeds[] = {
		"atom.xml", "rss.xml", "sections/sports/atom.xml",
		"sections/sports/rss.xml",
	};
	struct env e;
	env_init(&e);
	ck_assert_int_eq(wirefeed(&e, "build --quiet --root {root} --out {out}", NULL), 0);
	for (size_t i = 0; i < sizeof(media_feeds) / sizeof(media_feeds[0]); i++) {
		char *out = NULL;
		int rc = helpers_runf(&out, "/usr/bin/python3 '%s/tests/e2e/media_check.py' '%s' '%s/%s'",
				      helpers_source_root(), e.root, e.out,
				      media_feeds[i]);
		ck_assert_msg(rc == 0, "%s: %s", media_feeds[i], out);
		free(out);
	}
	env_fini(&e);
}
END_TEST

START_TEST(rebuild_is_byte_identical_and_touches_nothing)
{
	struct env e;
	env_init(&e);
	ck_assert_int_eq(wirefeed(&e, "build --quiet --root {root} --out {out}", NULL), 0);
	char *first = snapshot(&e);
	char *out = NULL;
	ck_assert_int_eq(wirefeed(&e, "build --root {root} --out {out}", &out), 0);
	ck_assert_msg(strstr(out, "0 written"), "%s", out);
	free(out);
	char *second = snapshot(&e);
	ck_assert_str_eq(first, second);
	/* and from scratch in another directory: same bytes */
	ck_assert_int_eq(wirefeed(&e, "build --quiet --root {root} --out {out}2", NULL), 0);
	char cmd[9000];
	snprintf(cmd, sizeof(cmd), "diff -r '%s' '%s2'", e.out, e.out);
	ck_assert_int_eq(helpers_run(cmd, NULL), 0);
	free(first);
	free(second);
	env_fini(&e);
}
END_TEST

START_TEST(invalid_record_fails_build_and_keeps_previous_files)
{
	struct env e;
	env_init(&e);
	ck_assert_int_eq(wirefeed(&e, "build --quiet --root {root} --out {out}", NULL), 0);
	char *before = snapshot(&e);
	/* an edit that breaks a record, and a new story that is fine */
	char path[4200];
	snprintf(path, sizeof(path), "%s/articles/2026-11-02-whale-songs.xml", e.root);
	char *text = helpers_read_file(path, NULL);
	char *pub = strstr(text, "<published>2026-11-02T08:30:00-05:00");
	ck_assert_ptr_nonnull(pub);
	memcpy(pub + strlen("<published>2026-11-02T"), "25", 2); /* hour 25 */
	helpers_write_file(path, text, strlen(text));
	free(text);
	char *out = NULL;
	ck_assert_int_eq(wirefeed(&e, "build --root {root} --out {out}", &out), 1);
	ck_assert_msg(strstr(out, "2026-11-02-whale-songs.xml:") &&
			      strstr(out, "error:") && strstr(out, "published"),
		      "%s", out);
	ck_assert_msg(strstr(out, "nothing written"), "%s", out);
	free(out);
	char *after = snapshot(&e);
	ck_assert_str_eq(before, after);
	free(after);
	/* --keep-going publishes the rest, still exits 1 */
	ck_assert_int_eq(wirefeed(&e, "build --keep-going --root {root} --out {out}", &out), 1);
	free(out);
	after = snapshot(&e);
	ck_assert_ptr_null(strstr(after, "dcaf8170-1ddd-4f04-a24b-81aa408285a4"));
	ck_assert_ptr_nonnull(strstr(before, "dcaf8170-1ddd-4f04-a24b-81aa408285a4"));
	free(after);
	free(before);
	env_fini(&e);
}
END_TEST

START_TEST(bad_bytes_in_a_record_are_an_error_not_output)
{
	struct env e;
	env_init(&e);
	char path[4200];
	snprintf(path, sizeof(path), "%s/articles/zz-bad.xml", e.root);
	static const char bad[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<entry xmlns=\"http://www.w3.org/2005/Atom\">\n"
		"  <id>urn:uuid:9a4e7f8c-1b2d-4c3e-8f5a-6b7c8d9e0f1a</id>\n"
		"  <title>Form feed \x0c and bad \xff byte</title>\n"
		"  <published>2026-11-02T08:30:00-05:00</published>\n"
		"  <updated>2026-11-02T08:30:00-05:00</updated>\n"
		"</entry>\n";
	helpers_write_file(path, bad, sizeof(bad) - 1);
	char *out = NULL;
	ck_assert_int_eq(wirefeed(&e, "build --root {root} --out {out}", &out), 1);
	ck_assert_msg(strstr(out, "zz-bad.xml:4:"), "%s", out);
	free(out);
	char cmd[9000];
	snprintf(cmd, sizeof(cmd), "test ! -e '%s/atom.xml'", e.out);
	ck_assert_int_eq(helpers_run(cmd, NULL), 0);
	env_fini(&e);
}
END_TEST

START_TEST(usage_and_environment_errors_exit_2)
{
	struct env e;
	env_init(&e);
	char *out = NULL;
	ck_assert_int_eq(wirefeed(&e, "build --bogus", &out), 2);
	ck_assert_ptr_nonnull(strstr(out, "unknown option '--bogus'"));
	free(out);
	ck_assert_int_eq(wirefeed(&e, "build --root", &out), 2);
	free(out);
	ck_assert_int_eq(wirefeed(&e, "build --root {root}/nope --out {out}", &out), 2);
	ck_assert_msg(strstr(out, "wirefeed.conf"), "%s", out);
	free(out);
	ck_assert_int_eq(wirefeed(&e, "build --help", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "--keep-going"));
	free(out);
	env_fini(&e);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("cli_build");
	TCase *tc = tcase_create("build");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, builds_sample_newswire);
	tcase_add_test(tc, feedparser_reads_every_feed);
	tcase_add_test(tc, feedparser_reads_media_rss);
	tcase_add_test(tc, rebuild_is_byte_identical_and_touches_nothing);
	tcase_add_test(tc, invalid_record_fails_build_and_keeps_previous_files);
	tcase_add_test(tc, bad_bytes_in_a_record_are_an_error_not_output);
	tcase_add_test(tc, usage_and_environment_errors_exit_2);
	suite_add_tcase(s, tc);
	return helpers_run_suite(s);
}
