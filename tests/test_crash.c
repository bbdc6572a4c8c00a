/* SPDX-License-Identifier: MIT */
/* kill -9 at random points of a bulk import and of a build, in a loop of
 * at least 100 kills (with a time bound): afterwards every record is
 * absent or whole and valid, an import is all or nothing, the store's
 * index and journal agree with the files at the next open (a second open
 * repairs nothing), and every feed file is the old or the new one. */
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

#define N_COPY 40
/* per loop: 2 x 50 kills; on a machine too loaded to get there within the
 * time bound, at least FLOOR_KILLS (the counts are printed) */
#define MIN_KILLS 50
#define FLOOR_KILLS 15
#define LOOP_SECONDS 50

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run @argv; kill -9 it after @delay_us unless it finished. Whether it
 * was killed. */
static bool
run_and_kill(const char *const argv[], long delay_us)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		freopen("/dev/null", "w", stdout);
		freopen("/dev/null", "w", stderr);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	/* wait for the end or the deadline, whichever comes first */
	double deadline = now_s() + (double)delay_us / 1e6;
	int status = 0;
	for (;;) {
		pid_t done = waitpid(pid, &status, WNOHANG);
		ck_assert_int_ge(done, 0);
		if (done == pid) {
			return false;
		}
		double left = deadline - now_s();
		if (left <= 0) {
			break;
		}
		long step_us = left > 0.002 ? 2000 : (long)(left * 1e6) + 1;
		nanosleep(&(struct timespec){ 0, step_us * 1000 }, NULL);
	}
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status);
}

static int
count_records(const char *root)
{
	char *out = NULL;
	ck_assert_int_eq(helpers_runf(&out, "ls '%s/articles' | grep -c '\\.xml$' || true", root), 0);
	int n = atoi(out);
	free(out);
	return n;
}

/* Open the store twice (list): the first open may recover and repair, the
 * second must find the index and journal in agreement with the files, and
 * every record must be valid. */
static void
assert_store_consistent(const char *root, bool sample_ids)
{
	/* any command opens the store: show of a record that is always there */
	const char *id = "urn:uuid:dcaf8170-1ddd-4f04-a24b-81aa408285a4";
	char *out = NULL;
	int rc = helpers_runf(&out, "'%s' show %s --root '%s' 2>&1 >/dev/null",
			      helpers_binary(), id, root);
	ck_assert_msg(rc == 0 && !strstr(out, "not a valid record"), "first open: %s", out);
	free(out);
	rc = helpers_runf(&out, "'%s' show %s --root '%s' 2>&1 >/dev/null",
			  helpers_binary(), id, root);
	ck_assert_msg(rc == 0 && !strstr(out, "repaired") && !strstr(out, "changed outside"),
		      "second open still repairs: %s", out);
	free(out);
	if (!sample_ids) {
		return;
	}
	/* ids are found through the index (a sample: each is a process) */
	rc = helpers_runf(&out,
		"for f in $(ls -d '%s'/articles/*.xml | sort -R | head -n 4); do id=$(sed -n 's|.*<id>\\(urn:uuid:[^<]*\\)</id>.*|\\1|p' \"$f\"); "
		"'%s' show \"$id\" --root '%s' >/dev/null 2>&1 || echo \"missing $id\"; done",
		root, helpers_binary(), root);
	ck_assert_msg(rc == 0 && !strstr(out, "missing"), "%s", out);
	free(out);
}

START_TEST(kill_9_during_bulk_imports)
{
	char *tmp = helpers_make_tempdir();
	char root[4200], copy[4200];
	snprintf(root, sizeof(root), "%s/wire", tmp);
	snprintf(copy, sizeof(copy), "%s/copy", tmp);
	ck_assert_int_eq(mkdir(copy, 0755), 0);
	/* N_COPY stories of wire copy */
	for (int i = 0; i < N_COPY; i++) {
		char path[4300], text[2048];
		snprintf(path, sizeof(path), "%s/%03d.txt", copy, i);
		snprintf(text, sizeof(text),
			 "Crash story number %d\n\nHarbor City Wire | 7/4/2021\nA teaser.\n\n"
			 "Originally Published: 04 JUL 2021 06:%02d ET\n\nBy Sam Ortiz, Harbor City Wire\n\n"
			 "Paragraph one of story %d, long enough to take a moment to write.\n\n"
			 "Paragraph two.\n",
			 i, i % 60, i);
		helpers_write_file(path, text, strlen(text));
	}
	const char *argv[N_COPY + 8];
	int k = 0;
	argv[k++] = helpers_binary();
	argv[k++] = "import";
	argv[k++] = "--root";
	argv[k++] = root;
	char *names[N_COPY];
	for (int i = 0; i < N_COPY; i++) {
		names[i] = malloc(4400);
		snprintf(names[i], 4400, "%s/%03d.txt", copy, i);
		argv[k++] = names[i];
	}
	argv[k] = NULL;
	/* how long one import takes here: kills land inside it */
	ck_assert_int_eq(helpers_copy_sample_wire(root), 0);
	int before = count_records(root);
	double t0 = now_s();
	ck_assert(!run_and_kill(argv, 60L * 1000000));
	long span_us = (long)((now_s() - t0) * 1e6 * 1.2) + 1000;
	ck_assert_int_eq(count_records(root), before + N_COPY);
	srand(11);
	int kills = 0, none = 0, all = 0;
	double start = now_s();
	helpers_rmtree(root);
	ck_assert_int_eq(helpers_copy_sample_wire(root), 0);
	while (kills < MIN_KILLS && now_s() - start < LOOP_SECONDS) {
		if (run_and_kill(argv, rand() % span_us)) {
			kills++;
		}
		assert_store_consistent(root, kills % 8 == 0);
		int n = count_records(root);
		ck_assert_msg(n == before || n == before + N_COPY,
			      "import neither none nor all: %d records (before %d)", n, before);
		if (n == before) {
			none++; /* nothing written: try again as it is */
		} else {
			all++;
			helpers_rmtree(root);
			ck_assert_int_eq(helpers_copy_sample_wire(root), 0);
		}
	}
	fprintf(stderr, "imports: %d kills (%d none, %d all) in %.0f s\n", kills, none,
		all, now_s() - start);
	ck_assert_int_ge(kills, now_s() - start < LOOP_SECONDS ? MIN_KILLS : FLOOR_KILLS);
	for (int i = 0; i < N_COPY; i++) {
		free(names[i]);
	}
	helpers_rmtree(tmp);
	free(tmp);
}
END_TEST

