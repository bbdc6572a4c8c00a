/* SPDX-License-Identifier: MIT */
/* wirefeed validate on JSON Feed 1.1 (validate_json.c) and on RFC 5005
 * archive documents (validate_archive.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirefeed/validate.h"
#include "helpers.h"

static struct wf_validate_report *
check(const char *json)
{
	struct wf_validate_options opt = { 0 };
	const char *why;
	ck_assert_int_eq(wf_time_parse_rfc3339("2026-11-03T00:00:00Z", &opt.now, &why), WF_OK);
	opt.future_tolerance_s = 24 * 3600;
	struct wf_validate_report *r = NULL;
	ck_assert_int_eq(wf_validate_memory(json, strlen(json), "t.json", &opt, &r), WF_OK);
	ck_assert_int_eq(r->kind, WF_DOC_JSON_FEED);
	return r;
}

static bool
has_code(const struct wf_validate_report *r, const char *code,
	 enum wf_severity severity)
{
	for (size_t i = 0; i < r->n_findings; i++) {
		if (strcmp(r->findings[i].code, code) == 0 &&
		    r->findings[i].severity == severity) {
			return true;
		}
	}
	return false;
}

#define FEED_HEAD "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"T\"," \
	"\"home_page_url\":\"https://example.org/\",\"feed_url\":\"https://example.org/feed.json\","
#define ITEM(id, pub, mod) "{\"id\":\"" id "\",\"content_html\":\"<p>x</p>\"," \
	"\"date_published\":\"" pub "\",\"date_modified\":\"" mod "\"}"

START_TEST(accepts_a_valid_feed)
{
	struct wf_validate_report *r = check(
		FEED_HEAD "\"authors\":[{\"name\":\"Desk\"}],\"_wirefeed\":{\"about\":\"https://wirefeed.dev/ns/jsonfeed/1.0\"},"
		"\"items\":[" ITEM("b", "2026-10-02T10:00:00-04:00", "2026-10-03T00:00:00Z") ","
		ITEM("a", "2026-10-01T10:00:00Z", "2026-10-01T10:00:00Z") "]}");
	ck_assert_msg(r->n_findings == 0, "%s", r->n_findings ? r->findings[0].message : "");
	wf_validate_report_destroy(r);
}
END_TEST

START_TEST(reports_each_broken_rule)
{
	static const struct {
		const char *json;
		const char *code;
		enum wf_severity severity;
	} cases[] = {
		{ "{\"title\":\"T\",\"items\":[]}", "missing-version", WF_SEVERITY_ERROR },
		{ "{\"version\":\"https://jsonfeed.org/version/2\",\"title\":\"T\",\"items\":[]}", "unsupported-format", WF_SEVERITY_ERROR },
		{ "{\"version\":\"https://jsonfeed.org/version/1\",\"title\":\"T\",\"items\":[]}", "old-version", WF_SEVERITY_WARNING },
		{ FEED_HEAD "\"items\":{}}", "wrong-type", WF_SEVERITY_ERROR },
		{ "{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[]}", "missing-title", WF_SEVERITY_ERROR },
		{ "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":1,\"items\":[]}", "wrong-type", WF_SEVERITY_ERROR },
		{ FEED_HEAD "\"x\":1}", "missing-items", WF_SEVERITY_ERROR },
		{ "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"T\",\"items\":[]}", "missing-self-link", WF_SEVERITY_WARNING },
		{ FEED_HEAD "\"items\":[{\"content_text\":\"x\"}]}", "missing-id", WF_SEVERITY_ERROR },
		{ FEED_HEAD "\"items\":[{\"id\":7,\"content_text\":\"x\"}]}", "id-not-string", WF_SEVERITY_WARNING },
		{ FEED_HEAD "\"items\":[" ITEM("a", "2026-10-01T10:00:00Z", "2026-10-01T10:00:00Z") "," ITEM("a", "2026-10-01T10:00:00Z", "2026-10-01T10:00:00Z") "]}", "duplicate-id", WF_SEVERITY_ERROR },
		{ FEED_HEAD "\"items\":[{\"id\":\"a\",\"date_published\":\"2026-10-01T10:00:00Z\"}]}", "missing-content", WF_SEVERITY_ERROR },
		{ FEED_HEAD "\"items\":[" ITEM("a", "2026-10-01 10:00", "2026-10-01T10:00:00Z") "]}", "invalid-date", WF_SEVERITY_ERROR },
		{ FEED_HEAD "\"items\":[" ITEM("a", "2026-10-01T10:00:00Z", "2026-10-01T09:00:00Z") "]}", "updated-before-published", WF_SEVERITY_ERROR },
		{ FEED_HEAD "\"items\":[" ITEM("a", "2026-10-01T10:00:00Z", "2027-01-01T00:00:00Z") "]}", "future-date", WF_SEVERITY_WARNING },
		{ FEED_HEAD "\"items\":[{\"id\":\"a\",\"content_text\":\"x\"}]}", "missing-date", WF_SEVERITY_WARNING },
		{ FEED_HEAD "\"items\":[{\"id\":\"a\",\"content_text\":\"x\",\"attachments\":[{\"url\":\"https://e.org/a.jpg\"}]}]}", "missing-attribute", WF_SEVERITY_ERROR },
		{ FEED_HEAD "\"items\":[{\"id\":\"a\",\"content_text\":\"x\",\"attachments\":[{\"url\":\"https://e.org/a\",\"mime_type\":\"jpeg\"}]}]}", "invalid-mime-type", WF_SEVERITY_ERROR },
		{ FEED_HEAD "\"authors\":[{}],\"items\":[]}", "empty-author", WF_SEVERITY_ERROR },
		{ FEED_HEAD "\"author\":{\"name\":\"x\"},\"items\":[]}", "deprecated-author", WF_SEVERITY_WARNING },
		{ FEED_HEAD "\"items\":[{\"id\":\"a\",\"content_text\":\"x\",\"tags\":[1]}]}", "wrong-type", WF_SEVERITY_ERROR },
		{ FEED_HEAD "\"items\":[],\"colour\":\"red\"}", "undefined-key", WF_SEVERITY_WARNING },
		{ FEED_HEAD "\"items\":[],\"_x\":{}}", "extension-about", WF_SEVERITY_WARNING },
		{ FEED_HEAD "\"items\":[],\"_x\":3}", "wrong-type", WF_SEVERITY_ERROR },
		{ FEED_HEAD "\"next_url\":\"older.json\",\"items\":[]}", "not-absolute-iri", WF_SEVERITY_WARNING },
		/* wirefeed's own feeds are newest first */
		{ FEED_HEAD "\"_wirefeed\":{\"about\":\"https://wirefeed.dev/ns/jsonfeed/1.0\"},\"items\":["
		  ITEM("a", "2026-10-01T10:00:00Z", "2026-10-01T10:00:00Z") "," ITEM("b", "2026-10-02T10:00:00Z", "2026-10-02T10:00:00Z") "]}",
		  "out-of-order", WF_SEVERITY_WARNING },
		/* not JSON, or not UTF-8: bad bytes, lone surrogates, control
		 * characters, duplicate keys, a truncated document */
		{ "{\"version\":\"\xff\"}", "not-json", WF_SEVERITY_ERROR },
		{ "{\"title\":\"\\ud800\"}", "not-json", WF_SEVERITY_ERROR },
		{ "{\"title\":\"a\x01" "b\"}", "not-json", WF_SEVERITY_ERROR },
		{ "{\"title\":\"a\",\"title\":\"b\"}", "not-json", WF_SEVERITY_ERROR },
		{ "{\"title\":", "not-json", WF_SEVERITY_ERROR },
		{ "[1,2]", "unsupported-format", WF_SEVERITY_ERROR },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wf_validate_report *r = check(cases[i].json);
		ck_assert_msg(has_code(r, cases[i].code, cases[i].severity),
			      "case %zu (%s): no %s among %zu findings (first: %s)", i,
			      cases[i].json, cases[i].code, r->n_findings,
			      r->n_findings ? r->findings[0].code : "-");
		wf_validate_report_destroy(r);
	}
}
END_TEST

