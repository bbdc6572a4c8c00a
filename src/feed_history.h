/* SPDX-License-Identifier: MIT */
#ifndef FEED_HISTORY_H
#define FEED_HISTORY_H

#include "wirefeed/feed.h"
#include "xmlw.h"

/*
 * The RFC 5005 §4 (archived feeds) and RFC 6721 (tombstones) parts of a
 * feed document, shared by the Atom and RSS writers so both carry the same
 * history. Each call writes nothing when @spec has no archive links.
 */

#define FH_NS "http://purl.org/syndication/history/1.0"
#define AT_NS "http://purl.org/atompub/tombstones/1.0"

/** xmlns:fh and xmlns:at on the root element, when they are used. */
void
feed_history_namespaces(struct xmlw *x, const struct wf_feed_spec *spec);

/**
 * <fh:archive/> and the current / prev-archive / next-archive links, each
 * the spec's directory URL + @file, of media type @type. @link is the
 * element name: "link" in Atom, "atom:link" in RSS.
 */
void
feed_history_links(struct xmlw *x, const struct wf_feed_spec *spec,
		   const char *link, const char *file, const char *type);

/** One <at:deleted-entry ref= when=> per withdrawn story, with
 * spec->tombstone_by as <at:by> and the reason as <at:comment>. @atom is
 * the prefix of Atom's elements in the document ("" or "atom:"). */
void
feed_history_tombstones(struct xmlw *x, const struct wf_feed_spec *spec,
			const char *atom);

/**
 * In a subscription document (not an archive), tombstones go among the
 * entries by time (RFC 6721 §2 lets them): write those from *@next on
 * whose time is at or after @entry's updated (every one left if @entry is
 * NULL), advancing *@next. spec->withdrawn is newest first. Archives list
 * theirs up front (feed_history_tombstones()), so that they can be
 * assembled from entries rendered once; there this writes nothing.
 */
void
feed_history_tombstones_before(struct xmlw *x, const struct wf_feed_spec *spec,
			       const char *atom, size_t *next,
			       const struct wf_article *entry);

/**
 * Cut a rendered document down to what lies between the end of the first
 * @open and the start of the last @close, in place: *out is @doc (taken
 * over), shortened. WF_ERR_XML (and @doc freed) if either is missing.
 */
WF_MUST_CHECK enum wf_status
feed_fragment_cut(char *doc, size_t len, const char *open, const char *close,
		  char **out, size_t *out_len);

#endif
