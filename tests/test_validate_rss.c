/* SPDX-License-Identifier: MIT */
/* RSS 2.0 rules, each with a failing and a passing input. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirefeed/validate.h"
#include "helpers.h"
#include "validate_helpers.h"

START_TEST(rss_atom_updated_before_pubdate)
{
	static const char xml[] = RSS(
		"",
		ITEM("1",
	             "    <atom:updated>2024-01-01T10:00:00Z</atom:updated>\n"));
	expect_has(xml, "updated-before-published", ERR, "<atom:updated>");
	expect_lacks(
		RSS("",
	            ITEM("1",
	                 "    <atom:updated>2024-01-03T10:00:00Z</atom:updated>\n")),
		"updated-before-published");
	expect_has(
		RSS("", ITEM("1", "    <atom:updated>Jan 3</atom:updated>\n")),
		"invalid-date", ERR, "<atom:updated>");
}
END_TEST

START_TEST(rss_last_build_date)
{
	static const char old[] = RSS(
		"  <lastBuildDate>Mon, 01 Jan 2024 10:00:00 +0000</lastBuildDate>\n",
		ITEM("1", ""));
	expect_has(old, "last-build-mismatch", WARN, "<lastBuildDate>");
	/* atom:updated counts as the item's latest change */
	static const char upd[] = RSS(
		"  <lastBuildDate>" PUB1 "</lastBuildDate>\n",
		ITEM("1",
	             "    <atom:updated>2024-01-03T10:00:00Z</atom:updated>\n"));
	expect_has(upd, "last-build-mismatch", WARN, "<lastBuildDate>");
	/* the same instant, written in another zone */
	static const char same[] = RSS(
		"  <lastBuildDate>Tue, 02 Jan 2024 05:00:00 -0500</lastBuildDate>\n",
		ITEM("1", "")
			ITEM_AT("2", "Mon, 01 Jan 2024 10:00:00 +0000", ""));
	expect_lacks(same, "last-build-mismatch");
	expect_clean(same);
}
END_TEST

START_TEST(rss_duplicate_guids)
{
	static const char xml[] = RSS(
		"",
		ITEM("1",
	             "") "  <item><!--dup-->\n    <title>Again</title>\n"
			 "    <guid>https://example.org/s/1</guid>\n  </item>\n");
	expect_has(xml, "duplicate-guid", ERR, "<!--dup-->");
	expect_lacks(RSS("", ITEM("1", "") ITEM("2", "")), "duplicate-guid");
}
END_TEST

/* ---- RSS rules ---- */

START_TEST(rss_channel_required_elements)
{
	static const char no_title[] = RSS_OPEN C_LINK C_DESC C_SELF RSS_END;
	static const char no_link[] = RSS_OPEN C_TITLE C_DESC C_SELF RSS_END;
	static const char no_desc[] = RSS_OPEN C_TITLE C_LINK C_SELF RSS_END;
	expect_has(no_title, "missing-element", ERR, "<channel>");
	expect_has(no_link, "missing-element", ERR, "<channel>");
	expect_has(no_desc, "missing-element", ERR, "<channel>");
	expect_has(XMLDECL "<rss version=\"2.0\">\n</rss>\n", "missing-element",
	           ERR, "<rss");
	expect_lacks(RSS("", ""), "missing-element");
}
END_TEST

START_TEST(rss_item_title_or_description)
{
	expect_has(
		RSS("",
	            "  <item><!--i1-->\n    <link>https://example.org/1</link>\n  </item>\n"),
		"missing-element", ERR, "<!--i1-->");
	expect_lacks(
		RSS("",
	            "  <item><description>Only a description.</description></item>\n"),
		"missing-element");
	expect_lacks(RSS("", "  <item><title>Only a title</title></item>\n"),
	             "missing-element");
}
END_TEST

START_TEST(rss_duplicate_elements)
{
	expect_has(RSS("  <title>Again</title>\n", ""), "duplicate-element",
	           ERR, "Again");
	expect_has(RSS("  <ttl>5</ttl>\n  <ttl>6</ttl>\n", ""),
	           "duplicate-element", ERR, "<ttl>6");
	expect_has(RSS("", ITEM("1", "    <title>Twice</title>\n")),
	           "duplicate-element", ERR, "Twice");
	expect_has(RSS_HEAD "</channel>\n<channel><!--c2-->\n" RSS_END,
	           "duplicate-element", ERR, "<!--c2-->");
	expect_has(
		RSS("  <image><url>https://example.org/a.png</url><title>W</title>"
	            "<link>https://example.org/</link><url>https://example.org/b.png</url></image>\n",
	            ""),
		"duplicate-element", ERR, "<image>");
	/* categories and enclosures may repeat */
	expect_lacks(
		RSS("  <category>a</category>\n  <category>b</category>\n",
	            ITEM("1",
	                 "    <category>x</category>\n    <category>y</category>\n")),
		"duplicate-element");
}
END_TEST

