/* SPDX-License-Identifier: MIT */
/* Issue 17 (hardening), end to end with the real binary: empty files, NUL
 * bytes, impossible dates, unsafe links, killed builds and symlinks in the
 * output directory. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

static void
assert_has(const char *text, const char *needle)
{
	ck_assert_msg(text && strstr(text, needle), "expected '%s' in:\n%s",
		      needle, text ? text : "(null)");
}

/* Write @len bytes to <tmp>/@name; returns the path (static buffer). */
static const char *
tmp_file(const struct wire *w, const char *name, const char *data, size_t len)
{
	static char path[4300];
	snprintf(path, sizeof(path), "%s/%s", w->tmp, name);
	helpers_write_file(path, data, len);
	return path;
}

static char *
list_articles(const struct wire *w)
{
	char *out = NULL;
	ck_assert_int_eq(helpers_runf(&out, "ls -a '%s/articles'", w->root), 0);
	return out;
}

static char *
first_id(const struct wire *w)
{
	char *out = NULL;
	ck_assert_int_eq(helpers_runf(&out,
				      "grep -ho 'urn:uuid:[0-9a-f-]*' '%s'/articles/*.xml | head -1",
				      w->root), 0);
	out[strcspn(out, "\n")] = '\0';
	return out;
}

/* ---- 17.3: empty files ---- */

START_TEST(import_refuses_empty_copy)
{
	struct wire w;
	wire_init(&w);
	const char *path = tmp_file(&w, "empty.txt", "", 0);
	char *out = NULL;
	ck_assert_int_eq(helpers_runf(&out, "'%s' import --root '%s' '%s'",
				      helpers_binary(), w.root, path), 1);
	assert_has(out, "empty.txt:1: error: empty wire copy");
	free(out);
	wire_fini(&w);
}
END_TEST

START_TEST(editing_commands_survive_an_empty_record_file)
{
	struct wire w;
	wire_init(&w);
	char empty[4200];
	snprintf(empty, sizeof(empty), "%s/articles/empty.xml", w.root);
	helpers_write_file(empty, "", 0);
	char *id = first_id(&w);
	static const char *const cmds[][2] = {
		{ "show", "" },
		{ "update", "--minor --summary 'New summary.'" },
		{ "correct", "'An earlier version misspelled a name.'" },
		{ "withdraw", "--reason 'Legal request.'" },
	};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char *out = NULL;
		int rc = helpers_runf(&out, "'%s' %s '%s' %s --root '%s'",
				      helpers_binary(), cmds[i][0], id,
				      cmds[i][1], w.root);
		ck_assert_msg(rc == 0, "%s: rc %d: %s", cmds[i][0], rc, out);
		free(out);
	}
	free(id);
	wire_fini(&w);
}
END_TEST

/* ---- 17.5: NUL bytes in wire copy ---- */

START_TEST(import_refuses_nul_with_line_and_column)
{
	struct wire w;
	wire_init(&w);
	static const char copy[] =
		"Title of the story\n"
		"\n"
		"Originally Published: 04 JUL 21 06:15 ET\n"
		"\n"
		"Body \0 and the rest that strlen() would drop.\n";
	const char *path = tmp_file(&w, "nul.txt", copy, sizeof(copy) - 1);
	char *before = list_articles(&w);
	char *out = NULL;
	ck_assert_int_eq(helpers_runf(&out, "'%s' import --root '%s' '%s'",
				      helpers_binary(), w.root, path), 1);
	assert_has(out, "nul.txt:5:6: error: NUL byte not allowed");
	assert_has(out, "nothing written");
	free(out);
	/* from stdin too */
	ck_assert_int_eq(helpers_runf(&out, "'%s' import --root '%s' - < '%s'",
				      helpers_binary(), w.root, path), 1);
	assert_has(out, "<stdin>:5:6: error:");
	free(out);
	char *after = list_articles(&w);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	wire_fini(&w);
}
END_TEST

/* ---- 17.7 and 17.13: impossible dates and unsafe links on the way in ---- */

