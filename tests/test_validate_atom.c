/* SPDX-License-Identifier: MIT */
/* Atom 1.0 rules (RFC 4287) and update semantics, each with a failing
 * and a passing input. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirefeed/validate.h"
#include "helpers.h"
#include "validate_helpers.h"

/* ---- Atom rules ---- */

START_TEST(atom_feed_required_elements)
{
	/* each finding is reported on the feed's line (2) */
	expect_has(XMLDECL FEED_OPEN F_ID F_UPDATED F_AUTHOR F_SELF FEED_END,
	           "missing-element", ERR, "<feed");
	expect_has(XMLDECL FEED_OPEN F_TITLE F_UPDATED F_AUTHOR F_SELF FEED_END,
	           "missing-element", ERR, "<feed");
	expect_has(XMLDECL FEED_OPEN F_TITLE F_ID F_AUTHOR F_SELF FEED_END,
	           "missing-element", ERR, "<feed");
	struct wf_validate_report *r =
		validate(XMLDECL FEED_OPEN F_AUTHOR F_SELF FEED_END, NULL);
	ck_assert_uint_eq(r->n_errors, 3); /* id, title, updated */
	wf_validate_report_destroy(r);
	/* no entries is fine */
	expect_clean(FEED("", ""));
}
END_TEST

START_TEST(atom_feed_single_elements)
{
	expect_has(FEED(F_TITLE, ENTRY("1", "")), "duplicate-element", ERR,
	           "<feed");
	expect_has(FEED(F_ID, ENTRY("1", "")), "duplicate-element", ERR,
	           "<feed");
	expect_has(FEED(F_UPDATED, ENTRY("1", "")), "duplicate-element", ERR,
	           "<feed");
	expect_has(FEED("  <subtitle>a</subtitle>\n  <subtitle>b</subtitle>\n",
	                ENTRY("1", "")),
	           "duplicate-element", ERR, "<feed");
	expect_has(FEED("  <icon>/i.png</icon>\n  <icon>/j.png</icon>\n", ""),
	           "duplicate-element", ERR, "<feed");
	expect_has(
		FEED("  <generator>a</generator>\n  <generator>b</generator>\n",
	             ""),
		"duplicate-element", ERR, "<feed");
	/* several authors, categories and links are fine */
	expect_lacks(
		FEED(F_AUTHOR
	             "  <category term=\"a\"/>\n  <category term=\"b\"/>\n"
	             "  <link rel=\"related\" href=\"https://example.org/r\"/>\n"
	             "  <icon>/i.png</icon>\n  <logo>/l.png</logo>\n"
	             "  <subtitle>a</subtitle>\n  <rights>CC</rights>\n",
	             ENTRY("1", "")),
		"duplicate-element");
}
END_TEST

START_TEST(atom_entry_required_elements)
{
	static const char no_title[] =
		ENTRY_DOC(E_ID E_UPDATED E_AUTHOR E_LINK);
	static const char no_id[] =
		ENTRY_DOC(E_TITLE E_UPDATED E_AUTHOR E_LINK);
	static const char no_updated[] =
		ENTRY_DOC(E_TITLE E_ID E_AUTHOR E_LINK);
	expect_has(no_title, "missing-element", ERR, "<!--root-->");
	expect_has(no_id, "missing-element", ERR, "<!--root-->");
	expect_has(no_updated, "missing-element", ERR, "<!--root-->");
	/* inside a feed, on the entry's line */
	expect_has(
		FEED("",
	             ENTRY("1",
	                   "") "  <entry><!--e2-->\n    <id>tag:example.org,2024:2</id>\n"
	                       "    <updated>2024-01-01T10:00:00Z</updated>\n"
	                       "    <link href=\"https://example.org/2\"/>\n  </entry>\n"),
		"missing-element", ERR, "<!--e2-->");
	expect_lacks(ENTRY_DOC(E_BODY), "missing-element");
}
END_TEST

START_TEST(atom_entry_single_elements)
{
	expect_has(ENTRY_DOC(E_BODY E_ID), "duplicate-element", ERR,
	           "<!--root-->");
	expect_has(ENTRY_DOC(E_BODY E_TITLE), "duplicate-element", ERR,
	           "<!--root-->");
	expect_has(ENTRY_DOC(E_BODY E_UPDATED), "duplicate-element", ERR,
	           "<!--root-->");
	expect_has(
		ENTRY_DOC(E_BODY
	                  "  <summary>a</summary>\n  <summary>b</summary>\n"),
		"duplicate-element", ERR, "<!--root-->");
	expect_has(
		ENTRY_DOC(E_BODY
	                  "  <content>a</content>\n  <content>b</content>\n"),
		"duplicate-element", ERR, "<!--root-->");
	expect_has(ENTRY_DOC(E_BODY
	                     "  <published>2024-01-01T10:00:00Z</published>\n"
	                     "  <published>2024-01-01T10:00:00Z</published>\n"),
	           "duplicate-element", ERR, "<!--root-->");
	expect_lacks(
		ENTRY_DOC(E_BODY E_AUTHOR
	                  "  <summary>a</summary>\n  <content>b</content>\n"
	                  "  <contributor><name>Bo</name></contributor>\n"),
		"duplicate-element");
}
END_TEST

