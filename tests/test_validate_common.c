/* SPDX-License-Identifier: MIT */
/* Value checks shared by the format rules: IRIs, tag: and urn: URIs,
 * dates, language tags, xml:base. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirefeed/validate.h"
#include "helpers.h"
#include "validate_helpers.h"

/* ---- common value checks ---- */

START_TEST(iri_not_blank)
{
	expect_has(
		FEED("",
	             ENTRY_AT(
			     "1", "2024-01-02T10:00:00Z",
			     "") "  <entry><!--e2-->\n    <title>t</title>\n"
	                         "    <id></id><!--id-->\n"
	                         "    <updated>2024-01-01T10:00:00Z</updated>\n"
	                         "    <link href=\"https://example.org/2\"/>\n  </entry>\n"),
		"not-blank", ERR, "<!--id-->");
	/* an empty link href is a same-document reference: fine */
	expect_lacks(
		FEED("", ENTRY("1", "    <link rel=\"related\" href=\"\"/>\n")),
		"not-blank");
}
END_TEST

START_TEST(iri_unexpected_whitespace)
{
	expect_has(ENTRY_DOC(E_TITLE
	                     "  <id> tag:example.org,2024:1 </id>\n" E_UPDATED
	                             E_AUTHOR E_LINK),
	           "unexpected-whitespace", ERR, "<id>");
	expect_lacks(ENTRY_DOC(E_BODY), "unexpected-whitespace");
}
END_TEST

START_TEST(iri_invalid_characters)
{
	expect_has(
		FEED("",
	             ENTRY("1",
	                   "    <link rel=\"related\" href=\"https://example.org/a b\"/>\n")),
		"invalid-iri", ERR, "a b");
	expect_has(
		FEED("",
	             ENTRY("1",
	                   "    <link rel=\"related\" href=\"https://example.org/a%zz\"/>\n")),
		"invalid-iri", ERR, "%zz");
	expect_has(
		FEED("",
	             ENTRY("1",
	                   "    <link rel=\"related\" href=\"https://example.org/{x}\"/>\n")),
		"invalid-iri", ERR, "{x}");
	expect_lacks(
		FEED("",
	             ENTRY("1",
	                   "    <link rel=\"related\" href=\"https://example.org/a%20b?q=1#f\"/>\n")),
		"invalid-iri");
	/* IRIs may hold non-ASCII characters */
	expect_lacks(
		FEED("",
	             ENTRY("1",
	                   "    <link rel=\"related\" href=\"https://example.org/caf\xc3\xa9\"/>\n")),
		"invalid-iri");
}
END_TEST

START_TEST(iri_not_absolute)
{
	expect_has(
		ENTRY_DOC(E_TITLE
	                  "  <id>/stories/1</id>\n" E_UPDATED E_AUTHOR E_LINK),
		"not-absolute-iri", ERR, "<id>");
	/* a relative link href is fine (resolved against xml:base) */
	expect_lacks(ENTRY_DOC(E_TITLE E_ID E_UPDATED E_AUTHOR
	                       "  <link href=\"/stories/1\"/>\n"),
	             "not-absolute-iri");
	expect_lacks(ENTRY_DOC(E_BODY), "not-absolute-iri");
}
END_TEST

START_TEST(tag_uris)
{
	static const char *const bad[] = {
		"tag:example.org:1",           /* no date */
		"tag:,2024:1",                 /* no authority */
		"tag:example.org,24:1",        /* 2-digit year */
		"tag:example.org,2024-13:1",   /* no month 13 */
		"tag:example.org,2023-02-29:1" /* not a leap year */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char xml[1024];
		snprintf(xml, sizeof(xml),
		         ENTRY_DOC(E_TITLE
		                   "  <id>%s</id>\n" E_UPDATED E_AUTHOR E_LINK),
		         bad[i]);
		expect_has(xml, "invalid-tag-uri", ERR, "<id>");
	}
	expect_lacks(
		ENTRY_DOC(
			E_TITLE
			"  <id>tag:ana@example.org,2024-02-29:x/1</id>\n" E_UPDATED
				E_AUTHOR E_LINK),
		"invalid-tag-uri");
	expect_lacks(ENTRY_DOC(E_BODY), "invalid-tag-uri");
}
END_TEST

