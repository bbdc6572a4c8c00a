/* SPDX-License-Identifier: MIT */
/* Article records: one Atom entry document per story (docs/record-format.md). */
#include "wirefeed/record.h"

#include <stdarg.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include "wirefeed/text.h"
#include "buf.h"
#include "mem.h"

#define ATOM_NS "http://www.w3.org/2005/Atom"
#define APP_NS "http://www.w3.org/2007/app"

static int
line_of(const xmlNode *n)
{
	long l = n ? xmlGetLineNo(n) : 0;
	return l > 0 && l < 0x7fffffff ? (int)l : 0;
}

static bool
is_el(const xmlNode *n, const char *ns, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       strcmp((const char *)n->ns->href, ns) == 0 &&
	       strcmp((const char *)n->name, name) == 0;
}

static bool
in_ns(const xmlNode *n, const char *ns)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       strcmp((const char *)n->ns->href, ns) == 0;
}

static char *
text_of(const xmlNode *n)
{
	xmlChar *c = xmlNodeGetContent(n);
	char *s = xstrdup(c ? (const char *)c : "");
	xmlFree(c);
	return s;
}

static char *
trimmed_text(const xmlNode *n)
{
	char *s = text_of(n);
	char *b = s;
	while (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r') {
		b++;
	}
	size_t len = strlen(b);
	while (len > 0 && (b[len - 1] == ' ' || b[len - 1] == '\t' ||
			   b[len - 1] == '\n' || b[len - 1] == '\r')) {
		len--;
	}
	char *r = xstrndup(b, len);
	free(s);
	return r;
}

static char *
attr(const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	char *s = v ? xstrdup((const char *)v) : NULL;
	xmlFree(v);
	return s;
}

struct parse {
	const char *source;
	struct wf_diag *diag;
	enum wf_status status;
	const char *data; /* the record's bytes, for columns */
	size_t len;
	const xmlNode *root;
};

/* The qualified name of @n as written ("wf:image", "updated"). */
static void
qname_of(const xmlNode *n, char *buf, size_t size)
{
	if (n->ns && n->ns->prefix) {
		snprintf(buf, size, "%s:%s", (const char *)n->ns->prefix,
			 (const char *)n->name);
	} else {
		snprintf(buf, size, "%s", (const char *)n->name);
	}
}

static bool
same_qname(const xmlNode *a, const xmlNode *b)
{
	const char *pa = a->ns && a->ns->prefix ? (const char *)a->ns->prefix : "";
	const char *pb = b->ns && b->ns->prefix ? (const char *)b->ns->prefix : "";
	return strcmp(pa, pb) == 0 &&
	       strcmp((const char *)a->name, (const char *)b->name) == 0;
}

/* How many elements named like @target come before it in document order
 * (libxml2 keeps no columns, so the start tag is found in the text). */
static bool
count_before(const xmlNode *n, const xmlNode *target, size_t *count)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE) {
			continue;
		}
		if (n == target) {
			return true;
		}
		if (same_qname(n, target)) {
			(*count)++;
		}
		if (count_before(n->children, target, count)) {
			return true;
		}
	}
	return false;
}

/* Skip a comment, CDATA section or processing instruction at @i. */
static size_t
skip_markup(const char *d, size_t len, size_t i)
{
	static const struct {
		const char *open, *close;
	} kinds[] = {
		{ "<!--", "-->" },
		{ "<![CDATA[", "]]>" },
		{ "<?", "?>" },
		{ "<!DOCTYPE", ">" },
	};
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		size_t ol = strlen(kinds[k].open), cl = strlen(kinds[k].close);
		if (len - i >= ol && memcmp(d + i, kinds[k].open, ol) == 0) {
			for (size_t j = i + ol; j + cl <= len; j++) {
				if (memcmp(d + j, kinds[k].close, cl) == 0) {
					return j + cl;
				}
			}
			return len;
		}
	}
	return i;
}

/* The line and column (1-based, in characters) of the '<' of @n's start
 * tag; false if unknown. */
