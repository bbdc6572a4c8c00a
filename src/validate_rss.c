/* SPDX-License-Identifier: MIT */
/* RSS 2.0 rules (RSS Advisory Board specification, 2.0.11) with the
 * content, dc and atom namespaces, and update-semantics rules. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wirefeed/text.h"
#include "mem.h"
#include "validate_format.h"

#define N_CHANNEL_SINGLES_MAX 32

struct rss_state {
	int root_line;
	int n_channel;
	int channel_line;
	int n_title, n_link, n_description;
	int singles[N_CHANNEL_SINGLES_MAX];
	bool has_self;
	bool has_last_build;
	struct wf_time last_build;
	int last_build_line;
	bool has_items;
	struct wf_time newest_item;
	struct hash_set guids;
	struct tombstone_log tombstones;
};

static struct rss_state *
state(struct vctx *v)
{
	return v->format_state;
}

static const char *const channel_singles[] = {
	"title", "link", "description", "language", "copyright",
	"managingEditor", "webMaster", "pubDate", "lastBuildDate", "docs",
	"generator", "ttl", "image", "rating", "textInput", "skipHours",
	"skipDays", "cloud",
};
#define N_CHANNEL_SINGLES (sizeof(channel_singles) / sizeof(channel_singles[0]))
static const char *const channel_multi[] = { "category", "item" };

static const char *const item_singles[] = {
	"title", "link", "description", "author", "comments", "guid",
	"pubDate", "source",
};
#define N_ITEM_SINGLES (sizeof(item_singles) / sizeof(item_singles[0]))
static const char *const item_multi[] = { "category", "enclosure" };

static int
index_of(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(names[i], name) == 0) {
			return (int)i;
		}
	}
	return -1;
}

static bool
is_nonneg_int(const char *s, long max, long *out)
{
	const char *p = s;
	while (isspace((unsigned char)*p)) {
		p++;
	}
	if (!isdigit((unsigned char)*p)) {
		return false;
	}
	long v = 0;
	while (isdigit((unsigned char)*p)) {
		int d = *p - '0';
		if (v > (max - d) / 10) {
			return false; /* v * 10 + d > max, checked without overflow */
		}
		v = v * 10 + d;
		p++;
	}
	while (isspace((unsigned char)*p)) {
		p++;
	}
	if (*p) {
		return false;
	}
	if (out) {
		*out = v;
	}
	return true;
}

/* Element text with surrounding whitespace removed: RSS values are read
 * trimmed (the W3C validator normalises them the same way). Caller frees. */
static char *
rss_text(const xmlNode *node)
{
	char *text = v_text(node);
	char *t = wf_text_trim(text);
	if (t != text) {
		memmove(text, t, strlen(t) + 1);
	}
	return text;
}

/* Namespaces whose vocabularies are known: an attribute from one of them
 * on an RSS element is not an extension but a mistake. */
static bool
is_known_ns(const char *ns)
{
	static const char *const known[] = {
		ATOM_NS, CONTENT_NS, DC_NS, XHTML_NS,
		"http://purl.org/dc/terms/",
		"http://www.w3.org/1999/02/22-rdf-syntax-ns#",
		"http://www.itunes.com/dtds/podcast-1.0.dtd",
		"http://search.yahoo.com/mrss/",
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strcmp(ns, known[i]) == 0) {
			return true;
		}
	}
	return false;
}

/* RSS 2.0 names the attributes of each element; @allowed is
 * NULL-terminated (NULL itself: none). xml:* attributes are allowed
 * everywhere; an attribute in an extension namespace is a warning. */
static void
check_attrs(struct vctx *v, const xmlNode *node, const char *const *allowed)
{
	v_check_common_attrs(v, node);
	for (const xmlAttr *a = node->properties; a; a = a->next) {
		const char *name = (const char *)a->name;
		if (a->ns && a->ns->href) {
			const char *ns = (const char *)a->ns->href;
			if (strcmp(ns, (const char *)XML_XML_NAMESPACE) == 0) {
				continue;
			}
			if (is_known_ns(ns)) {
				v_error(v, node, "unexpected-attribute",
					"<%s> has no attribute %s:%s",
					node->name,
					a->ns->prefix ? (const char *)a->ns->prefix
						      : "",
					name);
			} else {
				v_warn(v, node, "extension-attribute",
				       "<%s> has an extension attribute '%s'; not all readers keep it",
				       node->name, name);
			}
			continue;
		}
		bool ok = false;
		for (size_t i = 0; allowed && allowed[i] && !ok; i++) {
			ok = strcmp(allowed[i], name) == 0;
		}
		if (!ok) {
			v_error(v, node, "unexpected-attribute",
				"<%s> has no attribute '%s' in RSS 2.0",
				node->name, name);
		}
	}
}

