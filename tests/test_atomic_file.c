/* SPDX-License-Identifier: MIT */
/* Atomic replacement, the sweep of leftover temporaries (issue 17.8) and
 * publishing without following links inside --out (issue 17.17). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "wirefeed/atomic_file.h"
#include "wirefeed/build.h"
#include "helpers.h"

static bool
exists(const char *dir, const char *name)
{
	char path[4400];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	struct stat st;
	return lstat(path, &st) == 0;
}

static void
put(const char *dir, const char *name, const char *text)
{
	char path[4400];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	helpers_write_file(path, text, strlen(text));
}

/* A pid that is certainly not running: a child that has exited and been
 * reaped (pids are not reused that fast on Linux). */
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

START_TEST(recognises_only_our_temp_names)
{
	static const struct {
		const char *entry, *for_name;
		bool match;
		long pid;
	} cases[] = {
		{ "atom.xml.tmp-1234-abC9zZ", NULL, true, 1234 },
		{ "atom.xml.tmp-1234-abC9zZ", "atom.xml", true, 1234 },
		{ "atom.xml.tmp-1234-abC9zZ", "rss.xml", false, 0 },
		{ "atom.xml.tmp-Ab3xYz", NULL, true, 0 }, /* wirefeed 0.1 */
		{ "a.tmp-b.xml.tmp-77-abcdef", "a.tmp-b.xml", true, 77 },
		{ "atom.xml.tmp-1234-abc", NULL, false, 0 },     /* short */
		{ "atom.xml.tmp-1234-abcdefg", NULL, false, 0 }, /* long */
		{ "atom.xml.tmp-1234-abc.de", NULL, false, 0 },
		{ ".tmp-1234-abcdef", NULL, false, 0 }, /* no target */
		{ "notes.tmp", NULL, false, 0 },
		{ "story.xml", NULL, false, 0 },
		{ "atom.xml.tmp-0123-abcdef", NULL, false, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long pid = -1;
		bool got = wf_atomic_file_is_temp_name(cases[i].entry,
						       cases[i].for_name, &pid);
		ck_assert_msg(got == cases[i].match, "%s", cases[i].entry);
		if (got) {
			ck_assert_int_eq(pid, cases[i].pid);
		}
	}
}
END_TEST

START_TEST(sweep_removes_only_stale_temporaries_of_ours)
{
	char *dir = helpers_make_tempdir();
	char dead[128], mine[128], alive[128], dead_link[128];
	long gone = dead_pid();
	snprintf(dead, sizeof(dead), "atom.xml.tmp-%ld-aaaaaa", gone);
	snprintf(mine, sizeof(mine), "atom.xml.tmp-%ld-bbbbbb", (long)getpid());
	snprintf(alive, sizeof(alive), "atom.xml.tmp-%ld-cccccc",
		 (long)getppid());
	snprintf(dead_link, sizeof(dead_link), "rss.xml.tmp-%ld-dddddd", gone);
	put(dir, dead, "left by a killed build");
	put(dir, mine, "being written by us");
	put(dir, alive, "being written by a live process");
	put(dir, "atom.xml.tmp-Ab3xYz", "wirefeed 0.1");
	put(dir, "story.xml", "not a temporary");
	put(dir, "draft.tmp-1", "not our shape");
	char target[4300], link[4300];
	snprintf(target, sizeof(target), "%s/story.xml", dir);
	snprintf(link, sizeof(link), "%s/%s", dir, dead_link);
	ck_assert_int_eq(symlink(target, link), 0);

	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	struct stat st;
	ck_assert_int_eq(fstatat(fd, "story.xml", &st, 0), 0);
	/* just written: only the dead writer's file goes */
	ck_assert_uint_eq(wf_atomic_file_sweep_at(fd, (int64_t)st.st_mtime), 1);
	ck_assert(!exists(dir, dead));
	ck_assert(exists(dir, mine));
	ck_assert(exists(dir, alive));
	ck_assert(exists(dir, "atom.xml.tmp-Ab3xYz"));
	ck_assert(exists(dir, "story.xml"));
	ck_assert(exists(dir, "draft.tmp-1"));
	ck_assert(exists(dir, dead_link)); /* links are never ours */
	/* two hours later the old-style name goes too; a day later a live
	 * pid is taken for a reused one */
	ck_assert_uint_eq(wf_atomic_file_sweep_at(fd, (int64_t)st.st_mtime + 7200),
			  1);
	ck_assert(!exists(dir, "atom.xml.tmp-Ab3xYz"));
	ck_assert(exists(dir, alive));
	ck_assert_uint_eq(wf_atomic_file_sweep_at(fd, (int64_t)st.st_mtime +
							      2 * 86400),
			  1);
	ck_assert(!exists(dir, alive));
	ck_assert(exists(dir, mine)); /* our own, never */
	ck_assert(exists(target, "") || exists(dir, "story.xml"));
	close(fd);
	helpers_rmtree(dir);
	free(dir);
}
END_TEST

/* A write does not list its directory (O(n) per edit in articles/ at
 * 100,000 stories): a dead writer's temporary stays until a listing
 * sweeps it (the store's scan, below; wf_newswire_open; wf_publish). */
START_TEST(atomic_write_leaves_the_sweep_to_listings)
{
	char *dir = helpers_make_tempdir();
	char dead[128];
	snprintf(dead, sizeof(dead), "index.tmp-%ld-zzzzzz", dead_pid());
	put(dir, dead, "left by a killed edit");
	char path[4200];
	snprintf(path, sizeof(path), "%s/index", dir);
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_write_file_atomic(path, "new", 3, &d), WF_OK);
	ck_assert(exists(dir, dead));
	ck_assert_int_eq(count_temporaries(dir), 1);
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_uint_eq(wf_atomic_file_sweep_at(fd, time(NULL)), 1);
	close(fd);
	ck_assert(!exists(dir, dead));
	char *bytes = helpers_read_file(path, NULL);
	ck_assert_str_eq(bytes, "new");
	free(bytes);
	/* never through a link in the name's place: the link is replaced */
	char *other = helpers_make_tempdir();
	char target[4300];
	snprintf(target, sizeof(target), "%s/victim", other);
	put(other, "victim", "untouched");
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(symlink(target, path), 0);
	ck_assert_int_eq(wf_write_file_atomic(path, "new", 3, &d), WF_OK);
	bytes = helpers_read_file(target, NULL);
	ck_assert_str_eq(bytes, "untouched");
	free(bytes);
	helpers_rmtree(other);
	free(other);
	helpers_rmtree(dir);
	free(dir);
}
END_TEST