static bool
position_of(const struct parse *p, const xmlNode *n, int *line_out,
	    int *col_out)
{
	if (!n || !p->data || n->type != XML_ELEMENT_NODE) {
		return false;
	}
	size_t before = 0;
	if (!count_before(xmlDocGetRootElement(n->doc), n, &before)) {
		return false;
	}
	char qname[300];
	qname_of(n, qname, sizeof(qname));
	size_t ql = strlen(qname);
	const char *d = p->data;
	for (size_t i = 0; i < p->len;) {
		size_t skipped = skip_markup(d, p->len, i);
		if (skipped != i) {
			i = skipped;
			continue;
		}
		if (d[i] == '<' && p->len - i > ql &&
		    memcmp(d + i + 1, qname, ql) == 0 &&
		    (i + 1 + ql == p->len ||
		     strchr(" \t\r\n/>", d[i + 1 + ql]))) {
			if (before == 0) {
				int line, col;
				wf_text_position(d, i, &line, &col);
				/* libxml2 reports the line where the start
				 * tag ends: a sanity check of the match */
				if (line > line_of(n)) {
					return false;
				}
				*line_out = line;
				*col_out = col;
				return true;
			}
			before--;
		}
		i++;
	}
	return false;
}

static void
fail(struct parse *p, const xmlNode *n, enum wf_status st, const char *fmt,
     ...) __attribute__((format(printf, 4, 5)));

static void
fail(struct parse *p, const xmlNode *n, enum wf_status st, const char *fmt,
     ...)
{
	if (p->status != WF_OK) {
		return; /* first error wins */
	}
	char msg[900];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	int line = line_of(n), col = 0;
	if (!position_of(p, n, &line, &col)) {
		line = line_of(n);
		col = 0;
	}
	wf_diag_set(p->diag, p->source, line, col, "%s", msg);
	p->status = st;
}

static bool
parse_time(struct parse *p, const xmlNode *n, const char *what,
	   const char *value, struct wf_time *out)
{
	const char *why = NULL;
	if (wf_time_parse_rfc3339(value, out, &why) != WF_OK) {
		fail(p, n, WF_ERR_INVALID, "bad %s date '%.60s': %s", what,
		     value, why);
		return false;
	}
	return true;
}

/* Returns false (and fails) for a repeat: the caller must not store it. */
static bool
once(struct parse *p, const xmlNode *n, bool *seen, const char *what)
{
	if (*seen) {
		fail(p, n, WF_ERR_INVALID, "duplicate <%s>", what);
		return false;
	}
	*seen = true;
	return true;
}