/* A simple element: text only, no attributes (unless @allowed). */
static void
check_leaf(struct vctx *v, const xmlNode *node, const char *const *allowed)
{
	check_attrs(v, node, allowed);
	for (const xmlNode *c = node->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE) {
			v_error(v, c, "unexpected-element",
				"<%s> must contain text only, not <%s> (escape HTML markup or use CDATA)",
				node->name, c->name);
			return;
		}
	}
}

/* An element of elements: no text directly inside. */
static void
check_no_text(struct vctx *v, const xmlNode *node)
{
	if (v_has_text(node)) {
		v_error(v, node, "unexpected-text",
			"<%s> has text outside its elements", node->name);
	}
}

/* RSS 2.0 URLs are URIs (RFC 2396): the IRI check plus ASCII only and no
 * brackets, which RFC 2396 reserves. */
static bool
check_uri(struct vctx *v, const xmlNode *node, const char *what,
	  const char *value, enum iri_need need)
{
	if (!v_check_iri(v, node, what, value, need)) {
		return false;
	}
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		if (*p >= 0x80 || *p == '[' || *p == ']') {
			v_error(v, node, "invalid-uri",
				"%s '%.60s' is not a URI: percent-encode character 0x%02x",
				what, value, *p);
			return false;
		}
	}
	return true;
}

/* An http(s) URL with a dotted host name or IPv4 address, as an
 * enclosure needs (readers download it). */
static bool
is_http_url(const char *s)
{
	size_t n;
	if (strncasecmp(s, "http://", 7) == 0) {
		n = 7;
	} else if (strncasecmp(s, "https://", 8) == 0) {
		n = 8;
	} else {
		return false;
	}
	const char *h = s + n;
	int labels = 0;
	for (;;) {
		size_t len = 0;
		while (isalnum((unsigned char)h[len]) || h[len] == '-') {
			len++;
		}
		if (len == 0) {
			return false;
		}
		h += len;
		labels++;
		if (*h != '.') {
			break;
		}
		h++;
	}
	if (labels < 2) {
		return false;
	}
	if (*h == ':') {
		h++;
		if (!isdigit((unsigned char)*h)) {
			return false;
		}
		while (isdigit((unsigned char)*h)) {
			h++;
		}
	}
	return *h == '\0' || *h == '/';
}

/* An addr-spec: local part of letters, digits and _-+.' ; a domain of
 * dotted labels (an undotted host name is accepted too, as mail can
 * reach it). */
static bool
is_addr_spec(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && (isalnum((unsigned char)s[i]) ||
			   strchr("_-+.'%", s[i]))) {
		i++;
	}
	if (i == 0 || i >= len || s[i] != '@') {
		return false;
	}
	i++;
	if (i >= len || !isalnum((unsigned char)s[i])) {
		return false;
	}
	for (; i < len; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '.' && s[i] != '_') {
			return false;
		}
	}
	return s[len - 1] != '.';
}

/* author, managingEditor, webMaster: "email (Real Name)" in RSS 2.0's
 * examples. A mailto: prefix is read as the address. What follows '@'
 * without a closing "(Name)" is a warning (the RSS Best Practices
 * Profile form); a value ending in "(...)" must start with an address;
 * a value without an address is an error. */
static void
check_contact(struct vctx *v, const xmlNode *node, const char *what,
	      const char *text)
{
	const char *s = text;
	if (strncmp(s, "mailto:", 7) == 0) {
		s += 7;
	}
	const char *at = strchr(s, '@');
	if (!at || at == s) {
		if (strstr(s, "%40")) {
			return; /* a percent-encoded mailto: address */
		}
		v_error(v, node, "invalid-contact",
			"%s '%.60s' must contain an email address (use dc:creator for a name)",
			what, text);
		return;
	}
	size_t len = strlen(s);
	if (len > 0 && s[len - 1] == ')') {
		const char *paren = strchr(s, '(');
		size_t n = paren ? (size_t)(paren - s) : len;
		while (n > 0 && isspace((unsigned char)s[n - 1])) {
			n--;
		}
		if (!is_addr_spec(s, n)) {
			v_error(v, node, "invalid-contact",
				"%s '%.60s' must start with an email address: 'name@example.com (Real Name)'",
				what, text);
		}
		return;
	}
	if (strpbrk(s, " \t")) {
		v_warn(v, node, "email-format",
		       "%s '%.60s': write it as 'name@example.com (Real Name)'",
		       what, text);
	}
}