START_TEST(rss_undefined_elements)
{
	expect_has(RSS("  <author>x@example.org</author>\n", ""),
	           "undefined-element", ERR, "<author>");
	expect_has(RSS("", ITEM("1", "    <updated>today</updated>\n")),
	           "undefined-element", ERR, "<updated>");
	expect_has(
		RSS_HEAD
		"</channel>\n<item><!--top--><title>t</title></item>\n</rss>\n",
		"undefined-element", ERR, "<!--top-->");
	expect_has(
		RSS("  <image><url>https://example.org/a.png</url><title>W</title>"
	            "<link>https://example.org/</link><alt>x</alt></image>\n",
	            ""),
		"undefined-element", ERR, "<alt>");
	expect_has(
		RSS("  <textInput><title>S</title><description>d</description><name>q</name>"
	            "<link>https://example.org/s</link><size>5</size></textInput>\n",
	            ""),
		"undefined-element", ERR, "<size>");
	expect_has(RSS("  <skipDays><hour>3</hour></skipDays>\n", ""),
	           "undefined-element", ERR, "<skipDays>");
	expect_has(
		RSS_OPEN C_TITLE C_LINK C_DESC C_SELF ITEM(
			"1",
			"    <content:body xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">x</content:body>\n")
			RSS_END,
		"undefined-element", ERR, "<content:body");
	/* namespaced extensions are fine anywhere */
	expect_clean(RSS(
		"  <x:meta xmlns:x=\"urn:example:x\">m</x:meta>\n",
		ITEM("1",
	             "    <dc:creator xmlns:dc=\"http://purl.org/dc/elements/1.1/\">Ana</dc:creator>\n"
	             "    <content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">&lt;p&gt;x&lt;/p&gt;</content:encoded>\n")));
}
END_TEST

START_TEST(rss_misplaced_content_encoded)
{
	expect_has(
		RSS("  <content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">x</content:encoded>\n",
	            ""),
		"misplaced-element", ERR, "<content:encoded");
	expect_lacks(
		RSS("",
	            ITEM("1",
	                 "    <content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">x</content:encoded>\n")),
		"misplaced-element");
}
END_TEST

#define PUBDATE_DOC(date) RSS("  <pubDate>" date "</pubDate>\n", "")

START_TEST(rss_rfc822_dates)
{
	expect_has(PUBDATE_DOC("2024-01-02T10:00:00Z"), "invalid-date", ERR,
	           "<pubDate>");
	expect_has(PUBDATE_DOC("yesterday"), "invalid-date", ERR, "<pubDate>");
	expect_has(PUBDATE_DOC("Tue, 32 Jan 2024 10:00:00 GMT"), "invalid-date",
	           ERR, "<pubDate>");
	/* an unknown zone name */
	expect_has(PUBDATE_DOC("Tue, 02 Jan 2024 10:00:00 XYZ"), "invalid-date",
	           ERR, "<pubDate>");
	/* 2 January 2024 was a Tuesday */
	expect_has(PUBDATE_DOC("Mon, 02 Jan 2024 10:00:00 GMT"),
	           "wrong-weekday", ERR, "<pubDate>");
	expect_has(PUBDATE_DOC("Tue, 02 Jan 24 10:00:00 GMT"), "two-digit-year",
	           WARN, "<pubDate>");
	expect_has(PUBDATE_DOC("Tue, 02 Jan 2024 10:00:00 EST"), "named-zone",
	           WARN, "<pubDate>");
	expect_has(PUBDATE_DOC("Tue, 02 Jan 2024 10:00:00 PDT"), "named-zone",
	           WARN, "<pubDate>");
	expect_has(PUBDATE_DOC("tue, 02 jan 2024 10:00:00 GMT"),
	           "problematic-date", WARN, "<pubDate>");
	expect_has(PUBDATE_DOC("Tue,  02 Jan 2024 10:00:00 GMT"),
	           "problematic-date", WARN, "<pubDate>");
	/* lastBuildDate and item pubDate use the same checks */
	expect_has(
		RSS("  <lastBuildDate>Mon, 02 Jan 2024 10:00:00 GMT</lastBuildDate>\n",
	            ""),
		"wrong-weekday", ERR, "<lastBuildDate>");
	expect_has(RSS("", ITEM_AT("1", "Tue, 02 Jan 24 10:00:00 +0000", "")),
	           "two-digit-year", WARN, "<pubDate>");
	/* good forms: numeric zone, GMT, no weekday, no seconds */
	expect_clean(PUBDATE_DOC("Tue, 02 Jan 2024 10:00:00 +0000"));
	expect_clean(PUBDATE_DOC("Tue, 02 Jan 2024 10:00:00 GMT"));
	expect_clean(PUBDATE_DOC("02 Jan 2024 10:00 -0500"));
}
END_TEST

START_TEST(rss_contacts)
{
	expect_has(RSS("  <managingEditor>Jane Doe</managingEditor>\n", ""),
	           "invalid-contact", ERR, "<managingEditor>");
	expect_has(RSS("  <webMaster>webmaster</webMaster>\n", ""),
	           "invalid-contact", ERR, "<webMaster>");
	expect_has(RSS("", ITEM("1", "    <author>John Smith</author>\n")),
	           "invalid-contact", ERR, "<author>");
	/* "(Name)" after something that is not an address */
	expect_has(
		RSS("",
	            ITEM("1",
	                 "    <author>John Smith (mailto:jsmith@example.org)</author>\n")),
		"invalid-contact", ERR, "<author>");
	expect_has(
		RSS("",
	            ITEM("1",
	                 "    <author>j smith@example.org (John Smith)</author>\n")),
		"invalid-contact", ERR, "<author>");
	/* an address in the wrong form is only a warning */
	expect_has(
		RSS("",
	            ITEM("1",
	                 "    <author>John Smith &lt;jsmith@example.org&gt;</author>\n")),
		"email-format", WARN, "<author>");
	expect_has(RSS("  <webMaster>jane@example.org Jane</webMaster>\n", ""),
	           "email-format", WARN, "<webMaster>");
	static const char good[] = RSS(
		"  <managingEditor>jane@example.org (Jane Doe)</managingEditor>\n"
		"  <webMaster> web@example.org </webMaster>\n",
		ITEM("1", "    <author>mailto:jsmith@example.org</author>\n") ITEM(
			"2",
			"    <author>jsmith@example.org (John Smith)</author>\n"));
	expect_clean(good);
}
END_TEST

START_TEST(rss_guids)
{
	expect_has(
		RSS("",
	            "  <item><title>t</title><guid isPermaLink=\"yes\">https://example.org/1</guid></item>\n"),
		"invalid-value", ERR, "isPermaLink");
	/* a permalink (the default) must be an http(s) URL */
	expect_has(
		RSS("",
	            "  <item><title>t</title><guid>tag:example.org,2024:1</guid></item>\n"),
		"invalid-permalink", ERR, "<guid>");
	expect_has(
		RSS("",
	            "  <item><title>t</title><guid>urn:uuid:0b6c2c52-3d1a-4e5f-8a9b-1c2d3e4f5a6b</guid></item>\n"),
		"invalid-permalink", ERR, "<guid>");
	/* another scheme: a URL, maybe not one a browser opens */
	expect_has(
		RSS("",
	            "  <item><title>t</title><guid isPermaLink=\"true\">urn:isbn:0451450523</guid></item>\n"),
		"permalink-not-http", WARN, "<guid");
	expect_has(
		RSS("",
	            "  <item><title>t</title><guid>https://example.org/caf\xc3\xa9</guid></item>\n"),
		"invalid-uri", ERR, "<guid>");
	expect_has(RSS("",
	               "  <item><title>t</title><guid>story-1</guid></item>\n"),
	           "not-absolute-iri", ERR, "<guid>");
	expect_has(RSS("", "  <item><title>t</title><guid></guid></item>\n"),
	           "not-blank", WARN, "<guid>");
	/* not a permalink: any string */
	expect_clean(RSS(
		"",
		"  <item><title>t</title><guid isPermaLink=\"false\">story-1</guid></item>\n"));
	expect_clean(RSS(
		"",
		"  <item><title>t</title><guid isPermaLink=\"true\">https://example.org/1</guid></item>\n"));
}
END_TEST

START_TEST(rss_enclosures)
{
	expect_has(
		RSS("",
	            ITEM("1",
	                 "    <enclosure length=\"1\" type=\"audio/mpeg\"/>\n")),
		"missing-attribute", ERR, "<enclosure");
	expect_has(
		RSS("",
	            ITEM("1",
	                 "    <enclosure url=\"https://example.org/a.mp3\" type=\"audio/mpeg\"/>\n")),
		"missing-attribute", ERR, "<enclosure");
	expect_has(
		RSS("",
	            ITEM("1",
	                 "    <enclosure url=\"https://example.org/a.mp3\" length=\"1\"/>\n")),
		"missing-attribute", ERR, "<enclosure");
	expect_has(
		RSS("",
	            ITEM("1",
	                 "    <enclosure url=\"https://example.org/a.mp3\" length=\"3 MB\" type=\"audio/mpeg\"/>\n")),
		"invalid-integer", ERR, "<enclosure");
	expect_has(
		RSS("",
	            ITEM("1",
	                 "    <enclosure url=\"https://example.org/a.mp3\" length=\"-1\" type=\"audio/mpeg\"/>\n")),
		"invalid-integer", ERR, "<enclosure");
	/* too large for a 64-bit length */
	expect_has(
		RSS("",
	            ITEM("1",
	                 "    <enclosure url=\"https://example.org/a.mp3\" "
	                 "length=\"99999999999999999999999\" type=\"audio/mpeg\"/>\n")),
		"invalid-integer", ERR, "<enclosure");
	expect_has(RSS("  <ttl>99999999999999999999</ttl>\n", ""),
	           "invalid-integer", ERR, "<ttl>");
	expect_has(
		RSS("",
	            ITEM("1",
	                 "    <enclosure url=\"https://example.org/a.mp3\" length=\"1\" type=\"mp3\"/>\n")),
		"invalid-mime-type", ERR, "<enclosure");
	expect_has(
		RSS("",
	            ITEM("1",
	                 "    <enclosure url=\"/a.mp3\" length=\"1\" type=\"audio/mpeg\"/>\n")),
		"not-absolute-iri", ERR, "<enclosure");
	expect_clean(RSS(
		"",
		ITEM("1",
	             "    <enclosure url=\"https://example.org/a.mp3\" length=\"0\" type=\"audio/mpeg\"/>\n"
	             "    <enclosure url=\"https://example.org/b.ogg\" length=\"12345678901\" type=\"audio/ogg\"/>\n")));
}
END_TEST

START_TEST(rss_atom_self_link)
{
	static const char none[] = RSS_OPEN C_TITLE C_LINK C_DESC RSS_END;
	expect_has(none, "missing-self-link", WARN, "<channel>");
	struct wf_validate_report *r = validate(none, NULL);
	ck_assert_uint_eq(r->n_errors, 0);
	ck_assert_uint_eq(r->n_warnings, 1);
	wf_validate_report_destroy(r);
	/* rel=alternate is not self */
	expect_has(
		RSS_OPEN C_TITLE C_LINK C_DESC
		"  <atom:link rel=\"alternate\" href=\"https://example.org/\"/>\n" RSS_END,
		"missing-self-link", WARN, "<channel>");
	expect_has(RSS("  <atom:link rel=\"hub\"/>\n", ""), "missing-attribute",
	           ERR, "rel=\"hub\"");
	expect_has(
		RSS("  <atom:link rel=\"hub\" type=\"xml\" href=\"https://hub.example.org/\"/>\n",
	            ""),
		"invalid-mime-type", ERR, "rel=\"hub\"");
	expect_has(
		RSS("",
	            ITEM("1",
	                 "    <atom:link rel=\"related\" type=\"xml\" href=\"https://example.org/r\"/>\n")),
		"invalid-mime-type", ERR, "rel=\"related\"");
	expect_lacks(RSS("", ""), "missing-self-link");
}
END_TEST

START_TEST(rss_integers)
{
	expect_has(RSS("  <ttl>soon</ttl>\n", ""), "invalid-integer", ERR,
	           "<ttl>");
	static const char image_w[] = RSS(
		"  <image><url>https://example.org/a.png</url><title>W</title>"
		"<link>https://example.org/</link>\n    <width>200</width></image>\n",
		"");
	expect_has(image_w, "invalid-integer", ERR, "<width>");
	static const char image_h[] = RSS(
		"  <image><url>https://example.org/a.png</url><title>W</title>"
		"<link>https://example.org/</link>\n    <height>401</height></image>\n",
		"");
	expect_has(image_h, "invalid-integer", ERR, "<height>");
	expect_clean(RSS(
		"  <ttl>60</ttl>\n  <image><url>https://example.org/a.png</url><title>W</title>"
		"<link>https://example.org/</link><width>144</width><height>400</height>"
		"<description>Logo</description></image>\n",
		""));
}
END_TEST

START_TEST(rss_image_and_text_input)
{
	expect_has(
		RSS("  <image><title>W</title><link>https://example.org/</link></image>\n",
	            ""),
		"missing-element", ERR, "<image>");
	expect_has(
		RSS("  <image><url>/a.png</url><title>W</title><link>https://example.org/</link></image>\n",
	            ""),
		"not-absolute-iri", ERR, "<image>");
	expect_has(
		RSS("  <textInput><title>S</title><description>d</description>"
	            "<link>https://example.org/s</link></textInput>\n",
	            ""),
		"missing-element", ERR, "<textInput>");
	expect_has(
		RSS("  <textInput><title>S</title><description>d</description><name>q</name>"
	            "<link>search</link></textInput>\n",
	            ""),
		"not-absolute-iri", ERR, "<textInput>");
	expect_clean(RSS(
		"  <textInput><title>S</title><description>d</description><name>q</name>"
		"<link>https://example.org/s</link></textInput>\n",
		""));
}
END_TEST

START_TEST(rss_skip_hours_and_days)
{
	expect_has(RSS("  <skipHours><hour>24</hour></skipHours>\n", ""),
	           "use-zero-for-midnight", WARN, "<skipHours>");
	expect_has(RSS("  <skipHours><hour>25</hour></skipHours>\n", ""),
	           "invalid-hour", ERR, "<skipHours>");
	expect_has(RSS("  <skipHours><hour>noon</hour></skipHours>\n", ""),
	           "invalid-hour", ERR, "<skipHours>");
	expect_has(RSS("  <skipDays><day>Funday</day></skipDays>\n", ""),
	           "invalid-day", ERR, "<skipDays>");
	expect_has(RSS("  <skipDays><day>monday</day></skipDays>\n", ""),
	           "invalid-day", ERR, "<skipDays>");
	expect_has(
		RSS("  <skipDays>\n    <day>Monday</day>\n    <day>Monday</day><!--2nd-->\n  </skipDays>\n",
	            ""),
		"duplicate-value", ERR, "<!--2nd-->");
	/* 24 and 0 are the same hour */
	expect_has(
		RSS("  <skipHours>\n    <hour>0</hour>\n    <hour>24</hour><!--2nd-->\n  </skipHours>\n",
	            ""),
		"duplicate-value", ERR, "<!--2nd-->");
	expect_clean(RSS(
		"  <skipHours><hour>0</hour><hour>23</hour></skipHours>\n"
		"  <skipDays><day>Saturday</day><day>Sunday</day></skipDays>\n",
		""));
}
END_TEST

START_TEST(rss_cloud)
{
	expect_has(
		RSS("  <cloud domain=\"rpc.example.org\" port=\"80\" path=\"/RPC2\" protocol=\"xml-rpc\"/>\n",
	            ""),
		"missing-attribute", ERR, "<cloud");
	expect_has(
		RSS("  <cloud domain=\"rpc.example.org\" port=\"0\" path=\"/RPC2\" "
	            "registerProcedure=\"p\" protocol=\"xml-rpc\"/>\n",
	            ""),
		"invalid-integer", ERR, "<cloud");
	/* the W3C validator does not check protocol: a warning here */
	expect_has(
		RSS("  <cloud domain=\"rpc.example.org\" port=\"80\" path=\"/RPC2\" "
	            "registerProcedure=\"p\" protocol=\"ftp\"/>\n",
	            ""),
		"unknown-protocol", WARN, "<cloud");
	expect_clean(RSS(
		"  <cloud domain=\"rpc.example.org\" port=\"80\" path=\"/RPC2\" "
		"registerProcedure=\"p\" protocol=\"soap\"/>\n",
		""));
}
END_TEST

START_TEST(rss_language_and_docs)
{
	expect_has(RSS("  <language>en_US</language>\n", ""),
	           "invalid-language", ERR, "<language>");
	expect_has(RSS("  <docs>rss-spec</docs>\n", ""), "not-absolute-iri",
	           ERR, "<docs>");
	expect_clean(RSS(
		"  <language>en-us</language>\n"
		"  <docs>https://www.rssboard.org/rss-specification</docs>\n",
		""));
}
END_TEST

START_TEST(rss_links_and_sources)
{
	expect_has(RSS_OPEN C_TITLE "  <link></link>\n" C_DESC C_SELF RSS_END,
	           "not-blank", ERR, "<link>");
	expect_has(
		RSS("", "  <item><title>t</title><link>/s/1</link></item>\n"),
		"not-absolute-iri", ERR, "<link>/s/1");
	expect_has(
		RSS("",
	            ITEM("1",
	                 "    <comments>https://example.org/c 1</comments>\n")),
		"invalid-iri", ERR, "<comments>");
	expect_has(RSS("", ITEM("1", "    <source>Other Wire</source>\n")),
	           "missing-attribute", ERR, "<source>");
	expect_clean(RSS(
		"",
		ITEM("1",
	             "    <comments>https://example.org/c/1</comments>\n"
	             "    <source url=\"https://other.example.org/rss.xml\">Other Wire</source>\n")));
}
END_TEST

START_TEST(rss_text_and_markup)
{
	expect_has(
		RSS("",
	            ITEM("1",
	                 "    <description>a <b>bold</b> claim</description>\n")),
		"unexpected-element", ERR, "<description>a <b>");
	expect_has(RSS("", ITEM("1", "    <category>a<b/></category>\n")),
	           "unexpected-element", ERR, "<category>");
	/* line not checked: see bug_stray_text_line below */
	expect_has(RSS("  stray words\n", ""), "unexpected-text", ERR, NULL);
	expect_has(RSS("", ITEM("1", "    loose text\n")), "unexpected-text",
	           ERR, "<!--i1-->");
	/* escaped markup is text */
	expect_clean(RSS(
		"",
		ITEM("1",
	             "    <description>a &lt;b&gt;bold&lt;/b&gt; claim</description>\n")));
	expect_clean(RSS(
		"",
		ITEM("1",
	             "    <description><![CDATA[a <b>bold</b> claim]]></description>\n")));
}
END_TEST

/* ---- rules re-derived from the W3C validator (docs/validate.md) ---- */

START_TEST(rss_unexpected_attributes)
{
	expect_has(RSS("", "  <item foo=\"1\"><title>t</title></item>\n"),
	           "unexpected-attribute", ERR, "<item foo");
	expect_has(RSS("  <title2 />\n", ""), "undefined-element", ERR,
	           "<title2");
	expect_has(RSS_OPEN "  <title lang=\"en\">Wire</title>\n" C_LINK C_DESC
	                   C_SELF RSS_END,
	           "unexpected-attribute", ERR, "<title lang");
	expect_has(RSS("", ITEM("1", "    <category dom=\"x\">a</category>\n")),
	           "unexpected-attribute", ERR, "<category dom");
	/* an attribute in a known namespace that does not define it */
	expect_has(RSS("",
	               "  <item atom:foo=\"1\"><title>t</title></item>\n"),
	           "unexpected-attribute", ERR, "<item atom:foo");
	/* extension attributes are a warning; xml:* are fine */
	expect_has(RSS("",
	               "  <item xmlns:x=\"https://x.example/\" x:a=\"1\"><title>t</title></item>\n"),
	           "extension-attribute", WARN, "<item xmlns:x");
	expect_clean(RSS("",
	                 ITEM("1", "    <category domain=\"https://example.org/c\">a</category>\n"
	                           "    <source url=\"https://example.org/rss\">S</source>\n")
	                         "  <item xml:lang=\"en\"><title>t</title></item>\n"));
}
END_TEST

START_TEST(rss_text_only_elements)
{
	expect_has(RSS("  <copyright>&#169; <b>Wire</b></copyright>\n", ""),
	           "unexpected-element", ERR, "<copyright>");
	expect_has(RSS("", ITEM("1", "    <author><x/></author>\n")),
	           "unexpected-element", ERR, "<author>");
	expect_has(RSS("  <image><url>https://example.org/a.png</url>oops<title>W</title>"
	               "<link>https://example.org/</link></image>\n", ""),
	           "unexpected-text", ERR, "oops");
	expect_has(RSS("", ITEM("1", "    <enclosure url=\"https://example.org/a.mp3\" "
	                             "length=\"1\" type=\"audio/mpeg\">x</enclosure>\n")),
	           "unexpected-text", ERR, "<enclosure");
	expect_clean(RSS("  <copyright>&#169; Wire</copyright>\n", ""));
}
END_TEST

START_TEST(rss_values_are_trimmed)
{
	/* surrounding whitespace is not part of the value */
	expect_clean(RSS("  <ttl> 60 </ttl>\n  <language>\n    en\n  </language>\n",
	                 "  <item><title>t</title><link>\n    https://example.org/s/1\n"
	                 "  </link><guid> https://example.org/s/1 </guid></item>\n"));
}
END_TEST

START_TEST(rss_urls_are_uris)
{
	expect_has(RSS("", ITEM("1", "    <comments>https://example.org/caf\xc3\xa9</comments>\n")),
	           "invalid-uri", ERR, "<comments>");
	expect_has(RSS("", ITEM("1", "    <comments>https://example.org/[x]</comments>\n")),
	           "invalid-uri", ERR, "<comments>");
	expect_clean(RSS("", ITEM("1", "    <comments>https://example.org/caf%C3%A9</comments>\n")));
}
END_TEST

START_TEST(rss_enclosure_url_is_http)
{
	expect_has(RSS("", ITEM("1", "    <enclosure url=\"ftp://example.org/a.mp3\" "
	                             "length=\"1\" type=\"audio/mpeg\"/>\n")),
	           "invalid-url", ERR, "<enclosure");
	expect_has(RSS("", ITEM("1", "    <enclosure url=\"http://localhost/a.mp3\" "
	                             "length=\"1\" type=\"audio/mpeg\"/>\n")),
	           "invalid-url", ERR, "<enclosure");
	expect_clean(RSS("", ITEM("1", "    <enclosure url=\"http://media.example.org:8080/a.mp3\" "
	                               "length=\"1\" type=\"audio/mpeg\"/>\n")));
}
END_TEST

START_TEST(rss_positive_integers)
{
	expect_has(RSS("  <ttl>0</ttl>\n", ""), "invalid-integer", ERR,
	           "<ttl>");
	expect_has(RSS("  <image><url>https://example.org/a.png</url><title>W</title>"
	               "<link>https://example.org/</link><width>0</width></image>\n", ""),
	           "invalid-integer", ERR, "<width>");
	expect_clean(RSS("  <ttl>1</ttl>\n  <image><url>https://example.org/a.png</url>"
	                 "<title>W</title><link>https://example.org/</link>"
	                 "<width>1</width><height>1</height></image>\n", ""));
}
END_TEST

START_TEST(rss_blank_titles_warn)
{
	expect_has(RSS("", "  <item><title> </title><description>d</description></item>\n"),
	           "not-blank", WARN, "<title> </title>");
	expect_has(RSS("", ITEM("1", "    <category></category>\n")),
	           "not-blank", WARN, "<category>");
	struct wf_validate_report *r = validate(
		RSS("", "  <item><title></title><description>d</description></item>\n"),
		NULL);
	ck_assert_uint_eq(r->n_errors, 0);
	wf_validate_report_destroy(r);
}
END_TEST

START_TEST(rss_lenient_dates_warn)
{
	expect_has(RSS("", ITEM_AT("1", "Tue, 02 Jan 2024 10:00:00", "")),
	           "problematic-date", WARN, "<pubDate>");
	expect_has(RSS("", ITEM_AT("1", "Tue, 02 Jan 2024 10:00:00 (noon-ish) GMT", "")),
	           "problematic-date", WARN, "<pubDate>");
	expect_has(RSS("", ITEM_AT("1", "Tue, 02 Jan 2024 10:00:00 (GMT", "")),
	           "invalid-date", ERR, "<pubDate>");
	expect_lacks(RSS("", ITEM("1", "")), "problematic-date");
}
END_TEST

START_TEST(rss_language_codes)
{
	expect_has(RSS("  <language>english</language>\n", ""),
	           "invalid-language", ERR, "<language>");
	expect_has(RSS("  <language>qq-US</language>\n", ""),
	           "invalid-language", ERR, "<language>");
	expect_has(RSS("", "  <item xml:lang=\"zz\"><title>t</title></item>\n"),
	           "invalid-language", ERR, "<item xml:lang");
	expect_clean(RSS("  <language>pt-BR</language>\n", ""));
	expect_clean(RSS("  <language>haw</language>\n", ""));
	expect_clean(RSS("  <language>x-pig-latin</language>\n", ""));
}
END_TEST

START_TEST(rss_skip_lists_bounded)
{
	expect_has(RSS("  <skipHours></skipHours>\n", ""), "missing-element",
	           ERR, "<skipHours>");
	expect_has(RSS("  <skipDays><day>Monday</day><day>Tuesday</day><day>Wednesday</day>"
	               "<day>Thursday</day><day>Friday</day><day>Saturday</day>"
	               "<day>Sunday</day><day>Monday</day></skipDays>\n", ""),
	           "too-many-values", ERR, "<skipDays>");
	expect_clean(RSS("  <skipDays><day>Monday</day></skipDays>\n", ""));
}
END_TEST

START_TEST(rss_text_input_name)
{
	expect_has(RSS("  <textInput><title>S</title><description>d</description><name>1q</name>"
	               "<link>https://example.org/s</link></textInput>\n", ""),
	           "invalid-value", ERR, "<textInput>");
	expect_clean(RSS("  <textInput><title>S</title><description>d</description><name>q1</name>"
	                 "<link>https://example.org/s</link></textInput>\n", ""));
}
END_TEST

START_TEST(rss_atom_elements)
{
	expect_has(RSS("  <atom:published>2024-01-02T10:00:00Z</atom:published>\n", ""),
	           "undefined-element", ERR, "<atom:published>");
	expect_has(RSS("", ITEM("1", "    <atom:subtitle>s</atom:subtitle>\n")),
	           "undefined-element", ERR, "<atom:subtitle>");
	expect_has(RSS("  <atom:link rel=\"hub\" href=\"https://hub.example.org/\" length=\"big\"/>\n", ""),
	           "invalid-integer", ERR, "rel=\"hub\"");
	expect_has(RSS("  <atom:link rel=\"alternate\" href=\"https://example.org/\" hreflang=\"xx\"/>\n", ""),
	           "invalid-language", ERR, "rel=\"alternate\"");
	expect_has(RSS("  <atom:link rel=\"alternate\" href=\"https://example.org/\" foo=\"1\"/>\n", ""),
	           "unexpected-attribute", ERR, "rel=\"alternate\"");
	expect_clean(RSS("  <atom:updated>2024-01-02T10:00:00Z</atom:updated>\n"
	                 "  <atom:link rel=\"alternate\" href=\"https://example.org/\" hreflang=\"en\" "
	                 "length=\"10\" title=\"Home\"/>\n",
	                 ITEM("1", "    <atom:id>tag:example.org,2024:1</atom:id>\n")));
}
END_TEST

/* ---- RFC 6721 tombstones in the channel (wirefeed's writer puts them
 * there) ---- */

#define RSS_REF9 "https://example.org/s/9"

START_TEST(rss_tombstone_valid)
{
	static const char xml[] = RSS(
		"",
		ITEM("1", "") TOMBSTONE(
			"t1", "ref=\"" RSS_REF9 "\" when=\"2024-01-02T09:00:00Z\"",
			"    <at:by><atom:name>Ana Reyes</atom:name></at:by>\n"
			"    <at:comment xml:lang=\"en\">Withdrawn: wrong figures</at:comment>\n")
			ITEM("2", "")
				TOMBSTONE_OF("t2", "urn:uuid:00000000-0000-4000-8000-000000000002",
		                             "2024-01-01T00:00:00Z"));
	expect_clean(xml);
	expect_lacks(xml, "undefined-element");
	expect_lacks(xml, "misplaced-element");
}
END_TEST

START_TEST(rss_tombstone_attributes)
{
	expect_has(RSS("", ITEM("1", "") TOMBSTONE(
				   "t1", "when=\"2024-01-02T09:00:00Z\"", "")),
	           "missing-attribute", ERR, "<!--t1-->");
	expect_has(RSS("", ITEM("1", "") TOMBSTONE("t1", "ref=\"" RSS_REF9 "\"",
	                                             "")),
	           "missing-attribute", ERR, "<!--t1-->");
	/* when is RFC 3339, as in Atom, not RFC 822 */
	expect_has(RSS("", TOMBSTONE_OF("t1", RSS_REF9, PUB1)), "invalid-date",
	           ERR, "<!--t1-->");
	expect_has(RSS("", TOMBSTONE_OF("t1", "s/9", "2024-01-02T09:00:00Z")),
	           "not-absolute-iri", ERR, "<!--t1-->");
	/* a person without a name; an element RFC 6721 does not define */
	expect_has(RSS("", TOMBSTONE("t1",
	                             "ref=\"" RSS_REF9 "\" when=\"2024-01-02T09:00:00Z\"",
	                             "    <at:by><name>Ana</name></at:by><!--by-->\n")),
	           "missing-element", ERR, "<!--by-->");
	expect_has(RSS("", TOMBSTONE("t1",
	                             "ref=\"" RSS_REF9 "\" when=\"2024-01-02T09:00:00Z\"",
	                             "    <reason>x</reason><!--u-->\n")),
	           "undefined-element", ERR, "<!--u-->");
}
END_TEST

START_TEST(rss_tombstone_and_live_item)
{
	/* the item's pubDate is after the deletion */
	static const char live[] = RSS(
		"", ITEM_AT("9", "Tue, 02 Jan 2024 10:00:00 +0000", "")
			    TOMBSTONE_OF("t9", RSS_REF9, "2024-01-02T09:00:00Z"));
	expect_has(live, "deleted-entry-live", ERR, "<!--i9-->");
	struct wf_validate_report *r = validate(live, NULL);
	char where[32];
	snprintf(where, sizeof(where), "line %d", line_of(live, "<!--t9-->"));
	ck_assert_ptr_nonnull(strstr(message_of(r, "deleted-entry-live"), where));
	wf_validate_report_destroy(r);
	/* atom:updated, when present, is the item's change time */
	expect_has(RSS(TOMBSTONE_OF("t9", RSS_REF9, "2024-01-03T00:00:00Z"),
	               ITEM_AT("9", PUB1,
	                       "    <atom:updated>2024-01-04T00:00:00Z</atom:updated>\n")),
	           "deleted-entry-live", ERR, "<!--i9-->");
	expect_lacks(RSS(TOMBSTONE_OF("t9", RSS_REF9, "2024-01-04T00:00:00Z"),
	                 ITEM_AT("9", PUB1,
	                         "    <atom:updated>2024-01-04T00:00:00Z</atom:updated>\n")),
	             "deleted-entry-live");
	/* published at or before the deletion: a withdrawal notice, fine */
	expect_clean(RSS("", ITEM_AT("9", "Tue, 02 Jan 2024 09:00:00 +0000", "")
	                             TOMBSTONE_OF("t9", RSS_REF9, "2024-01-02T09:00:00Z")));
	expect_clean(RSS("", TOMBSTONE_OF("t9", RSS_REF9, "2024-01-02T12:00:00Z")
	                             ITEM_AT("9", "Tue, 02 Jan 2024 10:00:00 +0000", "")));
	/* the guid is the id: an item with another guid is not affected */
	expect_lacks(RSS("", ITEM_AT("1", "Wed, 03 Jan 2024 10:00:00 +0000", "")
	                             TOMBSTONE_OF("t9", RSS_REF9, "2024-01-02T09:00:00Z")),
	             "deleted-entry-live");
	/* the same ref twice */
	expect_has(RSS("", TOMBSTONE_OF("t1", RSS_REF9, "2024-01-02T09:00:00Z")
	                           ITEM("1", "")
	                                   TOMBSTONE_OF("t2", RSS_REF9,
	                                                "2024-01-02T09:00:00Z")),
	           "duplicate-tombstone", WARN, "<!--t2-->");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("validate_rss");

	TCase *tc = tcase_create("updates");
	tcase_add_test(tc, rss_atom_updated_before_pubdate);
	tcase_add_test(tc, rss_last_build_date);
	tcase_add_test(tc, rss_duplicate_guids);
	tcase_add_test(tc, rss_tombstone_and_live_item);
	suite_add_tcase(s, tc);

	tc = tcase_create("rss");
	tcase_add_test(tc, rss_channel_required_elements);
	tcase_add_test(tc, rss_item_title_or_description);
	tcase_add_test(tc, rss_duplicate_elements);
	tcase_add_test(tc, rss_undefined_elements);
	tcase_add_test(tc, rss_misplaced_content_encoded);
	tcase_add_test(tc, rss_rfc822_dates);
	tcase_add_test(tc, rss_contacts);
	tcase_add_test(tc, rss_guids);
	tcase_add_test(tc, rss_enclosures);
	tcase_add_test(tc, rss_atom_self_link);
	tcase_add_test(tc, rss_integers);
	tcase_add_test(tc, rss_image_and_text_input);
	tcase_add_test(tc, rss_skip_hours_and_days);
	tcase_add_test(tc, rss_cloud);
	tcase_add_test(tc, rss_language_and_docs);
	tcase_add_test(tc, rss_links_and_sources);
	tcase_add_test(tc, rss_text_and_markup);
	tcase_add_test(tc, rss_tombstone_valid);
	tcase_add_test(tc, rss_tombstone_attributes);
	suite_add_tcase(s, tc);

	tc = tcase_create("w3c");
	tcase_add_test(tc, rss_unexpected_attributes);
	tcase_add_test(tc, rss_text_only_elements);
	tcase_add_test(tc, rss_values_are_trimmed);
	tcase_add_test(tc, rss_urls_are_uris);
	tcase_add_test(tc, rss_enclosure_url_is_http);
	tcase_add_test(tc, rss_positive_integers);
	tcase_add_test(tc, rss_blank_titles_warn);
	tcase_add_test(tc, rss_lenient_dates_warn);
	tcase_add_test(tc, rss_language_codes);
	tcase_add_test(tc, rss_skip_lists_bounded);
	tcase_add_test(tc, rss_text_input_name);
	tcase_add_test(tc, rss_atom_elements);
	suite_add_tcase(s, tc);

	return helpers_run_suite(s);
}
