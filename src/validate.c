/* SPDX-License-Identifier: MIT */
#include "wirefeed/validate.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/relaxng.h>
#include <libxml/xmlreader.h>

#include "wirefeed/record.h"
#include "wirefeed/text.h"
#include "buf.h"
#include "mem.h"
#include "validate_internal.h"
#include "validate_json.h"
#include "validate_archive.h"

/* Files up to this size are read whole (records need the bytes); larger
 * ones are streamed from the descriptor. */
#define VALIDATE_WHOLE_FILE_MAX (16u * 1024 * 1024)
#define VALIDATE_JSON_MAX ((size_t)1 << 30)

static const char *const record_ns = WF_RECORD_NS;

const char *
wf_doc_kind_name(enum wf_doc_kind kind)
{
	switch (kind) {
	case WF_DOC_ATOM_FEED:
		return "Atom 1.0 feed";
	case WF_DOC_ATOM_ENTRY:
		return "Atom 1.0 entry";
	case WF_DOC_RSS2:
		return "RSS 2.0";
	case WF_DOC_RECORD:
		return "wirefeed record";
	case WF_DOC_JSON_FEED:
		return "JSON Feed 1.1";
	case WF_DOC_UNKNOWN:
		break;
	}
	return "unknown";
}

void
v_add(struct vctx *v, enum wf_severity severity, int line, int column,
      const char *code, const char *fmt, ...)
{
	struct wf_validate_report *r = v->report;
	if (severity == WF_SEVERITY_ERROR) {
		r->n_errors++;
	} else {
		r->n_warnings++;
	}
	if (r->n_findings >= VALIDATE_MAX_FINDINGS) {
		return;
	}
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->findings = xreallocarray(r->findings, r->n_findings + 1,
				    sizeof(*r->findings));
	struct wf_finding *f = &r->findings[r->n_findings++];
	f->severity = severity;
	f->line = line;
	f->column = column;
	f->code = code;
	/* messages quote document text: keep them printable UTF-8 */
	f->message = wf_text_sanitize(msg, strlen(msg));
}

void
wf_validate_report_destroy(struct wf_validate_report *report)
{
	if (!report) {
		return;
	}
	for (size_t i = 0; i < report->n_findings; i++) {
		free(report->findings[i].message);
	}
	free(report->findings);
	free(report->source);
	free(report);
}

/* ---- node helpers ---- */

bool
v_is_ns(const xmlNode *node, const char *ns)
{
	if (!node || node->type != XML_ELEMENT_NODE) {
		return false;
	}
	if (!ns) {
		return node->ns == NULL;
	}
	return node->ns && node->ns->href &&
	       strcmp((const char *)node->ns->href, ns) == 0;
}

bool
v_is(const xmlNode *node, const char *ns, const char *name)
{
	return v_is_ns(node, ns) && strcmp((const char *)node->name, name) == 0;
}

char *
v_text(const xmlNode *node)
{
	xmlChar *c = xmlNodeGetContent(node);
	char *s = xstrdup(c ? (const char *)c : "");
	xmlFree(c);
	return s;
}

bool
v_has_child_elements(const xmlNode *node)
{
	for (const xmlNode *c = node->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE) {
			return true;
		}
	}
	return false;
}

bool
v_has_text(const xmlNode *node)
{
	for (const xmlNode *c = node->children; c; c = c->next) {
		if ((c->type == XML_TEXT_NODE ||
		     c->type == XML_CDATA_SECTION_NODE) &&
		    !v_is_blank((const char *)c->content)) {
			return true;
		}
	}
	return false;
}

char *
v_attr(const xmlNode *node, const char *name)
{
	return (char *)xmlGetNoNsProp(node, (const xmlChar *)name);
}

bool
v_is_blank(const char *s)
{
	if (!s) {
		return true;
	}
	for (; *s; s++) {
		if (!isspace((unsigned char)*s)) {
			return false;
		}
	}
	return true;
}

uint64_t
v_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