static void
check_url_element(struct vctx *v, const xmlNode *node, const char *what)
{
	char *text = rss_text(node);
	check_uri(v, node, what, text, IRI_ABSOLUTE);
	free(text);
}

static void
check_required_children(struct vctx *v, const xmlNode *node, const char *what,
			const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool found = false;
		for (const xmlNode *c = node->children; c && !found;
		     c = c->next) {
			found = v_is(c, NULL, names[i]);
		}
		if (!found) {
			v_error(v, node, "missing-element",
				"%s must contain <%s>", what, names[i]);
		}
	}
}

static void
check_unique_children(struct vctx *v, const xmlNode *node, const char *what,
		      const char *const *names, size_t n)
{
	unsigned seen = 0;
	for (const xmlNode *c = node->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || c->ns) {
			continue;
		}
		int i = index_of(names, n, (const char *)c->name);
		if (i < 0) {
			continue;
		}
		if (seen & (1u << i)) {
			v_error(v, c, "duplicate-element",
				"%s must not contain more than one <%s>", what,
				c->name);
		}
		seen |= 1u << i;
	}
}

static void
check_not_blank(struct vctx *v, const xmlNode *node, const char *text)
{
	if (text[0] == '\0') {
		v_warn(v, node, "not-blank", "<%s> should not be empty",
		       node->name);
	}
}

static void
check_image(struct vctx *v, const xmlNode *image)
{
	static const char *const required[] = { "url", "title", "link" };
	static const char *const known[] = { "url",   "title",  "link",
					     "width", "height", "description" };
	check_attrs(v, image, NULL);
	check_no_text(v, image);
	check_required_children(v, image, "<image>", required, 3);
	check_unique_children(v, image, "<image>", known, 6);
	for (const xmlNode *c = image->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || c->ns) {
			continue;
		}
		const char *n = (const char *)c->name;
		if (index_of(known, 6, n) < 0) {
			v_error(v, c, "undefined-element",
				"<%s> is not an element of <image>", n);
			continue;
		}
		check_leaf(v, c, NULL);
		char *text = rss_text(c);
		long val;
		if (strcmp(n, "url") == 0 || strcmp(n, "link") == 0) {
			check_uri(v, c, n, text, IRI_ABSOLUTE);
		} else if (strcmp(n, "width") == 0) {
			if (!is_nonneg_int(text, 144, &val) || val == 0) {
				v_error(v, c, "invalid-integer",
					"image width '%.20s' must be a number of pixels from 1 to 144",
					text);
			}
		} else if (strcmp(n, "height") == 0) {
			if (!is_nonneg_int(text, 400, &val) || val == 0) {
				v_error(v, c, "invalid-integer",
					"image height '%.20s' must be a number of pixels from 1 to 400",
					text);
			}
		} else if (strcmp(n, "title") == 0) {
			check_not_blank(v, c, text);
		}
		free(text);
	}
}

static void
check_text_input(struct vctx *v, const xmlNode *node)
{
	static const char *const required[] = { "title", "description", "name",
						"link" };
	check_attrs(v, node, NULL);
	check_no_text(v, node);
	check_required_children(v, node, "<textInput>", required, 4);
	check_unique_children(v, node, "<textInput>", required, 4);
	for (const xmlNode *c = node->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || c->ns) {
			continue;
		}
		if (index_of(required, 4, (const char *)c->name) < 0) {
			v_error(v, c, "undefined-element",
				"<%s> is not an element of <textInput>",
				c->name);
			continue;
		}
		check_leaf(v, c, NULL);
		if (v_is(c, NULL, "link")) {
			check_url_element(v, c, "textInput link");
		} else if (v_is(c, NULL, "name")) {
			/* a form control name: it starts with a letter */
			char *text = rss_text(c);
			if (!isalpha((unsigned char)text[0])) {
				v_error(v, c, "invalid-value",
					"textInput name '%.40s' must start with a letter (it names a form field)",
					text);
			}
			free(text);
		}
	}
}