START_TEST(atom_authors_required)
{
	/* no feed author: every authorless entry is reported on its line */
	static const char xml[] =
		XMLDECL FEED_OPEN F_TITLE F_ID F_UPDATED F_SELF ENTRY(
			"1", "    <author><name>Bo</name></author>\n")
			ENTRY_AT("2", "2024-01-01T10:00:00Z", "")
				ENTRY_AT("3", "2024-01-01T09:00:00Z", "")
					FEED_END;
	expect_has(xml, "missing-author", ERR, "<!--e2-->");
	expect_has(xml, "missing-author", ERR, "<!--e3-->");
	struct wf_validate_report *r = validate(xml, NULL);
	ck_assert_uint_eq(r->n_errors, 2);
	wf_validate_report_destroy(r);
	/* a feed author covers all entries */
	expect_lacks(FEED("", ENTRY("1", "") ENTRY("2", "")), "missing-author");
	/* so does an author in the entry's atom:source */
	expect_lacks(XMLDECL FEED_OPEN F_TITLE F_ID F_UPDATED F_SELF ENTRY(
			     "1", "    <source><id>tag:example.org,2024:s</id>"
				  "<author><name>Cy</name></author></source>\n")
	                     FEED_END,
	             "missing-author");
	/* an entry document needs its own author */
	expect_has(ENTRY_DOC(E_TITLE E_ID E_UPDATED E_LINK), "missing-author",
	           ERR, "<!--root-->");
	expect_lacks(ENTRY_DOC(E_BODY), "missing-author");
}
END_TEST

START_TEST(atom_person_constructs)
{
	expect_has(
		ENTRY_DOC(
			E_BODY
			"  <contributor><email>bo@example.org</email></contributor><!--p-->\n"),
		"missing-element", ERR, "<!--p-->");
	expect_has(
		ENTRY_DOC(
			E_BODY
			"  <contributor><name>a</name><name>b</name></contributor><!--p-->\n"),
		"duplicate-element", ERR, "<!--p-->");
	expect_has(
		ENTRY_DOC(
			E_BODY
			"  <contributor><name>Bo</name><email>bo at example</email></contributor>\n"),
		"invalid-email", ERR, "bo at example");
	expect_has(
		ENTRY_DOC(
			E_BODY
			"  <contributor><name>Bo</name><phone>555</phone></contributor>\n"),
		"undefined-element", ERR, "<phone>");
	expect_has(
		ENTRY_DOC(
			E_BODY
			"  <contributor><name>Bo</name><uri>https://example.org/a b</uri></contributor>\n"),
		"invalid-iri", ERR, "a b");
	expect_has(
		ENTRY_DOC(
			E_BODY
			"  <contributor><name><b xmlns=\"\">Bo</b></name></contributor>\n"),
		"unexpected-element", ERR, "<b");
	static const char good[] = ENTRY_DOC(
		E_BODY
		"  <contributor><name>Bo Chen</name><uri>https://example.org/bo</uri>"
		"<email>bo@example.org</email><x:extra xmlns:x=\"urn:x:y\">ok</x:extra>"
		"</contributor>\n");
	expect_clean(good);
}
END_TEST

START_TEST(atom_undefined_elements)
{
	expect_has(FEED("  <modified>2024-01-02T10:00:00Z</modified>\n",
	                ENTRY("1", "")),
	           "undefined-element", ERR, "<modified>");
	expect_has(
		FEED("",
	             ENTRY("1", "    <issued>2024-01-02T10:00:00Z</issued>\n")),
		"undefined-element", ERR, "<issued>");
	expect_has(
		ENTRY_DOC(
			E_BODY
			"  <source><id>tag:example.org,2024:s</id><entry/></source>\n"),
		"undefined-element", ERR, "<source>");
	/* extension elements in other namespaces are allowed anywhere */
	expect_clean(FEED(
		"  <x:meta xmlns:x=\"urn:example:x\">m</x:meta>\n",
		ENTRY("1",
	              "    <x:rating xmlns:x=\"urn:example:x\">5</x:rating>\n")));
}
END_TEST

START_TEST(atom_link_attributes)
{
	expect_has(ENTRY_DOC(E_BODY "  <link rel=\"related\"/>\n"),
	           "missing-attribute", ERR, "rel=\"related\"");
	expect_has(
		ENTRY_DOC(
			E_BODY
			"  <link rel=\"\" href=\"https://example.org/r\"/>\n"),
		"attr-not-blank", ERR, "rel=\"\"");
	expect_has(
		ENTRY_DOC(
			E_BODY
			"  <link rel=\"sidebar\" href=\"https://example.org/r\"/>\n"),
		"unregistered-rel", WARN, "sidebar");
	expect_has(
		ENTRY_DOC(
			E_BODY
			"  <link rel=\"related\" type=\"html\" href=\"https://example.org/r\"/>\n"),
		"invalid-mime-type", ERR, "type=\"html\"");
	expect_has(
		ENTRY_DOC(
			E_BODY
			"  <link rel=\"enclosure\" length=\"12kB\" href=\"https://example.org/a.mp3\"/>\n"),
		"invalid-integer", ERR, "12kB");
	expect_has(
		ENTRY_DOC(
			E_BODY
			"  <link rel=\"urn:\" href=\"https://example.org/r\"/>\n"),
		"invalid-urn", ERR, "rel=\"urn:\"");
	/* registered names and IRIs are fine */
	static const char good[] = ENTRY_DOC(
		E_BODY
		"  <link rel=\"related\" type=\"text/html; charset=utf-8\" href=\"https://example.org/r\"/>\n"
		"  <link rel=\"enclosure\" type=\"audio/mpeg\" length=\"12345\" href=\"https://example.org/a.mp3\"/>\n"
		"  <link rel=\"http://example.org/rel/sidebar\" href=\"https://example.org/s\"/>\n"
		"  <link rel=\"license\" href=\"https://creativecommons.org/licenses/by/4.0/\"/>\n");
	expect_clean(good);
}
END_TEST

