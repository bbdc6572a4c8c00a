/* SPDX-License-Identifier: MIT */
/* The validator's driver: format detection, well-formedness, the RELAX NG
 * pass, records, the file API and streaming. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE */
#include <sys/mman.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirefeed/validate.h"
#include "helpers.h"
#include "validate_helpers.h"

/* ---- detection ---- */

START_TEST(detects_atom_feed)
{
	static const char xml[] = FEED("", ENTRY("1", ""));
	struct wf_validate_report *r = validate(xml, NULL);
	ck_assert_int_eq(r->kind, WF_DOC_ATOM_FEED);
	ck_assert_str_eq(r->source, "test.xml");
	ck_assert_str_eq(wf_doc_kind_name(r->kind), "Atom 1.0 feed");
	ck_assert_uint_eq(r->n_findings, 0);
	ck_assert_uint_eq(r->n_errors, 0);
	ck_assert_uint_eq(r->n_warnings, 0);
	wf_validate_report_destroy(r);
}
END_TEST

START_TEST(detects_atom_entry_document)
{
	static const char xml[] = ENTRY_DOC(E_BODY);
	struct wf_validate_report *r = validate(xml, NULL);
	ck_assert_int_eq(r->kind, WF_DOC_ATOM_ENTRY);
	ck_assert_str_eq(wf_doc_kind_name(r->kind), "Atom 1.0 entry");
	ck_assert_uint_eq(r->n_findings, 0);
	wf_validate_report_destroy(r);
}
END_TEST

START_TEST(detects_rss2)
{
	static const char xml[] = RSS("", ITEM("1", "") ITEM("2", ""));
	struct wf_validate_report *r = validate(xml, NULL);
	ck_assert_int_eq(r->kind, WF_DOC_RSS2);
	ck_assert_str_eq(wf_doc_kind_name(r->kind), "RSS 2.0");
	ck_assert_uint_eq(r->n_findings, 0);
	wf_validate_report_destroy(r);
}
END_TEST

START_TEST(rejects_rss09x)
{
	static const char *const versions[] = { "0.91", "0.92",  "0.93",
		                                "0.94", "2.0.1", "" };
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		char xml[512];
		snprintf(xml, sizeof(xml),
		         XMLDECL
		         "<rss version=\"%s\">\n<channel>" C_TITLE C_LINK C_DESC
		         "</channel>\n</rss>\n",
		         versions[i]);
		expect_has(xml, "unsupported-format", ERR, "<rss");
		struct wf_validate_report *r = validate(xml, NULL);
		ck_assert_int_eq(r->kind, WF_DOC_UNKNOWN);
		ck_assert_uint_eq(r->n_findings, 1); /* stops at the root */
		ck_assert_ptr_nonnull(
			strstr(r->findings[0].message, versions[i]));
		wf_validate_report_destroy(r);
	}
	/* no version at all */
	static const char none[] = XMLDECL "<rss>\n<channel/>\n</rss>\n";
	expect_has(none, "missing-attribute", ERR, "<rss>");
	/* version 2.0 is accepted */
	expect_lacks(RSS("", ITEM("1", "")), "unsupported-format");
	expect_lacks(RSS("", ITEM("1", "")), "missing-attribute");
}
END_TEST

START_TEST(rejects_rss10_rdf)
{
	static const char xml[] = XMLDECL
		"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"\n"
		"         xmlns=\"http://purl.org/rss/1.0/\">\n"
		"  <channel rdf:about=\"https://example.org/\"><title>t</title></channel>\n"
		"</rdf:RDF>\n";
	struct wf_validate_report *r = validate(xml, NULL);
	ck_assert_int_eq(r->kind, WF_DOC_UNKNOWN);
	wf_validate_report_destroy(r);
	/* the root's start tag ends on line 3 */
	expect_has(xml, "unsupported-format", ERR,
	           "xmlns=\"http://purl.org/rss/1.0/\"");
}
END_TEST

START_TEST(rejects_atom03)
{
	static const char xml[] = XMLDECL
		"<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\">\n"
		"  <title>Wire</title>\n"
		"  <modified>2024-01-02T10:00:00Z</modified>\n"
		"</feed>\n";
	expect_has(xml, "unsupported-format", ERR, "<feed");
	struct wf_validate_report *r = validate(xml, NULL);
	ck_assert_int_eq(r->kind, WF_DOC_UNKNOWN);
	ck_assert_ptr_nonnull(strstr(r->findings[0].message, "Atom 0.3"));
	wf_validate_report_destroy(r);
}
END_TEST