static void
check_skip(struct vctx *v, const xmlNode *node, bool hours)
{
	static const char *const days[] = { "Monday",   "Tuesday", "Wednesday",
					    "Thursday", "Friday",  "Saturday",
					    "Sunday" };
	unsigned seen = 0;
	int count = 0;
	const char *want = hours ? "hour" : "day";
	check_attrs(v, node, NULL);
	check_no_text(v, node);
	for (const xmlNode *c = node->children; c; c = c->next) {
		count += v_is(c, NULL, want);
	}
	if (count == 0) {
		v_error(v, node, "missing-element", "<%s> must contain a <%s>",
			node->name, want);
	} else if (count > (hours ? 24 : 7)) {
		v_error(v, node, "too-many-values",
			"<%s> lists %d %ss; there are only %d", node->name,
			count, want, hours ? 24 : 7);
	}
	for (const xmlNode *c = node->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE) {
			continue;
		}
		if (!v_is(c, NULL, want)) {
			v_error(v, c, "undefined-element",
				"<%s> is not allowed in <%s>", c->name,
				node->name);
			continue;
		}
		check_leaf(v, c, NULL);
		char *text = rss_text(c);
		long h = -1;
		int bit = -1;
		if (hours) {
			if (is_nonneg_int(text, 23, &h)) {
				bit = (int)h;
			} else if (is_nonneg_int(text, 24, &h)) {
				v_warn(v, c, "use-zero-for-midnight",
				       "skipHours hour 24 is obsolete; use 0");
				bit = 0;
			} else {
				v_error(v, c, "invalid-hour",
					"skipHours hour '%.20s' must be 0-23",
					text);
			}
		} else {
			bit = index_of(days, 7, text);
			if (bit < 0) {
				v_error(v, c, "invalid-day",
					"skipDays day '%.20s' must be a day name such as Monday",
					text);
			}
		}
		if (bit >= 0) {
			if (seen & (1u << bit)) {
				v_error(v, c, "duplicate-value",
					"'%.20s' is listed twice", text);
			}
			seen |= 1u << bit;
		}
		free(text);
	}
}

static void
check_cloud(struct vctx *v, const xmlNode *node)
{
	static const char *const attrs[] = { "domain", "port", "path",
					     "registerProcedure", "protocol",
					     NULL };
	check_attrs(v, node, attrs);
	check_no_text(v, node);
	for (size_t i = 0; i < 5; i++) {
		long port = 0;
		char *a = v_attr(node, attrs[i]);
		if (!a) {
			v_error(v, node, "missing-attribute",
				"<cloud> needs a %s attribute", attrs[i]);
		} else if (i == 1 && (!is_nonneg_int(a, 65535, &port) ||
				      port == 0)) {
			v_error(v, node, "invalid-integer",
				"<cloud> port '%.20s' is not a port number", a);
		} else if (i == 4 && strcmp(a, "xml-rpc") != 0 &&
			   strcmp(a, "soap") != 0 &&
			   strcmp(a, "http-post") != 0) {
			v_warn(v, node, "unknown-protocol",
			       "<cloud> protocol '%.20s' is not one the rssCloud interface defines (xml-rpc, soap, http-post)",
			       a);
		}
		xmlFree(a);
	}
}

static void
check_category(struct vctx *v, const xmlNode *node)
{
	static const char *const attrs[] = { "domain", NULL };
	check_leaf(v, node, attrs);
	char *text = rss_text(node);
	check_not_blank(v, node, text);
	free(text);
}

static void
check_enclosure(struct vctx *v, const xmlNode *node)
{
	static const char *const attrs[] = { "url", "length", "type", NULL };
	check_attrs(v, node, attrs);
	check_no_text(v, node);
	if (v_has_child_elements(node)) {
		v_error(v, node, "unexpected-element",
			"<enclosure> must be empty");
	}
	char *url = v_attr(node, "url");
	char *length = v_attr(node, "length");
	char *type = v_attr(node, "type");
	if (!url) {
		v_error(v, node, "missing-attribute",
			"<enclosure> needs a url attribute");
	} else if (check_uri(v, node, "enclosure url", url, IRI_ABSOLUTE) &&
		   !is_http_url(url)) {
		v_error(v, node, "invalid-url",
			"enclosure url '%.60s' must be an http or https URL with a host name",
			url);
	}
	if (!length) {
		v_error(v, node, "missing-attribute",
			"<enclosure> needs a length attribute (bytes)");
	} else if (!is_nonneg_int(length, 0x7fffffffffffffffL, NULL)) {
		v_error(v, node, "invalid-integer",
			"enclosure length '%.40s' is not a non-negative integer (use 0 when unknown)",
			length);
	}
	if (!type) {
		v_error(v, node, "missing-attribute",
			"<enclosure> needs a type attribute (a MIME type)");
	} else if (!v_is_mime_type(type)) {
		v_error(v, node, "invalid-mime-type",
			"enclosure type '%.60s' is not a MIME type", type);
	}
	xmlFree(url);
	xmlFree(length);
	xmlFree(type);
}