START_TEST(atom_alternate_links_unique)
{
	/* rel defaults to alternate; same type and hreflang twice */
	expect_has(
		ENTRY_DOC(
			E_BODY
			"  <link rel=\"alternate\" href=\"https://example.org/s/1b\"/><!--2nd-->\n"),
		"duplicate-alternate", ERR, "<!--2nd-->");
	expect_has(
		FEED("  <link rel=\"alternate\" type=\"text/html\" href=\"https://example.org/\"/>\n"
	             "  <link type=\"TEXT/HTML\" href=\"https://example.org/b\"/><!--2nd-->\n",
	             ENTRY("1", "")),
		"duplicate-alternate", ERR, "<!--2nd-->");
	/* a different hreflang or type makes them distinct */
	expect_lacks(
		ENTRY_DOC(
			E_BODY
			"  <link href=\"https://example.org/s/1.fr\" hreflang=\"fr\"/>\n"
			"  <link type=\"application/pdf\" href=\"https://example.org/s/1.pdf\"/>\n"),
		"duplicate-alternate");
	/* links in separate entries do not collide */
	expect_lacks(FEED("", ENTRY("1", "") ENTRY("2", "")),
	             "duplicate-alternate");
}
END_TEST

START_TEST(atom_categories)
{
	expect_has(ENTRY_DOC(E_BODY "  <category label=\"News\"/>\n"),
	           "missing-attribute", ERR, "<category");
	expect_has(ENTRY_DOC(E_BODY "  <category term=\"\"/>\n"),
	           "attr-not-blank", ERR, "<category");
	expect_has(
		ENTRY_DOC(E_BODY "  <category term=\"a\" scheme=\"/cats\"/>\n"),
		"not-absolute-iri", ERR, "<category");
	expect_lacks(
		ENTRY_DOC(
			E_BODY
			"  <category term=\"a\" scheme=\"https://example.org/cats\" label=\"A\"/>\n"),
		"missing-attribute");
	expect_clean(ENTRY_DOC(
		E_BODY
		"  <category term=\"a\" scheme=\"https://example.org/cats\" label=\"A\"/>\n"));
}
END_TEST

START_TEST(atom_text_constructs)
{
	expect_has(
		ENTRY_DOC(E_BODY "  <summary>a <b>bold</b> claim</summary>\n"),
		"unexpected-element", ERR, "<summary>");
	expect_has(
		ENTRY_DOC(
			E_BODY
			"  <summary type=\"html\">a <b>bold</b> claim</summary>\n"),
		"unexpected-element", ERR, "<summary");
	expect_has(ENTRY_DOC(E_BODY
	                     "  <summary type=\"markdown\">*a*</summary>\n"),
	           "invalid-text-type", ERR, "markdown");
	expect_has(ENTRY_DOC(E_BODY
	                     "  <summary type=\"xhtml\">no div</summary>\n"),
	           "missing-xhtml-div", ERR, "no div");
	expect_has(
		ENTRY_DOC(
			E_BODY
			"  <summary type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">a</div>"
			"<div xmlns=\"http://www.w3.org/1999/xhtml\">b</div></summary>\n"),
		"missing-xhtml-div", ERR, "<summary");
	/* a div in the wrong namespace */
	expect_has(
		ENTRY_DOC(E_BODY
	                  "  <summary type=\"xhtml\"><div>a</div></summary>\n"),
		"missing-xhtml-div", ERR, "<summary");
	expect_has(
		ENTRY_DOC(
			E_BODY
			"  <summary type=\"xhtml\">text <div xmlns=\"http://www.w3.org/1999/xhtml\">a</div></summary>\n"),
		"unexpected-text", ERR, "<summary");
	/* the same in feed metadata */
	expect_has(FEED("  <subtitle type=\"xhtml\">x</subtitle>\n", ""),
	           "missing-xhtml-div", ERR, "<subtitle");
	static const char good[] = ENTRY_DOC(
		E_BODY
		"  <summary type=\"xhtml\">\n    <div xmlns=\"http://www.w3.org/1999/xhtml\">a <b>bold</b> claim</div>\n  </summary>\n"
		"  <rights type=\"html\">&lt;b&gt;CC&lt;/b&gt;</rights>\n");
	expect_clean(good);
}
END_TEST

