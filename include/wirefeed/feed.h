/* SPDX-License-Identifier: MIT */
#ifndef WIREFEED_FEED_H
#define WIREFEED_FEED_H

#include <stdbool.h>
#include <stddef.h>

#include "wirefeed/article.h"
#include "wirefeed/datetime.h"
#include "wirefeed/status.h"

/*
 * One feed, format-neutral: what goes in it and how it is described.
 * The Atom and RSS writers turn the same spec into their format, so both
 * formats always carry the same entries in the same order.
 */
struct wf_feed_spec {
	const char *id;             /* Atom feed id (urn:uuid); required */
	const char *title;          /* required */
	const char *subtitle;       /* optional */
	const char *site_url;       /* alternate (HTML) link; required */
	const char *atom_url;       /* absolute URL of the Atom file */
	const char *rss_url;        /* absolute URL of the RSS file */
	const char *language;       /* optional, e.g. "en-us" */
	const char *rights;         /* optional */
	const char *default_author; /* for entries without a byline; required */
	unsigned ttl_minutes;       /* RSS <ttl>; 0 leaves it out */
	/* WebSub hubs (W3C WebSub §4), written as link rel="hub"; borrowed */
	const char *const *hubs;
	size_t n_hubs;
	/* Entries, newest updated first (wf_feed_select()); borrowed. */
	const struct wf_article *const *entries;
	size_t n_entries;
	/* Feed updated: the newest entry's updated; for an empty feed the
	 * caller picks a stable time (never the build time). */
	struct wf_time updated;
	const char *json_url; /* absolute URL of the JSON Feed file; optional */
	/* RFC 5005 §4 archived feeds (docs/archives.md). Directory URLs
	 * ending in '/'; each writer appends its own file name (atom.xml,
	 * rss.xml, feed.json). NULL leaves the link out. */
	bool is_archive;             /* a closed archive: fh:archive */
	const char *archive_current; /* archives: the subscription feed */
	const char *archive_prev;    /* the next older archive */
	const char *archive_next;    /* archives: the next newer archive */
	/* Withdrawn stories, announced as RFC 6721 tombstones (Atom, RSS) or
	 * in the _wirefeed extension (JSON); borrowed. */
	const struct wf_article *const *withdrawn;
	size_t n_withdrawn;
	/* who withdraws stories (config tombstone_by): each tombstone's
	 * at:by; NULL leaves it out */
	const char *tombstone_by;
	/* Declare the Media RSS prefix even if no entry here has an image:
	 * set by wf_feed_frame() for the entries it will be given. */
	bool declare_media;
};

/** A 64-bit digest of everything the writers read from @spec, entries and
 * tombstones included: equal digests, equal documents (never 0). */
uint64_t
wf_feed_spec_digest(const struct wf_feed_spec *spec);

/**
 * Pick the entries of a feed from @articles: published (not withdrawn),
 * in @section (NULL: all), sorted by updated descending with ties broken
 * by id ascending, at most @max of them. *out is a heap array of borrowed
 * pointers (free() it); returns the count.
 */
size_t
wf_feed_select(const struct wf_article *const *articles, size_t n,
	       const char *section, size_t max,
	       const struct wf_article ***out);

/** wf_feed_select() for @n_feeds feeds at once, in one pass, giving
 * positions in @articles: feed k is the section @sections[k] (NULL: every
 * story); out[k] gets its positions (free() each), counts[k] how many. */
void
wf_feed_select_many(const struct wf_article *const *articles, size_t n,
		    const char *const *sections, size_t n_feeds, size_t max,
		    size_t **out, size_t *counts);

/** The newest updated among @entries, or @fallback when there are none. */
struct wf_time
wf_feed_newest(const struct wf_article *const *entries, size_t n,
	       struct wf_time fallback);

/**
 * The entry's HTML body as both formats publish it: the image (figure with
 * caption and credit), the dateline and source, the story content, then a
 * corrections block with each correction's time and text. Caller frees.
 */
char *
wf_feed_entry_html(const struct wf_article *a);

/**
 * Render @spec as an Atom 1.0 feed document (RFC 4287) or an RSS 2.0
 * channel (with the content, dc and atom namespaces). Output is UTF-8,
 * well-formed whatever the strings hold (invalid UTF-8 and XML-forbidden
 * characters are replaced or dropped), and deterministic: the same spec
 * gives the same bytes. *out is heap (free() it), NUL-terminated.
 * Returns WF_ERR_XML only if libxml2 fails to write.
 */
WF_MUST_CHECK enum wf_status
wf_atom_write(const struct wf_feed_spec *spec, char **out, size_t *len);
WF_MUST_CHECK enum wf_status
wf_rss_write(const struct wf_feed_spec *spec, char **out, size_t *len);

/**
 * One entry of @spec's document (an Atom entry, an RSS item, a JSON Feed
 * item) laid out exactly as wf_atom_write() / wf_rss_write() /
 * wf_json_write() lay it out inside the document, so a document can be
 * assembled from entries rendered once (wf_feed_assemble()); only
 * spec->default_author is read. *out is heap (free() it).
 */
WF_MUST_CHECK enum wf_status
wf_atom_write_entry(const struct wf_feed_spec *spec,
		    const struct wf_article *a, char **out, size_t *len);
WF_MUST_CHECK enum wf_status
wf_rss_write_entry(const struct wf_feed_spec *spec,
		   const struct wf_article *a, char **out, size_t *len);
WF_MUST_CHECK enum wf_status
wf_json_write_entry(const struct wf_feed_spec *spec,
		    const struct wf_article *a, char **out, size_t *len);

enum wf_feed_format {
	WF_FEED_ATOM,
	WF_FEED_RSS,
	WF_FEED_JSON,
};

/**
 * The document of @spec in @format, its entries given as @n fragments
 * from wf_*_write_entry() (spec->entries and spec->n_entries are ignored;
 * spec->updated must already be the entries' newest). Byte for byte what
 * wf_atom_write() etc. give for the same entries. *out is heap.
 */
WF_MUST_CHECK enum wf_status
wf_feed_assemble(enum wf_feed_format format, const struct wf_feed_spec *spec,
		 const char *const *fragments, const size_t *lens, size_t n,
		 char **out, size_t *len);

/**
 * wf_feed_assemble() in parts, for writing without assembling: *out is
 * the document without entries (heap), and the entries go at offset *at,
 * each followed by wf_feed_separator(format, i, n).
 */
WF_MUST_CHECK enum wf_status
wf_feed_frame(enum wf_feed_format format, const struct wf_feed_spec *spec,
	      char **out, size_t *len, size_t *at);

/** What follows entry @i of @n in @format ("" or JSON's ",\n" / "\n"). */
const char *
wf_feed_separator(enum wf_feed_format format, size_t i, size_t n);

/**
 * Render @spec as a JSON Feed 1.1 document (https://jsonfeed.org/version/1.1)
 * with the same entries, ids and times as the Atom feed, written and
 * escaped by jansson: always well-formed UTF-8 JSON (invalid UTF-8 and
 * control characters are replaced or dropped first). Deterministic.
 * *out is heap (free() it), NUL-terminated. WF_ERR_INVALID only if jansson
 * refuses to build or dump the document (out of memory).
 */
WF_MUST_CHECK enum wf_status
wf_json_write(const struct wf_feed_spec *spec, char **out, size_t *len);

/** The generator URI and version both formats name. */
#define WF_GENERATOR_URI "https://wirefeed.dev/"
#define WF_GENERATOR_NAME "wirefeed"

#endif
