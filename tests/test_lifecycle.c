/* SPDX-License-Identifier: MIT */
/* The story lifecycle (docs/lifecycle.md): phases by the clock, the record
 * elements and their errors, the editing commands, real clients reading a
 * withdrawal, and serve releasing an embargo at its second. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "wirefeed/article.h"
#include "wirefeed/record.h"
#include "helpers.h"

#define DAY 86400

static struct wf_time
at(const char *rfc3339)
{
	struct wf_time t;
	const char *why = NULL;
	ck_assert_int_eq(wf_time_parse_rfc3339(rfc3339, &t, &why), WF_OK);
	return t;
}

START_TEST(phases_follow_the_clock)
{
	struct wf_article *a = wf_article_create();
	a->published = a->updated = at("2026-03-01T10:00:00Z");
	a->has_embargo = true;
	a->embargo_until = at("2026-03-01T12:00:00Z");
	a->has_expiry = true;
	a->expires_at = at("2026-03-05T00:00:00Z");
	int64_t emb = a->embargo_until.utc, exp = a->expires_at.utc;
	int64_t window = 2 * DAY;
	struct wf_article_end end;
	ck_assert_int_eq(wf_article_phase(a, emb - 1, window, NULL), WF_PHASE_EMBARGOED);
	ck_assert_int_eq(wf_article_next_phase(a, emb - 1, window), emb);
	ck_assert_int_eq(wf_article_phase(a, emb, window, NULL), WF_PHASE_LIVE);
	ck_assert_int_eq(wf_article_next_phase(a, emb, window), exp);
	ck_assert_int_eq(wf_article_phase(a, exp - 1, window, NULL), WF_PHASE_LIVE);
	ck_assert_int_eq(wf_article_phase(a, exp, window, &end), WF_PHASE_KILLED);
	ck_assert(end.expired);
	ck_assert_int_eq(end.when.utc, exp);
	ck_assert_int_eq(wf_article_next_phase(a, exp, window), exp + window);
	ck_assert_int_eq(wf_article_phase(a, exp + window, window, NULL), WF_PHASE_GONE);
	ck_assert_int_eq(wf_article_next_phase(a, exp + window, window), INT64_MAX);
	/* withdrawn after release, before expiry: the withdrawal is the end */
	a->status = WF_ARTICLE_WITHDRAWN;
	a->withdrawn_at = at("2026-03-02T00:00:00Z");
	wf_article_set_string(&a->withdrawn_reason, "Legal.");
	ck_assert_int_eq(wf_article_phase(a, a->withdrawn_at.utc + 1, window, &end), WF_PHASE_KILLED);
	ck_assert(!end.expired);
	ck_assert_str_eq(end.reason, "Legal.");
	ck_assert_int_eq(wf_article_phase(a, a->withdrawn_at.utc + window, window, NULL),
			 WF_PHASE_GONE);
	/* withdrawn before the embargo lifted: readers never saw it */
	a->withdrawn_at = at("2026-03-01T11:00:00Z");
	ck_assert_int_eq(wf_article_phase(a, emb + 10, window, NULL), WF_PHASE_GONE);
	ck_assert_str_eq(wf_article_phase_name(WF_PHASE_EMBARGOED), "embargoed");
	wf_article_destroy(a);
}
END_TEST

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<entry xmlns=\"http://www.w3.org/2005/Atom\" " \
	"xmlns:wf=\"https://wirefeed.dev/ns/record/1.0\">\n" \
	"  <id>urn:uuid:0b6c2c52-3d1a-4e5f-8a9b-1c2d3e4f5a6b</id>\n" \
	"  <title>Budget vote</title>\n" \
	"  <published>2026-03-01T10:00:00Z</published>\n" \
	"  <updated>2026-03-01T10:00:00Z</updated>\n"

