/* SPDX-License-Identifier: MIT */
#include "validate_archive.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/xmlreader.h>

#include "mem.h"
#include "validate_common.h"

#define FH_NS "http://purl.org/syndication/history/1.0"
/* a chain longer than this is reported rather than followed */
#define MAX_CHAIN 100000

/* The head of a feed document: what RFC 5005 puts before the entries. */
struct head {
	char *self;
	char *current;
	char *prev;
	char *next;
	int n_prev;
	bool archive, complete;
	int archive_line, current_line, prev_line, root_line;
};

static void
head_finish(struct head *h)
{
	free(h->self);
	free(h->current);
	free(h->prev);
	free(h->next);
	memset(h, 0, sizeof(*h));
}

static char *
attr(xmlTextReaderPtr r, const char *name)
{
	xmlChar *v = xmlTextReaderGetAttribute(r, (const xmlChar *)name);
	char *s = v ? xstrdup((const char *)v) : NULL;
	xmlFree(v);
	return s;
}

static void
keep(char **slot, char *value)
{
	if (!*slot) {
		*slot = value;
	} else {
		free(value);
	}
}

/* Read @path up to its first entry or item. False if it is not an Atom
 * feed or RSS 2.0 channel that parses that far. */
static bool
read_head(const char *path, struct head *h)
{
	/* no network, no DTD, no entity expansion */
	xmlTextReaderPtr r = xmlReaderForFile(path, NULL,
					      XML_PARSE_NONET | XML_PARSE_NOERROR |
						      XML_PARSE_NOWARNING);
	if (!r) {
		return false;
	}
	int meta_depth = -1; /* where feed metadata lives: 1 Atom, 2 RSS */
	bool ok = false;
	while (xmlTextReaderRead(r) == 1) {
		if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT) {
			continue;
		}
		int depth = xmlTextReaderDepth(r);
		const char *name = (const char *)xmlTextReaderConstLocalName(r);
		const char *ns = (const char *)xmlTextReaderConstNamespaceUri(r);
		int line = xmlTextReaderGetParserLineNumber(r);
		if (depth == 0) {
			if (strcmp(name, "feed") == 0 && ns && strcmp(ns, ATOM_NS) == 0) {
				meta_depth = 1;
			} else if (strcmp(name, "rss") == 0 && !ns) {
				meta_depth = 2;
			} else {
				break;
			}
			h->root_line = line;
			ok = true;
			continue;
		}
		if (depth != meta_depth) {
			continue;
		}
		if ((meta_depth == 1 && strcmp(name, "entry") == 0) ||
		    (meta_depth == 2 && strcmp(name, "item") == 0 && !ns)) {
			break; /* RFC 5005's elements are feed metadata */
		}
		if (ns && strcmp(ns, FH_NS) == 0) {
			if (strcmp(name, "archive") == 0) {
				h->archive = true;
				h->archive_line = line;
			} else if (strcmp(name, "complete") == 0) {
				h->complete = true;
			}
			continue;
		}
		if (strcmp(name, "link") != 0 || !ns || strcmp(ns, ATOM_NS) != 0) {
			continue;
		}
		char *rel = attr(r, "rel");
		char *href = attr(r, "href");
		if (rel && href) {
			if (strcmp(rel, "self") == 0) {
				keep(&h->self, href);
				href = NULL;
			} else if (strcmp(rel, "current") == 0) {
				keep(&h->current, href);
				h->current_line = line;
				href = NULL;
			} else if (strcmp(rel, "prev-archive") == 0) {
				h->n_prev++;
				h->prev_line = line;
				keep(&h->prev, href);
				href = NULL;
			} else if (strcmp(rel, "next-archive") == 0) {
				keep(&h->next, href);
				href = NULL;
			}
		}
		free(rel);
		free(href);
	}
	xmlFreeTextReader(r);
	return ok;
}

/* The local file that @url names, given that @path is published at
 * @self: both URLs share a prefix up to a '/'; climb from @path's
 * directory as many levels as @self has below that prefix. NULL if the
 * URLs share no host. Caller frees. */
