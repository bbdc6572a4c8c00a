/* SPDX-License-Identifier: MIT */
/* Shared by the validator's tests (test_validate*.c): small documents
 * built from macros, and assertions on findings. */
#ifndef VALIDATE_HELPERS_H
#define VALIDATE_HELPERS_H

#include <stdbool.h>

#include "wirefeed/validate.h"

#define ERR WF_SEVERITY_ERROR
#define WARN WF_SEVERITY_WARNING

/* ---- documents ---- */

#define XMLDECL "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"

/* Atom feed: the root is on line 2, the metadata on lines 3-7. */
#define FEED_OPEN "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
#define F_TITLE "  <title>Wire</title>\n"
#define F_ID "  <id>urn:uuid:0b6c2c52-3d1a-4e5f-8a9b-1c2d3e4f5a6b</id>\n"
#define F_UPDATED "  <updated>2024-01-02T10:00:00Z</updated>\n"
#define F_AUTHOR "  <author><name>Ana Reyes</name></author>\n"
#define F_SELF "  <link rel=\"self\" href=\"https://example.org/atom.xml\"/>\n"
#define FEED_HEAD XMLDECL FEED_OPEN F_TITLE F_ID F_UPDATED F_AUTHOR F_SELF
#define FEED_END "</feed>\n"
#define FEED(meta, entries) FEED_HEAD meta entries FEED_END

/* An entry; `num` makes its id, link and the line marker <!--eN--> on its
 * start tag line unique. */
#define ENTRY_AT(num, updated, extra)                                \
	"  <entry><!--e" num "-->\n"                                 \
	"    <title>Story " num "</title>\n"                         \
	"    <id>tag:example.org,2024:" num "</id>\n"                \
	"    <updated>" updated "</updated>\n"                       \
	"    <link href=\"https://example.org/s/" num "\"/>\n" extra \
	"  </entry>\n"
#define ENTRY(num, extra) ENTRY_AT(num, "2024-01-02T10:00:00Z", extra)

/* An Atom entry document; the root (marker <!--root-->) is on line 2. */
#define ENTRY_DOC(body)                                                           \
	XMLDECL "<entry xmlns=\"http://www.w3.org/2005/Atom\"><!--root-->\n" body \
		"</entry>\n"
#define E_TITLE "  <title>Story</title>\n"
#define E_ID "  <id>tag:example.org,2024:1</id>\n"
#define E_UPDATED "  <updated>2024-01-02T10:00:00Z</updated>\n"
#define E_AUTHOR "  <author><name>Ana Reyes</name></author>\n"
#define E_LINK "  <link href=\"https://example.org/s/1\"/>\n"
#define E_BODY E_TITLE E_ID E_UPDATED E_AUTHOR E_LINK

/* RSS 2.0: <rss> on line 2, <channel> on line 3, metadata on lines 4-7. */
#define RSS_OPEN \
	XMLDECL  \
	"<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n"
#define C_TITLE "  <title>Wire</title>\n"
#define C_LINK "  <link>https://example.org/</link>\n"
#define C_DESC "  <description>News</description>\n"
#define C_SELF \
	"  <atom:link rel=\"self\" type=\"application/rss+xml\" href=\"https://example.org/rss.xml\"/>\n"
#define RSS_HEAD RSS_OPEN C_TITLE C_LINK C_DESC C_SELF
#define RSS_END "</channel>\n</rss>\n"
#define RSS(chan, items) RSS_HEAD chan items RSS_END

#define PUB1 "Tue, 02 Jan 2024 10:00:00 +0000"
/* An item with marker <!--iN--> on its start tag line. */
#define ITEM_AT(num, pub, extra)                           \
	"  <item><!--i" num "-->\n"                        \
	"    <title>Story " num "</title>\n"               \
	"    <link>https://example.org/s/" num "</link>\n" \
	"    <guid>https://example.org/s/" num "</guid>\n" \
	"    <pubDate>" pub "</pubDate>\n" extra "  </item>\n"
#define ITEM(num, extra) ITEM_AT(num, PUB1, extra)

/* An RFC 6721 tombstone with marker <!--N--> on its start tag line; @attrs
 * are its attributes (ref, when), @body its children. */
#define TOMBSTONE(marker, attrs, body)                                      \
	"  <at:deleted-entry xmlns:at=\"http://purl.org/atompub/tombstones/1.0\" " \
	attrs "><!--" marker "-->\n" body "  </at:deleted-entry>\n"
#define TOMBSTONE_OF(marker, ref, when) \
	TOMBSTONE(marker, "ref=\"" ref "\" when=\"" when "\"", "")

/* A wirefeed article record (an Atom entry document in the record
 * namespace); lines: 1 decl, 2 root, 3 id, 4 title, ... */
#define REC_HEAD                                        \
	XMLDECL                                         \
	"<entry xmlns=\"http://www.w3.org/2005/Atom\" " \
	"xmlns:wf=\"https://wirefeed.dev/ns/record/1.0\">\n"
#define REC_ID "  <id>urn:uuid:0b6c2c52-3d1a-4e5f-8a9b-1c2d3e4f5a6b</id>\n"
#define REC_TITLE "  <title>Harbor dredging begins</title>\n"
#define REC_PUB "  <published>2021-12-30T09:39:00-05:00</published>\n"
#define REC_UPD "  <updated>2021-12-30T13:12:00-05:00</updated>\n"
#define REC_END "</entry>\n"

/* ---- assertions ---- */

/* Validate @xml (named "test.xml"); the caller destroys the report. */
struct wf_validate_report *
validate(const char *xml, const struct wf_validate_options *opt);
/* The findings as text, for failure messages; caller frees. */
char *
describe(const struct wf_validate_report *r);
/* The 1-based line of the only occurrence of @marker in @xml. */
int
line_of(const char *xml, const char *marker);
const struct wf_finding *
find(const struct wf_validate_report *r, const char *code);
/* The message of the first finding @code; fails the test if none. */
const char *
message_of(const struct wf_validate_report *r, const char *code);
void
expect_has_(const char *xml, const struct wf_validate_options *opt,
            const char *code, enum wf_severity severity, const char *marker,
            int at);
void
expect_lacks_(const char *xml, const struct wf_validate_options *opt,
              const char *code, int at);
void
expect_clean_(const char *xml, const struct wf_validate_options *opt, int at);
/* Options with "now" at @now (RFC 3339) and a future tolerance. */
struct wf_validate_options
options_now(const char *now, int64_t tolerance_s);

#define expect_has(xml, code, sev, marker) \
	expect_has_((xml), NULL, (code), (sev), (marker), __LINE__)
#define expect_has_opt(xml, opt, code, sev, marker) \
	expect_has_((xml), (opt), (code), (sev), (marker), __LINE__)
#define expect_lacks(xml, code) expect_lacks_((xml), NULL, (code), __LINE__)
#define expect_lacks_opt(xml, opt, code) \
	expect_lacks_((xml), (opt), (code), __LINE__)
#define expect_clean(xml) expect_clean_((xml), NULL, __LINE__)

#endif
