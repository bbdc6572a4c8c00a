/* SPDX-License-Identifier: MIT */
#include "wirefeed/validate.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/xmlreader.h>

#include "wirefeed/record.h"
#include "wirefeed/text.h"
#include "buf.h"
#include "mem.h"
#include "validate_archive.h"
#include "validate_format.h"

/* Files up to this size are read whole (records need the bytes); larger
 * ones are streamed from the descriptor. */
#define VALIDATE_WHOLE_FILE_MAX (16u * 1024 * 1024)
/* Inputs up to this size may hold text nodes over libxml2's 10 MB limit
 * (XML_PARSE_HUGE); larger ones keep the limit so memory stays bounded. */
#define VALIDATE_HUGE_MAX (256u * 1024 * 1024)
/* Bytes of internal entity text expanded per document (billion laughs). */
#define VALIDATE_ENTITY_MAX_BYTES (4u * 1024 * 1024)
/* Bytes-level formats (JSON) are read whole up to this size. */
#define VALIDATE_BYTES_FORMAT_MAX ((size_t)1 << 30)

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
	free(report->record_id);
	free(report);
}

struct driver {
	struct vctx v;
	struct wf_validate_options opts;
	bool has_entities; /* the document declares internal entities */
	bool entity_limit_hit;
	size_t entity_bytes;
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
	if (strstr(text, "huge text node")) {
		/* libxml2's 10 MB text limit, kept for documents too large to
		 * lift it (memory stays bounded): not a well-formedness fault */
		v_add(&d->v, WF_SEVERITY_ERROR, err->line, err->int2,
		      "too-large",
		      "a text node over 10 MB in a document over %u MiB; split the document or validate a smaller one",
		      VALIDATE_HUGE_MAX >> 20);
		return;
	}
	/* The parser repeats some errors as it unwinds (an entity loop is
	 * reported once per nesting level): one finding per message, at
	 * the position it was last reported. */
	struct wf_validate_report *r = d->v.report;
	char clean[512];
	snprintf(clean, sizeof(clean), "%s", text);
	v_clean_message(clean);
	for (size_t i = 0; i < r->n_findings; i++) {
		struct wf_finding *f = &r->findings[i];
		if (strcmp(f->code, "not-well-formed") == 0 &&
		    strcmp(f->message, clean) == 0) {
			f->line = err->line;
			f->column = err->int2;
			return;
		}
	}
	v_add(&d->v, WF_SEVERITY_ERROR, err->line, err->int2, "not-well-formed",
	      "%s", text);
}

/* Replace references to internal entities in @node's subtree by copies of
 * their content, so the rules and the schema see the text a reader would
 * (libxml2 keeps them as entity-reference nodes without XML_PARSE_NOENT,
 * which we do not set: it would also read external entities). External
 * entities are never loaded: a reference to one is an error. */
static void
flatten_entities(struct driver *d, xmlNode *node, const xmlNode *at)
{
	for (xmlNode *c = node->children; c;) {
		xmlNode *next = c->next;
		if (c->type == XML_ELEMENT_NODE) {
			flatten_entities(d, c, c);
		} else if (c->type == XML_ENTITY_REF_NODE) {
			xmlEntity *ent = (xmlEntity *)c->children;
			if (!ent || ent->etype != XML_INTERNAL_GENERAL_ENTITY) {
				v_error(&d->v, at, "external-entity",
					"entity &%s; is external or undeclared; external entities are not read",
					c->name);
				c = next;
				continue;
			}
			size_t bytes = ent->content ? strlen((const char *)ent->content) : 0;
			if (d->entity_bytes + bytes > VALIDATE_ENTITY_MAX_BYTES) {
				if (!d->entity_limit_hit) {
					v_error(&d->v, at, "too-large",
						"entity expansion exceeds %u bytes (nested entities?); not expanded further",
						VALIDATE_ENTITY_MAX_BYTES);
				}
				d->entity_limit_hit = true;
				c = next;
				continue;
			}
			d->entity_bytes += bytes;
			xmlNode *copy = ent->children ? xmlDocCopyNodeList(c->doc,
									   ent->children)
						      : xmlNewDocText(c->doc, ent->content);
			xmlNode *holder = xmlNewDocNode(c->doc, NULL,
							(const xmlChar *)"x", NULL);
			if (copy) {
				xmlAddChildList(holder, copy);
				flatten_entities(d, holder, at);
			}
			while (holder->children) {
				xmlNode *k = holder->children;
				xmlUnlinkNode(k);
				xmlAddPrevSibling(c, k);
			}
			xmlFreeNode(holder);
			xmlUnlinkNode(c);
			xmlFreeNode(c);
		}
		c = next;
	}
}