int
hash_set_insert(struct hash_set *set, uint64_t key, int line)
{
	if (key == 0) {
		key = 1;
	}
	if (set->n * 2 >= set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 64;
		uint64_t *keys = xcalloc(cap, sizeof(*keys));
		int *lines = xcalloc(cap, sizeof(*lines));
		for (size_t i = 0; i < set->cap; i++) {
			if (set->keys[i]) {
				size_t j = set->keys[i] & (cap - 1);
				while (keys[j]) {
					j = (j + 1) & (cap - 1);
				}
				keys[j] = set->keys[i];
				lines[j] = set->lines[i];
			}
		}
		free(set->keys);
		free(set->lines);
		set->keys = keys;
		set->lines = lines;
		set->cap = cap;
	}
	size_t j = key & (set->cap - 1);
	while (set->keys[j]) {
		if (set->keys[j] == key) {
			return set->lines[j] > 0 ? set->lines[j] : 1;
		}
		j = (j + 1) & (set->cap - 1);
	}
	set->keys[j] = key;
	set->lines[j] = line;
	set->n++;
	return 0;
}

void
hash_set_finish(struct hash_set *set)
{
	free(set->keys);
	free(set->lines);
	memset(set, 0, sizeof(*set));
}

/* ---- value checks ---- */

static bool
is_scheme_char(char c, bool first)
{
	return isalpha((unsigned char)c) ||
	       (!first && (isdigit((unsigned char)c) || c == '+' || c == '-' ||
			   c == '.'));
}

/* Length of the scheme (without ':'), 0 if there is none. */
static size_t
scheme_len(const char *s)
{
	size_t i = 0;
	while (s[i] && is_scheme_char(s[i], i == 0)) {
		i++;
	}
	return s[i] == ':' && i > 0 ? i : 0;
}

/* RFC 4151: tag:authorityName,YYYY[-MM[-DD]]:specific */
static bool
is_tag_uri(const char *s, const char **why)
{
	const char *p = s + 4;
	const char *comma = strchr(p, ',');
	if (!comma || comma == p) {
		*why = "a tag: URI needs 'authority,date:' (RFC 4151)";
		return false;
	}
	for (const char *q = p; q < comma; q++) {
		if (!(isalnum((unsigned char)*q) || *q == '-' || *q == '.' ||
		      *q == '@' || *q == '_')) {
			*why = "tag: authority must be a domain name or an email address";
			return false;
		}
	}
	const char *d = comma + 1;
	size_t n = 0;
	while (isdigit((unsigned char)d[n]) || d[n] == '-') {
		n++;
	}
	if (d[n] != ':') {
		*why = "tag: date must be followed by ':'";
		return false;
	}
	int y, m = 1, day = 1;
	if (n == 4 && sscanf(d, "%4d", &y) == 1) {
	} else if (n == 7 && d[4] == '-' && sscanf(d, "%4d-%2d", &y, &m) == 2) {
	} else if (n == 10 && d[4] == '-' && d[7] == '-' &&
		   sscanf(d, "%4d-%2d-%2d", &y, &m, &day) == 3) {
	} else {
		*why = "tag: date must be YYYY, YYYY-MM or YYYY-MM-DD";
		return false;
	}
	if (!wf_date_is_valid(y, m, day)) {
		*why = "tag: date is not a calendar date";
		return false;
	}
	return true;
}

/* RFC 8141: urn:NID:NSS */
static bool
is_urn(const char *s, const char **why)
{
	const char *p = s + 4;
	size_t n = 0;
	while (isalnum((unsigned char)p[n]) || p[n] == '-') {
		n++;
	}
	if (n < 1 || n > 32 || p[0] == '-' || p[n] != ':' || p[n + 1] == '\0') {
		*why = "a urn: needs a namespace identifier and a specific string (urn:NID:NSS)";
		return false;
	}
	if (strncasecmp(p, "uuid:", 5) == 0) {
		const char *u = p + 5;
		if (strlen(u) != 36) {
			*why = "urn:uuid: must be followed by a 36-character UUID";
			return false;
		}
		for (int i = 0; i < 36; i++) {
			bool dash = i == 8 || i == 13 || i == 18 || i == 23;
			if (dash ? u[i] != '-' : !isxdigit((unsigned char)u[i])) {
				*why = "malformed UUID in urn:uuid";
				return false;
			}
		}
	}
	return true;
}