static void
expect_record_error(const char *xml, int line, const char *needle)
{
	struct wf_article *a = NULL;
	struct wf_diag d = { 0 };
	enum wf_status st = wf_record_parse_memory(xml, strlen(xml), "story.xml", &a, &d);
	ck_assert_msg(st != WF_OK, "accepted: %s", xml);
	ck_assert_ptr_null(a);
	ck_assert_str_eq(d.source, "story.xml");
	ck_assert_int_eq(d.line, line);
	ck_assert_msg(d.column > 0, "no column: %s", d.message);
	ck_assert_msg(strstr(d.message, needle) != NULL, "'%s' lacks '%s'", d.message,
		      needle);
}

START_TEST(record_elements_round_trip_and_errors_name_the_line)
{
	const char *good = HEAD "  <wf:embargo>2026-03-01T12:00:00Z</wf:embargo>\n"
			   "  <wf:expires>2026-04-01T00:00:00Z</wf:expires>\n</entry>\n";
	struct wf_article *a = NULL;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_record_parse_memory(good, strlen(good), "s.xml", &a, &d), WF_OK);
	ck_assert(a->has_embargo && a->has_expiry);
	ck_assert_int_eq(a->embargo_until.utc, at("2026-03-01T12:00:00Z").utc);
	char *text = NULL;
	ck_assert_int_eq(wf_record_format(a, &text, NULL, &d), WF_OK);
	ck_assert_ptr_nonnull(strstr(text, "<wf:embargo>2026-03-01T12:00:00Z</wf:embargo>"));
	ck_assert_ptr_nonnull(strstr(text, "<wf:expires>2026-04-01T00:00:00Z</wf:expires>"));
	struct wf_article *again = NULL;
	ck_assert_int_eq(wf_record_parse_memory(text, strlen(text), "s.xml", &again, &d), WF_OK);
	ck_assert_int_eq(again->expires_at.utc, a->expires_at.utc);
	wf_article_destroy(again);
	wf_article_destroy(a);
	free(text);
	expect_record_error(HEAD "  <wf:embargo>next tuesday</wf:embargo>\n</entry>\n", 7,
			    "bad embargo date");
	expect_record_error(HEAD "  <wf:expires>2026-02-01T00:00:00Z</wf:expires>\n</entry>\n", 7,
			    "expires before");
	expect_record_error(HEAD "  <wf:embargo>2026-03-02T00:00:00Z</wf:embargo>\n"
			    "  <wf:expires>2026-03-01T20:00:00Z</wf:expires>\n</entry>\n", 8,
			    "before (or when) its embargo lifts");
	expect_record_error(HEAD "  <wf:embargo>2026-03-02T00:00:00Z</wf:embargo>\n"
			    "  <wf:embargo>2026-03-03T00:00:00Z</wf:embargo>\n</entry>\n", 8,
			    "duplicate <wf:embargo>");
}
END_TEST

/* ---- the commands --------------------------------------------------------- */

static char *
make_wire(char **tmp_out)
{
	char *tmp = helpers_make_tempdir();
	char *root = NULL;
	char *out = NULL;
	ck_assert_int_eq(helpers_runf(&out, "mkdir -p '%s/wire/articles' && printf '%%s\\n' "
				      "'title = Wire' 'base_url = http://127.0.0.1/' "
				      "'feed_id = urn:uuid:0b7e8f1e-3c55-4e43-9a43-52b3e1a0d6b1' "
				      "'section = city | City' > '%s/wire/wirefeed.conf'",
				      tmp, tmp), 0);
	free(out);
	root = malloc(strlen(tmp) + 8);
	sprintf(root, "%s/wire", tmp);
	*tmp_out = tmp;
	return root;
}