static struct wf_feedset *
sample_set(struct wf_newswire **nw)
{
	char root[4096];
	snprintf(root, sizeof(root), "%s/feeds", helpers_source_root());
	struct wf_diag d = { 0 };
	ck_assert_msg(wf_newswire_load(root, NULL, NULL, nw, NULL, &d) == WF_OK,
		      "%s", d.message);
	return wf_render(*nw);
}

START_TEST(publish_refuses_symlinked_directory_inside_out)
{
	struct wf_newswire *nw = NULL;
	struct wf_feedset *set = sample_set(&nw);
	char *tmp = helpers_make_tempdir();
	char out[4200], elsewhere[4200], link[4300];
	snprintf(out, sizeof(out), "%s/out", tmp);
	snprintf(elsewhere, sizeof(elsewhere), "%s/elsewhere", tmp);
	ck_assert_int_eq(mkdir(out, 0755), 0);
	ck_assert_int_eq(mkdir(elsewhere, 0755), 0);
	snprintf(link, sizeof(link), "%s/sections", out);
	ck_assert_int_eq(symlink(elsewhere, link), 0);
	struct wf_publish_stats stats;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_publish(set, out, &stats, &d), WF_ERR_IO);
	ck_assert_msg(strstr(d.source, "/out/sections") &&
			      strstr(d.message, "symbolic link"),
		      "%s: %s", d.source, d.message);
	/* issue 17.17: the section feeds went to elsewhere/ */
	char *listing = NULL;
	ck_assert_int_eq(helpers_runf(&listing, "ls -A '%s' | wc -l", elsewhere),
			 0);
	ck_assert_int_eq(atoi(listing), 0);
	free(listing);
	ck_assert_int_eq(count_temporaries(tmp), 0);
	ck_assert(!exists(out, "atom.xml")); /* nothing renamed */
	wf_feedset_unref(set);
	wf_newswire_destroy(nw);
	helpers_rmtree(tmp);
	free(tmp);
}
END_TEST