static void
check_guid(struct vctx *v, const xmlNode *node, char **guid_out)
{
	static const char *const attrs[] = { "isPermaLink", NULL };
	check_leaf(v, node, attrs);
	char *perma = v_attr(node, "isPermaLink");
	char *text = rss_text(node);
	if (text[0] == '\0') {
		v_warn(v, node, "not-blank", "<guid> is empty");
	}
	if (perma && strcmp(perma, "true") != 0 && strcmp(perma, "false") != 0) {
		v_error(v, node, "invalid-value",
			"guid isPermaLink must be \"true\" or \"false\", not '%.20s'",
			perma);
	} else if ((!perma || strcmp(perma, "true") == 0) && text[0] &&
		   check_uri(v, node, "permalink guid", text, IRI_ABSOLUTE)) {
		/* a permalink (the default) is a URL a browser can open */
		if (strncasecmp(text, "tag:", 4) == 0 ||
		    strncasecmp(text, "urn:uuid:", 9) == 0) {
			v_error(v, node, "invalid-permalink",
				"guid '%.60s' is a permalink (isPermaLink defaults to true) but an identifier, not a URL; add isPermaLink=\"false\"",
				text);
		} else if (strncasecmp(text, "http://", 7) != 0 &&
			   strncasecmp(text, "https://", 8) != 0) {
			v_warn(v, node, "permalink-not-http",
			       "guid '%.60s' is a permalink (isPermaLink defaults to true) but not an http(s) URL; add isPermaLink=\"false\" if it is not one",
			       text);
		}
	}
	xmlFree(perma);
	*guid_out = text;
}

static void
check_atom_link(struct vctx *v, const xmlNode *node, bool *is_self)
{
	static const char *const attrs[] = { "href",   "rel",      "type",
					     "title",  "length",   "hreflang",
					     NULL };
	check_attrs(v, node, attrs);
	char *href = v_attr(node, "href");
	char *rel = v_attr(node, "rel");
	char *type = v_attr(node, "type");
	char *length = v_attr(node, "length");
	char *hreflang = v_attr(node, "hreflang");
	if (length && !is_nonneg_int(length, 0x7fffffffffffffffL, NULL)) {
		v_error(v, node, "invalid-integer",
			"atom:link length '%.40s' is not a non-negative integer",
			length);
	}
	if (hreflang && !v_is_language_code(hreflang)) {
		v_error(v, node, "invalid-language",
			"atom:link hreflang '%.40s' is not a language tag",
			hreflang);
	}
	xmlFree(length);
	xmlFree(hreflang);
	if (!href) {
		v_error(v, node, "missing-attribute",
			"atom:link needs an href attribute");
	} else {
		v_check_iri(v, node, "atom:link href", href, IRI_ANY);
	}
	if (type && !v_is_mime_type(type)) {
		v_error(v, node, "invalid-mime-type",
			"atom:link type '%.60s' is not a MIME type", type);
	}
	if (rel && strcmp(rel, "self") == 0) {
		*is_self = true;
	}
	xmlFree(href);
	xmlFree(rel);
	xmlFree(type);
}

/* Atom elements RSS readers understand in a channel or an item (RFC 4287
 * element names in their RSS roles); any other Atom element there is
 * undefined. */
static bool
is_atom_in_rss(const char *name, bool in_item)
{
	static const char *const channel[] = {
		"author", "category", "contributor", "generator", "id", "icon",
		"link", "logo", "title", "subtitle", "rights", "updated",
	};
	static const char *const item[] = {
		"id", "link", "title", "summary", "author", "contributor",
		"content", "published", "updated", "category", "rights",
	};
	return in_item ? index_of(item, sizeof(item) / sizeof(item[0]),
				  name) >= 0
		       : index_of(channel, sizeof(channel) / sizeof(channel[0]),
				  name) >= 0;
}

