/* SPDX-License-Identifier: MIT */
#ifndef WIREFEED_ARTICLE_H
#define WIREFEED_ARTICLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirefeed/datetime.h"
#include "wirefeed/status.h"

/*
 * The article record: the newswire's source of truth for one story.
 * All strings are UTF-8, heap-allocated and owned by the article;
 * optional ones are NULL when absent. wf_article_destroy() frees everything.
 */

struct wf_person {
	char *name;  /* required */
	char *uri;   /* optional */
	char *email; /* optional */
};

struct wf_section_ref {
	char *term;  /* slug, e.g. "politics"; required */
	char *label; /* display name, e.g. "Politics"; optional */
};

struct wf_correction {
	struct wf_time time;
	char *text;
};

struct wf_image {
	char *url;      /* required */
	char *type;     /* media type, e.g. "image/jpeg"; required */
	int64_t length; /* bytes; 0 if unknown */
	char *caption;  /* optional */
	char *credit;   /* optional */
};

enum wf_article_status {
	WF_ARTICLE_PUBLISHED = 0,
	WF_ARTICLE_WITHDRAWN,
};

struct wf_article {
	char *id;    /* "urn:uuid:..." assigned once, never changed */
	char *title; /* plain text */
	struct wf_person *authors;
	size_t n_authors;
	char *source;   /* credit line, e.g. "Harbor City Wire"; optional */
	char *dateline; /* e.g. "PORTLAND, Maine"; optional */
	struct wf_section_ref *sections;
	size_t n_sections;
	struct wf_time published; /* originally published */
	struct wf_time updated;   /* last significant change */
	struct wf_time edited;    /* last change of any kind (app:edited) */
	bool has_edited;
	char *summary;      /* plain text; optional */
	char *content_html; /* HTML fragment; optional */
	char *link;         /* canonical story URL; optional */
	struct wf_image *image; /* optional */
	char *rights;           /* optional */
	struct wf_correction *corrections;
	size_t n_corrections;
	enum wf_article_status status;
	struct wf_time withdrawn_at;  /* when status == WITHDRAWN */
	char *withdrawn_reason;       /* when status == WITHDRAWN */
	/* The lifecycle (docs/lifecycle.md): held back from every feed until
	 * the embargo lifts; leaves the feeds, as a withdrawal does, when it
	 * expires. */
	bool has_embargo;
	struct wf_time embargo_until;
	bool has_expiry;
	struct wf_time expires_at;
	/* a field added here goes into wf_article_digest() too */
};

/** A zeroed article; never NULL (aborts on OOM). */
struct wf_article *
wf_article_create(void);

/** Free @article and everything it owns. NULL is a no-op. */
void
wf_article_destroy(struct wf_article *article);

/** Whether the story's phase can change with the clock alone (withdrawn,
 * embargoed or expiring): such records are parsed by every load and kept
 * whole. */
bool
wf_article_depends_on_clock(const struct wf_article *article);

/** A 64-bit digest of every field (change detection: two articles with
 * one digest render the same bytes). */
uint64_t
wf_article_digest(const struct wf_article *article);

/** Replace what @dst holds with @src's contents and free @src: @dst keeps
 * its address, so pointers to it stay valid (a stub parsed in place). */
void
wf_article_move_into(struct wf_article *dst, struct wf_article *src);

/** Deep copy; never NULL. */
struct wf_article *
wf_article_clone(const struct wf_article *article);

/* Appenders: copy their string arguments; NULL optionals stay NULL. */
void
wf_article_add_author(struct wf_article *a, const char *name, const char *uri,
		      const char *email);
void
wf_article_add_section(struct wf_article *a, const char *term,
		       const char *label);
void
wf_article_add_correction(struct wf_article *a, struct wf_time time,
			  const char *text);
/** Replace *field with a copy of @value (NULL clears it). */
void
wf_article_set_string(char **field, const char *value);

/** Whether the article belongs to the section with slug @term. */
bool
wf_article_in_section(const struct wf_article *a, const char *term);