START_TEST(rejects_other_roots_and_namespaces)
{
	/* <feed> in some other namespace */
	expect_has(XMLDECL
	           "<feed xmlns=\"http://example.org/atom\">\n</feed>\n",
	           "invalid-namespace", ERR, "<feed");
	expect_has(XMLDECL "<entry xmlns=\"http://example.org/atom\"/>\n",
	           "invalid-namespace", ERR, "<entry");
	/* <feed> in no namespace, and other roots */
	expect_has(XMLDECL "<feed>\n<title>t</title>\n</feed>\n",
	           "unsupported-format", ERR, "<feed>");
	expect_has(XMLDECL "<html><body><p>hi</p></body></html>\n",
	           "unsupported-format", ERR, "<html>");
	expect_lacks(FEED("", ENTRY("1", "")), "invalid-namespace");
}
END_TEST

START_TEST(rejects_non_xml)
{
	static const char *const inputs[] = {
		"This is not XML at all.\n",
		/* JSON goes to the JSON Feed checks (test_jsonfeed_validate.c) */
		"",
		"   \n",
	};
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		struct wf_validate_report *r = validate(inputs[i], NULL);
		ck_assert_int_eq(r->kind, WF_DOC_UNKNOWN);
		ck_assert_uint_ge(r->n_errors, 1);
		ck_assert_uint_ge(r->n_findings, 1);
		ck_assert_int_eq(r->findings[0].severity, ERR);
		/* where the parser gave up: line 1, or 2 after a newline */
		ck_assert_int_ge(r->findings[0].line, 1);
		ck_assert_int_le(r->findings[0].line, 2);
		ck_assert_msg(
			strcmp(r->findings[0].code, "not-well-formed") == 0 ||
				strcmp(r->findings[0].code, "not-xml") == 0,
			"input %zu: code %s", i, r->findings[0].code);
		wf_validate_report_destroy(r);
	}
	/* NULL with no bytes is an empty document, not misuse */
	struct wf_validate_report *r = NULL;
	ck_assert_int_eq(wf_validate_memory(NULL, 0, NULL, NULL, &r), WF_OK);
	ck_assert_uint_ge(r->n_errors, 1);
	ck_assert_str_eq(r->source, "<input>");
	wf_validate_report_destroy(r);
	/* NULL with bytes is misuse */
	r = NULL;
	ck_assert_int_eq(wf_validate_memory(NULL, 5, "x", NULL, &r),
	                 WF_ERR_USAGE);
}
END_TEST

START_TEST(not_well_formed_has_line_and_column)
{
	static const char xml[] = XMLDECL FEED_OPEN F_TITLE F_ID
		"  <updated>2024-01-02T10:00:00Z</published>\n" F_AUTHOR
			FEED_END;
	expect_has(xml, "not-well-formed", ERR, "</published>");
	struct wf_validate_report *r = validate(xml, NULL);
	const struct wf_finding *f = find(r, "not-well-formed");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_gt(f->column, 0);
	ck_assert_ptr_nonnull(strstr(f->message, "mismatch"));
	wf_validate_report_destroy(r);
	/* an unclosed document */
	static const char cut[] = XMLDECL FEED_OPEN F_TITLE "  <id>urn:x:y";
	expect_has(cut, "not-well-formed", ERR, NULL);
	/* an undefined entity, on line 4 */
	static const char ent[] = RSS_OPEN C_TITLE C_LINK
		"  <description>caf&eacute;</description>\n" RSS_END;
	expect_has(ent, "not-well-formed", ERR, "&eacute;");
	expect_lacks(FEED("", ENTRY("1", "")), "not-well-formed");
}
END_TEST

START_TEST(invalid_utf8_is_reported)
{
	static const char bad[] = RSS_OPEN C_TITLE C_LINK
		"  <description>caf\xe9 au lait</description>\n" C_SELF RSS_END;
	expect_has(bad, "not-well-formed", ERR, "caf");
	struct wf_validate_report *r = validate(bad, NULL);
	ck_assert_ptr_nonnull(
		strstr(message_of(r, "not-well-formed"), "UTF-8"));
	wf_validate_report_destroy(r);
	/* overlong encoding and a lone continuation byte */
	expect_has(RSS_OPEN C_TITLE C_LINK
	           "  <description>\xc0\xaf</description>\n" RSS_END,
	           "not-well-formed", ERR, "\xc0\xaf");
	expect_has(RSS_OPEN C_TITLE C_LINK
	           "  <description>a\x80z</description>\n" RSS_END,
	           "not-well-formed", ERR, "a\x80z");
	/* the same text correctly encoded, or declared as Latin-1 */
	expect_clean(RSS_OPEN C_TITLE C_LINK
	             "  <description>caf\xc3\xa9 au lait</description>\n" C_SELF
	                     RSS_END);
	expect_clean(
		"<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n"
		"<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n" C_TITLE
			C_LINK
		"  <description>caf\xe9</description>\n" C_SELF RSS_END);
}
END_TEST