START_TEST(atom_content_rules)
{
	expect_has(
		ENTRY_DOC(
			E_BODY
			"  <summary>s</summary>\n"
			"  <content src=\"https://example.org/1.html\" type=\"text/html\">body</content>\n"),
		"content-not-empty", ERR, "<content");
	expect_has(
		ENTRY_DOC(
			E_BODY
			"  <summary>s</summary>\n"
			"  <content src=\"https://example.org/1.html\" type=\"html\"/>\n"),
		"invalid-mime-type", ERR, "<content");
	expect_has(
		ENTRY_DOC(E_BODY "  <content type=\"nonsense\">x</content>\n"),
		"invalid-mime-type", ERR, "<content");
	expect_has(
		ENTRY_DOC(E_BODY
	                  "  <summary>s</summary>\n"
	                  "  <content type=\"multipart/mixed\">x</content>\n"),
		"composite-type", ERR, "<content");
	expect_has(
		ENTRY_DOC(
			E_BODY
			"  <summary>s</summary>\n"
			"  <content type=\"image/png\">not*base64!</content>\n"),
		"not-base64", ERR, "<content");
	expect_has(ENTRY_DOC(E_BODY "  <content>a <b>b</b></content>\n"),
	           "unexpected-element", ERR, "<content>");
	expect_has(
		ENTRY_DOC(
			E_BODY
			"  <content type=\"text/plain\">a <b>b</b></content>\n"),
		"unexpected-element", ERR, "<content");
	expect_has(
		ENTRY_DOC(
			E_BODY
			"  <content type=\"application/xml\"><a/><b/></content>\n"),
		"unexpected-element", ERR, "<content");
	expect_has(
		ENTRY_DOC(
			E_BODY
			"  <content type=\"application/xml\">text<a/></content>\n"),
		"unexpected-text", ERR, "<content");
	expect_has(
		ENTRY_DOC(E_BODY "  <content type=\"xhtml\">bare</content>\n"),
		"missing-xhtml-div", ERR, "<content");
	static const char good[] = ENTRY_DOC(
		E_BODY
		"  <summary>s</summary>\n"
		"  <content type=\"image/png\">iVBORw0KGgo=\n  AAAA</content>\n");
	expect_clean(good);
	expect_clean(ENTRY_DOC(
		E_BODY
		"  <content type=\"application/xml\"><doc><a/></doc></content>\n"));
	expect_clean(ENTRY_DOC(
		E_BODY
		"  <content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>a</p></div></content>\n"));
	expect_clean(ENTRY_DOC(
		E_BODY
		"  <summary>s</summary>\n"
		"  <content src=\"https://example.org/1.html\" type=\"text/html\"/>\n"));
}
END_TEST

START_TEST(atom_content_or_alternate)
{
	static const char bad[] = ENTRY_DOC(
		E_TITLE E_ID E_UPDATED E_AUTHOR
		"  <link rel=\"related\" href=\"https://example.org/r\"/>\n");
	expect_has(bad, "missing-content-or-alternate", ERR, "<!--root-->");
	expect_has(FEED("", "  <entry><!--e1-->\n    <title>t</title>\n"
	                    "    <id>tag:example.org,2024:1</id>\n"
	                    "    " F_UPDATED "  </entry>\n"),
	           "missing-content-or-alternate", ERR, "<!--e1-->");
	/* content instead of the alternate link */
	expect_lacks(ENTRY_DOC(E_TITLE E_ID E_UPDATED E_AUTHOR
	                       "  <content>body</content>\n"),
	             "missing-content-or-alternate");
	expect_lacks(ENTRY_DOC(E_BODY), "missing-content-or-alternate");
}
END_TEST

START_TEST(atom_summary_required)
{
	expect_has(
		ENTRY_DOC(
			E_BODY
			"  <content src=\"https://example.org/1.pdf\" type=\"application/pdf\"/>\n"),
		"missing-summary", ERR, "<!--root-->");
	expect_has(
		ENTRY_DOC(
			E_BODY
			"  <content type=\"image/png\">iVBORw0KGgo=</content>\n"),
		"missing-summary", ERR, "<!--root-->");
	expect_lacks(
		ENTRY_DOC(
			E_BODY
			"  <summary>A PDF.</summary>\n"
			"  <content src=\"https://example.org/1.pdf\" type=\"application/pdf\"/>\n"),
		"missing-summary");
	/* text content needs no summary */
	expect_lacks(
		ENTRY_DOC(
			E_BODY
			"  <content type=\"html\">&lt;p&gt;x&lt;/p&gt;</content>\n"),
		"missing-summary");
}
END_TEST

START_TEST(atom_misplaced_metadata)
{
	expect_has(FEED("", ENTRY("1", "") "  <subtitle>late</subtitle>\n"),
	           "misplaced-metadata", ERR, "late");
	expect_lacks(FEED("  <subtitle>early</subtitle>\n", ENTRY("1", "")),
	             "misplaced-metadata");
}
END_TEST

START_TEST(atom_stray_text)
{
	/* line not checked: see bug_stray_text_line below */
	expect_has(FEED("  stray words\n", ENTRY("1", "")), "unexpected-text",
	           ERR, NULL);
	expect_has(FEED("", ENTRY("1", "    loose text\n")), "unexpected-text",
	           ERR, "<!--e1-->");
	expect_lacks(FEED("", ENTRY("1", "")), "unexpected-text");
}
END_TEST