START_TEST(syntax_errors_have_a_position)
{
	struct wf_validate_report *r = check("{\n  \"title\": \"x\",\n  oops\n}");
	ck_assert_uint_eq(r->n_findings, 1);
	ck_assert_int_eq(r->findings[0].line, 3);
	ck_assert_int_gt(r->findings[0].column, 0);
	wf_validate_report_destroy(r);
}
END_TEST

/* ---- RFC 5005 --------------------------------------------------------------- */

#define BASE "https://example.org/"

static char *
atom_doc(const char *self, const char *extra)
{
	size_t size = 4096 + strlen(self) + strlen(extra);
	char *s = malloc(size);
	int n = snprintf(s, size,
			 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			 "<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:fh=\"http://purl.org/syndication/history/1.0\">\n"
			 "  <id>urn:uuid:5f0c9a52-8a7e-4c1e-9d2b-6b1f3e4a7c10</id>\n"
			 "  <title>T</title>\n  <updated>2026-10-01T00:00:00Z</updated>\n"
			 "  <author><name>A</name></author>\n"
			 "  <link rel=\"self\" href=\"" BASE "%s\"/>\n%s"
			 "</feed>\n",
			 self, extra);
	ck_assert_int_gt(n, 0);
	return s;
}

static void
put(const char *dir, const char *rel, char *text)
{
	char path[8192];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	helpers_write_file(path, text, strlen(text));
	free(text);
}