static void
parse_entry(struct parse *p, const xmlNode *root, struct wf_article *a)
{
	bool seen_id = false, seen_title = false, seen_pub = false,
	     seen_upd = false, seen_edited = false, seen_summary = false,
	     seen_content = false, seen_link = false, seen_rights = false,
	     seen_image = false, seen_status = false, seen_source = false,
	     seen_dateline = false, seen_embargo = false, seen_expires = false;
	for (const xmlNode *c = root->children; c && p->status == WF_OK;
	     c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_COMMENT_NODE) {
			continue;
		}
		if (c->type != XML_ELEMENT_NODE) {
			continue;
		}
		if (in_ns(c, ATOM_NS)) {
			const char *name = (const char *)c->name;
			if (strcmp(name, "id") == 0) {
				once(p, c, &seen_id, "id");
				free(a->id);
				a->id = trimmed_text(c);
			} else if (strcmp(name, "title") == 0) {
				once(p, c, &seen_title, "title");
				char *type = attr(c, "type");
				if (type && strcmp(type, "text") != 0) {
					fail(p, c, WF_ERR_INVALID,
					     "<title> must be plain text (type=\"text\"), not '%.20s'",
					     type);
				}
				free(type);
				free(a->title);
				a->title = trimmed_text(c);
			} else if (strcmp(name, "author") == 0) {
				char *nm = NULL, *uri = NULL, *email = NULL;
				for (const xmlNode *k = c->children; k;
				     k = k->next) {
					if (is_el(k, ATOM_NS, "name")) {
						free(nm);
						nm = trimmed_text(k);
					} else if (is_el(k, ATOM_NS, "uri")) {
						free(uri);
						uri = trimmed_text(k);
					} else if (is_el(k, ATOM_NS, "email")) {
						free(email);
						email = trimmed_text(k);
					}
				}
				if (!nm || !nm[0]) {
					fail(p, c, WF_ERR_INVALID,
					     "<author> needs a <name>");
				} else {
					wf_article_add_author(a, nm, uri,
							      email);
				}
				free(nm);
				free(uri);
				free(email);
			} else if (strcmp(name, "category") == 0) {
				char *term = attr(c, "term");
				char *label = attr(c, "label");
				if (!term || !term[0]) {
					fail(p, c, WF_ERR_INVALID,
					     "<category> needs a term (the section slug)");
				} else {
					wf_article_add_section(a, term, label);
				}
				free(term);
				free(label);
			} else if (strcmp(name, "published") == 0) {
				once(p, c, &seen_pub, "published");
				char *t = trimmed_text(c);
				parse_time(p, c, "published", t,
					   &a->published);
				free(t);
			} else if (strcmp(name, "updated") == 0) {
				once(p, c, &seen_upd, "updated");
				char *t = trimmed_text(c);
				parse_time(p, c, "updated", t, &a->updated);
				free(t);
			} else if (strcmp(name, "summary") == 0) {
				once(p, c, &seen_summary, "summary");
				free(a->summary);
				a->summary = trimmed_text(c);
			} else if (strcmp(name, "content") == 0) {
				once(p, c, &seen_content, "content");
				char *type = attr(c, "type");
				if (!type || strcmp(type, "html") != 0) {
					fail(p, c, WF_ERR_INVALID,
					     "<content> must have type=\"html\" (escaped HTML)");
				}
				free(type);
				free(a->content_html);
				a->content_html = trimmed_text(c);
			} else if (strcmp(name, "link") == 0) {
				char *rel = attr(c, "rel");
				if (!rel || strcmp(rel, "alternate") == 0) {
					once(p, c, &seen_link, "link rel=alternate");
					free(a->link);
					a->link = attr(c, "href");
					if (!a->link || !a->link[0]) {
						fail(p, c, WF_ERR_INVALID,
						     "<link> needs an href");
					}
				} else {
					fail(p, c, WF_ERR_INVALID,
					     "unsupported link rel '%.40s' in a record (the image is <wf:image>)",
					     rel);
				}
				free(rel);
			} else if (strcmp(name, "rights") == 0) {
				once(p, c, &seen_rights, "rights");
				free(a->rights);
				a->rights = trimmed_text(c);
			} else {
				fail(p, c, WF_ERR_INVALID,
				     "unexpected Atom element <%s> in a record",
				     name);
			}
		} else if (is_el(c, APP_NS, "edited")) {
			once(p, c, &seen_edited, "app:edited");
			char *t = trimmed_text(c);
			if (parse_time(p, c, "app:edited", t, &a->edited)) {
				a->has_edited = true;
			}
			free(t);
		} else if (in_ns(c, WF_RECORD_NS)) {
			const char *name = (const char *)c->name;
			if (strcmp(name, "source") == 0) {
				once(p, c, &seen_source, "wf:source");
				free(a->source);
				a->source = trimmed_text(c);
			} else if (strcmp(name, "dateline") == 0) {
				once(p, c, &seen_dateline, "wf:dateline");
				free(a->dateline);
				a->dateline = trimmed_text(c);
			} else if (strcmp(name, "image") == 0) {
				if (!once(p, c, &seen_image, "wf:image")) {
					continue; /* a->image holds the first */
				}
				struct wf_image *img = xzalloc(sizeof(*img));
				a->image = img;
				img->url = attr(c, "href");
				img->type = attr(c, "type");
				char *len = attr(c, "length");
				if (len) {
					char *end = NULL;
					errno = 0;
					long long v = strtoll(len, &end, 10);
					if (!*len || *end || v < 0 || errno == ERANGE) {
						fail(p, c, WF_ERR_INVALID,
						     "wf:image length '%.20s' is not a byte count",
						     len);
					}
					img->length = v;
				}
				free(len);
				for (const xmlNode *k = c->children; k;
				     k = k->next) {
					if (is_el(k, WF_RECORD_NS, "caption")) {
						free(img->caption);
						img->caption = trimmed_text(k);
					} else if (is_el(k, WF_RECORD_NS,
							 "credit")) {
						free(img->credit);
						img->credit = trimmed_text(k);
					}
				}
				if (!img->url || !img->type) {
					fail(p, c, WF_ERR_INVALID,
					     "wf:image needs href and type attributes");
				}
			} else if (strcmp(name, "correction") == 0) {
				char *when = attr(c, "when");
				struct wf_time t = { 0 };
				if (!when) {
					fail(p, c, WF_ERR_INVALID,
					     "wf:correction needs a when attribute (RFC 3339)");
				} else if (parse_time(p, c, "correction", when,
						      &t)) {
					char *text = trimmed_text(c);
					wf_article_add_correction(a, t, text);
					free(text);
				}
				free(when);
			} else if (strcmp(name, "embargo") == 0 ||
				   strcmp(name, "expires") == 0) {
				bool embargo = name[1] == 'm';
				if (!once(p, c, embargo ? &seen_embargo : &seen_expires,
					  embargo ? "wf:embargo" : "wf:expires")) {
					continue;
				}
				char *v = trimmed_text(c);
				if (parse_time(p, c, embargo ? "embargo" : "expiry", v,
					       embargo ? &a->embargo_until
						       : &a->expires_at)) {
					*(embargo ? &a->has_embargo : &a->has_expiry) = true;
				}
				free(v);
			} else if (strcmp(name, "status") == 0) {
				if (!once(p, c, &seen_status, "wf:status")) {
					continue; /* keep the first status */
				}
				char *v = trimmed_text(c);
				if (strcmp(v, "published") == 0) {
					a->status = WF_ARTICLE_PUBLISHED;
				} else if (strcmp(v, "withdrawn") == 0) {
					a->status = WF_ARTICLE_WITHDRAWN;
					char *when = attr(c, "when");
					a->withdrawn_reason = attr(c, "reason");
					if (!when) {
						fail(p, c, WF_ERR_INVALID,
						     "a withdrawn status needs a when attribute");
					} else {
						parse_time(p, c, "withdrawn",
							   when,
							   &a->withdrawn_at);
					}
					if (!a->withdrawn_reason ||
					    !a->withdrawn_reason[0]) {
						fail(p, c, WF_ERR_INVALID,
						     "a withdrawn status needs a reason attribute");
					}
					free(when);
				} else {
					fail(p, c, WF_ERR_INVALID,
					     "unknown status '%.40s' (published or withdrawn)",
					     v);
				}
				free(v);
			} else {
				fail(p, c, WF_ERR_INVALID,
				     "unknown element wf:%s", name);
			}
		}
		/* other namespaces: extensions, ignored */
	}
	if (p->status != WF_OK) {
		return;
	}
	if (!seen_id) {
		fail(p, root, WF_ERR_INVALID, "missing <id>");
	} else if (!seen_title) {
		fail(p, root, WF_ERR_INVALID, "missing <title>");
	} else if (!seen_pub) {
		fail(p, root, WF_ERR_INVALID, "missing <published>");
	} else if (!seen_upd) {
		fail(p, root, WF_ERR_INVALID, "missing <updated>");
	}
}