START_TEST(atom_source_element)
{
	expect_has(
		ENTRY_DOC(
			E_BODY
			"  <source><title>a</title><title>b</title></source>\n"),
		"duplicate-element", ERR, "<source>");
	expect_has(ENTRY_DOC(E_BODY "  <source><id>not an iri</id></source>\n"),
	           "invalid-iri", ERR, "<source>");
	expect_has(ENTRY_DOC(E_BODY
	                     "  <source><updated>today</updated></source>\n"),
	           "invalid-date", ERR, "<source>");
	expect_clean(ENTRY_DOC(
		E_BODY
		"  <source><id>tag:example.org,2024:feed</id><title>Other</title>"
		"<updated>2024-01-01T00:00:00Z</updated>"
		"<link rel=\"self\" href=\"https://example.org/other.xml\"/></source>\n"));
}
END_TEST

START_TEST(atom_generator_icon_logo)
{
	expect_has(
		FEED("  <generator uri=\"https://example.org/\">a<b xmlns=\"\"/></generator>\n",
	             ""),
		"unexpected-element", ERR, "<generator");
	expect_has(FEED("  <icon><img xmlns=\"\"/></icon>\n", ""),
	           "unexpected-element", ERR, "<icon>");
	expect_has(FEED("  <logo>https://example.org/a b.png</logo>\n", ""),
	           "invalid-iri", ERR, "<logo>");
	expect_clean(FEED(
		"  <generator uri=\"https://example.org/gen\" version=\"1.0\">Gen</generator>\n"
		"  <icon>/favicon.ico</icon>\n  <logo>https://example.org/logo.png</logo>\n",
		ENTRY("1", "")));
}
END_TEST

START_TEST(atom_self_link)
{
	expect_has(XMLDECL FEED_OPEN F_TITLE F_ID F_UPDATED F_AUTHOR FEED_END,
	           "missing-self-link", WARN, "<feed");
	struct wf_validate_report *r = validate(
		XMLDECL FEED_OPEN F_TITLE F_ID F_UPDATED F_AUTHOR FEED_END,
		NULL);
	ck_assert_uint_eq(r->n_errors, 0);
	ck_assert_uint_eq(r->n_warnings, 1);
	wf_validate_report_destroy(r);
	expect_lacks(FEED("", ""), "missing-self-link");
	/* an entry document needs none */
	expect_lacks(ENTRY_DOC(E_BODY), "missing-self-link");
}
END_TEST

/* ---- update semantics ---- */

START_TEST(updated_before_published)
{
	expect_has(ENTRY_DOC(E_BODY
	                     "  <published>2024-01-03T10:00:00Z</published>\n"),
	           "updated-before-published", ERR, "<published>");
	/* the same instant in another offset is not earlier */
	expect_lacks(
		ENTRY_DOC(
			E_BODY
			"  <published>2024-01-02T11:00:00+01:00</published>\n"),
		"updated-before-published");
	expect_lacks(
		ENTRY_DOC(E_BODY
	                  "  <published>2024-01-01T10:00:00Z</published>\n"),
		"updated-before-published");
}
END_TEST

START_TEST(feed_updated_vs_newest_entry)
{
	/* an entry newer than the feed */
	static const char stale[] = FEED(
		"", ENTRY("1", "") ENTRY_AT("2", "2024-01-03T08:00:00Z", ""));
	expect_has(stale, "feed-updated-stale", WARN, "<!--e2-->");
	/* the feed newer than every entry */
	static const char later[] = XMLDECL FEED_OPEN F_TITLE F_ID
		"  <updated>2024-01-05T00:00:00Z</updated>\n" F_AUTHOR F_SELF
			ENTRY("1", "") FEED_END;
	expect_has(later, "feed-updated-mismatch", WARN, "<feed");
	/* equal instants: neither */
	static const char same[] =
		FEED("", ENTRY_AT("1", "2024-01-02T11:00:00+01:00", "")
	                         ENTRY_AT("2", "2024-01-01T00:00:00Z", ""));
	expect_lacks(same, "feed-updated-stale");
	expect_lacks(same, "feed-updated-mismatch");
	expect_clean(same);
}
END_TEST