bool
v_check_iri(struct vctx *v, const xmlNode *node, const char *what,
	    const char *value, enum iri_need need)
{
	if (!value || value[0] == '\0') {
		if (need == IRI_ANY) {
			return true; /* an empty relative reference: this document */
		}
		v_error(v, node, "not-blank", "%s must not be empty", what);
		return false;
	}
	size_t len = strlen(value);
	if (isspace((unsigned char)value[0]) ||
	    isspace((unsigned char)value[len - 1])) {
		v_error(v, node, "unexpected-whitespace",
			"%s has leading or trailing whitespace", what);
		return false;
	}
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		if (*p <= 0x20 || *p == 0x7f || strchr("<>\"{}|\\^`", *p)) {
			v_error(v, node, "invalid-iri",
				"%s contains a character not allowed in an IRI (0x%02x)",
				what, *p);
			return false;
		}
		if (*p == '%' && !(isxdigit(p[1]) && isxdigit(p[2]))) {
			v_error(v, node, "invalid-iri",
				"%s has a '%%' not followed by two hex digits",
				what);
			return false;
		}
	}
	size_t sl = scheme_len(value);
	if (need == IRI_ABSOLUTE && sl == 0) {
		v_error(v, node, "not-absolute-iri",
			"%s must be an absolute IRI (with a scheme)", what);
		return false;
	}
	const char *why = NULL;
	if (sl == 3 && strncasecmp(value, "tag", 3) == 0 &&
	    !is_tag_uri(value, &why)) {
		v_error(v, node, "invalid-tag-uri", "%s: %s", what, why);
		return false;
	}
	if (sl == 3 && strncasecmp(value, "urn", 3) == 0 &&
	    !is_urn(value, &why)) {
		v_error(v, node, "invalid-urn", "%s: %s", what, why);
		return false;
	}
	if ((sl == 4 && strncasecmp(value, "http", 4) == 0) ||
	    (sl == 5 && strncasecmp(value, "https", 5) == 0)) {
		const char *rest = value + sl + 1;
		if (strncmp(rest, "//", 2) != 0 || rest[2] == '\0' ||
		    rest[2] == '/' || rest[2] == ':' || rest[2] == '?') {
			v_error(v, node, "invalid-url",
				"%s: an http(s) URL needs '//' and a host", what);
			return false;
		}
	}
	return true;
}

bool
v_check_rfc3339(struct vctx *v, const xmlNode *node, const char *what,
		const char *value, struct wf_time *out)
{
	const char *why = NULL;
	struct wf_time t;
	if (wf_time_parse_rfc3339(value, &t, &why) != WF_OK) {
		v_error(v, node, "invalid-date",
			"%s '%.60s' is not an RFC 3339 date-time: %s", what,
			value, why);
		return false;
	}
	if (out) {
		*out = t;
	}
	v_check_future(v, node, what, t);
	return true;
}

bool
v_check_rfc822(struct vctx *v, const xmlNode *node, const char *what,
	       const char *value, struct wf_time *out)
{
	const char *why = NULL;
	unsigned faults = 0;
	struct wf_time t;
	if (wf_time_parse_rfc822(value, &t, &faults, &why) != WF_OK) {
		v_error(v, node, "invalid-date",
			"%s '%.60s' is not an RFC 822 date: %s", what, value,
			why);
		return false;
	}
	if (faults & WF_RFC822_BAD_WEEKDAY) {
		v_error(v, node, "wrong-weekday",
			"%s '%.60s': the day name does not match the date",
			what, value);
		return false;
	}
	if (faults & WF_RFC822_TWO_DIGIT_YEAR) {
		v_warn(v, node, "two-digit-year",
		       "%s '%.60s' has a 2-digit year; use 4 digits", what,
		       value);
	}
	if (faults & WF_RFC822_OBSOLETE_ZONE) {
		v_warn(v, node, "named-zone",
		       "%s '%.60s' uses a zone name; prefer a numeric offset such as -0500",
		       what, value);
	}
	if (faults & (WF_RFC822_LOWERCASE | WF_RFC822_EXTRA_SPACE)) {
		v_warn(v, node, "problematic-date",
		       "%s '%.60s' has non-standard case or spacing", what,
		       value);
	}
	if (out) {
		*out = t;
	}
	v_check_future(v, node, what, t);
	return true;
}

void
v_check_future(struct vctx *v, const xmlNode *node, const char *what,
	       struct wf_time t)
{
	if (v->opt->now.utc == 0) {
		return;
	}
	if (t.utc > v->opt->now.utc + v->opt->future_tolerance_s) {
		v_warn(v, node, "future-date", "%s is in the future", what);
	}
}

