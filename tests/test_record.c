/* SPDX-License-Identifier: MIT */
/* Article records: parsing every field, every error with file:line, and
 * format -> parse round trips. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "wirefeed/record.h"
#include "helpers.h"

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<entry xmlns=\"http://www.w3.org/2005/Atom\" " \
	"xmlns:app=\"http://www.w3.org/2007/app\" " \
	"xmlns:wf=\"https://wirefeed.dev/ns/record/1.0\">\n"
#define ID "  <id>urn:uuid:0b6c2c52-3d1a-4e5f-8a9b-1c2d3e4f5a6b</id>\n"
#define TITLE "  <title>Harbor dredging begins</title>\n"
#define PUB "  <published>2021-12-30T09:39:00-05:00</published>\n"
#define UPD "  <updated>2021-12-30T13:12:00-05:00</updated>\n"
#define TAIL "</entry>\n"

static const char full_record[] =
	HEAD ID TITLE
	"  <author><name>Ana Reyes</name><uri>https://example.org/ana</uri>"
	"<email>ana@example.org</email></author>\n"
	"  <author><name>Bo Chen</name></author>\n"
	"  <wf:source>Harbor City Wire</wf:source>\n"
	"  <wf:dateline>HARBOR CITY</wf:dateline>\n"
	"  <category term=\"local\" label=\"Local\"/>\n"
	"  <category term=\"business\"/>\n"
	PUB UPD
	"  <app:edited>2021-12-30T13:20:00-05:00</app:edited>\n"
	"  <link rel=\"alternate\" type=\"text/html\" href=\"https://example.org/s/1\"/>\n"
	"  <summary>Dredgers arrive &amp; start work.</summary>\n"
	"  <content type=\"html\">&lt;p&gt;Work began at dawn.&lt;/p&gt;</content>\n"
	"  <wf:image href=\"https://example.org/i.jpg\" type=\"image/jpeg\" length=\"2048\">"
	"<wf:caption>A dredger.</wf:caption><wf:credit>Photo: K. Lee</wf:credit></wf:image>\n"
	"  <rights>CC BY 4.0</rights>\n"
	"  <wf:correction when=\"2021-12-30T13:12:00-05:00\">The dredger's name was misspelled.</wf:correction>\n"
	"  <wf:status>published</wf:status>\n"
	TAIL;

static void
count_errors(void *ctx, xmlErrorPtr e)
{
	(void)e;
	(*(int *)ctx)++;
}

static enum wf_status
parse(const char *xml, struct wf_article **out, struct wf_diag *d)
{
	*out = NULL;
	memset(d, 0, sizeof(*d));
	return wf_record_parse_memory(xml, strlen(xml), "story.xml", out, d);
}

/* Parse @xml expecting failure @want at @line whose message has @needle. */
static void
expect_error(const char *xml, enum wf_status want, int line,
	     const char *needle)
{
	struct wf_article *a;
	struct wf_diag d;
	enum wf_status st = parse(xml, &a, &d);
	ck_assert_msg(st == want, "status %s, want %s (%s)", wf_status_str(st),
		      wf_status_str(want), d.message);
	ck_assert_ptr_null(a);
	ck_assert_str_eq(d.source, "story.xml");
	if (line > 0) {
		ck_assert_int_eq(d.line, line);
	}
	ck_assert_msg(strstr(d.message, needle) != NULL,
		      "message '%s' lacks '%s'", d.message, needle);
}