START_TEST(xml_warnings_are_warnings)
{
	static const char xml[] =
		"<?xml version=\"1.1\"?>\n"
		"<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n" C_TITLE
			C_LINK C_DESC C_SELF RSS_END;
	expect_has(xml, "xml-warning", WARN, "version=\"1.1\"");
	struct wf_validate_report *r = validate(xml, NULL);
	ck_assert_uint_eq(r->n_errors, 0);
	wf_validate_report_destroy(r);
	expect_lacks(RSS("", ""), "xml-warning");
}
END_TEST

START_TEST(findings_are_capped_but_counted)
{
	/* 1200 undefined channel elements: all counted, 1000 stored */
	size_t cap = 64 * 1300 + 1024, n = 0;
	char *xml = malloc(cap);
	ck_assert_ptr_nonnull(xml);
	n += (size_t)snprintf(xml + n, cap - n, "%s", RSS_HEAD);
	for (int i = 0; i < 1200; i++) {
		n += (size_t)snprintf(xml + n, cap - n, "  <bogus>%d</bogus>\n",
		                      i);
	}
	n += (size_t)snprintf(xml + n, cap - n, "%s", RSS_END);
	struct wf_validate_report *r = validate(xml, NULL);
	ck_assert_uint_eq(r->n_errors, 1200);
	ck_assert_uint_eq(r->n_findings, 1000);
	ck_assert_str_eq(r->findings[999].code, "undefined-element");
	ck_assert_int_eq(r->findings[0].line, 8);
	ck_assert_int_eq(r->findings[999].line, 1007);
	wf_validate_report_destroy(r);
	free(xml);
}
END_TEST

/* Over 2 GiB in memory: refused up front (a sparse mapping, never touched
 * by the validator, so the test costs no real memory). */
START_TEST(too_large_in_memory)
{
	size_t len = (size_t)0x7fffffff + 2;
	void *map = mmap(NULL, len, PROT_READ,
	                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED) {
		/* no address space for it: check the limit is not hit below */
		expect_lacks(FEED("", ENTRY("1", "")), "too-large");
		return;
	}
	struct wf_validate_report *r = NULL;
	ck_assert_int_eq(wf_validate_memory(map, len, "huge", NULL, &r), WF_OK);
	ck_assert_uint_eq(r->n_findings, 1);
	ck_assert_str_eq(r->findings[0].code, "too-large");
	ck_assert_int_eq(r->findings[0].severity, ERR);
	ck_assert_int_eq(r->kind, WF_DOC_UNKNOWN);
	wf_validate_report_destroy(r);
	munmap(map, len);
	expect_lacks(FEED("", ENTRY("1", "")), "too-large");
}
END_TEST

START_TEST(doc_kind_names)
{
	ck_assert_str_eq(wf_doc_kind_name(WF_DOC_UNKNOWN), "unknown");
	ck_assert_str_eq(wf_doc_kind_name(WF_DOC_ATOM_FEED), "Atom 1.0 feed");
	ck_assert_str_eq(wf_doc_kind_name(WF_DOC_ATOM_ENTRY), "Atom 1.0 entry");
	ck_assert_str_eq(wf_doc_kind_name(WF_DOC_RSS2), "RSS 2.0");
	ck_assert_str_eq(wf_doc_kind_name(WF_DOC_RECORD), "wirefeed record");
	wf_validate_report_destroy(NULL); /* no-op */
}
END_TEST

/* ---- the RELAX NG pass ---- */

START_TEST(schema_pass_reports_what_rules_do_not)
{
	/* an undefined attribute: only RFC 4287's schema forbids it */
	static const char xml[] =
		FEED("", ENTRY("1", "") ENTRY_AT(
				 "2", "2024-01-01T10:00:00Z",
				 "    <summary foo=\"bar\">x</summary>\n"));
	expect_has(xml, "schema", ERR, "<summary foo");
	struct wf_validate_report *r = validate(xml, NULL);
	ck_assert_ptr_nonnull(strstr(message_of(r, "schema"), "foo"));
	ck_assert_ptr_nonnull(strstr(message_of(r, "schema"), "RFC 4287"));
	wf_validate_report_destroy(r);
	/* in the feed metadata too (checked from a copy of the metadata) */
	static const char meta[] =
		FEED("  <subtitle foo=\"bar\">s</subtitle>\n", ENTRY("1", ""));
	expect_has(meta, "schema", ERR, "<subtitle");
	/* and in an entry document */
	expect_has(ENTRY_DOC(E_BODY "  <rights foo=\"x\">CC</rights>\n"),
	           "schema", ERR, "<rights");
	/* --no-schema skips the pass; the rule checks still run */
	struct wf_validate_options o = { 0 };
	o.no_schema = true;
	expect_lacks_opt(xml, &o, "schema");
	expect_lacks_opt(meta, &o, "schema");
	r = validate(xml, &o);
	ck_assert_uint_eq(r->n_findings, 0);
	wf_validate_report_destroy(r);
	static const char no_id[] = FEED(
		"", "  <entry><!--e1-->\n    <title>t</title>\n"
		    "    <updated>2024-01-02T10:00:00Z</updated>\n"
		    "    <link href=\"https://example.org/1\"/>\n  </entry>\n");
	expect_has_opt(no_id, &o, "missing-element", ERR, "<!--e1-->");
	/* valid documents pass the schema */
	expect_lacks(FEED("", ENTRY("1", "")), "schema");
	expect_lacks(ENTRY_DOC(E_BODY), "schema");
}
END_TEST