START_TEST(edits_refuse_impossible_times_and_unsafe_links)
{
	struct wire w;
	wire_init(&w);
	char *id = first_id(&w);
	char *before = NULL;
	ck_assert_int_eq(helpers_runf(&before, "cat '%s'/articles/*.xml", w.root), 0);
	static const struct {
		const char *args;
		int rc;
		const char *needle;
	} cases[] = {
		{ "--summary x --at 9999-12-31T00:00:00Z", 2,
		  "the year is outside the years wirefeed accepts" },
		{ "--summary x --at 0000-01-01T00:00:00Z", 2,
		  "the year is outside the years wirefeed accepts" },
		{ "--summary x --at 2999-01-01T00:00:00Z", 2,
		  "is in the future" },
		{ "--link 'javascript:alert(1)'", 1,
		  "link 'javascript:alert(1)' has a scheme other than http or https" },
		{ "--link 'https://example.org/a>b'", 1,
		  "contains a character not allowed in an IRI (at byte 21)" },
		{ "--link ''", 1, "link '' is empty" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = NULL;
		int rc = helpers_runf(&out, "'%s' update '%s' %s --root '%s'",
				      helpers_binary(), id, cases[i].args, w.root);
		ck_assert_msg(rc == cases[i].rc, "%s: rc %d: %s", cases[i].args,
			      rc, out);
		assert_has(out, cases[i].needle);
		free(out);
	}
	char *after = NULL;
	ck_assert_int_eq(helpers_runf(&after, "cat '%s'/articles/*.xml", w.root), 0);
	ck_assert_str_eq(before, after); /* nothing written */
	free(before);
	free(after);
	/* and the build still works: nothing half-written */
	char *out = NULL;
	ck_assert_int_eq(helpers_runf(&out, "'%s' build --root '%s' --out '%s'",
				      helpers_binary(), w.root, w.out), 0);
	free(out);
	free(id);
	wire_fini(&w);
}
END_TEST

/* ---- 17.14: duplicate ids name the line of the <id> ---- */

START_TEST(duplicate_id_error_names_the_id_line)
{
	struct wire w;
	wire_init(&w);
	ck_assert_int_eq(helpers_runf(NULL, "cp '%s/articles/2026-10-31-storm-watch.xml' '%s/articles/zz-copy.xml'",
				      w.root, w.root), 0);
	char *out = NULL;
	ck_assert_int_eq(helpers_runf(&out, "'%s' build --root '%s' --out '%s'",
				      helpers_binary(), w.root, w.out), 1);
	assert_has(out, "/articles/zz-copy.xml:3:3: error: duplicate id");
	assert_has(out, "/articles/2026-10-31-storm-watch.xml:3:3: error: duplicate id");
	free(out);
	wire_fini(&w);
}
END_TEST

/* ---- 17.8: leftovers of killed runs ---- */

static int
count_temporaries(const char *dir)
{
	char *out = NULL;
	ck_assert_int_eq(helpers_runf(&out, "find '%s' -name '*.tmp-*' | wc -l",
				      dir), 0);
	int n = atoi(out);
	free(out);
	return n;
}

static long
dead_pid(void)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	return (long)pid;
}