bool
v_is_mime_type(const char *s)
{
	/* type "/" subtype [; params], tokens per RFC 2045 */
	static const char tspecials[] = "()<>@,;:\\\"/[]?= ";
	size_t i = 0, n = 0;
	while (s[i] && !strchr(tspecials, s[i]) && (unsigned char)s[i] > 0x20 &&
	       (unsigned char)s[i] < 0x7f) {
		i++;
	}
	if (i == 0 || s[i] != '/') {
		return false;
	}
	i++;
	while (s[i + n] && !strchr(tspecials, s[i + n]) &&
	       (unsigned char)s[i + n] > 0x20 && (unsigned char)s[i + n] < 0x7f) {
		n++;
	}
	if (n == 0) {
		return false;
	}
	i += n;
	while (s[i] == ' ') {
		i++;
	}
	return s[i] == '\0' || s[i] == ';';
}

bool
v_is_language_tag(const char *s)
{
	/* RFC 3066-style: 1*8ALPHA *("-" 1*8alphanum) */
	size_t n = 0;
	while (isalpha((unsigned char)s[n])) {
		n++;
	}
	if (n < 1 || n > 8) {
		return false;
	}
	s += n;
	while (*s == '-') {
		s++;
		n = 0;
		while (isalnum((unsigned char)s[n])) {
			n++;
		}
		if (n < 1 || n > 8) {
			return false;
		}
		s += n;
	}
	return *s == '\0';
}

bool
v_is_email(const char *s)
{
	/* addr-spec, pragmatically: local@domain.tld, no spaces */
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@')) {
		return false;
	}
	for (const char *p = s; *p; p++) {
		if ((unsigned char)*p <= 0x20 || strchr("<>()[]\\,;:\"", *p)) {
			return false;
		}
	}
	const char *dot = strrchr(at + 1, '.');
	return dot && dot > at + 1 && dot[1] != '\0';
}

void
v_check_common_attrs(struct vctx *v, const xmlNode *node)
{
	xmlChar *lang = xmlGetNsProp(node, (const xmlChar *)"lang",
				     XML_XML_NAMESPACE);
	if (lang && lang[0] && !v_is_language_tag((const char *)lang)) {
		v_error(v, node, "invalid-language",
			"xml:lang '%.40s' is not a language tag", lang);
	}
	xmlFree(lang);
	xmlChar *base = xmlGetNsProp(node, (const xmlChar *)"base",
				     XML_XML_NAMESPACE);
	if (base) {
		v_check_iri(v, node, "xml:base", (const char *)base, IRI_ANY);
	}
	xmlFree(base);
}

/* ---- the driver ---- */

static pthread_once_t schema_once = PTHREAD_ONCE_INIT;
static xmlRelaxNGPtr atom_schema;

static void
ignore_errors(void *ctx, xmlErrorPtr err)
{
	(void)ctx;
	(void)err;
}

static void
load_schema(void)
{
	xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewMemParserCtxt(
		atom_rng_schema, (int)strlen(atom_rng_schema));
	xmlRelaxNGSetParserStructuredErrors(pc, ignore_errors, NULL);
	atom_schema = xmlRelaxNGParse(pc);
	xmlRelaxNGFreeParserCtxt(pc);
}

struct driver {
	struct vctx v; /* first: v_schema_check() casts back */
	struct wf_validate_options opts;
	bool in_channel;
	int schema_errors;
};

/* libxml2's message for @err without its trailing newline, in @buf. */
static const char *
error_text(const xmlError *err, char *buf, size_t size)
{
	snprintf(buf, size, "%s", err->message ? err->message : "?");
	return wf_text_trim(buf);
}

static void
on_xml_error(void *arg, xmlErrorPtr err)
{
	struct driver *d = arg;
	if (!err || err->level == XML_ERR_NONE) {
		return;
	}
	char msg[512];
	const char *text = error_text(err, msg, sizeof(msg));
	if (err->level == XML_ERR_WARNING) {
		v_add(&d->v, WF_SEVERITY_WARNING, err->line, err->int2,
		      "xml-warning", "%s", text);
		return;
	}
	v_add(&d->v, WF_SEVERITY_ERROR, err->line, err->int2, "not-well-formed",
	      "%s", text);
}

static void
on_schema_error(void *arg, xmlErrorPtr err)
{
	struct vctx *v = arg;
	if (!err || err->level == XML_ERR_NONE) {
		return;
	}
	char msg[512];
	const char *text = error_text(err, msg, sizeof(msg));
	v_add(v, WF_SEVERITY_ERROR, err->line, 0, "schema",
	      "RFC 4287 schema: %s", text);
}