START_TEST(schema_findings_on_a_rule_error_line_are_dropped)
{
	/* the entry lacks its id: the rule reports it on the entry line, and
	 * the schema's complaint about the same element is dropped */
	static const char xml[] = FEED(
		"", "  <entry><!--e1-->\n    <title>t</title>\n"
		    "    <updated>2024-01-02T10:00:00Z</updated>\n"
		    "    <link href=\"https://example.org/1\"/>\n  </entry>\n");
	expect_has(xml, "missing-element", ERR, "<!--e1-->");
	struct wf_validate_report *r = validate(xml, NULL);
	int line = line_of(xml, "<!--e1-->");
	size_t errors = 0;
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct wf_finding *f = &r->findings[i];
		ck_assert_msg(
			!(strcmp(f->code, "schema") == 0 && f->line == line),
			"schema finding not deduplicated: %s", f->message);
		errors += f->severity == ERR;
	}
	ck_assert_uint_eq(errors, r->n_errors); /* counts stay consistent */
	wf_validate_report_destroy(r);
}
END_TEST

/* ---- records ---- */

START_TEST(valid_record_passes)
{
	static const char xml[] = REC_HEAD REC_ID REC_TITLE REC_PUB REC_UPD
		"  <wf:status>published</wf:status>\n" REC_END;
	struct wf_validate_report *r = validate(xml, NULL);
	ck_assert_int_eq(r->kind, WF_DOC_RECORD);
	ck_assert_str_eq(wf_doc_kind_name(r->kind), "wirefeed record");
	ck_assert_uint_eq(r->n_findings, 0);
	ck_assert_uint_eq(r->n_errors, 0);
	wf_validate_report_destroy(r);
	/* records skip Atom's own rules (no author, no link are fine) */
	expect_clean(REC_HEAD REC_ID REC_TITLE REC_PUB REC_UPD REC_END);
}
END_TEST

START_TEST(invalid_record_is_reported)
{
	/* a second title on line 5 */
	static const char dup[] =
		REC_HEAD REC_ID REC_TITLE REC_TITLE REC_PUB REC_UPD REC_END;
	expect_has(dup, "record", ERR, NULL);
	struct wf_validate_report *r = validate(dup, NULL);
	ck_assert_int_eq(r->kind, WF_DOC_RECORD);
	ck_assert_uint_eq(r->n_errors, 1);
	ck_assert_int_eq(r->findings[0].line, 5);
	ck_assert_ptr_nonnull(strstr(r->findings[0].message, "title"));
	wf_validate_report_destroy(r);
	/* an unknown record element, on line 7 */
	static const char unknown[] = REC_HEAD REC_ID REC_TITLE REC_PUB REC_UPD
		"  <wf:colour>red</wf:colour>\n" REC_END;
	r = validate(unknown, NULL);
	ck_assert_uint_eq(r->n_errors, 1);
	ck_assert_str_eq(r->findings[0].code, "record");
	ck_assert_int_eq(r->findings[0].line, 7);
	wf_validate_report_destroy(r);
	/* a bad date */
	expect_has(REC_HEAD REC_ID REC_TITLE REC_PUB
	           "  <updated>soon</updated>\n" REC_END,
	           "record", ERR, NULL);
}
END_TEST

/* ---- the file API ---- */