START_TEST(parses_every_field)
{
	struct wf_article *a;
	struct wf_diag d;
	ck_assert_int_eq(parse(full_record, &a, &d), WF_OK);
	ck_assert_str_eq(a->id, "urn:uuid:0b6c2c52-3d1a-4e5f-8a9b-1c2d3e4f5a6b");
	ck_assert_str_eq(a->title, "Harbor dredging begins");
	ck_assert_uint_eq(a->n_authors, 2);
	ck_assert_str_eq(a->authors[0].name, "Ana Reyes");
	ck_assert_str_eq(a->authors[0].uri, "https://example.org/ana");
	ck_assert_str_eq(a->authors[0].email, "ana@example.org");
	ck_assert_ptr_null(a->authors[1].email);
	ck_assert_str_eq(a->source, "Harbor City Wire");
	ck_assert_str_eq(a->dateline, "HARBOR CITY");
	ck_assert_uint_eq(a->n_sections, 2);
	ck_assert_str_eq(a->sections[0].term, "local");
	ck_assert_str_eq(a->sections[0].label, "Local");
	ck_assert_ptr_null(a->sections[1].label);
	/* times keep their offset */
	ck_assert_int_eq(a->published.utc, 1640875140);
	ck_assert_int_eq(a->published.offset_s, -5 * 3600);
	ck_assert_int_eq(a->updated.utc, 1640887920);
	ck_assert(a->has_edited);
	ck_assert_int_eq(a->edited.utc, 1640888400);
	ck_assert_str_eq(a->link, "https://example.org/s/1");
	ck_assert_str_eq(a->summary, "Dredgers arrive & start work.");
	ck_assert_str_eq(a->content_html, "<p>Work began at dawn.</p>");
	ck_assert_ptr_nonnull(a->image);
	ck_assert_str_eq(a->image->url, "https://example.org/i.jpg");
	ck_assert_str_eq(a->image->type, "image/jpeg");
	ck_assert_int_eq(a->image->length, 2048);
	ck_assert_str_eq(a->image->caption, "A dredger.");
	ck_assert_str_eq(a->image->credit, "Photo: K. Lee");
	ck_assert_str_eq(a->rights, "CC BY 4.0");
	ck_assert_uint_eq(a->n_corrections, 1);
	ck_assert_str_eq(a->corrections[0].text, "The dredger's name was misspelled.");
	ck_assert_int_eq(a->status, WF_ARTICLE_PUBLISHED);
	wf_article_destroy(a);
}
END_TEST

START_TEST(parses_withdrawn_status)
{
	static const char xml[] = HEAD ID TITLE PUB UPD
		"  <wf:status when=\"2021-12-30T14:00:00-05:00\" reason=\"Retracted by the source.\">withdrawn</wf:status>\n" TAIL;
	struct wf_article *a;
	struct wf_diag d;
	ck_assert_int_eq(parse(xml, &a, &d), WF_OK);
	ck_assert_int_eq(a->status, WF_ARTICLE_WITHDRAWN);
	ck_assert_str_eq(a->withdrawn_reason, "Retracted by the source.");
	ck_assert_int_eq(a->withdrawn_at.utc, 1640890800);
	wf_article_destroy(a);
}
END_TEST

START_TEST(minimal_record_is_enough)
{
	static const char xml[] = HEAD ID TITLE PUB UPD TAIL;
	struct wf_article *a;
	struct wf_diag d;
	ck_assert_int_eq(parse(xml, &a, &d), WF_OK);
	ck_assert_uint_eq(a->n_authors, 0);
	ck_assert(!a->has_edited);
	ck_assert_int_eq(a->status, WF_ARTICLE_PUBLISHED);
	wf_article_destroy(a);
}
END_TEST

START_TEST(error_missing_id)
{
	expect_error(HEAD TITLE PUB UPD TAIL, WF_ERR_INVALID, 0, "missing <id>");
}
END_TEST

START_TEST(error_id_not_urn_uuid)
{
	expect_error(HEAD "  <id>tag:example.org,2021:1</id>\n" TITLE PUB UPD TAIL,
		     WF_ERR_INVALID, 0, "urn:uuid");
	expect_error(HEAD "  <id>urn:uuid:0B6C2C52-3D1A-4E5F-8A9B-1C2D3E4F5A6B</id>\n"
		     TITLE PUB UPD TAIL, WF_ERR_INVALID, 0, "lowercase");
}
END_TEST

