/* SPDX-License-Identifier: MIT */
#ifndef FEED_DELTA_H
#define FEED_DELTA_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirefeed/feedset.h"

/*
 * RFC 3229 "feed" instance manipulation: a per-feed history of the last K
 * versions (for each, its ETag and every entry's id and content digest),
 * and the delta document for a client that holds one of them: the
 * current feed's head, only the entries added or changed since, and the
 * closing tags, byte for byte as the full document has them.
 *
 * Entries are found in the rendered bytes (Atom <entry>, RSS <item>): the
 * writers escape every '<' in text and attributes, so those tags cannot
 * occur anywhere else. Nothing here knows libmicrohttpd; server.c turns
 * the bodies into responses.
 *
 * A delta cannot say "this entry is gone", and wirefeed's feeds carry no
 * tombstones (a withdrawn story just leaves the feed). So when entries
 * left the feed for another reason than being pushed out of a full feed
 * by newer ones (a withdrawal, a smaller max_entries), the answer is the
 * full feed.
 */

/** Whether an A-IM field value asks for the "feed" manipulation (a list
 * member "feed", case-insensitive, without q=0). @field may be NULL. */
bool
feed_delta_is_requested(const char *field);

/* One entry of a rendered feed: where it is and what it is. */
struct feed_delta_entry {
	size_t start, end; /* bytes, from its line's indentation to its
			      closing tag's newline */
	/* hash64 of the id (Atom <id>, RSS <guid>); of an RFC 6721 tombstone
	 * (at:deleted-entry, among the entries), its ref's, marked apart
	 * (FEED_DELTA_TOMBSTONE) so it never equals its story's entry */
	uint64_t id;
	uint64_t digest;   /* hash64 of the entry's bytes */
};

#define FEED_DELTA_TOMBSTONE UINT64_C(0x9e3779b97f4a7c15)

/* Where the entries of a rendered feed are. Tombstones count as entries:
 * a new one is sent in a delta, one the client has is not. */
struct feed_delta_index {
	size_t head_end;   /* [0, head_end): everything before the entries */
	size_t tail_start; /* [tail_start, len): everything after them */
	struct feed_delta_entry *entries;
	size_t n_entries;
};

/**
 * Find the entries of @data (@len bytes, an Atom feed or RSS channel as
 * wirefeed writes it; @kind says which). false when it is not a feed or
 * does not have the expected shape (the caller then never answers with a
 * delta). On success @out owns a heap array: feed_delta_index_finish().
 */
bool
feed_delta_index_parse(const char *data, size_t len, enum wf_file_kind kind,
		       struct feed_delta_index *out);

void
feed_delta_index_finish(struct feed_delta_index *index);

/* One remembered version of a feed: immutable once made, shared by
 * reference count between the history and the served versions. */
struct feed_delta_version {
	atomic_long refs;
	char etag[WF_ETAG_MAX];      /* strong ETag of the identity bytes, quoted */
	uint64_t *ids;      /* entry ids and digests, in feed order */
	uint64_t *digests;
	size_t n;
};

enum feed_delta_result {
	FEED_DELTA_OK,          /* the delta is in *out */
	FEED_DELTA_NOT_SMALLER, /* it would not be smaller than the feed */
	FEED_DELTA_REMOVED,     /* entries left other than by ageing out */
};

/**
 * The delta of the feed @data (@len bytes, indexed by @index) against the
 * earlier version @old: head + entries whose id is new or whose bytes
 * changed + tail. On FEED_DELTA_OK *out is heap (free() it), *out_len
 * its length; else *out is untouched.
 */
enum feed_delta_result
feed_delta_make(const char *data, size_t len,
		const struct feed_delta_index *index,
		const struct feed_delta_version *old, char **out,
		size_t *out_len);

/* A delta body shared by the responses that send it. */
struct feed_delta_body {
	atomic_long refs;
	size_t len;
	char *data;
};

/** Drop a reference (an MHD free callback: @cls is the body). */
void
feed_delta_body_release(void *cls);

/*
 * What a served feed file needs to answer delta requests: its own index
 * and references to up to K earlier versions, plus a cache of the delta
 * bodies made so far (identity and gzip) per earlier version.
 * Thread-safe for feed_deltas_answer(); made and destroyed by the thread
 * that installs versions.
 */
struct feed_deltas;

/* The last K versions of every feed path. Not thread-safe: one thread
 * installs versions (the server does it under its swap). */
struct feed_history;

/** A history keeping @max_versions earlier versions per feed (1..256). */
struct feed_history *
feed_history_create(size_t max_versions);

/** NULL-safe. feed_deltas made from it stay valid. */
void
feed_history_destroy(struct feed_history *history);

/**
 * Install @file (an Atom or RSS file of a set about to be served) as the
 * newest version of its path, and return what answering delta requests
 * against it needs; NULL when it is not a feed or cannot be indexed.
 * @file's bytes are borrowed: keep its set alive as long as the result.
 * Destroy with feed_deltas_destroy(). @same (may be NULL): the result
 * for the previous version of the path when it had exactly these bytes,
 * whose index is copied instead of parsing @file again.
 */
struct feed_deltas *
feed_history_add(struct feed_history *history,
		 const struct wf_rendered_file *file,
		 const struct feed_deltas *same);

/** NULL-safe. */
void
feed_deltas_destroy(struct feed_deltas *deltas);

/**
 * The body to answer a request whose If-None-Match is @if_none_match:
 * when it names an earlier version the history still has and the delta
 * against it is smaller than the feed (gzip-compressed when @gzip; then
 * compared with the compressed feed of @full_len bytes), *body gets a
 * reference (release with feed_delta_body_release()) and it returns
 * true. Otherwise false: answer with the full feed. Thread-safe.
 */
bool
feed_deltas_answer(struct feed_deltas *deltas, const char *if_none_match,
		   bool gzip, size_t full_len, struct feed_delta_body **body);

#endif