START_TEST(commands_set_show_and_refuse)
{
	char *tmp = NULL;
	char *root = make_wire(&tmp);
	char *out = NULL;
	const char *w = helpers_binary();
	/* bad times: exit 2, nothing written */
	ck_assert_int_eq(helpers_runf(&out, "'%s' new --root '%s' --title T --embargo soon 2>&1", w, root), 2);
	ck_assert_msg(strstr(out, "--embargo 'soon'") != NULL, "%s", out);
	free(out);
	ck_assert_int_eq(helpers_runf(&out, "ls '%s/articles' | grep -c xml", root), 1);
	free(out);
	/* an expiry before publication: the record rule, exit 1 */
	ck_assert_int_eq(helpers_runf(&out, "'%s' new --root '%s' --title T --at 2026-03-01T10:00:00Z --expires 2026-02-01T00:00:00Z 2>&1",
				      w, root), 1);
	ck_assert_msg(strstr(out, "expires before") != NULL, "%s", out);
	free(out);
	/* an embargoed story: list and show say until when */
	ck_assert_int_eq(helpers_runf(&out, "'%s' new --root '%s' --title Held --section city --embargo 2999-01-01T00:00:00Z 2>/dev/null",
				      w, root), 0);
	char held[64];
	snprintf(held, sizeof(held), "%.45s", out);
	free(out);
	ck_assert_int_eq(helpers_runf(&out, "'%s' list --root '%s'", w, root), 0);
	ck_assert_msg(strstr(out, "embargoed until 2999-01-01T00:00:00Z") != NULL, "%s", out);
	free(out);
	ck_assert_int_eq(helpers_runf(&out, "'%s' show '%s' --root '%s'", w, held, root), 0);
	ck_assert_msg(strstr(out, "<!-- state: embargoed until 2999-01-01T00:00:00Z -->") != NULL, "%s", out);
	free(out);
	/* the build leaves it out and says when it goes out */
	ck_assert_int_eq(helpers_runf(&out, "'%s' build --root '%s' --out '%s/public' 2>&1", w, root, tmp), 0);
	ck_assert_msg(strstr(out, "is embargoed until 2999-01-01T00:00:00Z") != NULL, "%s", out);
	free(out);
	ck_assert_int_eq(helpers_runf(&out, "grep -c '%s' '%s/public/atom.xml' '%s/public/index.html' '%s/public/feed.json'",
				      held, tmp, tmp, tmp), 1);
	free(out);
	/* a published story cannot be put back under embargo */
	ck_assert_int_eq(helpers_runf(&out, "'%s' new --root '%s' --title Out --at 2026-03-01T10:00:00Z 2>/dev/null",
				      w, root), 0);
	char live[64];
	snprintf(live, sizeof(live), "%.45s", out);
	free(out);
	char *before = NULL;
	ck_assert_int_eq(helpers_runf(&before, "cat '%s'/articles/*out.xml", root), 0);
	ck_assert_int_eq(helpers_runf(&out, "'%s' update '%s' --root '%s' --embargo 2999-01-01T00:00:00Z 2>&1",
				      w, live, root), 1);
	ck_assert_msg(strstr(out, "already published") != NULL, "%s", out);
	free(out);
	char *after = NULL;
	ck_assert_int_eq(helpers_runf(&after, "cat '%s'/articles/*out.xml", root), 0);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	/* while held, its release can move */
	ck_assert_int_eq(helpers_runf(&out, "'%s' update '%s' --root '%s' --embargo 2998-06-01T00:00:00Z 2>&1",
				      w, held, root), 0);
	free(out);
	ck_assert_int_eq(helpers_runf(&out, "'%s' list --root '%s'", w, root), 0);
	ck_assert_msg(strstr(out, "embargoed until 2998-06-01T00:00:00Z") != NULL, "%s", out);
	free(out);
	/* build --journal with nothing journaled since still renders once a
	 * phase change is due (the last-build record keeps the next one) */
	ck_assert_int_eq(helpers_runf(&out, "'%s' build --quiet --journal --root '%s' --out '%s/public' --at 2998-05-31T00:00:00Z 2>&1",
				      w, root, tmp), 0);
	free(out);
	ck_assert_int_eq(helpers_runf(&out, "grep -c '%s' '%s/public/atom.xml'", held, tmp), 1);
	free(out);
	ck_assert_int_eq(helpers_runf(&out, "'%s' build --quiet --journal --root '%s' --out '%s/public' --at 2998-06-01T00:00:00Z 2>&1",
				      w, root, tmp), 0);
	free(out);
	ck_assert_int_eq(helpers_runf(&out, "grep -c '%s' '%s/public/atom.xml'", held, tmp), 0);
	free(out);
	/* build --at its release: in the feeds, dated from then */
	ck_assert_int_eq(helpers_runf(&out, "'%s' build --quiet --root '%s' --out '%s/public' --at 2998-06-01T00:00:00Z 2>&1",
				      w, root, tmp), 0);
	free(out);
	ck_assert_int_eq(helpers_runf(&out, "grep -A4 '<id>%s</id>' '%s/public/atom.xml'", held, tmp), 0);
	ck_assert_msg(strstr(out, "<published>2998-06-01T00:00:00Z</published>") != NULL, "%s", out);
	free(out);
	helpers_rmtree(tmp);
	free(tmp);
	free(root);
}
END_TEST