/* The element of a record that part @f of the article came from. */
static const xmlNode *
node_of_part(const xmlNode *root, struct wf_article_fault f)
{
	static const struct {
		enum wf_article_part part;
		const char *ns, *name;
	} map[] = {
		{ WF_ARTICLE_PART_ID, ATOM_NS, "id" },
		{ WF_ARTICLE_PART_TITLE, ATOM_NS, "title" },
		{ WF_ARTICLE_PART_AUTHOR, ATOM_NS, "author" },
		{ WF_ARTICLE_PART_SECTION, ATOM_NS, "category" },
		{ WF_ARTICLE_PART_PUBLISHED, ATOM_NS, "published" },
		{ WF_ARTICLE_PART_UPDATED, ATOM_NS, "updated" },
		{ WF_ARTICLE_PART_EDITED, APP_NS, "edited" },
		{ WF_ARTICLE_PART_SOURCE, WF_RECORD_NS, "source" },
		{ WF_ARTICLE_PART_DATELINE, WF_RECORD_NS, "dateline" },
		{ WF_ARTICLE_PART_SUMMARY, ATOM_NS, "summary" },
		{ WF_ARTICLE_PART_CONTENT, ATOM_NS, "content" },
		{ WF_ARTICLE_PART_LINK, ATOM_NS, "link" },
		{ WF_ARTICLE_PART_IMAGE, WF_RECORD_NS, "image" },
		{ WF_ARTICLE_PART_RIGHTS, ATOM_NS, "rights" },
		{ WF_ARTICLE_PART_CORRECTION, WF_RECORD_NS, "correction" },
		{ WF_ARTICLE_PART_STATUS, WF_RECORD_NS, "status" },
		{ WF_ARTICLE_PART_EMBARGO, WF_RECORD_NS, "embargo" },
		{ WF_ARTICLE_PART_EXPIRES, WF_RECORD_NS, "expires" },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (map[i].part != f.part) {
			continue;
		}
		size_t seen = 0;
		for (const xmlNode *c = root->children; c; c = c->next) {
			if (is_el(c, map[i].ns, map[i].name) && seen++ == f.index) {
				return c;
			}
		}
	}
	return root;
}

