/* SPDX-License-Identifier: MIT */
/* Every finding code the validator reports, with its usual severity, a
 * one-line summary and its source (docs/validate.md has the full table).
 * Used by --help, SARIF's rule list and a check in v_add(). */
#include "wirefeed/validate.h"

#include <string.h>

#define E WF_SEVERITY_ERROR
#define W WF_SEVERITY_WARNING

static const struct wf_validate_rule rules[] = {
	/* documents */
	{ "not-well-formed", E, "not well-formed XML, or bytes invalid in the declared encoding", "XML 1.0 §2.1, §4.3.3" },
	{ "xml-warning", W, "a warning from the XML parser", "XML 1.0" },
	{ "not-xml", E, "the input is not an XML document", "XML 1.0" },
	{ "too-large", E, "over a size limit: a 2 GiB in-memory document, a text node over 10 MB in an input over 256 MiB, entity expansion over 4 MiB", "wirefeed" },
	{ "external-entity", E, "a reference to an external or undeclared entity (never read)", "XML 1.0 §4.4" },
	{ "unsupported-format", E, "Atom 0.3, RSS 0.9x/1.0 or a root that is not a feed", "RFC 4287 §1.2; RSS 2.0" },
	{ "invalid-namespace", E, "feed or entry in a namespace other than Atom 1.0's", "RFC 4287 §1.2" },
	{ "schema", E, "does not match RFC 4287's RELAX NG schema", "RFC 4287 Appendix B" },
	{ "record", E, "a wirefeed article record breaks a record rule", "docs/record-format.md" },
	{ "duplicate-record-id", E, "two record files have the same id (build publishes neither)", "docs/record-format.md" },
	/* values */
	{ "not-blank", E, "a value that must not be empty is empty (a warning for titles, categories, guids)", "RFC 3987; RSS 2.0" },
	{ "unexpected-whitespace", E, "an IRI with leading or trailing whitespace", "RFC 3987 §2.2" },
	{ "invalid-iri", E, "a character not allowed in an IRI", "RFC 3987 §2.2" },
	{ "invalid-uri", E, "an RSS URL that is not a URI (non-ASCII or bracket characters)", "RSS 2.0; RFC 2396" },
	{ "not-absolute-iri", E, "a relative reference where an absolute IRI is required", "RFC 4287 §4.2.6; RSS 2.0" },
	{ "invalid-tag-uri", E, "a malformed tag: URI", "RFC 4151 §2.1" },
	{ "invalid-urn", E, "a malformed urn: or urn:uuid:", "RFC 8141 §2; RFC 4122 §3" },
	{ "invalid-url", E, "an http(s) URL without a host (for enclosures: not http(s), or no dotted host)", "RFC 9110 §4.2; RSS 2.0 <enclosure>" },
	{ "invalid-date", E, "not an RFC 3339 (Atom) or RFC 822 (RSS) date", "RFC 4287 §3.3; RSS 2.0" },
	{ "wrong-weekday", E, "an RFC 822 day name that does not match the date", "RFC 822 §5.1" },
	{ "two-digit-year", W, "an RFC 822 date with a 2-digit year", "RSS 2.0" },
	{ "named-zone", W, "an RFC 822 zone name instead of a numeric offset", "RFC 822 §5.1" },
	{ "problematic-date", W, "an RFC 822 date with odd case or spacing, comments, or no zone", "RFC 822 §5.1" },
	{ "future-date", W, "a date more than 24 hours in the future", "wirefeed" },
	{ "invalid-language", E, "not an ISO 639 language tag", "RFC 4287 §2; RSS 2.0 <language>" },
	{ "invalid-mime-type", E, "not a MIME media type", "RFC 4287 §4.2.7.3; RSS 2.0 <enclosure>" },
	{ "invalid-integer", E, "not a (positive) integer in range: length, ttl, image size, cloud port", "RFC 4287 §4.2.7.6; RSS 2.0" },
	/* Atom */
	{ "missing-element", E, "a required element is missing", "RFC 4287 §4.1.1, §4.1.2, §3.2.1; RSS 2.0" },
	{ "duplicate-element", E, "an element that may occur once occurs again", "RFC 4287 §4.1.1, §4.1.2; RSS 2.0" },
	{ "missing-author", E, "an Atom entry with no author, in a feed with none", "RFC 4287 §4.1.1, §4.1.2" },
	{ "missing-content-or-alternate", E, "an Atom entry without content or an alternate link", "RFC 4287 §4.1.2" },
	{ "missing-summary", E, "an Atom entry with src or Base64 content but no summary", "RFC 4287 §4.1.2" },
	{ "duplicate-alternate", E, "two alternate links with the same type and hreflang", "RFC 4287 §4.1.1, §4.1.2" },
	{ "content-not-empty", E, "atom:content with src has content", "RFC 4287 §4.1.3.2" },
	{ "composite-type", E, "atom:content with a multipart/* or message/* type", "RFC 4287 §4.1.3.1" },
	{ "not-base64", E, "binary atom:content that is not Base64", "RFC 4287 §4.1.3.3" },
	{ "unexpected-element", E, "an element where only text is allowed", "RFC 4287 §3.1.1; RSS 2.0" },
	{ "missing-xhtml-div", E, "xhtml content that is not one xhtml:div", "RFC 4287 §3.1.1.3" },
	{ "unexpected-text", E, "text where only elements are allowed", "RFC 4287 §4.1.1, §4.1.2; RSS 2.0" },
	{ "invalid-text-type", E, "a text construct type other than text, html, xhtml", "RFC 4287 §3.1.1" },
	{ "invalid-email", E, "an atom:email that is not an e-mail address", "RFC 4287 §3.2.3" },
	{ "undefined-element", E, "an element not defined where it appears", "RFC 4287 §6.4; RSS 2.0" },
	{ "misplaced-metadata", E, "feed metadata after the first entry", "RFC 4287 Appendix B" },
	{ "missing-attribute", E, "a required attribute is missing", "RFC 4287 §4.2.7.1, §4.2.2.1; RSS 2.0" },
	{ "attr-not-blank", E, "an empty rel or term", "RFC 4287 §4.2.7.2, §4.2.2.1" },
	{ "unregistered-rel", W, "a link relation that is neither registered nor an IRI", "RFC 4287 §4.2.7.2" },
	{ "missing-self-link", W, "a feed without a self link", "RFC 4287 §4.1.1; RSS Best Practices" },
	/* RSS */
	{ "unexpected-attribute", E, "an attribute RSS 2.0 does not define on that element", "RSS 2.0" },
	{ "extension-attribute", W, "an attribute in an extension namespace on an RSS element", "RSS 2.0 \"Extending RSS\"" },
	{ "misplaced-element", E, "content:encoded in <channel>", "RSS content module" },
	{ "invalid-contact", E, "author/managingEditor/webMaster without an e-mail address", "RSS 2.0 <author>" },
	{ "email-format", W, "an e-mail contact not in the 'address (Name)' form", "RSS 2.0 <author>" },
	{ "invalid-permalink", E, "a permalink guid that is a tag: or urn:uuid: identifier", "RSS 2.0 <guid>" },
	{ "permalink-not-http", W, "a permalink guid that is not an http(s) URL", "RSS 2.0 <guid>" },
	{ "invalid-value", E, "isPermaLink not true/false; a textInput name not starting with a letter", "RSS 2.0 <guid>, <textInput>" },
	{ "unknown-protocol", W, "a cloud protocol other than xml-rpc, soap, http-post", "RSS 2.0 <cloud>" },
	{ "invalid-hour", E, "a skipHours hour outside 0-23", "RSS 2.0 <skipHours>" },
	{ "use-zero-for-midnight", W, "skipHours hour 24", "RSS 2.0 <skipHours>" },
	{ "invalid-day", E, "a skipDays day that is not Monday..Sunday", "RSS 2.0 <skipDays>" },
	{ "duplicate-value", E, "an hour or day listed twice", "RSS 2.0 <skipHours>, <skipDays>" },
	{ "too-many-values", E, "more than 24 hours or 7 days", "RSS 2.0 <skipHours>, <skipDays>" },
	/* update semantics */
	{ "updated-before-published", E, "an entry updated before it was published", "RFC 4287 §4.2.9, §4.2.15" },
	{ "duplicate-id", W, "an entry id used again with another updated", "RFC 4287 §4.1.1" },
	{ "duplicate-entry", W, "an entry id used again with the same updated", "RFC 4287 §4.1.1" },
	{ "duplicate-ids", E, "three or more entries share one id", "RFC 4287 §4.2.6" },
	{ "duplicate-guid", E, "an RSS guid used by an earlier item", "RSS 2.0 <guid>" },
	{ "feed-updated-stale", W, "an entry updated after the feed's updated", "RFC 4287 §4.2.15" },
	{ "feed-updated-mismatch", W, "the feed's updated is later than every entry's", "RFC 4287 §4.2.15" },
	{ "last-build-mismatch", W, "lastBuildDate differs from the newest item change", "RSS 2.0 <lastBuildDate>" },
	{ "out-of-order", W, "a wirefeed feed not newest first", "wirefeed" },
	/* RFC 6721 tombstones */
	{ "deleted-entry-live", E, "an entry (item) updated after a tombstone for its id in the same document", "RFC 6721 §2" },
	{ "duplicate-tombstone", W, "two tombstones with the same ref in one document", "RFC 6721 §2" },
	/* JSON Feed 1.1 */
	{ "not-json", E, "not well-formed JSON in UTF-8, or a key twice in one object", "RFC 8259 §2, §4, §8.1" },
	{ "old-version", W, "JSON Feed 1.0, checked by 1.1's rules", "JSON Feed 1.1" },
	{ "missing-version", E, "a JSON Feed without \"version\"", "JSON Feed 1.1 \"Top-level\"" },
	{ "missing-title", E, "a JSON Feed without \"title\"", "JSON Feed 1.1 \"Top-level\"" },
	{ "missing-items", E, "a JSON Feed without \"items\"", "JSON Feed 1.1 \"Top-level\"" },
	{ "wrong-type", E, "a JSON Feed key holding the wrong type", "JSON Feed 1.1" },
	{ "missing-home-page", W, "a JSON Feed without home_page_url", "JSON Feed 1.1" },
	{ "missing-id", E, "a JSON Feed item without id", "JSON Feed 1.1 \"Items\"" },
	{ "id-not-string", W, "a numeric JSON Feed item id", "JSON Feed 1.1 \"id\"" },
	{ "missing-content", E, "a JSON Feed item with neither content_html nor content_text", "JSON Feed 1.1 \"Items\"" },
	{ "missing-date", W, "a JSON Feed item without date_published", "wirefeed" },
	{ "empty-author", E, "a JSON Feed author with none of name, url, avatar", "JSON Feed 1.1 \"authors\"" },
	{ "deprecated-author", W, "JSON Feed 1.0's author object", "JSON Feed 1.1" },
	{ "undefined-key", W, "a key JSON Feed does not define and that does not start with _", "JSON Feed 1.1 \"Extensions\"" },
	{ "extension-about", W, "a JSON Feed extension object without about", "JSON Feed 1.1 \"Extensions\"" },
	/* RFC 5005 archives (files) */
	{ "archive-no-current", E, "an archive document without link rel=\"current\"", "RFC 5005 §4" },
	{ "archive-not-marked", E, "next-archive, or current to another document, without fh:archive", "RFC 5005 §4" },
	{ "archive-complete", E, "fh:archive and fh:complete in one document", "RFC 5005 §2, §4" },
	{ "duplicate-prev-archive", E, "two prev-archive links", "RFC 5005 §4" },
	{ "prev-archive-cycle", E, "the prev-archive chain through local files comes back to a visited document", "RFC 5005 §4" },
	/* cross-build (--previous) */
	{ "entry-vanished", E, "an entry of the previous build is gone: no tombstone, not withdrawn, not pushed out by newer entries", "wirefeed (RFC 4287 §4.2.6)" },
	{ "published-changed", E, "an entry's published date changed between builds", "RFC 4287 §4.2.9" },
	{ "updated-backwards", E, "an entry's updated date went backwards between builds", "RFC 4287 §4.2.15" },
	{ "feed-updated-backwards", E, "the feed's updated/lastBuildDate went backwards between builds", "RFC 4287 §4.2.15; RSS 2.0 <lastBuildDate>" },
	{ "guid-changed", E, "an RSS item kept its link but changed its guid", "RSS 2.0 <guid>" },
	{ "permalink-flipped", E, "an RSS guid's isPermaLink changed between builds", "RSS 2.0 <guid>" },
	{ "feed-vanished", E, "a feed file of the previous build is missing, or changed format", "wirefeed" },
};

const struct wf_validate_rule *
wf_validate_rules(size_t *n)
{
	*n = sizeof(rules) / sizeof(rules[0]);
	return rules;
}

const struct wf_validate_rule *
wf_validate_rule_find(const char *code)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		if (strcmp(rules[i].code, code) == 0) {
			return &rules[i];
		}
	}
	return NULL;
}
