/* SPDX-License-Identifier: MIT */
#include "feed_history.h"

#include <stdlib.h>

#include "mem.h"

static bool
has_history(const struct wf_feed_spec *spec)
{
	return spec->is_archive || spec->archive_prev || spec->archive_next ||
	       spec->archive_current || spec->n_withdrawn > 0;
}

void
feed_history_namespaces(struct xmlw *x, const struct wf_feed_spec *spec)
{
	if (spec->is_archive || spec->archive_prev || spec->archive_next ||
	    spec->archive_current) {
		xmlw_attr(x, "xmlns:fh", FH_NS);
	}
	if (spec->n_withdrawn > 0) {
		xmlw_attr(x, "xmlns:at", AT_NS);
	}
}

static void
link_to(struct xmlw *x, const char *link, const char *rel, const char *dir,
	const char *file, const char *type)
{
	if (!dir) {
		return;
	}
	char *href = xasprintf("%s%s", dir, file);
	xmlw_start(x, link);
	xmlw_attr(x, "rel", rel);
	xmlw_attr(x, "type", type);
	xmlw_attr(x, "href", href);
	xmlw_end(x);
	free(href);
}

void
feed_history_links(struct xmlw *x, const struct wf_feed_spec *spec,
		   const char *link, const char *file, const char *type)
{
	if (!has_history(spec)) {
		return;
	}
	/* RFC 5005 §4: an archive document carries fh:archive and links to
	 * the subscription document with rel="current" */
	if (spec->is_archive) {
		xmlw_start(x, "fh:archive");
		xmlw_end(x);
	}
	link_to(x, link, "current", spec->archive_current, file, type);
	link_to(x, link, "prev-archive", spec->archive_prev, file, type);
	link_to(x, link, "next-archive", spec->archive_next, file, type);
}

/* @atom: the prefix of Atom's elements in this document ("" in Atom,
 * "atom:" in RSS), for at:by's name. */
static void
write_tombstone(struct xmlw *x, const struct wf_feed_spec *spec,
		const struct wf_article *a, const char *atom)
{
	char when[WF_TIME_RFC3339_MAX];
	wf_time_format_rfc3339(a->withdrawn_at, when, sizeof(when));
	/* RFC 6721 §2: ref is the entry's atom:id, when the time of
	 * deletion; at:comment says why */
	xmlw_start(x, "at:deleted-entry");
	xmlw_attr(x, "ref", a->id);
	xmlw_attr(x, "when", when);
	if (spec->tombstone_by) {
		/* RFC 6721 §2: at:by is a person construct */
		char *name = xasprintf("%sname", atom);
		xmlw_start(x, "at:by");
		xmlw_element(x, name, spec->tombstone_by);
		xmlw_end(x);
		free(name);
	}
	xmlw_element(x, "at:comment", a->withdrawn_reason);
	xmlw_end(x);
}

void
feed_history_tombstones(struct xmlw *x, const struct wf_feed_spec *spec,
			const char *atom)
{
	if (!spec->is_archive) {
		return; /* among the entries: feed_history_tombstones_before */
	}
	for (size_t i = 0; i < spec->n_withdrawn; i++) {
		write_tombstone(x, spec, spec->withdrawn[i], atom);
	}
}

void
feed_history_tombstones_before(struct xmlw *x, const struct wf_feed_spec *spec,
			       const char *atom, size_t *next,
			       const struct wf_article *entry)
{
	if (spec->is_archive) {
		return;
	}
	while (*next < spec->n_withdrawn &&
	       (!entry || wf_time_compare(spec->withdrawn[*next]->withdrawn_at,
					  entry->updated) >= 0)) {
		write_tombstone(x, spec, spec->withdrawn[(*next)++], atom);
	}
}