/**
 * Check the record rules that do not depend on syntax (docs/record-format.md):
 * id is a lowercase urn:uuid, title present, every time's year in
 * WF_TIME_MIN_YEAR..WF_TIME_MAX_YEAR, updated >= published,
 * edited >= updated, corrections not before published and not after
 * updated, withdrawal not before publication, the link and image URL
 * absolute http(s) IRIs and an author's uri http(s) or mailto
 * (wf_iri_check), every string XML-safe UTF-8. On failure fills @diag
 * (message only; the caller adds file and line) and returns WF_ERR_INVALID.
 */
WF_MUST_CHECK enum wf_status
wf_article_check(const struct wf_article *a, struct wf_diag *diag);

/* The part of an article a broken rule is about, so that a reader of
 * records can point at its element (issue 17.14). */
enum wf_article_part {
	WF_ARTICLE_PART_NONE = 0, /* the article as a whole */
	WF_ARTICLE_PART_ID,
	WF_ARTICLE_PART_TITLE,
	WF_ARTICLE_PART_AUTHOR,     /* authors[index] */
	WF_ARTICLE_PART_SECTION,    /* sections[index] */
	WF_ARTICLE_PART_PUBLISHED,
	WF_ARTICLE_PART_UPDATED,
	WF_ARTICLE_PART_EDITED,
	WF_ARTICLE_PART_SOURCE,
	WF_ARTICLE_PART_DATELINE,
	WF_ARTICLE_PART_SUMMARY,
	WF_ARTICLE_PART_CONTENT,
	WF_ARTICLE_PART_LINK,
	WF_ARTICLE_PART_IMAGE,
	WF_ARTICLE_PART_RIGHTS,
	WF_ARTICLE_PART_CORRECTION, /* corrections[index] */
	WF_ARTICLE_PART_STATUS,     /* the withdrawal */
	WF_ARTICLE_PART_EMBARGO,
	WF_ARTICLE_PART_EXPIRES,
};

struct wf_article_fault {
	enum wf_article_part part;
	size_t index; /* for authors, sections and corrections */
};

/** wf_article_check(), also telling in *@where (may be NULL) which part
 * of the article broke the rule (the later of two compared times). */
WF_MUST_CHECK enum wf_status
wf_article_check_where(const struct wf_article *a,
		       struct wf_article_fault *where, struct wf_diag *diag);

/* Where a story is in its lifecycle at a given time (docs/lifecycle.md). */
enum wf_article_phase {
	WF_PHASE_EMBARGOED, /* before its embargo lifts: in no feed */
	WF_PHASE_LIVE,      /* in the feeds */
	WF_PHASE_KILLED,    /* withdrawn or expired, within the tombstone
			       window: a tombstone and a notice in its place */
	WF_PHASE_GONE,      /* killed longer ago than the window: in no feed */
};

/* A story's end: its withdrawal, or its expiry if that came first. */
struct wf_article_end {
	struct wf_time when;
	const char *reason; /* borrowed from the article, or a static text */
	bool expired;
};

/** Whether and when @a ends (withdrawn, or expires): false if never. */
bool
wf_article_end(const struct wf_article *a, struct wf_article_end *end);

/**
 * The phase of @a at @now (UTC seconds) with tombstones kept @window_s
 * seconds after a story ends; *@end (may be NULL) gets the end when
 * there is one.
 */
enum wf_article_phase
wf_article_phase(const struct wf_article *a, int64_t now, int64_t window_s,
		 struct wf_article_end *end);

/** The first time after @now when wf_article_phase() of @a changes, or
 * INT64_MAX if it never does. */
int64_t
wf_article_next_phase(const struct wf_article *a, int64_t now,
		      int64_t window_s);

/** A phase's name as `list` and `show` print it. */
const char *
wf_article_phase_name(enum wf_article_phase phase);

/** Whether @id is "urn:uuid:" followed by a canonical lowercase UUID. */
bool
wf_article_id_is_valid(const char *id);

/** A fresh "urn:uuid:<random uuid>" id; caller frees. */
char *
wf_article_new_id(void);

#endif