void
v_schema_check(struct vctx *v, xmlDoc *doc)
{
	if (v->opt->no_schema) {
		return;
	}
	pthread_once(&schema_once, load_schema);
	if (!atom_schema) {
		return;
	}
	xmlRelaxNGValidCtxtPtr vc = xmlRelaxNGNewValidCtxt(atom_schema);
	if (!vc) {
		return;
	}
	xmlRelaxNGSetValidStructuredErrors(vc, on_schema_error, v);
	xmlRelaxNGValidateDoc(vc, doc);
	xmlRelaxNGFreeValidCtxt(vc);
}

static bool
root_has_record_ns(const xmlNode *root)
{
	for (const xmlNs *ns = root->nsDef; ns; ns = ns->next) {
		if (ns->href && strcmp((const char *)ns->href, record_ns) == 0) {
			return true;
		}
	}
	return false;
}

static void
validate_record(struct driver *d, const char *data, size_t len)
{
	struct wf_article *a = NULL;
	struct wf_diag diag = { 0 };
	if (!data) {
		v_add(&d->v, WF_SEVERITY_ERROR, 1, 0, "record",
		      "record larger than %u bytes", WF_RECORD_MAX_BYTES);
		return;
	}
	if (wf_record_parse_memory(data, len, d->v.report->source, &a,
				   &diag) != WF_OK) {
		v_add(&d->v, WF_SEVERITY_ERROR, diag.line, diag.column, "record",
		      "%s", diag.message);
		return;
	}
	wf_article_destroy(a);
}

/* Returns false when reading stops early (a record, or unknown format). */
static bool
on_root(struct driver *d, xmlTextReaderPtr r, const xmlNode *root,
	const char *data, size_t len)
{
	struct vctx *v = &d->v;
	const char *name = (const char *)root->name;
	const char *ns = root->ns ? (const char *)root->ns->href : NULL;
	if (ns && strcmp(ns, ATOM_NS) == 0 && strcmp(name, "feed") == 0) {
		v->report->kind = WF_DOC_ATOM_FEED;
		atom_begin(v, root, false);
		return true;
	}
	if (ns && strcmp(ns, ATOM_NS) == 0 && strcmp(name, "entry") == 0) {
		if (root_has_record_ns(root)) {
			v->report->kind = WF_DOC_RECORD;
			validate_record(d, data, len);
			return false;
		}
		v->report->kind = WF_DOC_ATOM_ENTRY;
		xmlNode *whole = xmlTextReaderExpand(r);
		atom_begin(v, root, true);
		if (whole) {
			atom_child(v, whole);
		}
		return true;
	}
	if (ns && strstr(ns, "purl.org/atom/ns")) {
		v_error(v, root, "unsupported-format",
			"Atom 0.3 is not supported (namespace %s); use Atom 1.0, http://www.w3.org/2005/Atom",
			ns);
		return false;
	}
	if (!ns && strcmp(name, "rss") == 0) {
		char *version = v_attr(root, "version");
		if (!version) {
			v_error(v, root, "missing-attribute",
				"<rss> has no version attribute (RSS 2.0 needs version=\"2.0\")");
			xmlFree(version);
			return false;
		}
		if (strcmp(version, "2.0") != 0) {
			v_error(v, root, "unsupported-format",
				"RSS version '%.20s' is not supported; only RSS 2.0 is validated",
				version);
			xmlFree(version);
			return false;
		}
		xmlFree(version);
		v->report->kind = WF_DOC_RSS2;
		rss_begin(v, root);
		return true;
	}
	if (strcmp(name, "RDF") == 0) {
		v_error(v, root, "unsupported-format",
			"RSS 1.0 (RDF) is not supported; only Atom 1.0 and RSS 2.0");
		return false;
	}
	if (ns && (strcmp(name, "feed") == 0 || strcmp(name, "entry") == 0)) {
		v_error(v, root, "invalid-namespace",
			"<%s> is in namespace '%.80s'; Atom 1.0 uses %s", name,
			ns, ATOM_NS);
		return false;
	}
	v_error(v, root, "unsupported-format",
		"not a feed: the root element is <%s>, expected Atom <feed> or RSS <rss>",
		name);
	return false;
}

/* Drop schema findings that repeat an error the rule checks already gave
 * on the same line: the rule messages say more. */