START_TEST(validate_file_reads_and_names)
{
	char *dir = helpers_make_tempdir();
	char path[1024];
	snprintf(path, sizeof(path), "%s/feed.xml", dir);
	static const char xml[] =
		XMLDECL FEED_OPEN F_ID F_UPDATED F_AUTHOR F_SELF FEED_END;
	helpers_write_file(path, xml, strlen(xml));
	struct wf_validate_report *r = NULL;
	struct wf_diag diag = { 0 };
	ck_assert_int_eq(wf_validate_file(path, NULL, &r, &diag), WF_OK);
	ck_assert_str_eq(r->source, path);
	ck_assert_int_eq(r->kind, WF_DOC_ATOM_FEED);
	ck_assert_uint_eq(r->n_errors, 1);
	ck_assert_str_eq(r->findings[0].code, "missing-element");
	ck_assert_int_eq(r->findings[0].line, 2);
	wf_validate_report_destroy(r);

	char missing[1100];
	snprintf(missing, sizeof(missing), "%s/nope.xml", dir);
	r = NULL;
	ck_assert_int_eq(wf_validate_file(missing, NULL, &r, &diag),
	                 WF_ERR_NOT_FOUND);
	ck_assert_ptr_null(r);
	ck_assert_ptr_nonnull(strstr(diag.message, "cannot open"));
	ck_assert_ptr_nonnull(strstr(diag.source, "nope.xml"));

	wf_diag_clear(&diag);
	ck_assert_int_eq(wf_validate_file(dir, NULL, &r, &diag), WF_ERR_IO);
	ck_assert_ptr_nonnull(strstr(diag.message, "directory"));
	helpers_rmtree(dir);
	free(dir);
}
END_TEST

/* A feed over the whole-file limit is streamed from the descriptor. */
START_TEST(validate_file_streams_large_feeds)
{
	char *dir = helpers_make_tempdir();
	char path[1024];
	snprintf(path, sizeof(path), "%s/big.xml", dir);
	size_t n_entries = 40000, cap = n_entries * 600 + 4096, n = 0;
	char *xml = malloc(cap);
	ck_assert_ptr_nonnull(xml);
	static const char pad[] =
		"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do "
		"eiusmod tempor incididunt ut labore et dolore magna aliqua.";
	n += (size_t)snprintf(xml + n, cap - n, "%s", FEED_HEAD);
	/* two bad dates: one early (its line is checked exactly), one near
	 * the end (the reader streamed the whole file) */
	int line = 8, bad_line = 0;
	for (size_t i = 0; i < n_entries; i++) {
		bool bad = i == 100 || i == n_entries - 10;
		if (i == 100) {
			bad_line = line + 3; /* its <updated> */
		}
		n += (size_t)snprintf(
			xml + n, cap - n,
			"  <entry>\n    <title>Story %zu</title>\n"
			"    <id>tag:example.org,2024:%zu</id>\n"
			"    <updated>%s</updated>\n"
			"    <link href=\"https://example.org/s/%zu\"/>\n"
			"    <summary>%s %s %s</summary>\n  </entry>\n",
			i, i, bad ? "not a date" : "2024-01-02T10:00:00Z", i,
			pad, pad, pad);
		line += 7;
	}
	n += (size_t)snprintf(xml + n, cap - n, "%s", FEED_END);
	ck_assert_uint_gt(n, 16u * 1024 * 1024);
	helpers_write_file(path, xml, n);
	free(xml);

	struct wf_validate_report *r = NULL;
	struct wf_diag diag = { 0 };
	ck_assert_int_eq(wf_validate_file(path, NULL, &r, &diag), WF_OK);
	ck_assert_int_eq(r->kind, WF_DOC_ATOM_FEED);
	if (r->n_errors != 2 || r->n_findings != 2) {
		char *d = describe(r);
		ck_abort_msg("expected two errors, got %s", d);
	}
	ck_assert_str_eq(r->findings[0].code, "invalid-date");
	ck_assert_int_eq(r->findings[0].line, bad_line);
	ck_assert_str_eq(r->findings[1].code, "invalid-date");
	/* exact line not checked: see bug_line_numbers_past_65535 */
	ck_assert_int_gt(r->findings[1].line, bad_line);
	wf_validate_report_destroy(r);

	/* a record that large cannot be checked */
	snprintf(path, sizeof(path), "%s/big-record.xml", dir);
	size_t rcap = 17u * 1024 * 1024 + 4096, rn = 0;
	char *rec = malloc(rcap);
	ck_assert_ptr_nonnull(rec);
	rn += (size_t)snprintf(rec, rcap, "%s",
	                       REC_HEAD REC_ID REC_TITLE REC_PUB REC_UPD
	                       "  <!-- ");
	memset(rec + rn, 'x', 17u * 1024 * 1024);
	rn += 17u * 1024 * 1024;
	rn += (size_t)snprintf(rec + rn, rcap - rn, " -->\n%s", REC_END);
	helpers_write_file(path, rec, rn);
	free(rec);
	ck_assert_int_eq(wf_validate_file(path, NULL, &r, &diag), WF_OK);
	ck_assert_int_eq(r->kind, WF_DOC_RECORD);
	ck_assert_uint_eq(r->n_errors, 1);
	ck_assert_str_eq(r->findings[0].code, "record");
	wf_validate_report_destroy(r);
	helpers_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(fixtures_are_clean)
{
	static const char *const files[] = { "validate/atom-full.xml",
		                             "validate/rss-full.xml",
		                             "validate/atom-entry.xml" };
	static const enum wf_doc_kind kinds[] = { WF_DOC_ATOM_FEED, WF_DOC_RSS2,
		                                  WF_DOC_ATOM_ENTRY };
	for (size_t i = 0; i < 3; i++) {
		char *path = helpers_data_path(files[i]);
		struct wf_validate_report *r = NULL;
		struct wf_diag diag = { 0 };
		ck_assert_int_eq(wf_validate_file(path, NULL, &r, &diag),
		                 WF_OK);
		ck_assert_int_eq(r->kind, kinds[i]);
		if (r->n_findings != 0) {
			char *d = describe(r);
			ck_abort_msg("%s: %s", files[i], d);
		}
		wf_validate_report_destroy(r);
		free(path);
	}
}
END_TEST

START_TEST(fixture_with_many_faults)
{
	/* every finding in the fixture, in document order */
	static const struct {
		int line;
		enum wf_severity severity;
		const char *code;
	} want[] = {
		{ 9, ERR, "wrong-weekday" },
		{ 10, ERR, "invalid-integer" },
		{ 14, WARN, "two-digit-year" },
		{ 18, ERR, "invalid-permalink" },
		{ 19, WARN, "email-format" },
		{ 20, ERR, "missing-attribute" },
		/* an item's own checks come before the cross-item ones */
		{ 26, ERR, "updated-before-published" },
		{ 22, ERR, "duplicate-guid" },
		/* then the whole-document checks */
		{ 3, WARN, "missing-self-link" },
		{ 8, WARN, "last-build-mismatch" },
	};
	char *path = helpers_data_path("validate/rss-faults.xml");
	struct wf_validate_report *r = NULL;
	struct wf_diag diag = { 0 };
	ck_assert_int_eq(wf_validate_file(path, NULL, &r, &diag), WF_OK);
	char *d = describe(r);
	ck_assert_msg(r->n_findings == sizeof(want) / sizeof(want[0]), "%s", d);
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct wf_finding *f = &r->findings[i];
		ck_assert_msg(f->line == want[i].line &&
		                      f->severity == want[i].severity &&
		                      strcmp(f->code, want[i].code) == 0,
		              "finding %zu: %s", i, d);
	}
	ck_assert_uint_eq(r->n_errors, 6);
	ck_assert_uint_eq(r->n_warnings, 4);
	free(d);
	wf_validate_report_destroy(r);
	free(path);
}
END_TEST