START_TEST(duplicate_entry_ids)
{
	/* same id, different updated: two versions of one entry */
	static const char versions[] = FEED(
		"",
		ENTRY("1",
	              "") "  <entry><!--dup-->\n    <title>Story 1, v1</title>\n"
			  "    <id>tag:example.org,2024:1</id>\n"
			  "    <updated>2024-01-01T10:00:00Z</updated>\n"
			  "    <link href=\"https://example.org/s/1\"/>\n  </entry>\n");
	expect_has(versions, "duplicate-id", WARN, "<!--dup-->");
	expect_lacks(versions, "duplicate-entry");
	/* same id and the same updated */
	static const char same[] = FEED(
		"",
		ENTRY("1",
	              "") "  <entry><!--dup-->\n    <title>Story 1 again</title>\n"
			  "    <id>tag:example.org,2024:1</id>\n"
			  "    <updated>2024-01-02T10:00:00Z</updated>\n"
			  "    <link href=\"https://example.org/s/1\"/>\n  </entry>\n");
	expect_has(same, "duplicate-entry", WARN, "<!--dup-->");
	expect_lacks(same, "duplicate-id");
	struct wf_validate_report *r = validate(same, NULL);
	/* the message points at the first one */
	char where[32];
	snprintf(where, sizeof(where), "line %d", line_of(same, "<!--e1-->"));
	ck_assert_ptr_nonnull(strstr(message_of(r, "duplicate-entry"), where));
	wf_validate_report_destroy(r);
	expect_lacks(FEED("", ENTRY("1", "") ENTRY("2", "")), "duplicate-id");
	expect_lacks(FEED("", ENTRY("1", "") ENTRY("2", "")),
	             "duplicate-entry");
}
END_TEST

#define SAME_ID_ENTRY(marker, updated)                       \
	"  <entry><!--" marker "-->\n    <title>t</title>\n" \
	"    <id>tag:example.org,2024:same</id>\n"           \
	"    <updated>" updated "</updated>\n"               \
	"    <link href=\"https://example.org/s\"/>\n  </entry>\n"

START_TEST(all_entries_share_one_id)
{
	static const char xml[] = FEED(
		"", SAME_ID_ENTRY("a", "2024-01-02T10:00:00Z")
			    SAME_ID_ENTRY("b", "2024-01-01T10:00:00Z")
				    SAME_ID_ENTRY("c", "2023-12-31T10:00:00Z"));
	expect_has(xml, "duplicate-ids", ERR, "<!--a-->");
	/* two entries sharing an id is only a warning */
	static const char two[] =
		FEED("", SAME_ID_ENTRY("a", "2024-01-02T10:00:00Z")
	                         SAME_ID_ENTRY("b", "2024-01-01T10:00:00Z"));
	expect_lacks(two, "duplicate-ids");
	expect_has(two, "duplicate-id", WARN, "<!--b-->");
	/* three distinct ids */
	expect_lacks(FEED("", ENTRY("1", "") ENTRY("2", "") ENTRY("3", "")),
	             "duplicate-ids");
}
END_TEST

#define WF_GENERATOR \
	"  <generator uri=\"https://wirefeed.dev/\">wirefeed</generator>\n"

START_TEST(out_of_order_for_wirefeed_feeds)
{
	/* wirefeed writes newest first; an older-then-newer pair is flagged */
	static const char xml[] =
		FEED(WF_GENERATOR,
	             ENTRY_AT("1", "2024-01-01T10:00:00Z", "")
	                     ENTRY_AT("2", "2024-01-02T10:00:00Z", ""));
	expect_has(xml, "out-of-order", WARN, "<!--e2-->");
	/* newest first is in order */
	static const char ordered[] =
		FEED(WF_GENERATOR,
	             ENTRY_AT("1", "2024-01-02T10:00:00Z", "")
	                     ENTRY_AT("2", "2024-01-01T10:00:00Z", ""));
	expect_lacks(ordered, "out-of-order");
	expect_clean(ordered);
	/* other generators make no ordering promise */
	static const char other[] = FEED(
		"  <generator uri=\"https://example.org/\">other</generator>\n",
		ENTRY_AT("1", "2024-01-01T10:00:00Z", "")
			ENTRY_AT("2", "2024-01-02T10:00:00Z", ""));
	expect_lacks(other, "out-of-order");
}
END_TEST

START_TEST(future_dates_with_now)
{
	struct wf_validate_options o =
		options_now("2024-01-02T12:00:00Z", 3600);
	static const char atom[] = ENTRY_DOC(
		E_TITLE E_ID
		"  <updated>2024-06-01T00:00:00Z</updated>\n" E_AUTHOR E_LINK);
	expect_has_opt(atom, &o, "future-date", WARN, "<updated>");
	/* no "now", no check */
	expect_lacks(atom, "future-date");
	/* within the tolerance */
	expect_lacks_opt(
		ENTRY_DOC(E_TITLE E_ID
	                  "  <updated>2024-01-02T12:30:00Z</updated>\n" E_AUTHOR
	                          E_LINK),
		&o, "future-date");
	expect_lacks_opt(ENTRY_DOC(E_BODY), &o, "future-date");
	/* RSS dates too */
	static const char rss[] =
		RSS("", ITEM_AT("1", "Mon, 01 Jul 2024 10:00:00 +0000", ""));
	expect_has_opt(rss, &o, "future-date", WARN, "<pubDate>");
	expect_lacks_opt(RSS("", ITEM("1", "")), &o, "future-date");
}
END_TEST

/* ---- RFC 6721 tombstones ---- */

#define REF9 "tag:example.org,2024:9"