static void
dedupe_schema_findings(struct wf_validate_report *r)
{
	size_t out = 0;
	for (size_t i = 0; i < r->n_findings; i++) {
		struct wf_finding *f = &r->findings[i];
		bool drop = false;
		if (strcmp(f->code, "schema") == 0) {
			for (size_t j = 0; j < r->n_findings && !drop; j++) {
				const struct wf_finding *g = &r->findings[j];
				drop = j != i && g->line == f->line &&
				       g->severity == WF_SEVERITY_ERROR &&
				       strcmp(g->code, "schema") != 0;
			}
		}
		if (drop) {
			r->n_errors--;
			free(f->message);
			continue;
		}
		r->findings[out++] = *f;
	}
	r->n_findings = out;
}

/* Text where only elements belong: directly in atom:feed, <rss> or
 * <channel> (entries and items check their own children). */
static void
check_stray_text(struct driver *d, xmlTextReaderPtr r)
{
	enum wf_doc_kind kind = d->v.report->kind;
	int depth = xmlTextReaderDepth(r);
	bool misplaced = (kind == WF_DOC_ATOM_FEED && depth == 1) ||
			 (kind == WF_DOC_RSS2 &&
			  (depth == 1 || (depth == 2 && d->in_channel)));
	if (!misplaced) {
		return;
	}
	const xmlChar *text = xmlTextReaderConstValue(r);
	if (text && !v_is_blank((const char *)text)) {
		/* libxml2 stamps a text node with the line where it ends (not
		 * the reader's read-ahead position): step back over the
		 * newlines after its first visible character. */
		xmlNode *node = xmlTextReaderCurrentNode(r);
		long line = node ? xmlGetLineNo(node) : -1;
		int column = 0;
		if (line > 0) {
			const char *t = (const char *)text;
			const char *first = t + strspn(t, " \t\r\n");
			for (const char *p = first; *p; p++) {
				line -= *p == '\n';
			}
			const char *bol = first;
			while (bol > t && bol[-1] != '\n') {
				bol--;
			}
			column = (int)(first - bol) + 1;
		}
		v_add(&d->v, WF_SEVERITY_ERROR,
		      line > 0 ? (int)line : xmlTextReaderGetParserLineNumber(r),
		      line > 0 ? column : 0, "unexpected-text",
		      "unexpected text '%.40s' between elements", text);
	}
}

static void
run(struct driver *d, xmlTextReaderPtr r, const char *data, size_t len)
{
	struct vctx *v = &d->v;
	bool stop = false;
	int ret;
	while (!stop && (ret = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r);
		if (type == XML_READER_TYPE_TEXT ||
		    type == XML_READER_TYPE_CDATA) {
			check_stray_text(d, r);
			continue;
		}
		if (type != XML_READER_TYPE_ELEMENT) {
			continue;
		}
		int depth = xmlTextReaderDepth(r);
		xmlNode *node = xmlTextReaderCurrentNode(r);
		if (!node) {
			continue;
		}
		if (depth == 0) {
			if (!on_root(d, r, node, data, len)) {
				stop = true;
			}
			continue;
		}
		enum wf_doc_kind kind = v->report->kind;
		if (kind == WF_DOC_ATOM_FEED && depth == 1) {
			xmlNode *full = xmlTextReaderExpand(r);
			if (full) {
				atom_child(v, full);
			}
		} else if (kind == WF_DOC_RSS2 && depth == 1) {
			d->in_channel = v_is(node, NULL, "channel");
			if (d->in_channel) {
				rss_top_child(v, node);
			} else {
				xmlNode *full = xmlTextReaderExpand(r);
				rss_top_child(v, full ? full : node);
			}
		} else if (kind == WF_DOC_RSS2 && depth == 2 && d->in_channel) {
			xmlNode *full = xmlTextReaderExpand(r);
			if (full) {
				rss_channel_child(v, full);
			}
		}
	}
	if (v->report->kind == WF_DOC_UNKNOWN && v->report->n_errors == 0) {
		v_add(v, WF_SEVERITY_ERROR, 1, 1, "not-xml",
		      "not an XML document");
	}
	if (!stop && v->report->n_errors == 0) {
		if (v->report->kind == WF_DOC_ATOM_FEED ||
		    v->report->kind == WF_DOC_ATOM_ENTRY) {
			atom_finish(v);
		} else if (v->report->kind == WF_DOC_RSS2) {
			rss_finish(v);
		}
	} else if (v->report->kind == WF_DOC_ATOM_FEED ||
		   v->report->kind == WF_DOC_ATOM_ENTRY) {
		atom_finish(v);
	} else if (v->report->kind == WF_DOC_RSS2) {
		rss_finish(v);
	}
	dedupe_schema_findings(v->report);
}