static struct wf_validate_report *
check_file(const char *dir, const char *rel)
{
	char path[8192];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	struct wf_validate_options opt = { .no_schema = true };
	struct wf_validate_report *r = NULL;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_validate_file(path, &opt, &r, &d), WF_OK);
	return r;
}

START_TEST(archive_rules_and_chains)
{
	char *dir = helpers_make_tempdir();
	/* a valid chain: atom.xml -> archives/2 -> archives/1 */
	put(dir, "atom.xml", atom_doc("atom.xml", "  <link rel=\"prev-archive\" href=\"" BASE "archives/2/atom.xml\"/>\n"));
	put(dir, "archives/2/atom.xml", atom_doc("archives/2/atom.xml",
		"  <fh:archive/>\n  <link rel=\"current\" href=\"" BASE "atom.xml\"/>\n"
		"  <link rel=\"prev-archive\" href=\"" BASE "archives/1/atom.xml\"/>\n"));
	put(dir, "archives/1/atom.xml", atom_doc("archives/1/atom.xml",
		"  <fh:archive/>\n  <link rel=\"current\" href=\"" BASE "atom.xml\"/>\n"
		"  <link rel=\"next-archive\" href=\"" BASE "archives/2/atom.xml\"/>\n"));
	static const char *const good[] = { "atom.xml", "archives/2/atom.xml", "archives/1/atom.xml" };
	for (size_t i = 0; i < 3; i++) {
		struct wf_validate_report *r = check_file(dir, good[i]);
		ck_assert_msg(r->n_errors == 0, "%s: %s", good[i], r->n_findings ? r->findings[0].message : "");
		wf_validate_report_destroy(r);
	}
	/* broken ones */
	put(dir, "bad/no-current.xml", atom_doc("bad/no-current.xml", "  <fh:archive/>\n"));
	put(dir, "bad/unmarked.xml", atom_doc("bad/unmarked.xml",
		"  <link rel=\"current\" href=\"" BASE "atom.xml\"/>\n  <link rel=\"next-archive\" href=\"" BASE "x.xml\"/>\n"));
	put(dir, "bad/complete.xml", atom_doc("bad/complete.xml",
		"  <fh:archive/>\n  <fh:complete/>\n  <link rel=\"current\" href=\"" BASE "atom.xml\"/>\n"));
	put(dir, "bad/two-prev.xml", atom_doc("bad/two-prev.xml",
		"  <link rel=\"prev-archive\" href=\"" BASE "archives/1/atom.xml\"/>\n  <link rel=\"prev-archive\" href=\"" BASE "archives/2/atom.xml\"/>\n"));
	/* a loop: cycle/a -> cycle/b -> cycle/a */
	put(dir, "cycle/a.xml", atom_doc("cycle/a.xml", "  <link rel=\"prev-archive\" href=\"" BASE "cycle/b.xml\"/>\n"));
	put(dir, "cycle/b.xml", atom_doc("cycle/b.xml",
		"  <fh:archive/>\n  <link rel=\"current\" href=\"" BASE "cycle/a.xml\"/>\n  <link rel=\"prev-archive\" href=\"" BASE "cycle/a.xml\"/>\n"));
	static const struct {
		const char *file;
		const char *code;
	} bad[] = {
		{ "bad/no-current.xml", "archive-no-current" },
		{ "bad/unmarked.xml", "archive-not-marked" },
		{ "bad/complete.xml", "archive-complete" },
		{ "bad/two-prev.xml", "duplicate-prev-archive" },
		{ "cycle/a.xml", "prev-archive-cycle" },
		{ "cycle/b.xml", "prev-archive-cycle" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct wf_validate_report *r = check_file(dir, bad[i].file);
		ck_assert_msg(has_code(r, bad[i].code, WF_SEVERITY_ERROR), "%s: no %s", bad[i].file, bad[i].code);
		wf_validate_report_destroy(r);
	}
	helpers_rmtree(dir);
	free(dir);
}
END_TEST

static Suite *
jsonfeed_validate_suite(void)
{
	Suite *s = suite_create("jsonfeed_validate");
	TCase *tc = tcase_create("jsonfeed");
	tcase_add_test(tc, accepts_a_valid_feed);
	tcase_add_test(tc, reports_each_broken_rule);
	tcase_add_test(tc, syntax_errors_have_a_position);
	suite_add_tcase(s, tc);
	tc = tcase_create("rfc5005");
	tcase_add_test(tc, archive_rules_and_chains);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return helpers_run_suite(jsonfeed_validate_suite());
}