START_TEST(urns)
{
	static const char *const bad[] = {
		"urn:uuid:1234",
		"urn:uuid:0b6c2c52-3d1a-4e5f-8a9b-1c2d3e4f5a6z",
		"urn::x",
		"urn:isbn",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char xml[1024];
		snprintf(xml, sizeof(xml),
		         ENTRY_DOC(E_TITLE
		                   "  <id>%s</id>\n" E_UPDATED E_AUTHOR E_LINK),
		         bad[i]);
		expect_has(xml, "invalid-urn", ERR, "<id>");
	}
	expect_lacks(
		ENTRY_DOC(E_TITLE
	                  "  <id>urn:isbn:0451450523</id>\n" E_UPDATED E_AUTHOR
	                          E_LINK),
		"invalid-urn");
	expect_lacks(FEED("", ENTRY("1", "")), "invalid-urn"); /* urn:uuid */
}
END_TEST

START_TEST(http_urls)
{
	expect_has(
		ENTRY_DOC(E_TITLE
	                  "  <id>http:/example.org/1</id>\n" E_UPDATED E_AUTHOR
	                          E_LINK),
		"invalid-url", ERR, "<id>");
	expect_has(ENTRY_DOC(E_TITLE
	                     "  <id>https://</id>\n" E_UPDATED E_AUTHOR E_LINK),
	           "invalid-url", ERR, "<id>");
	expect_lacks(ENTRY_DOC(E_TITLE
	                       "  <id>https://example.org/1</id>\n" E_UPDATED
	                               E_AUTHOR E_LINK),
	             "invalid-url");
}
END_TEST

START_TEST(rfc3339_dates)
{
	static const char *const bad[] = {
		"2024-01-02 10:00:00Z", /* no T */
		"2024-01-02T10:00:00",  /* no offset */
		"Tue, 02 Jan 2024 10:00:00 GMT",
		"2024-02-30T10:00:00Z", /* no such day */
		"2024-01-02",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char xml[1024];
		snprintf(xml, sizeof(xml),
		         ENTRY_DOC(E_TITLE E_ID
		                   "  <updated>%s</updated>\n" E_AUTHOR E_LINK),
		         bad[i]);
		expect_has(xml, "invalid-date", ERR, "<updated>");
	}
	/* in feed metadata */
	expect_has(XMLDECL FEED_OPEN F_TITLE F_ID
	           "  <updated>yesterday</updated>\n" F_AUTHOR F_SELF FEED_END,
	           "invalid-date", ERR, "yesterday");
	expect_lacks(
		ENTRY_DOC(
			E_TITLE E_ID
			"  <updated>2024-01-02T10:00:00.250+01:00</updated>\n" E_AUTHOR
				E_LINK),
		"invalid-date");
	expect_lacks(ENTRY_DOC(E_BODY), "invalid-date");
}
END_TEST

START_TEST(language_tags)
{
	expect_has(ENTRY_DOC(E_TITLE E_ID E_UPDATED E_AUTHOR E_LINK
	                     "  <summary xml:lang=\"en_US\">s</summary>\n"),
	           "invalid-language", ERR, "<summary");
	expect_has(
		ENTRY_DOC(
			E_TITLE E_ID E_UPDATED E_AUTHOR
			"  <link href=\"https://example.org/1\" hreflang=\"english language\"/>\n"),
		"invalid-language", ERR, "hreflang");
	expect_lacks(
		ENTRY_DOC(
			E_TITLE E_ID E_UPDATED E_AUTHOR
			"  <link href=\"https://example.org/1\" hreflang=\"en-US\"/>\n"
			"  <summary xml:lang=\"de-CH-1996\">s</summary>\n"),
		"invalid-language");
}
END_TEST

START_TEST(xml_base_is_checked)
{
	expect_has(
		ENTRY_DOC(
			E_TITLE E_ID E_UPDATED E_AUTHOR E_LINK
			"  <summary xml:base=\"https://example.org/a b/\">s</summary>\n"),
		"invalid-iri", ERR, "<summary");
	expect_lacks(
		ENTRY_DOC(
			E_TITLE E_ID E_UPDATED E_AUTHOR E_LINK
			"  <summary xml:base=\"https://example.org/a/\">s</summary>\n"),
		"invalid-iri");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("validate_common");

	TCase *tc = tcase_create("values");
	tcase_add_test(tc, iri_not_blank);
	tcase_add_test(tc, iri_unexpected_whitespace);
	tcase_add_test(tc, iri_invalid_characters);
	tcase_add_test(tc, iri_not_absolute);
	tcase_add_test(tc, tag_uris);
	tcase_add_test(tc, urns);
	tcase_add_test(tc, http_urls);
	tcase_add_test(tc, rfc3339_dates);
	tcase_add_test(tc, language_tags);
	tcase_add_test(tc, xml_base_is_checked);
	suite_add_tcase(s, tc);

	return helpers_run_suite(s);
}