START_TEST(error_missing_title)
{
	expect_error(HEAD ID PUB UPD TAIL, WF_ERR_INVALID, 0, "missing <title>");
}
END_TEST

START_TEST(error_missing_dates)
{
	expect_error(HEAD ID TITLE UPD TAIL, WF_ERR_INVALID, 0,
		     "missing <published>");
	expect_error(HEAD ID TITLE PUB TAIL, WF_ERR_INVALID, 0,
		     "missing <updated>");
}
END_TEST

START_TEST(error_bad_date_names_line)
{
	/* line 5: no offset, which RFC 3339 requires */
	expect_error(HEAD ID TITLE "  <published>2021-12-30T09:39:00</published>\n"
		     UPD TAIL, WF_ERR_INVALID, 5, "bad published date");
	expect_error(HEAD ID TITLE PUB "  <updated>2021-02-30T09:39:00Z</updated>\n"
		     TAIL, WF_ERR_INVALID, 6, "bad updated date");
	expect_error(HEAD ID TITLE PUB "  <updated>30 DEC 21 13:12 ET</updated>\n"
		     TAIL, WF_ERR_INVALID, 6, "bad updated date");
}
END_TEST

START_TEST(error_updated_before_published)
{
	expect_error(HEAD ID TITLE PUB
		     "  <updated>2021-12-30T09:00:00-05:00</updated>\n" TAIL,
		     WF_ERR_INVALID, 0, "updated is before published");
	/* same instant written in another offset is not "before" */
	struct wf_article *a;
	struct wf_diag d;
	ck_assert_int_eq(parse(HEAD ID TITLE PUB
			       "  <updated>2021-12-30T14:39:00Z</updated>\n" TAIL,
			       &a, &d), WF_OK);
	wf_article_destroy(a);
}
END_TEST

START_TEST(error_invalid_utf8_names_line_and_column)
{
	char xml[1024];
	snprintf(xml, sizeof(xml), "%s%s  <title>Bad \xC3\x28 byte</title>\n%s%s%s",
		 HEAD, ID, PUB, UPD, TAIL);
	expect_error(xml, WF_ERR_XML, 4, "UTF-8");
	struct wf_article *a;
	struct wf_diag d;
	ck_assert_int_ne(parse(xml, &a, &d), WF_OK);
	ck_assert_int_eq(d.column, 14);
}
END_TEST

START_TEST(error_forbidden_control_character)
{
	char xml[1024];
	snprintf(xml, sizeof(xml), "%s%s  <title>Bell \x07 here</title>\n%s%s%s",
		 HEAD, ID, PUB, UPD, TAIL);
	expect_error(xml, WF_ERR_XML, 4, "");
	/* and as a character reference, which libxml2 itself rejects */
	expect_error(HEAD ID "  <title>Bell &#7; here</title>\n" PUB UPD TAIL,
		     WF_ERR_XML, 4, "");
}
END_TEST

START_TEST(error_unknown_status)
{
	expect_error(HEAD ID TITLE PUB UPD "  <wf:status>draft</wf:status>\n" TAIL,
		     WF_ERR_INVALID, 7, "unknown status 'draft'");
}
END_TEST

START_TEST(error_withdrawn_needs_when_and_reason)
{
	expect_error(HEAD ID TITLE PUB UPD
		     "  <wf:status reason=\"x\">withdrawn</wf:status>\n" TAIL,
		     WF_ERR_INVALID, 7, "when");
	expect_error(HEAD ID TITLE PUB UPD
		     "  <wf:status when=\"2021-12-30T14:00:00Z\">withdrawn</wf:status>\n" TAIL,
		     WF_ERR_INVALID, 7, "reason");
}
END_TEST

START_TEST(error_not_well_formed)
{
	expect_error(HEAD ID "  <title>R&D budget</title>\n" PUB UPD TAIL,
		     WF_ERR_XML, 4, "not well-formed");
	expect_error(HEAD ID TITLE PUB UPD, WF_ERR_XML, 0, "not well-formed");
	expect_error("", WF_ERR_XML, 0, "");
}
END_TEST