/* feedparser and newsboat read a withdrawal, an expiry and the end of the
 * tombstone window (tests/e2e/lifecycle_check.py). */
START_TEST(real_clients_see_withdrawal_and_expiry)
{
	char *tmp = helpers_make_tempdir();
	char *out = NULL;
	int rc = helpers_runf(&out, "/usr/bin/python3 '%s/tests/e2e/lifecycle_check.py' '%s' '%s'",
			      helpers_source_root(), helpers_binary(), tmp);
	ck_assert_msg(rc == 0, "lifecycle_check.py (%d):\n%s", rc, out);
	ck_assert_ptr_nonnull(strstr(out, "lifecycle: 0 problems"));
	free(out);
	helpers_rmtree(tmp);
	free(tmp);
}
END_TEST

/* ---- serve releases an embargo at its second ------------------------------ */

struct body {
	char *data;
	size_t len;
	char etag[128];
};

static size_t
on_data(char *p, size_t size, size_t n, void *ud)
{
	struct body *b = ud;
	b->data = realloc(b->data, b->len + size * n + 1);
	memcpy(b->data + b->len, p, size * n);
	b->len += size * n;
	b->data[b->len] = '\0';
	return size * n;
}

static size_t
on_head(char *p, size_t size, size_t n, void *ud)
{
	struct body *b = ud;
	if (size * n > 6 && strncasecmp(p, "etag: ", 6) == 0) {
		snprintf(b->etag, sizeof(b->etag), "%.*s", (int)strcspn(p + 6, "\r\n"), p + 6);
	}
	return size * n;
}

static void
fetch(const char *url, struct body *b)
{
	memset(b, 0, sizeof(*b));
	CURL *c = curl_easy_init();
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_head);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, b);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 5L);
	CURLcode rc = curl_easy_perform(c);
	curl_easy_cleanup(c);
	ck_assert_msg(rc == CURLE_OK, "%s: %s", url, curl_easy_strerror(rc));
}

static double
wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