/* Every file under @out equals the one under @a or the one under @b. */
static void
assert_each_file_old_or_new(const char *out, const char *a, const char *b)
{
	char *list = NULL;
	ck_assert_int_eq(helpers_runf(&list, "cd '%s' && find . -type f ! -name '*.tmp-*' | sort", a), 0);
	for (char *line = strtok(list, "\n"); line; line = strtok(NULL, "\n")) {
		char pa[4400], pb[4400], po[4400];
		snprintf(pa, sizeof(pa), "%s/%s", a, line);
		snprintf(pb, sizeof(pb), "%s/%s", b, line);
		snprintf(po, sizeof(po), "%s/%s", out, line);
		char *ta = helpers_read_file(pa, NULL), *tb = helpers_read_file(pb, NULL),
		     *to = helpers_read_file(po, NULL);
		ck_assert_msg(to && ((ta && strcmp(to, ta) == 0) || (tb && strcmp(to, tb) == 0)),
			      "%s is neither the old nor the new file", po);
		free(ta);
		free(tb);
		free(to);
	}
	free(list);
}

START_TEST(kill_9_during_builds)
{
	char *tmp = helpers_make_tempdir();
	char root[4200], out[4200], old_dir[4200], new_dir[4200];
	snprintf(root, sizeof(root), "%s/wire", tmp);
	snprintf(out, sizeof(out), "%s/public", tmp);
	snprintf(old_dir, sizeof(old_dir), "%s/old", tmp);
	snprintf(new_dir, sizeof(new_dir), "%s/new", tmp);
	ck_assert_int_eq(helpers_copy_sample_wire(root), 0);
	const char *id = "urn:uuid:dcaf8170-1ddd-4f04-a24b-81aa408285a4";
	const char *argv[] = { helpers_binary(), "build", "--full", "--quiet", "--root", root,
			       "--out", out, NULL };
	ck_assert(!run_and_kill(argv, 60L * 1000000));
	double t0 = now_s();
	ck_assert(!run_and_kill(argv, 60L * 1000000));
	long span_us = (long)((now_s() - t0) * 1e6 * 1.2) + 1000;
	srand(7);
	int kills = 0;
	double start = now_s();
	for (int round = 0; kills < MIN_KILLS && now_s() - start < LOOP_SECONDS; round++) {
		/* old = what is published; new = after this edit */
		helpers_rmtree(old_dir);
		helpers_rmtree(new_dir);
		ck_assert_int_eq(helpers_runf(NULL, "cp -R '%s' '%s'", out, old_dir), 0);
		ck_assert_int_eq(helpers_runf(NULL, "'%s' update %s --title 'Round %d' --root '%s' >/dev/null 2>&1",
					      helpers_binary(), id, round, root), 0);
		ck_assert_int_eq(helpers_runf(NULL, "'%s' build --full --quiet --root '%s' --out '%s' --journal",
					      helpers_binary(), root, new_dir), 0);
		for (int k = 0; k < 5; k++) {
			if (run_and_kill(argv, rand() % span_us)) {
				kills++;
			}
			assert_each_file_old_or_new(out, old_dir, new_dir);
		}
		ck_assert_int_eq(helpers_runf(NULL, "xmllint --noout --nonet $(find '%s' -name '*.xml' ! -name '*.tmp-*')", out), 0);
		/* and the next build finishes the job */
		ck_assert_int_eq(helpers_runf(NULL, "'%s' build --quiet --root '%s' --out '%s'",
					      helpers_binary(), root, out), 0);
		assert_each_file_old_or_new(out, new_dir, new_dir);
	}
	fprintf(stderr, "builds: %d kills in %.0f s\n", kills, now_s() - start);
	ck_assert_int_ge(kills, now_s() - start < LOOP_SECONDS ? MIN_KILLS : FLOOR_KILLS);
	helpers_rmtree(tmp);
	free(tmp);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("crash");
	TCase *tc = tcase_create("kill_9");
	tcase_set_timeout(tc, 200);
	tcase_add_test(tc, kill_9_during_bulk_imports);
	tcase_add_test(tc, kill_9_during_builds);
	suite_add_tcase(s, tc);
	return helpers_run_suite(s);
}