static char *
local_path(const char *path, const char *self, const char *url)
{
	size_t common = 0, last_slash = 0;
	while (self[common] && self[common] == url[common]) {
		if (self[common] == '/') {
			last_slash = common + 1;
		}
		common++;
	}
	/* at least scheme://host/ in common */
	const char *host = strstr(self, "://");
	const char *root = host ? strchr(host + 3, '/') : NULL;
	if (!root || last_slash < (size_t)(root - self) + 1) {
		return NULL;
	}
	int up = 0;
	for (const char *p = self + last_slash; *p; p++) {
		up += *p == '/';
	}
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
	for (int i = 0; i < up; i++) {
		char *next = xasprintf("%s/..", dir);
		free(dir);
		dir = next;
	}
	char *out = xasprintf("%s/%s", dir, url + last_slash);
	free(dir);
	return out;
}

/* A file by identity, so two paths to one file are one document. */
struct file_id {
	dev_t dev;
	ino_t ino;
};

static void
check_chain(struct vctx *v, const char *path, const struct head *first)
{
	struct file_id *seen = NULL;
	size_t n_seen = 0;
	struct stat st;
	if (stat(path, &st) == 0) {
		seen = xreallocarray(seen, n_seen + 1, sizeof(*seen));
		seen[n_seen++] = (struct file_id){ st.st_dev, st.st_ino };
	}
	char *cur = xstrdup(path);
	struct head h = { 0 };
	const char *self = first->self, *prev = first->prev;
	while (self && prev && n_seen < MAX_CHAIN) {
		char *next_path = local_path(cur, self, prev);
		if (!next_path || stat(next_path, &st) != 0 ||
		    !S_ISREG(st.st_mode)) {
			free(next_path);
			break; /* not in the local set */
		}
		bool loop = false;
		for (size_t i = 0; i < n_seen; i++) {
			loop = loop || (seen[i].dev == st.st_dev &&
					seen[i].ino == st.st_ino);
		}
		if (loop) {
			v_add(v, WF_SEVERITY_ERROR, first->prev_line, 0,
			      "prev-archive-cycle",
			      "the prev-archive chain from this document comes back to %s: a reader following it never ends",
			      next_path);
			free(next_path);
			break;
		}
		seen = xreallocarray(seen, n_seen + 1, sizeof(*seen));
		seen[n_seen++] = (struct file_id){ st.st_dev, st.st_ino };
		struct head next = { 0 };
		bool ok = read_head(next_path, &next);
		free(cur);
		cur = next_path;
		head_finish(&h);
		h = next; /* self and prev now point into h */
		self = h.self;
		prev = h.prev;
		if (!ok) {
			break;
		}
	}
	head_finish(&h);
	free(cur);
	free(seen);
}

void
validate_archive_file(const char *path, struct wf_validate_report *report,
		      const struct wf_validate_options *options)
{
	if (report->kind != WF_DOC_ATOM_FEED && report->kind != WF_DOC_RSS2) {
		return;
	}
	struct head h = { 0 };
	if (!read_head(path, &h)) {
		head_finish(&h);
		return;
	}
	struct vctx v = { .report = report, .opt = options };
	/* RFC 5005 §4: "Archive documents ... MUST contain fh:archive";
	 * they SHOULD link rel="current" to the subscription document */
	if (h.archive && !h.current) {
		v_add(&v, WF_SEVERITY_ERROR, h.archive_line, 0,
		      "archive-no-current",
		      "an archive document (fh:archive) without link rel=\"current\" to its subscription document");
	}
	if (!h.archive && h.next) {
		v_add(&v, WF_SEVERITY_ERROR, h.root_line, 0,
		      "archive-not-marked",
		      "link rel=\"next-archive\" (archives only) in a document without <fh:archive/>");
	} else if (!h.archive && h.current &&
		   (!h.self || strcmp(h.current, h.self) != 0)) {
		v_add(&v, WF_SEVERITY_ERROR, h.current_line, 0,
		      "archive-not-marked",
		      "link rel=\"current\" to another document (so this is an archive) without <fh:archive/>");
	}
	if (h.archive && h.complete) {
		v_add(&v, WF_SEVERITY_ERROR, h.archive_line, 0,
		      "archive-complete",
		      "fh:archive and fh:complete together: a complete feed has no archives");
	}
	if (h.n_prev > 1) {
		v_add(&v, WF_SEVERITY_ERROR, h.prev_line, 0,
		      "duplicate-prev-archive",
		      "%d prev-archive links; a reader can follow one", h.n_prev);
	}
	check_chain(&v, path, &h);
	head_finish(&h);
}