START_TEST(publish_replaces_a_symlinked_file_instead_of_writing_through)
{
	struct wf_newswire *nw = NULL;
	struct wf_feedset *set = sample_set(&nw);
	char *tmp = helpers_make_tempdir();
	char out[4200], link[4300], victim[4300];
	snprintf(out, sizeof(out), "%s/out", tmp);
	ck_assert_int_eq(mkdir(out, 0755), 0);
	put(tmp, "victim", "untouched");
	snprintf(victim, sizeof(victim), "%s/victim", tmp);
	snprintf(link, sizeof(link), "%s/atom.xml", out);
	ck_assert_int_eq(symlink(victim, link), 0);
	struct wf_publish_stats stats;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_publish(set, out, &stats, &d), WF_OK);
	char *bytes = helpers_read_file(victim, NULL);
	ck_assert_str_eq(bytes, "untouched");
	free(bytes);
	struct stat st;
	ck_assert_int_eq(lstat(link, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	wf_feedset_unref(set);
	wf_newswire_destroy(nw);
	helpers_rmtree(tmp);
	free(tmp);
}
END_TEST

START_TEST(publish_sweeps_leftovers_of_killed_runs)
{
	struct wf_newswire *nw = NULL;
	struct wf_feedset *set = sample_set(&nw);
	char *out = helpers_make_tempdir();
	long gone = dead_pid();
	char name[256];
	snprintf(name, sizeof(name), "atom.xml.tmp-%ld-qqqqqq", gone);
	put(out, name, "left by a killed build");
	char sub[4300];
	snprintf(sub, sizeof(sub), "%s/sections/politics", out);
	snprintf(name, sizeof(name), "sections/politics/rss.xml.tmp-%ld-rrrrrr",
		 gone);
	put(out, name, "left by a killed build");
	put(out, "keep.tmp-notours", "not ours");
	struct wf_publish_stats stats;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_publish(set, out, &stats, &d), WF_OK);
	ck_assert_int_eq(count_temporaries(out), 1);
	ck_assert(exists(out, "keep.tmp-notours"));
	wf_feedset_unref(set);
	wf_newswire_destroy(nw);
	helpers_rmtree(out);
	free(out);
}
END_TEST

/* Two versions of one size within a second: the second gets a later
 * mtime (nginx's ETag is mtime-size, its Last-Modified the mtime), set
 * before the rename; unchanged bytes keep theirs. */
START_TEST(publish_gives_changed_bytes_a_later_mtime)
{
	char *out = helpers_make_tempdir();
	const char *versions[] = { "version A", "version B", "version C" };
	time_t seen[3];
	for (int v = 0; v < 3; v++) {
		struct wf_feedset *set = wf_feedset_create();
		wf_feedset_add(set, "atom.xml", WF_FILE_ATOM, strdup(versions[v]),
			       strlen(versions[v]), (struct wf_time){ 0, 0, 0 }, "t", 0);
		struct wf_publish_stats stats;
		struct wf_diag d = { 0 };
		ck_assert_int_eq(wf_publish(set, out, &stats, &d), WF_OK);
		ck_assert_uint_eq(stats.written, 1);
		wf_feedset_unref(set);
		char path[4300];
		snprintf(path, sizeof(path), "%s/atom.xml", out);
		struct stat st;
		ck_assert_int_eq(stat(path, &st), 0);
		seen[v] = st.st_mtime;
		if (v > 0) {
			ck_assert_int_gt(seen[v], seen[v - 1]);
		}
	}
	/* the same bytes again: not written, the date stays */
	struct wf_feedset *set = wf_feedset_create();
	wf_feedset_add(set, "atom.xml", WF_FILE_ATOM, strdup(versions[2]),
		       strlen(versions[2]), (struct wf_time){ 0, 0, 0 }, "t", 0);
	struct wf_publish_stats stats;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_publish(set, out, &stats, &d), WF_OK);
	ck_assert_uint_eq(stats.unchanged, 1);
	wf_feedset_unref(set);
	char path[4300];
	snprintf(path, sizeof(path), "%s/atom.xml", out);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mtime, seen[2]);
	helpers_rmtree(out);
	free(out);
}
END_TEST

int
main(void)
{
	xmlInitParser();
	Suite *s = suite_create("atomic_file");
	TCase *tc = tcase_create("sweep");
	tcase_add_test(tc, recognises_only_our_temp_names);
	tcase_add_test(tc, sweep_removes_only_stale_temporaries_of_ours);
	tcase_add_test(tc, atomic_write_leaves_the_sweep_to_listings);
	suite_add_tcase(s, tc);
	tc = tcase_create("publish");
	tcase_add_test(tc, publish_refuses_symlinked_directory_inside_out);
	tcase_add_test(tc, publish_replaces_a_symlinked_file_instead_of_writing_through);
	tcase_add_test(tc, publish_sweeps_leftovers_of_killed_runs);
	tcase_add_test(tc, publish_gives_changed_bytes_a_later_mtime);
	suite_add_tcase(s, tc);
	return helpers_run_suite(s);
}