static void
driver_init(struct driver *d, const char *name,
	    const struct wf_validate_options *options)
{
	memset(d, 0, sizeof(*d));
	if (options) {
		d->opts = *options;
	}
	d->v.opt = &d->opts;
	d->v.report = xzalloc(sizeof(*d->v.report));
	d->v.report->source = xstrdup(name ? name : "<input>");
}

static xmlTextReaderPtr
prepare(xmlTextReaderPtr r, struct driver *d)
{
	if (!r) {
		return NULL;
	}
	xmlTextReaderSetStructuredErrorHandler(r, on_xml_error, d);
	return r;
}

static const int reader_options = XML_PARSE_NONET | XML_PARSE_NOCDATA |
				   XML_PARSE_BIG_LINES;

enum wf_status
wf_validate_memory(const char *data, size_t len, const char *name,
		   const struct wf_validate_options *options,
		   struct wf_validate_report **out)
{
	if (!data && len) {
		return WF_ERR_USAGE;
	}
	if (validate_json_sniff(data ? data : "", len)) {
		*out = validate_json_memory(data, len, name, options);
		return WF_OK;
	}
	struct driver d;
	driver_init(&d, name, options);
	if (len > 0x7fffffff) {
		v_add(&d.v, WF_SEVERITY_ERROR, 0, 0, "too-large",
		      "document larger than 2 GiB; validate it from a file");
		*out = d.v.report;
		return WF_OK;
	}
	xmlTextReaderPtr r = xmlReaderForMemory(data ? data : "", (int)len,
						NULL, NULL, reader_options);
	r = prepare(r, &d);
	if (!r) {
		v_add(&d.v, WF_SEVERITY_ERROR, 0, 0, "not-xml",
		      "cannot start the XML reader");
	} else {
		run(&d, r, data, len);
		xmlFreeTextReader(r);
	}
	free(d.v.format_state);
	*out = d.v.report;
	return WF_OK;
}

enum wf_status
wf_validate_file(const char *path, const struct wf_validate_options *options,
		 struct wf_validate_report **out, struct wf_diag *diag)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		wf_diag_set(diag, path, 0, 0, "cannot open: %s", strerror(e));
		return e == ENOENT ? WF_ERR_NOT_FOUND : WF_ERR_IO;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
		wf_diag_set(diag, path, 0, 0, "cannot read: %s",
			    S_ISDIR(st.st_mode) ? "is a directory"
						: strerror(errno));
		close(fd);
		return WF_ERR_IO;
	}
	char peek[512];
	ssize_t got = pread(fd, peek, sizeof(peek), 0);
	bool json = got > 0 && validate_json_sniff(peek, (size_t)got);
	if (st.st_size <= (off_t)VALIDATE_WHOLE_FILE_MAX || json) {
		close(fd);
		struct buf b;
		/* JSON is parsed whole (jansson); XML over the limit streams */
		buf_init(&b, json ? VALIDATE_JSON_MAX : VALIDATE_WHOLE_FILE_MAX);
		enum wf_status st2 = buf_read_file(&b, path, diag);
		if (st2 != WF_OK) {
			buf_finish(&b);
			return st2;
		}
		st2 = wf_validate_memory(b.data, b.len, path, options, out);
		buf_finish(&b);
		if (st2 == WF_OK) {
			validate_archive_file(path, *out, options);
		}
		return st2;
	}
	struct driver d;
	driver_init(&d, path, options);
	xmlTextReaderPtr r = prepare(xmlReaderForFd(fd, NULL, NULL,
						    reader_options),
				     &d);
	if (!r) {
		v_add(&d.v, WF_SEVERITY_ERROR, 0, 0, "not-xml",
		      "cannot start the XML reader");
	} else {
		run(&d, r, NULL, 0);
		xmlFreeTextReader(r);
	}
	close(fd);
	free(d.v.format_state);
	*out = d.v.report;
	validate_archive_file(path, *out, options);
	return WF_OK;
}