struct first_error {
	bool seen;
	xmlError error; /* a copy; freed with xmlResetError() */
};

static void
keep_first_error(void *ctx, xmlErrorPtr error)
{
	struct first_error *first = ctx;
	if (!first->seen && error && error->level >= XML_ERR_ERROR) {
		first->seen = xmlCopyError(error, &first->error) == 0;
	}
}

enum wf_status
wf_record_parse_memory(const char *data, size_t len, const char *source,
		       struct wf_article **out, struct wf_diag *diag)
{
	struct parse p = { .source = source ? source : "<record>",
			   .diag = diag,
			   .status = WF_OK,
			   .data = data,
			   .len = len };
	if (len > WF_RECORD_MAX_BYTES) {
		/* where the limit is crossed: the first byte past it */
		int line, col;
		wf_text_position(data, WF_RECORD_MAX_BYTES, &line, &col);
		wf_diag_set(diag, p.source, line, col,
			    "record larger than %u bytes", WF_RECORD_MAX_BYTES);
		return WF_ERR_TOO_LARGE;
	}
	size_t bad;
	const char *why;
	if (!wf_text_is_xml_safe(data, len, &bad, &why)) {
		int line, col;
		wf_text_position(data, bad, &line, &col);
		wf_diag_set(diag, p.source, line, col, "%s", why);
		return WF_ERR_XML;
	}
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		wf_diag_set(diag, p.source, 0, 0, "cannot create XML parser");
		return WF_ERR_XML;
	}
	/* No network, no entity substitution, no DTD loading; errors are
	 * read back from the context, never printed. */
	struct first_error first = { 0 };
	/* per thread; the caller's handler is put back afterwards */
	xmlStructuredErrorFunc saved_fn = xmlStructuredError;
	void *saved_ctx = xmlStructuredErrorContext;
	xmlSetStructuredErrorFunc(&first, keep_first_error);
	xmlDocPtr doc = xmlCtxtReadMemory(
		ctxt, data, (int)len, p.source, "UTF-8",
		XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlSetStructuredErrorFunc(saved_ctx, saved_fn);
	if (!doc || !ctxt->wellFormed) {
		/* the first error is the cause; later ones are its echoes */
		const xmlError *e = first.seen ? &first.error
					       : xmlCtxtGetLastError(ctxt);
		char msg[600] = "not well-formed XML";
		if (e && e->message) {
			snprintf(msg, sizeof(msg), "not well-formed: %s",
				 e->message);
		}
		wf_diag_set(diag, p.source, e ? e->line : 0, e ? e->int2 : 0,
			    "%s", wf_text_trim(msg));
		xmlFreeDoc(doc);
		xmlFreeParserCtxt(ctxt);
		xmlResetError(&first.error);
		return WF_ERR_XML;
	}
	xmlResetError(&first.error);
	xmlFreeParserCtxt(ctxt);
	if (doc->intSubset || doc->extSubset) {
		wf_diag_set(diag, p.source, 1, 0,
			    "records must not have a DOCTYPE (no DTDs or entities)");
		xmlFreeDoc(doc);
		return WF_ERR_INVALID;
	}
	xmlNode *root = xmlDocGetRootElement(doc);
	if (!root || !is_el(root, ATOM_NS, "entry")) {
		wf_diag_set(diag, p.source, line_of(root), 0,
			    "root element must be an Atom <entry> (xmlns=\"%s\")",
			    ATOM_NS);
		xmlFreeDoc(doc);
		return WF_ERR_INVALID;
	}
	struct wf_article *a = wf_article_create();
	parse_entry(&p, root, a);
	if (p.status == WF_OK) {
		struct wf_diag check = { 0 };
		struct wf_article_fault where = { 0 };
		if (wf_article_check_where(a, &where, &check) != WF_OK) {
			/* at the element the rule is about (issue 17.14) */
			fail(&p, node_of_part(root, where), WF_ERR_INVALID, "%s",
			     check.message);
		}
	}
	xmlFreeDoc(doc);
	if (p.status != WF_OK) {
		wf_article_destroy(a);
		return p.status;
	}
	*out = a;
	return WF_OK;
}