START_TEST(bug_stray_text_line)
{
	/* stray text on line 8, then enough entries to fill the read-ahead */
	static const char atom[] =
		FEED("  stray words\n",
	             ENTRY("1", "") ENTRY("2", "") ENTRY("3", "") ENTRY("4", "")
	                     ENTRY("5", "") ENTRY("6", "") ENTRY("7", "")
	                             ENTRY("8", ""));
	expect_has(atom, "unexpected-text", ERR, "stray");
	static const char rss[] =
		RSS("  stray words\n",
	            ITEM("1", "") ITEM("2", "") ITEM("3", "") ITEM("4", "")
	                    ITEM("5", "") ITEM("6", "") ITEM("7", "")
	                            ITEM("8", ""));
	expect_has(rss, "unexpected-text", ERR, "stray");
}
END_TEST

/* Fixed bug: findings past line 65535 are all reported on line 65535. libxml2
 * keeps element line numbers in 16 bits unless the document is read with
 * XML_PARSE_BIG_LINES, which validate.c's reader_options lack; feeds that
 * long are exactly the streaming case. Expected: the real line (70010
 * here). */
START_TEST(bug_line_numbers_past_65535)
{
	size_t cap = 70100 * 80 + 4096, n = 0;
	char *xml = malloc(cap);
	ck_assert_ptr_nonnull(xml);
	n += (size_t)snprintf(xml + n, cap - n, "%s", RSS_HEAD);
	for (int i = 0; i < 70000; i++) {
		n += (size_t)snprintf(
			xml + n, cap - n,
			"  <item><title>t%d</title><guid isPermaLink=\"false\">g%d</guid></item>\n",
			i, i);
	}
	/* line 8 + 70000 + 2 = 70010 */
	n += (size_t)snprintf(
		xml + n, cap - n,
		"\n\n  <item><title>x</title><link>relative</link></item>\n%s",
		RSS_END);
	expect_has(xml, "not-absolute-iri", ERR, "<link>relative");
	ck_assert_int_eq(line_of(xml, "<link>relative"), 70010);
	free(xml);
}
END_TEST

/* ---- issue 17 regressions (each failed before its fix) ---- */

/* 17.14: nested entities (billion laughs) gave nine identical
 * "entity reference loop" findings. */