static void
check_item(struct vctx *v, const xmlNode *item)
{
	struct rss_state *s = state(v);
	int counts[N_ITEM_SINGLES] = { 0 };
	bool pub_ok = false, upd_ok = false;
	struct wf_time pub = { 0 }, upd = { 0 };
	const xmlNode *upd_node = NULL;
	char *guid = NULL;
	check_attrs(v, item, NULL);
	for (const xmlNode *c = item->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE) {
			continue;
		}
		const char *n = (const char *)c->name;
		if (c->ns) {
			const char *ns = (const char *)c->ns->href;
			if (strcmp(ns, ATOM_NS) == 0 &&
			    !is_atom_in_rss(n, true)) {
				v_error(v, c, "undefined-element",
					"atom:%s is not defined in an RSS <item>",
					n);
			} else if (strcmp(ns, ATOM_NS) == 0 &&
				   strcmp(n, "updated") == 0) {
				char *text = rss_text(c);
				upd_ok = v_check_rfc3339(v, c, "atom:updated",
							 text, &upd);
				upd_node = c;
				free(text);
			} else if (strcmp(ns, ATOM_NS) == 0 &&
				   strcmp(n, "link") == 0) {
				bool self = false;
				check_atom_link(v, c, &self);
			} else if (strcmp(ns, CONTENT_NS) == 0 &&
				   strcmp(n, "encoded") != 0) {
				v_error(v, c, "undefined-element",
					"content:%s is not defined; the content module has content:encoded",
					n);
			}
			continue;
		}
		int i = index_of(item_singles, N_ITEM_SINGLES, n);
		if (i >= 0) {
			if (++counts[i] > 1) {
				v_error(v, c, "duplicate-element",
					"<item> must not contain more than one <%s>",
					n);
				continue;
			}
		} else if (index_of(item_multi, 2, n) < 0) {
			v_error(v, c, "undefined-element",
				"<%s> is not an RSS 2.0 item element (extensions need a namespace)",
				n);
			continue;
		}
		char *text = NULL;
		if (strcmp(n, "link") == 0 || strcmp(n, "comments") == 0) {
			check_leaf(v, c, NULL);
			check_url_element(v, c, n);
		} else if (strcmp(n, "pubDate") == 0) {
			check_leaf(v, c, NULL);
			text = rss_text(c);
			pub_ok = v_check_rfc822(v, c, "pubDate", text, &pub);
		} else if (strcmp(n, "author") == 0) {
			check_leaf(v, c, NULL);
			text = rss_text(c);
			check_contact(v, c, "item author", text);
		} else if (strcmp(n, "guid") == 0) {
			check_guid(v, c, &guid);
		} else if (strcmp(n, "enclosure") == 0) {
			check_enclosure(v, c);
		} else if (strcmp(n, "category") == 0) {
			check_category(v, c);
		} else if (strcmp(n, "source") == 0) {
			static const char *const attrs[] = { "url", NULL };
			check_leaf(v, c, attrs);
			char *url = v_attr(c, "url");
			if (!url) {
				v_error(v, c, "missing-attribute",
					"<source> needs a url attribute");
			} else {
				check_uri(v, c, "source url", url,
					  IRI_ABSOLUTE);
			}
			xmlFree(url);
		} else {
			/* title, description */
			check_leaf(v, c, NULL);
			if (strcmp(n, "title") == 0) {
				text = rss_text(c);
				check_not_blank(v, c, text);
			}
		}
		free(text);
	}
	if (v_has_text(item)) {
		v_error(v, item, "unexpected-text",
			"<item> has text outside its elements");
	}
	if (counts[0] == 0 && counts[2] == 0) {
		v_error(v, item, "missing-element",
			"<item> must contain a <title> or a <description>");
	}
	if (pub_ok && upd_ok && wf_time_compare(upd, pub) < 0) {
		v_error(v, upd_node, "updated-before-published",
			"atom:updated is earlier than pubDate: the item claims it changed before it was published");
	}
	struct wf_time latest = upd_ok ? upd : pub;
	if (guid) {
		if (!v_is_blank(guid)) {
			int first = hash_set_insert(&s->guids, v_hash(guid),
						    v_line(item));
			if (first) {
				v_error(v, item, "duplicate-guid",
				       "guid '%.80s' already used by the item on line %d; clients will treat them as one item",
				       guid, first);
			}
			if (upd_ok || pub_ok) {
				tombstone_log_entry(&s->tombstones, guid,
						    latest, v_line(item));
			}
		}
		free(guid);
	}
	if (upd_ok || pub_ok) {
		if (!s->has_items || wf_time_compare(latest, s->newest_item) > 0) {
			s->newest_item = latest;
		}
		s->has_items = true;
	}
}