enum wf_status
wf_record_parse_file(const char *path, struct wf_article **out,
		     struct wf_diag *diag)
{
	struct buf b;
	buf_init(&b, WF_RECORD_MAX_BYTES);
	enum wf_status st = buf_read_file(&b, path, diag);
	if (st == WF_OK) {
		st = wf_record_parse_memory(b.data, b.len, path, out, diag);
	}
	buf_finish(&b);
	return st;
}

bool
wf_record_id_position(const char *path, int *line, int *column)
{
	struct buf b;
	buf_init(&b, WF_RECORD_MAX_BYTES);
	struct wf_diag ignored = { 0 };
	bool found = false;
	if (buf_read_file(&b, path, &ignored) != WF_OK ||
	    !wf_text_is_xml_safe(b.data, b.len, NULL, NULL)) {
		buf_finish(&b);
		return false;
	}
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		buf_finish(&b);
		return false;
	}
	xmlStructuredErrorFunc saved_fn = xmlStructuredError;
	void *saved_ctx = xmlStructuredErrorContext;
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlDocPtr doc = xmlCtxtReadMemory(
		ctxt, b.data, (int)b.len, path, "UTF-8",
		XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlSetStructuredErrorFunc(saved_ctx, saved_fn);
	xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (root && ctxt->wellFormed && !doc->intSubset) {
		struct parse p = { .source = path, .data = b.data, .len = b.len };
		for (const xmlNode *c = root->children; c && !found; c = c->next) {
			if (is_el(c, ATOM_NS, "id")) {
				found = position_of(&p, c, line, column);
			}
		}
	}
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	buf_finish(&b);
	return found;
}

/* ---- writing ---- */

static int
w_el(xmlTextWriterPtr w, const char *prefix, const char *name,
     const char *text)
{
	if (!text) {
		return 0;
	}
	return xmlTextWriterWriteElementNS(w, (const xmlChar *)prefix,
					   (const xmlChar *)name, NULL,
					   (const xmlChar *)text) < 0;
}

static int
w_time(xmlTextWriterPtr w, const char *prefix, const char *name,
       struct wf_time t)
{
	char buf[WF_TIME_RFC3339_MAX];
	wf_time_format_rfc3339(t, buf, sizeof(buf));
	return w_el(w, prefix, name, buf);
}

static int
w_start(xmlTextWriterPtr w, const char *prefix, const char *name)
{
	return xmlTextWriterStartElementNS(w, (const xmlChar *)prefix,
					   (const xmlChar *)name, NULL) < 0;
}

static int
w_attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	if (!value) {
		return 0;
	}
	return xmlTextWriterWriteAttribute(w, (const xmlChar *)name,
					   (const xmlChar *)value) < 0;
}

static int
w_end(xmlTextWriterPtr w)
{
	return xmlTextWriterEndElement(w) < 0;
}