START_TEST(error_doctype_and_entities_refused)
{
	/* An external entity must never be loaded: the DOCTYPE itself is
	 * refused before anything is resolved. */
	expect_error("<?xml version=\"1.0\"?>\n"
		     "<!DOCTYPE entry [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
		     "<entry xmlns=\"http://www.w3.org/2005/Atom\"><id>&x;</id></entry>\n",
		     WF_ERR_INVALID, 0, "DOCTYPE");
	expect_error("<?xml version=\"1.0\"?>\n<!DOCTYPE entry>\n"
		     "<entry xmlns=\"http://www.w3.org/2005/Atom\"/>\n",
		     WF_ERR_INVALID, 0, "DOCTYPE");
}
END_TEST

START_TEST(error_wrong_root)
{
	expect_error("<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"/>\n",
		     WF_ERR_INVALID, 2, "root element");
	expect_error("<?xml version=\"1.0\"?>\n<entry/>\n", WF_ERR_INVALID, 2,
		     "root element");
}
END_TEST

START_TEST(error_duplicate_and_unknown_elements)
{
	expect_error(HEAD ID TITLE TITLE PUB UPD TAIL, WF_ERR_INVALID, 5,
		     "duplicate <title>");
	expect_error(HEAD ID TITLE PUB UPD "  <wf:colour>red</wf:colour>\n" TAIL,
		     WF_ERR_INVALID, 7, "unknown element wf:colour");
}
END_TEST

START_TEST(error_correction_rules)
{
	expect_error(HEAD ID TITLE PUB UPD "  <wf:correction>No time.</wf:correction>\n" TAIL,
		     WF_ERR_INVALID, 7, "when");
	/* a correction after updated means updated was not bumped */
	expect_error(HEAD ID TITLE PUB UPD
		     "  <wf:correction when=\"2021-12-30T15:00:00-05:00\">Late fix.</wf:correction>\n" TAIL,
		     WF_ERR_INVALID, 0, "after updated");
}
END_TEST

START_TEST(error_image_rules)
{
	expect_error(HEAD ID TITLE PUB UPD "  <wf:image href=\"https://e.org/i.jpg\"/>\n" TAIL,
		     WF_ERR_INVALID, 7, "href and type");
	expect_error(HEAD ID TITLE PUB UPD
		     "  <wf:image href=\"https://e.org/i.jpg\" type=\"image/jpeg\" length=\"big\"/>\n" TAIL,
		     WF_ERR_INVALID, 7, "not a byte count");
	/* beyond 64 bits: refused, not clamped */
	expect_error(HEAD ID TITLE PUB UPD
		     "  <wf:image href=\"https://e.org/i.jpg\" type=\"image/jpeg\" length=\"123456789012345678901234\"/>\n" TAIL,
		     WF_ERR_INVALID, 7, "not a byte count");
}
END_TEST

START_TEST(error_too_large)
{
	size_t n = WF_RECORD_MAX_BYTES + 1;
	char *big = malloc(n);
	ck_assert_ptr_nonnull(big);
	memset(big, ' ', n);
	struct wf_article *a = NULL;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_record_parse_memory(big, n, "big.xml", &a, &d),
			 WF_ERR_TOO_LARGE);
	ck_assert_ptr_null(a);
	free(big);
}
END_TEST