START_TEST(atom_tombstone_valid)
{
	/* with every optional child, between entries and after them */
	static const char full[] = FEED(
		"",
		ENTRY("1", "") TOMBSTONE(
			"t1", "ref=\"" REF9 "\" when=\"2024-01-02T09:00:00Z\"",
			"    <at:by><name>Ana Reyes</name><email>ana@example.org</email></at:by>\n"
			"    <at:comment xml:lang=\"en\">Withdrawn: wrong figures</at:comment>\n"
			"    <link rel=\"related\" href=\"https://example.org/note\"/>\n"
			"    <x:why xmlns:x=\"urn:example:x\">legal</x:why>\n")
			ENTRY("2", "")
				TOMBSTONE_OF("t2", "tag:example.org,2024:8",
		                             "2024-01-01T00:00:00+01:00"));
	expect_clean(full);
	/* a tombstone among the entries is not late metadata */
	expect_lacks(full, "misplaced-metadata");
	expect_lacks(full, "undefined-element");
	/* and before the entries too */
	expect_clean(FEED(TOMBSTONE_OF("t1", REF9, "2024-01-02T09:00:00Z"),
	                  ENTRY("1", "")));
}
END_TEST

START_TEST(atom_tombstone_attributes)
{
	expect_has(FEED("", ENTRY("1", "") TOMBSTONE(
				    "t1", "when=\"2024-01-02T09:00:00Z\"", "")),
	           "missing-attribute", ERR, "<!--t1-->");
	expect_has(FEED("", ENTRY("1", "") TOMBSTONE("t1", "ref=\"" REF9 "\"",
	                                              "")),
	           "missing-attribute", ERR, "<!--t1-->");
	expect_has(FEED("", TOMBSTONE_OF("t1", REF9, "2024-01-02 09:00")),
	           "invalid-date", ERR, "<!--t1-->");
	expect_has(FEED("", TOMBSTONE_OF("t1", REF9, "yesterday")),
	           "invalid-date", ERR, "<!--t1-->");
	/* ref is an atom:id: an absolute IRI */
	expect_has(FEED("", TOMBSTONE_OF("t1", "/s/9", "2024-01-02T09:00:00Z")),
	           "not-absolute-iri", ERR, "<!--t1-->");
	expect_has(FEED("", TOMBSTONE_OF("t1", "tag:example.org,2024:a b",
	                                 "2024-01-02T09:00:00Z")),
	           "invalid-iri", ERR, "<!--t1-->");
	expect_has(FEED("", TOMBSTONE_OF("t1", "", "2024-01-02T09:00:00Z")),
	           "not-blank", ERR, "<!--t1-->");
	/* a bad tombstone is reported once, not also as a live entry */
	struct wf_validate_report *r = validate(
		FEED("", TOMBSTONE("t1", "when=\"2024-01-02T09:00:00Z\"", "")),
		NULL);
	ck_assert_uint_eq(r->n_errors, 1);
	wf_validate_report_destroy(r);
}
END_TEST

START_TEST(atom_tombstone_children)
{
	/* at:by is a person construct */
	expect_has(FEED("", TOMBSTONE("t1",
	                              "ref=\"" REF9 "\" when=\"2024-01-02T09:00:00Z\"",
	                              "    <at:by><email>ana@example.org</email></at:by><!--by-->\n")),
	           "missing-element", ERR, "<!--by-->");
	expect_has(FEED("", TOMBSTONE("t1",
	                              "ref=\"" REF9 "\" when=\"2024-01-02T09:00:00Z\"",
	                              "    <at:by><name>A</name><email>nope</email></at:by><!--by-->\n")),
	           "invalid-email", ERR, "<!--by-->");
	/* at:comment is text with an optional xml:lang */
	expect_has(FEED("", TOMBSTONE("t1",
	                              "ref=\"" REF9 "\" when=\"2024-01-02T09:00:00Z\"",
	                              "    <at:comment xml:lang=\"12\">x</at:comment><!--c-->\n")),
	           "invalid-language", ERR, "<!--c-->");
	expect_has(FEED("", TOMBSTONE("t1",
	                              "ref=\"" REF9 "\" when=\"2024-01-02T09:00:00Z\"",
	                              "    <at:comment><b>x</b></at:comment><!--c-->\n")),
	           "unexpected-element", ERR, "<!--c-->");
	expect_has(FEED("", TOMBSTONE("t1",
	                              "ref=\"" REF9 "\" when=\"2024-01-02T09:00:00Z\"",
	                              "    <at:comment>a</at:comment>\n"
	                              "    <at:comment>b</at:comment>\n")),
	           "duplicate-element", ERR, "<!--t1-->");
	/* anything else of RFC 6721's or Atom's is undefined there */
	expect_has(FEED("", TOMBSTONE("t1",
	                              "ref=\"" REF9 "\" when=\"2024-01-02T09:00:00Z\"",
	                              "    <at:reason>x</at:reason><!--u-->\n")),
	           "undefined-element", ERR, "<!--u-->");
	expect_has(FEED("", TOMBSTONE("t1",
	                              "ref=\"" REF9 "\" when=\"2024-01-02T09:00:00Z\"",
	                              "    <title>Story 9</title><!--u-->\n")),
	           "undefined-element", ERR, "<!--u-->");
	expect_has(FEED("", TOMBSTONE("t1",
	                              "ref=\"" REF9 "\" when=\"2024-01-02T09:00:00Z\"",
	                              "    <link rel=\"related\"/><!--l-->\n")),
	           "missing-attribute", ERR, "<!--l-->");
	expect_has(FEED("", TOMBSTONE("t1",
	                              "ref=\"" REF9 "\" when=\"2024-01-02T09:00:00Z\"",
	                              "    stray\n")),
	           "unexpected-text", ERR, "<!--t1-->");
}
END_TEST