static xmlNode *
expand(struct driver *d, xmlTextReaderPtr r)
{
	xmlNode *node = xmlTextReaderExpand(r);
	if (node && d->has_entities) {
		flatten_entities(d, node, node);
	}
	return node;
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

/* The formats, in the order their claims are tried: a record is an Atom
 * entry, so it comes first. docs/validate.md: "Adding a format". */
static const struct validate_format *const formats[] = {
	&validate_json_format, /* sniffed from the bytes, before any XML */
	&validate_record_format,
	&validate_atom_format,
	&validate_rss_format,
};
#define N_FORMATS (sizeof(formats) / sizeof(formats[0]))

/* Nesting the driver tracks for DESCEND; deeper elements are only seen
 * inside EXPANDed ones. */
#define DRIVER_MAX_DEPTH 32

/* Non-blank text directly inside an element the format DESCENDed into,
 * where only elements belong (atom:feed, <rss>, <channel>). */
static void
report_stray_text(struct driver *d, xmlTextReaderPtr r)
{
	const xmlChar *text = xmlTextReaderConstValue(r);
	if (!text || v_is_blank((const char *)text)) {
		return;
	}
	/* libxml2 stamps a text node with the line where it ends (not the
	 * reader's read-ahead position): step back over the newlines after
	 * its first visible character. */
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

/* The root: find the format that claims it. NULL when none does or the
 * document is a known but unsupported variant (reported). */
static const struct validate_format *
claim_root(struct driver *d, const xmlNode *root)
{
	const xmlDoc *doc = root->doc;
	d->has_entities = doc && doc->intSubset && doc->intSubset->entities;
	for (size_t i = 0; i < N_FORMATS; i++) {
		if (!formats[i]->claim) {
			continue;
		}
		enum validate_claim c = formats[i]->claim(&d->v, root);
		if (c == VALIDATE_MINE) {
			return formats[i];
		}
		if (c == VALIDATE_REJECTED) {
			return NULL;
		}
	}
	v_error(&d->v, root, "unsupported-format",
		"not a feed: the root element is <%s>, expected Atom <feed> or RSS <rss>",
		root->name);
	return NULL;
}

/* One step of the table's contract for an element at @depth. */
static void
dispatch(struct driver *d, const struct validate_format *f,
	 xmlTextReaderPtr r, xmlNode *node, int depth, bool *open)
{
	enum validate_step step = f->step(&d->v, node, depth);
	if (depth + 1 < DRIVER_MAX_DEPTH) {
		open[depth + 1] = step == VALIDATE_DESCEND;
	}
	if (step == VALIDATE_EXPAND) {
		xmlNode *full = expand(d, r);
		if (full) {
			f->child(&d->v, full, depth);
		}
	}
}

static void
run(struct driver *d, xmlTextReaderPtr r, const char *data, size_t len)
{
	struct vctx *v = &d->v;
	const struct validate_format *f = NULL;
	bool open[DRIVER_MAX_DEPTH] = { false };
	bool stop = false;
	int ret;
	while (!stop && (ret = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r);
		int depth = xmlTextReaderDepth(r);
		bool is_open = f && depth > 0 && depth < DRIVER_MAX_DEPTH &&
			       open[depth];
		if (type == XML_READER_TYPE_TEXT ||
		    type == XML_READER_TYPE_CDATA) {
			if (is_open) {
				report_stray_text(d, r);
			}
			continue;
		}
		if (type != XML_READER_TYPE_ELEMENT) {
			continue;
		}
		xmlNode *node = xmlTextReaderCurrentNode(r);
		if (!node) {
			continue;
		}
		if (depth == 0) {
			f = claim_root(d, node);
			if (f && f->whole) {
				/* a document too large to hold is not expanded
				 * either (it would be read whole, slowly) */
				f->whole(v, data ? xmlTextReaderExpand(r) : NULL,
					 data, len);
				f = NULL;
			}
			if (!f) {
				stop = true;
				continue;
			}
			f->begin(v, node);
			dispatch(d, f, r, node, 0, open);
			continue;
		}
		if (is_open) {
			dispatch(d, f, r, node, depth, open);
		} else if (depth + 1 < DRIVER_MAX_DEPTH) {
			open[depth + 1] = false;
		}
	}
	if (v->report->kind == WF_DOC_UNKNOWN && v->report->n_errors == 0) {
		v_add(v, WF_SEVERITY_ERROR, 1, 1, "not-xml",
		      "not an XML document");
	}
	if (f) {
		f->finish(v);
	}
	dedupe_schema_findings(v->report);
}

/* Bytes-level formats (not XML) claim a document before the XML reader
 * sees it. */
static bool
sniff_bytes(struct driver *d, const char *data, size_t len)
{
	for (size_t i = 0; i < N_FORMATS; i++) {
		if (formats[i]->sniff && formats[i]->sniff(data, len)) {
			formats[i]->whole(&d->v, NULL, data, len);
			return true;
		}
	}
	return false;
}

/* Whether the first bytes of a file start a bytes-level format. */
static bool
is_bytes_format(const char *data, size_t len)
{
	for (size_t i = 0; i < N_FORMATS; i++) {
		if (formats[i]->sniff && formats[i]->sniff(data, len)) {
			return true;
		}
	}
	return false;
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

/* No network, no DTD loading, no entity substitution by the parser (so no
 * external entity is ever read: internal ones are expanded by
 * flatten_entities(), bounded). XML_PARSE_HUGE lifts libxml2's 10 MB
 * text-node limit for inputs up to VALIDATE_HUGE_MAX bytes, where the
 * largest node is bounded by the input itself. */
static const int reader_options = XML_PARSE_NONET | XML_PARSE_NOCDATA |
				   XML_PARSE_BIG_LINES;

static int
options_for(size_t input_bytes)
{
	return input_bytes <= VALIDATE_HUGE_MAX ? reader_options | XML_PARSE_HUGE
						: reader_options;
}

enum wf_status
wf_validate_memory(const char *data, size_t len, const char *name,
		   const struct wf_validate_options *options,
		   struct wf_validate_report **out)
{
	if (!data && len) {
		return WF_ERR_USAGE;
	}
	struct driver d;
	driver_init(&d, name, options);
	if (len > 0x7fffffff) {
		v_add(&d.v, WF_SEVERITY_ERROR, 0, 0, "too-large",
		      "document larger than 2 GiB; validate it from a file");
		*out = d.v.report;
		return WF_OK;
	}
	if (data && sniff_bytes(&d, data, len)) {
		free(d.v.format_state);
		*out = d.v.report;
		return WF_OK;
	}
	xmlTextReaderPtr r = xmlReaderForMemory(data ? data : "", (int)len,
						NULL, NULL, options_for(len));
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
	bool bytes_format = got > 0 && is_bytes_format(peek, (size_t)got);
	if (st.st_size <= (off_t)VALIDATE_WHOLE_FILE_MAX || bytes_format) {
		close(fd);
		struct buf b;
		/* bytes-level formats are parsed whole; XML over the limit
		 * streams */
		buf_init(&b, bytes_format ? VALIDATE_BYTES_FORMAT_MAX
					  : VALIDATE_WHOLE_FILE_MAX);
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
	xmlTextReaderPtr r = prepare(
		xmlReaderForFd(fd, NULL, NULL, options_for((size_t)st.st_size)),
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

void
wf_validate_check_record_ids(struct wf_validate_report **reports, size_t n)
{
	/* quadratic in the worst case only over records sharing a hash */
	struct hash_set seen = { 0 };
	size_t *first = xcalloc(n ? n : 1, sizeof(*first));
	for (size_t i = 0; i < n; i++) {
		const struct wf_validate_report *r = reports[i];
		if (!r || r->kind != WF_DOC_RECORD || !r->record_id) {
			continue;
		}
		/* hash_set stores a line: store index + 1 instead */
		int prev = hash_set_insert(&seen, v_hash(r->record_id),
					   (int)i + 1);
		first[i] = prev ? (size_t)prev : i + 1;
	}
	for (size_t i = 0; i < n; i++) {
		struct wf_validate_report *r = reports[i];
		if (!first[i]) {
			continue;
		}
		for (size_t j = 0; j < n; j++) {
			const struct wf_validate_report *o = reports[j];
			if (j == i || !first[j] || first[j] != first[i] ||
			    strcmp(o->record_id, r->record_id) != 0) {
				continue;
			}
			struct vctx v = { .report = r };
			v_add(&v, WF_SEVERITY_ERROR, r->record_id_line, 0,
			      "duplicate-record-id",
			      "duplicate id %.200s (also in %.300s); build publishes neither record",
			      r->record_id, o->source);
			break;
		}
	}
	free(first);
	hash_set_finish(&seen);
}