START_TEST(file_errors_name_the_file)
{
	char *dir = helpers_make_tempdir();
	char path[4096];
	snprintf(path, sizeof(path), "%s/missing.xml", dir);
	struct wf_article *a = NULL;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_record_parse_file(path, &a, &d), WF_ERR_NOT_FOUND);
	ck_assert_str_eq(d.source, path);
	helpers_write_file(path, HEAD ID TITLE PUB TAIL, strlen(HEAD ID TITLE PUB TAIL));
	ck_assert_int_eq(wf_record_parse_file(path, &a, &d), WF_ERR_INVALID);
	ck_assert_str_eq(d.source, path);
	char line[2048];
	wf_diag_format(&d, line, sizeof(line));
	ck_assert_msg(strncmp(line, path, strlen(path)) == 0, "%s", line);
	helpers_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(caller_error_handler_is_kept)
{
	/* parsing installs its own libxml2 error handler for a moment and
	 * must put the caller's back */
	int calls = 0;
	xmlSetStructuredErrorFunc(&calls, count_errors);
	struct wf_article *a;
	struct wf_diag d;
	ck_assert_int_eq(parse(HEAD ID "<title>R&D</title>" PUB UPD TAIL, &a, &d), WF_ERR_XML);
	ck_assert_int_eq(calls, 0); /* the record's errors were ours */
	xmlDocPtr doc = xmlReadMemory("<a>&</a>", 8, "x", NULL, XML_PARSE_NONET);
	xmlFreeDoc(doc);
	ck_assert_int_gt(calls, 0); /* and the caller's handler is back */
	xmlSetStructuredErrorFunc(NULL, NULL);
}
END_TEST

START_TEST(format_round_trips)
{
	struct wf_article *a;
	struct wf_diag d;
	ck_assert_int_eq(parse(full_record, &a, &d), WF_OK);
	char *text = NULL;
	size_t len = 0;
	ck_assert_int_eq(wf_record_format(a, &text, &len, &d), WF_OK);
	ck_assert_uint_eq(len, strlen(text));
	struct wf_article *b;
	ck_assert_int_eq(wf_record_parse_memory(text, len, "again.xml", &b, &d),
			 WF_OK);
	char *text2 = NULL;
	ck_assert_int_eq(wf_record_format(b, &text2, NULL, &d), WF_OK);
	ck_assert_str_eq(text, text2); /* deterministic */
	ck_assert_str_eq(b->summary, a->summary);
	ck_assert_str_eq(b->content_html, a->content_html);
	ck_assert_int_eq(b->published.offset_s, a->published.offset_s);
	ck_assert_str_eq(b->image->credit, a->image->credit);
	ck_assert_str_eq(b->corrections[0].text, a->corrections[0].text);
	free(text);
	free(text2);
	wf_article_destroy(a);
	wf_article_destroy(b);
}
END_TEST

START_TEST(format_refuses_invalid_article)
{
	struct wf_article *a = wf_article_create();
	wf_article_set_string(&a->id, "urn:uuid:0b6c2c52-3d1a-4e5f-8a9b-1c2d3e4f5a6b");
	wf_article_set_string(&a->title, "Bad \x01 title");
	char *text = NULL;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_record_format(a, &text, NULL, &d), WF_ERR_INVALID);
	ck_assert_ptr_null(text);
	wf_article_destroy(a);
}
END_TEST

START_TEST(sample_newswire_records_all_parse)
{
	/* every bundled story is a valid record */
	const char *names[] = { "2026-10-28-museum-map.xml",
				"2026-10-30-ferry-service.xml",
				"2026-11-01-rowing-title.xml" };
	for (size_t i = 0; i < 3; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/feeds/articles/%s",
			 helpers_source_root(), names[i]);
		struct wf_article *a = NULL;
		struct wf_diag d = { 0 };
		ck_assert_msg(wf_record_parse_file(path, &a, &d) == WF_OK,
			      "%s: %s", path, d.message);
		wf_article_destroy(a);
	}
}
END_TEST

/* Parse @xml expecting failure at exactly @line:@col with @needle. */
static void
expect_at(const char *xml, int line, int col, const char *needle)
{
	struct wf_article *a;
	struct wf_diag d;
	enum wf_status st = parse(xml, &a, &d);
	ck_assert_msg(st != WF_OK, "accepted:\n%s", xml);
	ck_assert_ptr_null(a);
	ck_assert_msg(d.line == line && d.column == col &&
			      strstr(d.message, needle) != NULL,
		      "got %d:%d '%s', want %d:%d '%s'", d.line, d.column,
		      d.message, line, col, needle);
}

