/* SPDX-License-Identifier: MIT */
/* RSS 2.0 rules (RSS Advisory Board specification, 2.0.11) with the
 * content, dc and atom namespaces, and update-semantics rules. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mem.h"
#include "validate_internal.h"

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

/* "email" or "email (Name)" (RSS 2.0 author, managingEditor, webMaster).
 * mailto: URIs (RFC 2368) are accepted too. */
static bool
is_contact(const char *s)
{
	if (strncmp(s, "mailto:", 7) == 0) {
		return strchr(s, '@') || strstr(s, "%40");
	}
	while (isspace((unsigned char)*s)) {
		s++;
	}
	size_t n = 0;
	while (s[n] && !isspace((unsigned char)s[n])) {
		n++;
	}
	char *email = xstrndup(s, n);
	bool ok = v_is_email(email);
	free(email);
	if (!ok) {
		return false;
	}
	const char *rest = s + n;
	while (isspace((unsigned char)*rest)) {
		rest++;
	}
	if (*rest == '\0') {
		return true;
	}
	size_t len = strlen(rest);
	return rest[0] == '(' && rest[len - 1] == ')';
}

static void
check_contact(struct vctx *v, const xmlNode *node, const char *what,
	      const char *text)
{
	if (is_contact(text)) {
		return;
	}
	if (!strchr(text, '@')) {
		v_error(v, node, "invalid-contact",
			"%s '%.60s' must contain an email address (use dc:creator for a name)",
			what, text);
	} else {
		v_warn(v, node, "email-format",
		       "%s '%.60s': write it as 'name@example.com (Real Name)'",
		       what, text);
	}
}

static void
check_url_element(struct vctx *v, const xmlNode *node, const char *what)
{
	char *text = v_text(node);
	v_check_iri(v, node, what, text, IRI_ABSOLUTE);
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
check_image(struct vctx *v, const xmlNode *image)
{
	static const char *const required[] = { "url", "title", "link" };
	static const char *const known[] = { "url",   "title",  "link",
					     "width", "height", "description" };
	check_required_children(v, image, "<image>", required, 3);
	check_unique_children(v, image, "<image>", known, 6);
	for (const xmlNode *c = image->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || c->ns) {
			continue;
		}
		const char *n = (const char *)c->name;
		char *text = v_text(c);
		long val;
		if (strcmp(n, "url") == 0 || strcmp(n, "link") == 0) {
			v_check_iri(v, c, n, text, IRI_ABSOLUTE);
		} else if (strcmp(n, "width") == 0) {
			if (!is_nonneg_int(text, 144, &val)) {
				v_error(v, c, "invalid-integer",
					"image width must be an integer up to 144");
			}
		} else if (strcmp(n, "height") == 0) {
			if (!is_nonneg_int(text, 400, &val)) {
				v_error(v, c, "invalid-integer",
					"image height must be an integer up to 400");
			}
		} else if (strcmp(n, "title") != 0 &&
			   strcmp(n, "description") != 0) {
			v_error(v, c, "undefined-element",
				"<%s> is not an element of <image>", n);
		}
		free(text);
	}
}

static void
check_text_input(struct vctx *v, const xmlNode *node)
{
	static const char *const required[] = { "title", "description", "name",
						"link" };
	check_required_children(v, node, "<textInput>", required, 4);
	check_unique_children(v, node, "<textInput>", required, 4);
	for (const xmlNode *c = node->children; c; c = c->next) {
		if (v_is(c, NULL, "link")) {
			check_url_element(v, c, "textInput link");
		} else if (c->type == XML_ELEMENT_NODE && !c->ns &&
			   index_of(required, 4, (const char *)c->name) < 0) {
			v_error(v, c, "undefined-element",
				"<%s> is not an element of <textInput>",
				c->name);
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
	for (const xmlNode *c = node->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE) {
			continue;
		}
		const char *want = hours ? "hour" : "day";
		if (!v_is(c, NULL, want)) {
			v_error(v, c, "undefined-element",
				"<%s> is not allowed in <%s>", c->name,
				node->name);
			continue;
		}
		char *text = v_text(c);
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
					     "registerProcedure", "protocol" };
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
			v_error(v, node, "invalid-value",
				"<cloud> protocol must be xml-rpc, soap or http-post");
		}
		xmlFree(a);
	}
}