static void
rss_begin(struct vctx *v, const xmlNode *root)
{
	struct rss_state *s = xzalloc(sizeof(*s));
	v->format_state = s;
	s->root_line = v_line(root);
	static const char *const attrs[] = { "version", NULL };
	check_attrs(v, root, attrs);
}

static void
rss_top_child(struct vctx *v, const xmlNode *node)
{
	struct rss_state *s = state(v);
	if (v_is(node, NULL, "channel")) {
		if (++s->n_channel > 1) {
			v_error(v, node, "duplicate-element",
				"<rss> must contain exactly one <channel>");
		}
		s->channel_line = v_line(node);
		check_attrs(v, node, NULL);
		return;
	}
	if (node->type == XML_ELEMENT_NODE && !node->ns) {
		v_error(v, node, "undefined-element",
			"<%s> is not allowed directly in <rss>", node->name);
	}
}

static void
rss_channel_child(struct vctx *v, const xmlNode *c)
{
	struct rss_state *s = state(v);
	const char *n = (const char *)c->name;
	if (v_is(c, TOMBSTONE_NS, "deleted-entry")) {
		/* wirefeed's RSS carries RFC 6721 tombstones among the items */
		v_check_tombstone(v, c, &s->tombstones);
		return;
	}
	if (c->ns) {
		const char *ns = (const char *)c->ns->href;
		if (strcmp(ns, ATOM_NS) == 0 && !is_atom_in_rss(n, false)) {
			v_error(v, c, "undefined-element",
				"atom:%s is not defined in an RSS <channel>", n);
		} else if (strcmp(ns, ATOM_NS) == 0 && strcmp(n, "link") == 0) {
			check_atom_link(v, c, &s->has_self);
		} else if (strcmp(ns, CONTENT_NS) == 0) {
			v_error(v, c, "misplaced-element",
				"content:%s belongs in <item>, not <channel>", n);
		}
		return;
	}
	if (strcmp(n, "item") == 0) {
		check_item(v, c);
		return;
	}
	int i = index_of(channel_singles, N_CHANNEL_SINGLES, n);
	if (i < 0 && index_of(channel_multi, 2, n) < 0) {
		v_error(v, c, "undefined-element",
			"<%s> is not an RSS 2.0 channel element (extensions need a namespace)",
			n);
		return;
	}
	if (strcmp(n, "title") == 0) {
		if (++s->n_title > 1) {
			goto dup;
		}
	} else if (strcmp(n, "link") == 0) {
		if (++s->n_link > 1) {
			goto dup;
		}
	} else if (strcmp(n, "description") == 0) {
		if (++s->n_description > 1) {
			goto dup;
		}
	} else if (i >= 0 && ++s->singles[i] > 1) {
		goto dup;
	}
	if (strcmp(n, "image") == 0) {
		check_image(v, c);
		return;
	} else if (strcmp(n, "textInput") == 0) {
		check_text_input(v, c);
		return;
	} else if (strcmp(n, "skipHours") == 0) {
		check_skip(v, c, true);
		return;
	} else if (strcmp(n, "skipDays") == 0) {
		check_skip(v, c, false);
		return;
	} else if (strcmp(n, "cloud") == 0) {
		check_cloud(v, c);
		return;
	} else if (strcmp(n, "category") == 0) {
		check_category(v, c);
		return;
	}
	check_leaf(v, c, NULL);
	char *text = rss_text(c);
	if (strcmp(n, "title") == 0) {
		check_not_blank(v, c, text);
	} else if (strcmp(n, "link") == 0) {
		check_uri(v, c, "channel link", text, IRI_ABSOLUTE);
	} else if (strcmp(n, "pubDate") == 0) {
		v_check_rfc822(v, c, "pubDate", text, NULL);
	} else if (strcmp(n, "lastBuildDate") == 0) {
		s->has_last_build = v_check_rfc822(v, c, "lastBuildDate", text,
						   &s->last_build);
		s->last_build_line = v_line(c);
	} else if (strcmp(n, "docs") == 0) {
		check_uri(v, c, "docs", text, IRI_ABSOLUTE);
	} else if (strcmp(n, "language") == 0) {
		if (!v_is_language_code(text)) {
			v_error(v, c, "invalid-language",
				"language '%.40s' is not an ISO 639 language code", text);
		}
	} else if (strcmp(n, "managingEditor") == 0 ||
		   strcmp(n, "webMaster") == 0) {
		check_contact(v, c, n, text);
	} else if (strcmp(n, "ttl") == 0) {
		long ttl = 0;
		if (!is_nonneg_int(text, 0x7fffffffL, &ttl) || ttl == 0) {
			v_error(v, c, "invalid-integer",
				"ttl '%.20s' must be a positive number of minutes", text);
		}
	}
	free(text);
	return;
dup:
	v_error(v, c, "duplicate-element",
		"<channel> must not contain more than one <%s>", n);
}