START_TEST(rule_errors_point_at_the_element)
{
	/* issue 17.14: these all said 2:1 (the <entry>) */
	static const struct {
		const char *xml;
		int line, col;
		const char *needle;
	} cases[] = {
		{ HEAD ID TITLE PUB
		  "  <updated>2021-12-30T09:00:00-05:00</updated>\n" TAIL,
		  6, 3, "updated is before published" },
		{ HEAD ID TITLE PUB UPD
		  "  <app:edited>2021-12-30T10:00:00-05:00</app:edited>\n" TAIL,
		  7, 3, "edited is before updated" },
		{ HEAD ID TITLE PUB UPD
		  "  <wf:correction when=\"2021-12-30T13:00:00-05:00\">Ok.</wf:correction>"
		  "<wf:correction when=\"2021-12-29T13:00:00-05:00\">Early.</wf:correction>\n"
		  TAIL,
		  7, 70, "correction is dated before published" },
		{ HEAD ID TITLE PUB UPD
		  "  <!-- <wf:status> in a comment is not the element -->\n"
		  "  <wf:status when=\"2021-12-29T00:00:00Z\" reason=\"r\">withdrawn</wf:status>\n"
		  TAIL,
		  8, 3, "withdrawn before published" },
		{ HEAD ID "  <title>A</title>\n    <title>B</title>\n" PUB UPD TAIL,
		  5, 5, "duplicate <title>" },
		{ HEAD ID TITLE PUB UPD "  <author>\n    <name>Ana</name>\n"
		  "    <uri>ftp://example.org/ana</uri>\n  </author>\n" TAIL,
		  7, 3, "author uri" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		expect_at(cases[i].xml, cases[i].line, cases[i].col,
			  cases[i].needle);
	}
}
END_TEST

START_TEST(size_error_names_the_position)
{
	/* lines of 99 'a' and a LF; the limit falls inside line 83887 */
	size_t n = WF_RECORD_MAX_BYTES + 1;
	char *big = malloc(n);
	ck_assert_ptr_nonnull(big);
	for (size_t i = 0; i < n; i++) {
		big[i] = i % 100 == 99 ? '\n' : 'a';
	}
	struct wf_article *a = NULL;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_record_parse_memory(big, n, "big.xml", &a, &d),
			 WF_ERR_TOO_LARGE);
	ck_assert_int_eq(d.line, WF_RECORD_MAX_BYTES / 100 + 1);
	ck_assert_int_eq(d.column, WF_RECORD_MAX_BYTES % 100 + 1);
	free(big);
}
END_TEST