static void
check_category(struct vctx *v, const xmlNode *node)
{
	char *domain = v_attr(node, "domain");
	xmlFree(domain);
	if (v_has_child_elements(node)) {
		v_error(v, node, "unexpected-element",
			"<category> must contain text only");
	}
}

static void
check_enclosure(struct vctx *v, const xmlNode *node)
{
	char *url = v_attr(node, "url");
	char *length = v_attr(node, "length");
	char *type = v_attr(node, "type");
	if (!url) {
		v_error(v, node, "missing-attribute",
			"<enclosure> needs a url attribute");
	} else {
		v_check_iri(v, node, "enclosure url", url, IRI_ABSOLUTE);
	}
	if (!length) {
		v_error(v, node, "missing-attribute",
			"<enclosure> needs a length attribute (bytes)");
	} else if (!is_nonneg_int(length, 0x7fffffffffffffffL, NULL)) {
		v_error(v, node, "invalid-integer",
			"enclosure length '%.40s' is not a non-negative integer",
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
	char *perma = v_attr(node, "isPermaLink");
	char *text = v_text(node);
	if (v_is_blank(text)) {
		v_warn(v, node, "not-blank", "<guid> is empty");
	}
	if (perma && strcmp(perma, "true") != 0 && strcmp(perma, "false") != 0) {
		v_error(v, node, "invalid-value",
			"guid isPermaLink must be \"true\" or \"false\", not '%.20s'",
			perma);
	} else if (!perma || strcmp(perma, "true") == 0) {
		/* a permalink guid (the default) must be a URL */
		if (!v_is_blank(text) &&
		    v_check_iri(v, node, "permalink guid", text,
				IRI_ABSOLUTE) &&
		    strncasecmp(text, "http://", 7) != 0 &&
		    strncasecmp(text, "https://", 8) != 0) {
			v_error(v, node, "invalid-permalink",
				"guid '%.60s' is a permalink (isPermaLink defaults to true) but not an http(s) URL; add isPermaLink=\"false\"",
				text);
		}
	}
	xmlFree(perma);
	*guid_out = text;
}

static void
check_atom_link(struct vctx *v, const xmlNode *node, bool *is_self)
{
	char *href = v_attr(node, "href");
	char *rel = v_attr(node, "rel");
	char *type = v_attr(node, "type");
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

static void
check_item(struct vctx *v, const xmlNode *item)
{
	struct rss_state *s = state(v);
	int counts[N_ITEM_SINGLES] = { 0 };
	bool pub_ok = false, upd_ok = false;
	struct wf_time pub = { 0 }, upd = { 0 };
	const xmlNode *upd_node = NULL;
	char *guid = NULL;
	for (const xmlNode *c = item->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE) {
			continue;
		}
		const char *n = (const char *)c->name;
		if (c->ns) {
			const char *ns = (const char *)c->ns->href;
			if (strcmp(ns, ATOM_NS) == 0 &&
			    strcmp(n, "updated") == 0) {
				char *text = v_text(c);
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
			check_url_element(v, c, n);
		} else if (strcmp(n, "pubDate") == 0) {
			text = v_text(c);
			pub_ok = v_check_rfc822(v, c, "pubDate", text, &pub);
		} else if (strcmp(n, "author") == 0) {
			text = v_text(c);
			check_contact(v, c, "item author", text);
		} else if (strcmp(n, "guid") == 0) {
			check_guid(v, c, &guid);
		} else if (strcmp(n, "enclosure") == 0) {
			check_enclosure(v, c);
		} else if (strcmp(n, "category") == 0) {
			check_category(v, c);
		} else if (strcmp(n, "source") == 0) {
			char *url = v_attr(c, "url");
			if (!url) {
				v_error(v, c, "missing-attribute",
					"<source> needs a url attribute");
			} else {
				v_check_iri(v, c, "source url", url,
					    IRI_ABSOLUTE);
			}
			xmlFree(url);
		} else if ((strcmp(n, "title") == 0 ||
			    strcmp(n, "description") == 0) &&
			   v_has_child_elements(c)) {
			v_error(v, c, "unexpected-element",
				"<%s> must contain text (escape HTML markup)",
				n);
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
	if (guid) {
		if (!v_is_blank(guid)) {
			int first = hash_set_insert(&s->guids, v_hash(guid),
						    v_line(item));
			if (first) {
				v_error(v, item, "duplicate-guid",
				       "guid '%.80s' already used by the item on line %d; clients will treat them as one item",
				       guid, first);
			}
		}
		free(guid);
	}
	struct wf_time latest = upd_ok ? upd : pub;
	if (upd_ok || pub_ok) {
		if (!s->has_items || wf_time_compare(latest, s->newest_item) > 0) {
			s->newest_item = latest;
		}
		s->has_items = true;
	}
}

void
rss_begin(struct vctx *v, const xmlNode *root)
{
	struct rss_state *s = xzalloc(sizeof(*s));
	v->format_state = s;
	s->root_line = v_line(root);
}

void
rss_top_child(struct vctx *v, const xmlNode *node)
{
	struct rss_state *s = state(v);
	if (v_is(node, NULL, "channel")) {
		if (++s->n_channel > 1) {
			v_error(v, node, "duplicate-element",
				"<rss> must contain exactly one <channel>");
		}
		s->channel_line = v_line(node);
		return;
	}
	if (node->type == XML_ELEMENT_NODE && !node->ns) {
		v_error(v, node, "undefined-element",
			"<%s> is not allowed directly in <rss>", node->name);
	}
}

void
rss_channel_child(struct vctx *v, const xmlNode *c)
{
	struct rss_state *s = state(v);
	const char *n = (const char *)c->name;
	if (c->ns) {
		const char *ns = (const char *)c->ns->href;
		if (strcmp(ns, ATOM_NS) == 0 && strcmp(n, "link") == 0) {
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
		check_url_element(v, c, "channel link");
	} else if (strcmp(n, "description") == 0) {
		if (++s->n_description > 1) {
			goto dup;
		}
	} else if (i >= 0 && ++s->singles[i] > 1) {
		goto dup;
	}
	char *text = v_text(c);
	if (strcmp(n, "pubDate") == 0) {
		v_check_rfc822(v, c, "pubDate", text, NULL);
	} else if (strcmp(n, "lastBuildDate") == 0) {
		s->has_last_build = v_check_rfc822(v, c, "lastBuildDate", text,
						   &s->last_build);
		s->last_build_line = v_line(c);
	} else if (strcmp(n, "docs") == 0) {
		v_check_iri(v, c, "docs", text, IRI_ABSOLUTE);
	} else if (strcmp(n, "language") == 0) {
		if (!v_is_language_tag(text)) {
			v_error(v, c, "invalid-language",
				"language '%.40s' is not a language code", text);
		}
	} else if (strcmp(n, "managingEditor") == 0 ||
		   strcmp(n, "webMaster") == 0) {
		check_contact(v, c, n, text);
	} else if (strcmp(n, "ttl") == 0) {
		if (!is_nonneg_int(text, 0x7fffffffL, NULL)) {
			v_error(v, c, "invalid-integer",
				"ttl '%.20s' must be a number of minutes", text);
		}
	} else if (strcmp(n, "image") == 0) {
		check_image(v, c);
	} else if (strcmp(n, "textInput") == 0) {
		check_text_input(v, c);
	} else if (strcmp(n, "skipHours") == 0) {
		check_skip(v, c, true);
	} else if (strcmp(n, "skipDays") == 0) {
		check_skip(v, c, false);
	} else if (strcmp(n, "cloud") == 0) {
		check_cloud(v, c);
	} else if (strcmp(n, "category") == 0) {
		check_category(v, c);
	}
	free(text);
	return;
dup:
	v_error(v, c, "duplicate-element",
		"<channel> must not contain more than one <%s>", n);
}

void
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
	hash_set_finish(&s->guids);
	free(s);
	v->format_state = NULL;
}