static void
rss_finish(struct vctx *v)
{
	struct rss_state *s = state(v);
	if (!s) {
		return;
	}
	if (s->n_channel == 0) {
		v_add(v, WF_SEVERITY_ERROR, s->root_line, 0, "missing-element",
		      "<rss> must contain a <channel>");
	} else {
		static const char *const names[] = { "title", "link",
						     "description" };
		const int counts[] = { s->n_title, s->n_link,
				       s->n_description };
		for (int i = 0; i < 3; i++) {
			if (counts[i] == 0) {
				v_add(v, WF_SEVERITY_ERROR, s->channel_line, 0,
				      "missing-element",
				      "<channel> must contain <%s>", names[i]);
			}
		}
		if (!s->has_self) {
			v_add(v, WF_SEVERITY_WARNING, s->channel_line, 0,
			      "missing-self-link",
			      "<channel> should have an atom:link rel=\"self\" with the feed's own URL");
		}
	}
	if (s->has_last_build && s->has_items &&
	    wf_time_compare(s->last_build, s->newest_item) != 0) {
		v_add(v, WF_SEVERITY_WARNING, s->last_build_line, 0,
		      "last-build-mismatch",
		      "lastBuildDate differs from the newest item update; readers use it to tell whether anything changed");
	}
	tombstone_log_finish(v, &s->tombstones, "item");
	hash_set_finish(&s->guids);
	free(s);
	v->format_state = NULL;
}

/* ---- the format table entry ---- */

static enum validate_claim
rss_claim(struct vctx *v, const xmlNode *root)
{
	const char *name = (const char *)root->name;
	if (strcmp(name, "RDF") == 0) {
		v_error(v, root, "unsupported-format",
			"RSS 1.0 (RDF) is not supported; only Atom 1.0 and RSS 2.0");
		return VALIDATE_REJECTED;
	}
	if (root->ns || strcmp(name, "rss") != 0) {
		return VALIDATE_NOT_MINE;
	}
	char *version = v_attr(root, "version");
	enum validate_claim claim = VALIDATE_REJECTED;
	if (!version) {
		v_error(v, root, "missing-attribute",
			"<rss> has no version attribute (RSS 2.0 needs version=\"2.0\")");
	} else if (strcmp(version, "2.0") != 0) {
		v_error(v, root, "unsupported-format",
			"RSS version '%.20s' is not supported; only RSS 2.0 is validated",
			version);
	} else {
		v->report->kind = WF_DOC_RSS2;
		claim = VALIDATE_MINE;
	}
	xmlFree(version);
	return claim;
}

static enum validate_step
rss_step(struct vctx *v, const xmlNode *node, int depth)
{
	/* <rss> and <channel> are read one child at a time */
	if (depth == 0) {
		return VALIDATE_DESCEND;
	}
	if (depth == 1 && v_is(node, NULL, "channel")) {
		rss_top_child(v, node);
		return VALIDATE_DESCEND;
	}
	return VALIDATE_EXPAND;
}

static void
rss_child(struct vctx *v, const xmlNode *node, int depth)
{
	if (depth == 1) {
		rss_top_child(v, node);
	} else {
		rss_channel_child(v, node);
	}
}

const struct validate_format validate_rss_format = {
	.name = "RSS 2.0",
	.claim = rss_claim,
	.begin = rss_begin,
	.step = rss_step,
	.child = rss_child,
	.finish = rss_finish,
};
