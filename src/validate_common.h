/* SPDX-License-Identifier: MIT */
#ifndef VALIDATE_COMMON_H
#define VALIDATE_COMMON_H

/* The validator's shared floor (validate_common.c): findings, node helpers,
 * value checks and id sets, used by the format modules and the driver
 * above it. Nothing here calls up into a format or the driver. */

#include <stdbool.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "wirefeed/validate.h"

#define ATOM_NS "http://www.w3.org/2005/Atom"
#define XHTML_NS "http://www.w3.org/1999/xhtml"
#define CONTENT_NS "http://purl.org/rss/1.0/modules/content/"
#define DC_NS "http://purl.org/dc/elements/1.1/"
/* RFC 6721 tombstones (at:deleted-entry) */
#define TOMBSTONE_NS "http://purl.org/atompub/tombstones/1.0"

/* Findings beyond this many are counted, not stored (bounded memory). */
#define VALIDATE_MAX_FINDINGS 1000

/* A set of 64-bit string hashes with the line each was first seen on. */
struct hash_set {
	uint64_t *keys;
	int *lines;
	size_t n, cap;
};

/* What a format module's callbacks get: the report to add findings to,
 * the options, and one pointer of the format's own state. */
struct vctx {
	struct wf_validate_report *report;
	const struct wf_validate_options *opt;
	void *format_state; /* owned by the format module */
};

void
v_add(struct vctx *v, enum wf_severity severity, int line, int column,
      const char *code, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static inline int
v_line(const xmlNode *node)
{
	long l = xmlGetLineNo(node);
	return l > 0 && l < 0x7fffffff ? (int)l : 0;
}

#define v_error(v, node, code, ...) \
	v_add((v), WF_SEVERITY_ERROR, v_line(node), 0, (code), __VA_ARGS__)
#define v_warn(v, node, code, ...) \
	v_add((v), WF_SEVERITY_WARNING, v_line(node), 0, (code), __VA_ARGS__)

/* Make @msg one line of printable text, in place: line breaks and tabs
 * become single spaces, other control characters are dropped. */
void
v_clean_message(char *msg);

/* Node helpers */
bool
v_is_ns(const xmlNode *node, const char *ns);
bool
v_is(const xmlNode *node, const char *ns, const char *name);
/* Text content (caller frees with free()), never NULL. */
char *
v_text(const xmlNode *node);
/* Whether @node has element children / non-whitespace text children. */
bool
v_has_child_elements(const xmlNode *node);
bool
v_has_text(const xmlNode *node);
/* Attribute value without namespace (caller frees with xmlFree) or NULL. */
char *
v_attr(const xmlNode *node, const char *name);

/* Value checks; each reports against @node and returns whether it passed. */
enum iri_need { IRI_ANY, IRI_ABSOLUTE };
bool
v_check_iri(struct vctx *v, const xmlNode *node, const char *what,
	    const char *value, enum iri_need need);
bool
v_check_rfc3339(struct vctx *v, const xmlNode *node, const char *what,
		const char *value, struct wf_time *out);
bool
v_check_rfc822(struct vctx *v, const xmlNode *node, const char *what,
	       const char *value, struct wf_time *out);
bool
v_is_mime_type(const char *value);
bool
v_is_language_tag(const char *value);
/* A language tag whose primary subtag is an ISO 639 code. */
bool
v_is_language_code(const char *value);
bool
v_is_email(const char *value);
bool
v_is_blank(const char *value);
/* Future-date check against options->now. */
void
v_check_future(struct vctx *v, const xmlNode *node, const char *what,
	       struct wf_time t);
/* xml:lang / xml:base on any element. */
void
v_check_common_attrs(struct vctx *v, const xmlNode *node);

uint64_t
v_hash(const char *s);
/* Insert; returns the earlier line (>0) if already present, else 0. */
int
hash_set_insert(struct hash_set *set, uint64_t key, int line);
void
hash_set_finish(struct hash_set *set);

/* An id hash with a time and the line it was seen on. */
struct dated_id {
	uint64_t key;
	struct wf_time t;
	int line;
};

/* The RFC 6721 tombstones of one document and the entries (items) they
 * may contradict; tombstones may come anywhere among the entries, so the
 * two are matched when the document ends. */
struct tombstone {
	struct dated_id when;
	char *ref;
};
struct tombstone_log {
	struct tombstone *tombstones;
	size_t n_tombstones;
	struct dated_id *entries;
	size_t n_entries;
	struct hash_set seen_refs;
};

/* A tombstone for @ref deleted at @when (duplicate-tombstone if @ref has
 * one already). */
void
tombstone_log_add(struct vctx *v, struct tombstone_log *log,
		  const xmlNode *node, const char *ref, struct wf_time when);
/* An entry (item) with id (guid) @id, updated at @updated. */
void
tombstone_log_entry(struct tombstone_log *log, const char *id,
		    struct wf_time updated, int line);
/* Report each @what ("entry", "item") updated after the latest tombstone
 * for its id (deleted-entry-live), and free the log. */
void
tombstone_log_finish(struct vctx *v, struct tombstone_log *log,
		     const char *what);

#endif