START_TEST(atom_tombstone_and_live_entry)
{
	/* entry 9 updated after its deletion, tombstone before or after it:
	 * an error on the entry's line, naming the tombstone's */
	static const char after[] = FEED(
		"", ENTRY_AT("9", "2024-01-02T10:00:00Z", "")
			    TOMBSTONE_OF("t9", REF9, "2024-01-02T09:00:00Z"));
	expect_has(after, "deleted-entry-live", ERR, "<!--e9-->");
	struct wf_validate_report *r = validate(after, NULL);
	char where[32];
	snprintf(where, sizeof(where), "line %d", line_of(after, "<!--t9-->"));
	ck_assert_ptr_nonnull(strstr(message_of(r, "deleted-entry-live"), where));
	ck_assert_uint_eq(r->n_errors, 1);
	wf_validate_report_destroy(r);
	expect_has(FEED(TOMBSTONE_OF("t9", REF9, "2024-01-02T09:59:59Z"),
	                ENTRY("1", "") ENTRY_AT("9", "2024-01-02T10:00:00Z", "")),
	           "deleted-entry-live", ERR, "<!--e9-->");
	/* updated at or before the deletion: a withdrawal notice, fine */
	expect_clean(FEED("", ENTRY("1", "")
	                              TOMBSTONE_OF("t9", REF9, "2024-01-02T10:00:00Z")
	                                      ENTRY_AT("9", "2024-01-02T10:00:00Z", "")));
	expect_clean(FEED("", ENTRY("1", "")
	                              TOMBSTONE_OF("t9", REF9, "2024-01-02T11:00:00+01:00")
	                                      ENTRY_AT("9", "2024-01-02T10:00:00Z", "")));
	expect_clean(FEED("", ENTRY("1", "") ENTRY_AT("9", "2024-01-01T08:00:00Z", "")
	                              TOMBSTONE_OF("t9", REF9, "2024-01-02T09:00:00Z")));
	/* another entry's id is not affected */
	expect_lacks(FEED("", ENTRY("1", "")
	                              TOMBSTONE_OF("t9", REF9, "2024-01-01T00:00:00Z")),
	             "deleted-entry-live");
	/* two tombstones for one entry: a warning on the second; the latest
	 * deletion is the one an entry is compared with */
	static const char twice[] = FEED(
		"", TOMBSTONE_OF("t1", REF9, "2024-01-01T09:00:00Z")
			    ENTRY_AT("9", "2024-01-01T12:00:00Z", "")
				    TOMBSTONE_OF("t2", REF9, "2024-01-02T09:00:00Z")
					    ENTRY("1", ""));
	expect_has(twice, "duplicate-tombstone", WARN, "<!--t2-->");
	expect_lacks(twice, "deleted-entry-live");
	expect_lacks(FEED("", TOMBSTONE_OF("t1", REF9, "2024-01-01T09:00:00Z")
	                              TOMBSTONE_OF("t2", "tag:example.org,2024:8",
	                                           "2024-01-01T09:00:00Z")),
	             "duplicate-tombstone");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("validate_atom");

	TCase *tc = tcase_create("atom");
	tcase_add_test(tc, atom_feed_required_elements);
	tcase_add_test(tc, atom_feed_single_elements);
	tcase_add_test(tc, atom_entry_required_elements);
	tcase_add_test(tc, atom_entry_single_elements);
	tcase_add_test(tc, atom_authors_required);
	tcase_add_test(tc, atom_person_constructs);
	tcase_add_test(tc, atom_undefined_elements);
	tcase_add_test(tc, atom_link_attributes);
	tcase_add_test(tc, atom_alternate_links_unique);
	tcase_add_test(tc, atom_categories);
	tcase_add_test(tc, atom_text_constructs);
	tcase_add_test(tc, atom_content_rules);
	tcase_add_test(tc, atom_content_or_alternate);
	tcase_add_test(tc, atom_summary_required);
	tcase_add_test(tc, atom_misplaced_metadata);
	tcase_add_test(tc, atom_stray_text);
	tcase_add_test(tc, atom_source_element);
	tcase_add_test(tc, atom_generator_icon_logo);
	tcase_add_test(tc, atom_self_link);
	tcase_add_test(tc, atom_tombstone_valid);
	tcase_add_test(tc, atom_tombstone_attributes);
	tcase_add_test(tc, atom_tombstone_children);
	tcase_add_test(tc, atom_tombstone_and_live_entry);
	suite_add_tcase(s, tc);

	tc = tcase_create("updates");
	tcase_add_test(tc, updated_before_published);
	tcase_add_test(tc, feed_updated_vs_newest_entry);
	tcase_add_test(tc, duplicate_entry_ids);
	tcase_add_test(tc, all_entries_share_one_id);
	tcase_add_test(tc, out_of_order_for_wirefeed_feeds);
	tcase_add_test(tc, future_dates_with_now);
	suite_add_tcase(s, tc);

	return helpers_run_suite(s);
}