START_TEST(serve_releases_an_embargo_at_its_second)
{
	char *tmp = NULL;
	char *root = make_wire(&tmp);
	char *out = NULL;
	ck_assert_int_eq(helpers_runf(&out, "'%s' new --root '%s' --title Earlier --section city --at 2026-03-01T10:00:00Z",
				      helpers_binary(), root), 0);
	free(out);
	/* released 3 s from now, on a whole second */
	time_t release = time(NULL) + 3;
	char when[64];
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&release));
	ck_assert_int_eq(helpers_runf(&out, "'%s' new --root '%s' --title 'Held story' --section city --embargo %s",
				      helpers_binary(), root, when), 0);
	free(out);
	/* and one that expires 2 s after that */
	time_t expiry = release + 2;
	char expires[64];
	strftime(expires, sizeof(expires), "%Y-%m-%dT%H:%M:%SZ", gmtime(&expiry));
	ck_assert_int_eq(helpers_runf(&out, "'%s' new --root '%s' --title 'Fading story' --section city --expires %s",
				      helpers_binary(), root, expires), 0);
	free(out);
	char log[4200], public_dir[4200];
	snprintf(log, sizeof(log), "%s/serve.log", tmp);
	snprintf(public_dir, sizeof(public_dir), "%s/public", tmp);
	const char *argv[] = { helpers_binary(), "serve", "--root", root, "--out", public_dir,
			       "--listen", "127.0.0.1:0", "--scan-interval", "0", NULL };
	pid_t pid = helpers_spawn(argv, log);
	char *text = helpers_wait_for_text(log, "serving", 10000);
	ck_assert_msg(text != NULL, "server did not start");
	const char *p = strstr(text, "http://127.0.0.1:");
	ck_assert_ptr_nonnull(p);
	char url[128];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/sections/city/atom.xml",
		 atoi(p + strlen("http://127.0.0.1:")));
	free(text);
	struct body first;
	fetch(url, &first);
	ck_assert_ptr_null(strstr(first.data, "Held story"));
	double seen_at = 0;
	char etag_before[128];
	snprintf(etag_before, sizeof(etag_before), "%s", first.etag);
	for (;;) {
		struct body b;
		double t = wall_now();
		fetch(url, &b);
		bool has = strstr(b.data, "Held story") != NULL;
		/* the ETag changes exactly when the bytes do */
		ck_assert_int_eq(strcmp(b.etag, etag_before) != 0, has);
		ck_assert_int_eq(has, strcmp(b.data, first.data) != 0);
		free(b.data);
		if (has) {
			seen_at = t;
			break;
		}
		ck_assert_msg(t < (double)release + 1.0,
			      "not released within 1 s of %s", when);
		nanosleep(&(struct timespec){ 0, 50000000 }, NULL);
	}
	ck_assert_msg(seen_at >= (double)release - 0.06,
		      "released %.3f s early", (double)release - seen_at);
	/* expiry likewise: the notice replaces the story at its second */
	double gone_at = 0;
	for (;;) {
		struct body b;
		double t = wall_now();
		fetch(url, &b);
		bool fading = strstr(b.data, "Fading story") != NULL;
		bool notice = strstr(b.data, "Story expired") != NULL;
		free(b.data);
		ck_assert_int_eq(fading, !notice);
		if (notice) {
			gone_at = t;
			break;
		}
		ck_assert_msg(t < (double)expiry + 1.0, "not expired within 1 s of %s", expires);
		nanosleep(&(struct timespec){ 0, 50000000 }, NULL);
	}
	ck_assert_msg(gone_at >= (double)expiry - 0.06, "expired %.3f s early",
		      (double)expiry - gone_at);
	free(first.data);
	kill(pid, SIGTERM);
	ck_assert_int_eq(helpers_wait_exit(pid, 15000), 0);
	text = helpers_read_file(log, NULL);
	ck_assert_msg(strstr(text, "rebuilt (clock)") != NULL, "%s", text);
	free(text);
	helpers_rmtree(tmp);
	free(tmp);
	free(root);
}
END_TEST

int
main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	Suite *s = suite_create("lifecycle");
	TCase *tc = tcase_create("unit");
	tcase_add_test(tc, phases_follow_the_clock);
	tcase_add_test(tc, record_elements_round_trip_and_errors_name_the_line);
	suite_add_tcase(s, tc);
	TCase *e2e = tcase_create("end_to_end");
	tcase_set_timeout(e2e, 120);
	tcase_add_test(e2e, commands_set_show_and_refuse);
	tcase_add_test(e2e, real_clients_see_withdrawal_and_expiry);
	tcase_add_test(e2e, serve_releases_an_embargo_at_its_second);
	suite_add_tcase(s, e2e);
	int rc = helpers_run_suite(s);
	curl_global_cleanup();
	return rc;
}