START_TEST(bug_billion_laughs_reported_once)
{
	static const char xml[] =
		XMLDECL
		"<!DOCTYPE feed [\n"
		" <!ENTITY a \"lol\">\n"
		" <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
		" <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
		" <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
		" <!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
		" <!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
		" <!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
		" <!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">\n"
		" <!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">\n"
		"]>\n" FEED_OPEN "  <title>&i;</title><!--t-->\n" F_ID F_UPDATED
			F_AUTHOR F_SELF FEED_END;
	struct wf_validate_report *r = validate(xml, NULL);
	char *d = describe(r);
	size_t n = 0;
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct wf_finding *f = &r->findings[i];
		for (size_t j = 0; j < i; j++) {
			ck_assert_msg(strcmp(r->findings[j].message,
			                     f->message) != 0,
			              "repeated finding: %s", d);
		}
		n += strcmp(f->code, "too-large") == 0;
	}
	ck_assert_msg(n == 1 && r->n_errors == 1, "%s", d);
	ck_assert_int_eq(find(r, "too-large")->line, line_of(xml, "<!--t-->"));
	free(d);
	wf_validate_report_destroy(r);
}
END_TEST

/* 17.15: a legal internal entity gave schema errors. */
START_TEST(bug_internal_entity_is_expanded)
{
	static const char xml[] =
		XMLDECL "<!DOCTYPE feed [ <!ENTITY wire \"Wire &amp; News\"> ]>\n"
		FEED_OPEN "  <title>&wire;</title>\n" F_ID F_UPDATED
		"  <author><name>&wire;</name></author>\n" F_SELF
		"  <entry>\n    <title>About &wire;</title>\n"
		"    <id>tag:example.org,2024:1</id>\n    " "<updated>2024-01-02T10:00:00Z</updated>\n"
		"    <link href=\"https://example.org/s/1\"/>\n"
		"    <summary>&wire;</summary>\n  </entry>\n" FEED_END;
	expect_clean(xml);
	/* the rules see the expanded text */
	static const char rss[] =
		XMLDECL "<!DOCTYPE rss [ <!ENTITY home \"https://example.org/\"> ]>\n"
		"<rss version=\"2.0\">\n<channel>\n  <title>W</title>\n"
		"  <link>&home;</link>\n  <description>d</description>\n"
		"  <item><title>t</title><link>&home;s/1</link></item>\n"
		"</channel>\n</rss>\n";
	expect_lacks(rss, "not-absolute-iri");
	expect_lacks(rss, "not-blank");
}
END_TEST

/* External entities are never read (no network, no files). */
START_TEST(external_entities_are_not_read)
{
	static const char xml[] =
		XMLDECL "<!DOCTYPE feed [ <!ENTITY x SYSTEM \"file:///etc/hostname\"> ]>\n"
		FEED_OPEN "  <title>&x;</title><!--x-->\n" F_ID F_UPDATED
		F_AUTHOR F_SELF FEED_END;
	expect_has(xml, "external-entity", ERR, "<!--x-->");
}
END_TEST

/* 17.15: a text node over 10 MB was called not well-formed. */
START_TEST(bug_text_node_over_10mb_is_accepted)
{
	size_t big = 11u * 1000 * 1000;
	const char *head = FEED_HEAD "  <entry>\n    <title>Long</title>\n"
	                             "    <id>tag:example.org,2024:1</id>\n"
	                             "    <updated>2024-01-02T10:00:00Z</updated>\n"
	                             "    <link href=\"https://example.org/s/1\"/>\n"
	                             "    <content>";
	const char *tail = "</content>\n  </entry>\n" FEED_END;
	size_t n = strlen(head) + big + strlen(tail);
	char *xml = malloc(n + 1);
	ck_assert_ptr_nonnull(xml);
	strcpy(xml, head);
	memset(xml + strlen(head), 'x', big);
	strcpy(xml + strlen(head) + big, tail);
	struct wf_validate_report *r = NULL;
	ck_assert_int_eq(wf_validate_memory(xml, n, "big.xml", NULL, &r),
	                 WF_OK);
	char *d = describe(r);
	ck_assert_msg(r->n_errors == 0, "%s", d);
	free(d);
	wf_validate_report_destroy(r);
	free(xml);
}
END_TEST