START_TEST(next_run_removes_temporaries_of_killed_runs)
{
	struct wire w;
	wire_init(&w);
	char *out = NULL;
	ck_assert_int_eq(helpers_runf(&out, "'%s' build --root '%s' --out '%s'",
				      helpers_binary(), w.root, w.out), 0);
	free(out);
	/* what a killed build / edit leaves, in every directory it writes */
	long gone = dead_pid();
	char path[4400];
	snprintf(path, sizeof(path), "%s/atom.xml.tmp-%ld-aaaaaa", w.out, gone);
	helpers_write_file(path, "torn", 4);
	snprintf(path, sizeof(path), "%s/sections/local/rss.xml.tmp-%ld-bbbbbb",
		 w.out, gone);
	helpers_write_file(path, "torn", 4);
	/* a build killed while closing an archive: its temporary, and the
	 * archive's files not all there */
	snprintf(path, sizeof(path), "%s/sections/business/archives/2026-10/rss.xml.tmp-%ld-eeeeee",
		 w.out, gone);
	helpers_write_file(path, "torn", 4);
	snprintf(path, sizeof(path), "%s/sections/business/archives/2026-10/rss.xml",
		 w.out);
	ck_assert_int_eq(unlink(path), 0);
	snprintf(path, sizeof(path), "%s/articles/2026-x.xml.tmp-%ld-cccccc",
		 w.root, gone);
	helpers_write_file(path, "torn", 4);
	snprintf(path, sizeof(path), "%s/.wirefeed-index.tmp-%ld-dddddd",
		 w.root, gone);
	helpers_write_file(path, "torn", 4);
	/* a build alone (no edit, nothing to save) clears every directory */
	ck_assert_int_eq(helpers_runf(&out, "'%s' build --root '%s' --out '%s'",
				      helpers_binary(), w.root, w.out), 0);
	free(out);
	ck_assert_int_eq(count_temporaries(w.tmp), 0);
	/* and real kill -9s at random points of real builds (bounded: 40) */
	char log[4300];
	snprintf(log, sizeof(log), "%s/kill.log", w.tmp);
	srand(17);
	for (int i = 0; i < 40; i++) {
		char out_dir[4200];
		snprintf(out_dir, sizeof(out_dir), "%s", w.out);
		const char *argv[] = { helpers_binary(), "build", "--root", w.root,
				       "--out", out_dir, NULL };
		/* a changed story each round, so the build has files to write */
		if (i % 4 == 0) {
			char *id = first_id(&w);
			ck_assert_int_eq(helpers_runf(NULL, "'%s' update '%s' --minor --summary 'Round %d.' --root '%s'",
						      helpers_binary(), id, i, w.root), 0);
			free(id);
		}
		pid_t pid = helpers_spawn(argv, log);
		struct timespec ts = { 0, (long)(rand() % 20) * 1000000L };
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	/* the next runs: a build, an edit */
	ck_assert_int_eq(helpers_runf(&out, "'%s' build --root '%s' --out '%s'",
				      helpers_binary(), w.root, w.out), 0);
	free(out);
	char *id = first_id(&w);
	ck_assert_int_eq(helpers_runf(&out, "'%s' update '%s' --minor --summary 'After.' --root '%s'",
				      helpers_binary(), id, w.root), 0);
	free(out);
	free(id);
	ck_assert_int_eq(count_temporaries(w.out), 0);
	ck_assert_int_eq(count_temporaries(w.root), 0);
	wire_fini(&w);
}
END_TEST

/* ---- 17.17: symbolic links inside --out ---- */

START_TEST(build_does_not_write_through_symlinked_sections)
{
	struct wire w;
	wire_init(&w);
	char elsewhere[4200], link[4300];
	snprintf(elsewhere, sizeof(elsewhere), "%s/elsewhere", w.tmp);
	ck_assert_int_eq(mkdir(elsewhere, 0755), 0);
	ck_assert_int_eq(mkdir(w.out, 0755), 0);
	snprintf(link, sizeof(link), "%s/sections", w.out);
	ck_assert_int_eq(symlink(elsewhere, link), 0);
	char *out = NULL;
	int rc = helpers_runf(&out, "'%s' build --root '%s' --out '%s'",
			      helpers_binary(), w.root, w.out);
	ck_assert_msg(rc != 0, "%s", out);
	assert_has(out, "/public/sections: error: is a symbolic link");
	free(out);
	ck_assert_int_eq(helpers_runf(&out, "ls -A '%s' | wc -l", elsewhere), 0);
	ck_assert_int_eq(atoi(out), 0);
	free(out);
	wire_fini(&w);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("cli_harden");
	TCase *tc = tcase_create("harden");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, import_refuses_empty_copy);
	tcase_add_test(tc, editing_commands_survive_an_empty_record_file);
	tcase_add_test(tc, import_refuses_nul_with_line_and_column);
	tcase_add_test(tc, edits_refuse_impossible_times_and_unsafe_links);
	tcase_add_test(tc, duplicate_id_error_names_the_id_line);
	tcase_add_test(tc, next_run_removes_temporaries_of_killed_runs);
	tcase_add_test(tc, build_does_not_write_through_symlinked_sections);
	suite_add_tcase(s, tc);
	return helpers_run_suite(s);
}