START_TEST(links_must_be_web_iris)
{
	/* issue 17.13: javascript: links were published, and an image URL
	 * with '>' built but failed wirefeed validate */
	static const struct {
		const char *el;
		const char *needle;
	} bad[] = {
		{ "  <link href=\"javascript:alert(1)\"/>\n", "scheme other than http or https" },
		{ "  <link href=\"JavaScript:alert(1)\"/>\n", "scheme other than http or https" },
		{ "  <link href=\"data:text/html,hi\"/>\n", "scheme other than" },
		{ "  <link href=\"/stories/1\"/>\n", "absolute URL" },
		{ "  <link href=\"https://example.org/a b\"/>\n", "space" },
		{ "  <link href=\"https://example.org/%zz\"/>\n", "two hex digits" },
		{ "  <link href=\"https:///nohost\"/>\n", "host" },
		{ "  <wf:image href=\"https://example.org/a>b.jpg\" type=\"image/jpeg\"/>\n",
		  "not allowed in an IRI" },
		{ "  <wf:image href=\"file:///etc/passwd\" type=\"image/jpeg\"/>\n",
		  "scheme other than" },
		{ "  <author><name>A</name><uri>javascript:x</uri></author>\n",
		  "http, https or mailto" },
		{ "  <author><name>A</name><email>a at example</email></author>\n",
		  "not an email address" },
		{ "  <author><name>A</name><email>a@b@example.org</email></author>\n",
		  "not an email address" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char xml[2048];
		snprintf(xml, sizeof(xml), "%s%s%s%s%s%s%s", HEAD, ID, TITLE, PUB,
			 UPD, bad[i].el, TAIL);
		expect_at(xml, 7, 3, bad[i].needle);
	}
	static const char *const good[] = {
		"  <link href=\"HTTPS://example.org/caf\xc3\xa9?q=1#x\"/>\n",
		"  <link href=\"http://127.0.0.1:8080/s/%20x\"/>\n",
		"  <author><name>A</name><uri>mailto:a@example.org</uri></author>\n",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char xml[2048];
		snprintf(xml, sizeof(xml), "%s%s%s%s%s%s%s", HEAD, ID, TITLE, PUB,
			 UPD, good[i], TAIL);
		struct wf_article *a;
		struct wf_diag d;
		ck_assert_msg(parse(xml, &a, &d) == WF_OK, "%s", d.message);
		wf_article_destroy(a);
	}
}
END_TEST

START_TEST(impossible_years_are_refused)
{
	/* issue 17.7: year 0 and 9999 gave malformed Last-Modified dates */
	expect_at(HEAD ID TITLE "  <published>0000-01-01T00:00:00Z</published>\n"
		  UPD TAIL, 5, 3, "year 0 is outside");
	expect_at(HEAD ID TITLE PUB "  <updated>9999-12-31T23:00:00-05:00</updated>\n"
		  TAIL, 6, 3, "year 9999 is outside");
	expect_at(HEAD ID TITLE "  <published>1899-12-31T23:00:00Z</published>\n"
		  "  <updated>1899-12-31T23:00:00Z</updated>\n" TAIL, 5, 3,
		  "published: year 1899");
}
END_TEST

int
main(void)
{
	xmlInitParser();
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, parses_every_field);
	tcase_add_test(tc, parses_withdrawn_status);
	tcase_add_test(tc, minimal_record_is_enough);
	tcase_add_test(tc, error_missing_id);
	tcase_add_test(tc, error_id_not_urn_uuid);
	tcase_add_test(tc, error_missing_title);
	tcase_add_test(tc, error_missing_dates);
	tcase_add_test(tc, error_bad_date_names_line);
	tcase_add_test(tc, error_updated_before_published);
	tcase_add_test(tc, error_invalid_utf8_names_line_and_column);
	tcase_add_test(tc, error_forbidden_control_character);
	tcase_add_test(tc, error_unknown_status);
	tcase_add_test(tc, error_withdrawn_needs_when_and_reason);
	tcase_add_test(tc, error_not_well_formed);
	tcase_add_test(tc, error_doctype_and_entities_refused);
	tcase_add_test(tc, error_wrong_root);
	tcase_add_test(tc, error_duplicate_and_unknown_elements);
	tcase_add_test(tc, error_correction_rules);
	tcase_add_test(tc, error_image_rules);
	tcase_add_test(tc, error_too_large);
	tcase_add_test(tc, file_errors_name_the_file);
	tcase_add_test(tc, rule_errors_point_at_the_element);
	tcase_add_test(tc, size_error_names_the_position);
	tcase_add_test(tc, links_must_be_web_iris);
	tcase_add_test(tc, impossible_years_are_refused);
	suite_add_tcase(s, tc);
	TCase *fmt = tcase_create("format");
	tcase_add_test(fmt, format_round_trips);
	tcase_add_test(fmt, caller_error_handler_is_kept);
	tcase_add_test(fmt, format_refuses_invalid_article);
	tcase_add_test(fmt, sample_newswire_records_all_parse);
	suite_add_tcase(s, fmt);
	return helpers_run_suite(s);
}