/* 17.10: records sharing an id (build refuses both). */
START_TEST(duplicate_record_ids_across_files)
{
	static const char rec[] = REC_HEAD REC_ID REC_TITLE REC_PUB REC_UPD
		REC_END;
	static const char other[] = REC_HEAD
		"  <id>urn:uuid:1b6c2c52-3d1a-4e5f-8a9b-1c2d3e4f5a6b</id>\n"
		REC_TITLE REC_PUB REC_UPD REC_END;
	struct wf_validate_report *r[4] = { 0 };
	ck_assert_int_eq(wf_validate_memory(rec, strlen(rec), "a.xml", NULL,
	                                    &r[0]), WF_OK);
	ck_assert_int_eq(wf_validate_memory(other, strlen(other), "b.xml",
	                                    NULL, &r[1]), WF_OK);
	ck_assert_int_eq(wf_validate_memory(rec, strlen(rec), "c.xml", NULL,
	                                    &r[2]), WF_OK);
	wf_validate_check_record_ids(r, 4); /* r[3] NULL: skipped */
	ck_assert_uint_eq(r[0]->n_errors, 1);
	ck_assert_uint_eq(r[1]->n_errors, 0);
	ck_assert_uint_eq(r[2]->n_errors, 1);
	ck_assert_str_eq(r[0]->findings[0].code, "duplicate-record-id");
	ck_assert_int_eq(r[0]->findings[0].line, 3); /* its <id> */
	ck_assert_ptr_nonnull(strstr(r[0]->findings[0].message, "c.xml"));
	ck_assert_ptr_nonnull(strstr(r[2]->findings[0].message, "a.xml"));
	for (int i = 0; i < 3; i++) {
		wf_validate_report_destroy(r[i]);
	}
}
END_TEST

/* Every rule code is documented with its severity in docs/validate.md,
 * and the table has no code twice. */
START_TEST(every_rule_is_documented)
{
	char *path = NULL;
	const char *root = helpers_source_root();
	size_t plen = strlen(root) + 32;
	path = malloc(plen);
	ck_assert_ptr_nonnull(path);
	snprintf(path, plen, "%s/docs/validate.md", root);
	FILE *f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	static char doc[256 * 1024];
	size_t len = fread(doc, 1, sizeof(doc) - 1, f);
	doc[len] = '\0';
	fclose(f);
	size_t n;
	const struct wf_validate_rule *rules = wf_validate_rules(&n);
	ck_assert_uint_gt(n, 60);
	for (size_t i = 0; i < n; i++) {
		char want[128];
		snprintf(want, sizeof(want), "| `%s` | %s |", rules[i].code,
		         rules[i].severity == ERR ? "error" : "warning");
		ck_assert_msg(strstr(doc, want) != NULL,
		              "docs/validate.md has no row '%s'", want);
		ck_assert_ptr_eq(wf_validate_rule_find(rules[i].code),
		                 &rules[i]);
	}
	ck_assert_ptr_null(wf_validate_rule_find("no-such-rule"));
	free(path);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("validate");

	TCase *tc = tcase_create("detect");
	tcase_add_test(tc, detects_atom_feed);
	tcase_add_test(tc, detects_atom_entry_document);
	tcase_add_test(tc, detects_rss2);
	tcase_add_test(tc, rejects_rss09x);
	tcase_add_test(tc, rejects_rss10_rdf);
	tcase_add_test(tc, rejects_atom03);
	tcase_add_test(tc, rejects_other_roots_and_namespaces);
	tcase_add_test(tc, rejects_non_xml);
	tcase_add_test(tc, not_well_formed_has_line_and_column);
	tcase_add_test(tc, invalid_utf8_is_reported);
	tcase_add_test(tc, xml_warnings_are_warnings);
	tcase_add_test(tc, findings_are_capped_but_counted);
	tcase_add_test(tc, too_large_in_memory);
	tcase_add_test(tc, doc_kind_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("schema");
	tcase_add_test(tc, schema_pass_reports_what_rules_do_not);
	tcase_add_test(tc, schema_findings_on_a_rule_error_line_are_dropped);
	suite_add_tcase(s, tc);

	tc = tcase_create("records");
	tcase_add_test(tc, valid_record_passes);
	tcase_add_test(tc, invalid_record_is_reported);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_set_timeout(tc, 300); /* 17 MB inputs, under sanitizers too */
	tcase_add_test(tc, validate_file_reads_and_names);
	tcase_add_test(tc, validate_file_streams_large_feeds);
	tcase_add_test(tc, fixtures_are_clean);
	tcase_add_test(tc, fixture_with_many_faults);
	suite_add_tcase(s, tc);

	tc = tcase_create("bugs");
	tcase_add_test(tc, bug_stray_text_line);
	tcase_add_test(tc, bug_line_numbers_past_65535);
	suite_add_tcase(s, tc);

	tc = tcase_create("issue17");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, bug_billion_laughs_reported_once);
	tcase_add_test(tc, bug_internal_entity_is_expanded);
	tcase_add_test(tc, external_entities_are_not_read);
	tcase_add_test(tc, bug_text_node_over_10mb_is_accepted);
	tcase_add_test(tc, duplicate_record_ids_across_files);
	suite_add_tcase(s, tc);

	tc = tcase_create("rules");
	tcase_add_test(tc, every_rule_is_documented);
	suite_add_tcase(s, tc);

	return helpers_run_suite(s);
}