enum wf_status
wf_record_format(const struct wf_article *a, char **out, size_t *len,
		 struct wf_diag *diag)
{
	struct wf_diag check = { 0 };
	if (wf_article_check(a, &check) != WF_OK) {
		wf_diag_set(diag, a->id, 0, 0, "%s", check.message);
		return WF_ERR_INVALID;
	}
	xmlBufferPtr xb = xmlBufferCreate();
	xmlTextWriterPtr w = xmlNewTextWriterMemory(xb, 0);
	int err = 0;
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, (const xmlChar *)"  ");
	err |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
	err |= w_start(w, NULL, "entry");
	err |= w_attr(w, "xmlns", ATOM_NS);
	err |= w_attr(w, "xmlns:app", APP_NS);
	err |= w_attr(w, "xmlns:wf", WF_RECORD_NS);
	err |= w_el(w, NULL, "id", a->id);
	err |= w_el(w, NULL, "title", a->title);
	for (size_t i = 0; i < a->n_authors; i++) {
		err |= w_start(w, NULL, "author");
		err |= w_el(w, NULL, "name", a->authors[i].name);
		err |= w_el(w, NULL, "uri", a->authors[i].uri);
		err |= w_el(w, NULL, "email", a->authors[i].email);
		err |= w_end(w);
	}
	err |= w_el(w, "wf", "source", a->source);
	err |= w_el(w, "wf", "dateline", a->dateline);
	for (size_t i = 0; i < a->n_sections; i++) {
		err |= w_start(w, NULL, "category");
		err |= w_attr(w, "term", a->sections[i].term);
		err |= w_attr(w, "label", a->sections[i].label);
		err |= w_end(w);
	}
	err |= w_time(w, NULL, "published", a->published);
	err |= w_time(w, NULL, "updated", a->updated);
	if (a->has_edited) {
		err |= w_time(w, "app", "edited", a->edited);
	}
	if (a->link) {
		err |= w_start(w, NULL, "link");
		err |= w_attr(w, "rel", "alternate");
		err |= w_attr(w, "type", "text/html");
		err |= w_attr(w, "href", a->link);
		err |= w_end(w);
	}
	err |= w_el(w, NULL, "summary", a->summary);
	if (a->content_html) {
		err |= w_start(w, NULL, "content");
		err |= w_attr(w, "type", "html");
		err |= xmlTextWriterWriteString(
			       w, (const xmlChar *)a->content_html) < 0;
		err |= w_end(w);
	}
	if (a->image) {
		char len_buf[32];
		snprintf(len_buf, sizeof(len_buf), "%lld",
			 (long long)a->image->length);
		err |= w_start(w, "wf", "image");
		err |= w_attr(w, "href", a->image->url);
		err |= w_attr(w, "type", a->image->type);
		err |= w_attr(w, "length", len_buf);
		err |= w_el(w, "wf", "caption", a->image->caption);
		err |= w_el(w, "wf", "credit", a->image->credit);
		err |= w_end(w);
	}
	err |= w_el(w, NULL, "rights", a->rights);
	for (size_t i = 0; i < a->n_corrections; i++) {
		char when[WF_TIME_RFC3339_MAX];
		wf_time_format_rfc3339(a->corrections[i].time, when,
				       sizeof(when));
		err |= w_start(w, "wf", "correction");
		err |= w_attr(w, "when", when);
		err |= xmlTextWriterWriteString(
			       w, (const xmlChar *)a->corrections[i].text) < 0;
		err |= w_end(w);
	}
	if (a->has_embargo) {
		char when[WF_TIME_RFC3339_MAX];
		wf_time_format_rfc3339(a->embargo_until, when, sizeof(when));
		err |= w_el(w, "wf", "embargo", when);
	}
	if (a->has_expiry) {
		char when[WF_TIME_RFC3339_MAX];
		wf_time_format_rfc3339(a->expires_at, when, sizeof(when));
		err |= w_el(w, "wf", "expires", when);
	}
	err |= w_start(w, "wf", "status");
	if (a->status == WF_ARTICLE_WITHDRAWN) {
		char when[WF_TIME_RFC3339_MAX];
		wf_time_format_rfc3339(a->withdrawn_at, when, sizeof(when));
		err |= w_attr(w, "when", when);
		err |= w_attr(w, "reason", a->withdrawn_reason);
		err |= xmlTextWriterWriteString(w, (const xmlChar *)"withdrawn") < 0;
	} else {
		err |= xmlTextWriterWriteString(w, (const xmlChar *)"published") < 0;
	}
	err |= w_end(w);
	err |= w_end(w);
	err |= xmlTextWriterEndDocument(w) < 0;
	xmlFreeTextWriter(w);
	if (err) {
		xmlBufferFree(xb);
		wf_diag_set(diag, a->id, 0, 0, "cannot serialize the record");
		return WF_ERR_XML;
	}
	size_t n = (size_t)xmlBufferLength(xb);
	char *s = xmalloc(n + 1);
	memcpy(s, xmlBufferContent(xb), n);
	s[n] = '\0';
	xmlBufferFree(xb);
	*out = s;
	if (len) {
		*len = n;
	}
	return WF_OK;
}
