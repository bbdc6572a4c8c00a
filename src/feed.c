/* SPDX-License-Identifier: MIT */
/* Feed assembly: which entries, in which order, with which body. */
#include "wirefeed/feed.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "digest.h"
#include "html.h"
#include "mem.h"

/* Newest updated first; equal instants ordered by id so the order never
 * depends on directory order or qsort's stability. */
static int
compare_entries(const void *pa, const void *pb)
{
	const struct wf_article *a = *(const struct wf_article *const *)pa;
	const struct wf_article *b = *(const struct wf_article *const *)pb;
	int c = wf_time_compare(b->updated, a->updated);
	if (c != 0) {
		return c;
	}
	return strcmp(a->id, b->id);
}

/* Selection works on positions in the caller's array, so callers that
 * keep parallel arrays (the newswire's records) can map back. */
struct selection {
	const struct wf_article *const *articles;
	size_t *heap; /* positions; a max-heap by entry order: the root is
			 the worst entry kept, the first to be pushed out */
	size_t count;
};

static int
compare_at(const struct selection *sel, size_t a, size_t b)
{
	return compare_entries(&sel->articles[a], &sel->articles[b]);
}

static void
sift_down(struct selection *sel, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, worst = i;
		if (l < sel->count && compare_at(sel, sel->heap[l], sel->heap[worst]) > 0) {
			worst = l;
		}
		if (r < sel->count && compare_at(sel, sel->heap[r], sel->heap[worst]) > 0) {
			worst = r;
		}
		if (worst == i) {
			return;
		}
		size_t t = sel->heap[i];
		sel->heap[i] = sel->heap[worst];
		sel->heap[worst] = t;
		i = worst;
	}
}

static void
sift_up(struct selection *sel, size_t i)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (compare_at(sel, sel->heap[i], sel->heap[parent]) <= 0) {
			return;
		}
		size_t t = sel->heap[i];
		sel->heap[i] = sel->heap[parent];
		sel->heap[parent] = t;
		i = parent;
	}
}

/* qsort has no context argument; selection is not reentrant across
 * threads for the final sort only, so keep it in a thread-local. */
static _Thread_local const struct wf_article *const *sort_articles;

static int
compare_positions(const void *a, const void *b)
{
	return compare_entries(&sort_articles[*(const size_t *)a],
			       &sort_articles[*(const size_t *)b]);
}

void
wf_feed_select_many(const struct wf_article *const *articles, size_t n,
		    const char *const *sections, size_t n_feeds, size_t max,
		    size_t **out, size_t *counts)
{
	/* top-N in O(n log max) per feed, in one pass over the articles: a
	 * wire of 100,000 stories and 50-entry feeds sorts 50 entries per
	 * feed, not 100,000, and touches each story once, not once per feed */
	size_t cap = max < n ? max : n;
	struct selection *sel = xcalloc(n_feeds ? n_feeds : 1, sizeof(*sel));
	for (size_t k = 0; k < n_feeds; k++) {
		sel[k] = (struct selection){
			articles, xcalloc(cap ? cap : 1, sizeof(size_t)), 0
		};
	}
	/* Once every heap is full, a story no newer than the oldest entry
	 * any feed keeps goes nowhere: one comparison rejects it. Records
	 * come sorted by file name, which starts with the date for most
	 * newsrooms, so walking them backwards fills the heaps with new
	 * stories first and rejects nearly all the rest that way. The
	 * result does not depend on the order (a strict total order). */
	const struct wf_article *floor = NULL; /* oldest root of a full heap */
	for (size_t i = n; i-- > 0 && cap > 0;) {
		const struct wf_article *a = articles[i];
		if (a->status != WF_ARTICLE_PUBLISHED) {
			continue;
		}
		if (floor && compare_entries(&a, &floor) >= 0) {
			/* too old for every full feed: only a feed that is
			 * not full yet (a small section) may still take it */
			bool wanted = false;
			for (size_t k = 0; k < n_feeds && !wanted; k++) {
				wanted = sel[k].count < cap &&
					 (!sections[k] ||
					  wf_article_in_section(a, sections[k]));
			}
			if (!wanted) {
				continue;
			}
		}
		bool changed = false;
		for (size_t k = 0; k < n_feeds; k++) {
			struct selection *f = &sel[k];
			/* the cheap test first: once a heap is full, most
			 * stories are older than the worst it keeps */
			bool full = f->count == cap;
			if (full &&
			    compare_entries(&a, &articles[f->heap[0]]) >= 0) {
				continue;
			}
			if (sections[k] && !wf_article_in_section(a, sections[k])) {
				continue;
			}
			if (!full) {
				f->heap[f->count] = i;
				sift_up(f, f->count);
				f->count++;
			} else {
				f->heap[0] = i; /* better than the worst kept */
				sift_down(f, 0);
			}
			changed = true;
		}
		if (changed) {
			floor = NULL;
			for (size_t k = 0; k < n_feeds; k++) {
				if (sel[k].count < cap) {
					continue;
				}
				const struct wf_article *root = articles[sel[k].heap[0]];
				if (!floor || compare_entries(&root, &floor) > 0) {
					floor = root;
				}
			}
		}
	}
	sort_articles = articles;
	for (size_t k = 0; k < n_feeds; k++) {
		qsort(sel[k].heap, sel[k].count, sizeof(size_t),
		      compare_positions);
		out[k] = sel[k].heap;
		counts[k] = sel[k].count;
	}
	free(sel);
}

size_t
wf_feed_select(const struct wf_article *const *articles, size_t n,
	       const char *section, size_t max,
	       const struct wf_article ***out)
{
	size_t *pos = NULL;
	size_t count = 0;
	wf_feed_select_many(articles, n, &section, 1, max, &pos, &count);
	const struct wf_article **picked = xcalloc(count ? count : 1,
						   sizeof(*picked));
	for (size_t i = 0; i < count; i++) {
		picked[i] = articles[pos[i]];
	}
	free(pos);
	*out = picked;
	return count;
}

uint64_t
wf_feed_spec_digest(const struct wf_feed_spec *s)
{
	struct digest d;
	digest_init(&d);
	digest_str(&d, "wirefeed " WF_VERSION); /* another writer, other bytes */
	digest_str(&d, s->id);
	digest_str(&d, s->title);
	digest_str(&d, s->subtitle);
	digest_str(&d, s->site_url);
	digest_str(&d, s->atom_url);
	digest_str(&d, s->rss_url);
	digest_str(&d, s->language);
	digest_str(&d, s->rights);
	digest_str(&d, s->default_author);
	digest_u64(&d, s->ttl_minutes);
	digest_u64(&d, s->n_hubs);
	for (size_t i = 0; i < s->n_hubs; i++) {
		digest_str(&d, s->hubs[i]);
	}
	digest_u64(&d, s->n_entries);
	for (size_t i = 0; i < s->n_entries; i++) {
		digest_u64(&d, wf_article_digest(s->entries[i]));
	}
	digest_time(&d, s->updated);
	digest_str(&d, s->json_url);
	digest_u64(&d, s->is_archive);
	digest_str(&d, s->archive_current);
	digest_str(&d, s->archive_prev);
	digest_str(&d, s->archive_next);
	digest_u64(&d, s->n_withdrawn);
	for (size_t i = 0; i < s->n_withdrawn; i++) {
		digest_u64(&d, wf_article_digest(s->withdrawn[i]));
	}
	digest_str(&d, s->tombstone_by);
	digest_u64(&d, s->declare_media);
	/* 0 is "unknown" to the callers */
	return d.h ? d.h : 1;
}

struct wf_time
wf_feed_newest(const struct wf_article *const *entries, size_t n,
	       struct wf_time fallback)
{
	if (n == 0) {
		return fallback;
	}
	struct wf_time newest = entries[0]->updated;
	for (size_t i = 1; i < n; i++) {
		if (wf_time_compare(entries[i]->updated, newest) > 0) {
			newest = entries[i]->updated;
		}
	}
	return newest;
}

/* <time datetime="RFC 3339">2026-11-02 11:20 -05:00</time>: the writer's
 * own wall time and offset, as the wire wrote it. */
static void
html_time(struct buf *b, struct wf_time t)
{
	char iso[WF_TIME_RFC3339_MAX];
	wf_time_format_rfc3339(t, iso, sizeof(iso));
	int off = t.offset_s / 60;
	char sign = off < 0 ? '-' : '+';
	off = off < 0 ? -off : off;
	/* iso is "YYYY-MM-DDTHH:MM:SS..."; show date and minutes. */
	enum wf_status st = buf_printf(b,
		"<time datetime=\"%s\">%.10s %.5s %c%02d:%02d</time>", iso, iso,
		iso + 11, sign, off / 60, off % 60);
	(void)st; /* unbounded buffer */
}

char *
wf_feed_entry_html(const struct wf_article *a)
{
	struct buf b;
	buf_init(&b, SIZE_MAX);
	if (a->image) {
		html_raw(&b, "<figure><img src=\"");
		html_escape(&b, a->image->url);
		html_raw(&b, "\" alt=\"");
		html_escape(&b, a->image->caption ? a->image->caption : "");
		html_raw(&b, "\"/>");
		if (a->image->caption || a->image->credit) {
			html_raw(&b, "<figcaption>");
			if (a->image->caption) {
				html_escape(&b, a->image->caption);
			}
			if (a->image->caption && a->image->credit) {
				html_raw(&b, " ");
			}
			if (a->image->credit) {
				html_raw(&b, "<small>");
				html_escape(&b, a->image->credit);
				html_raw(&b, "</small>");
			}
			html_raw(&b, "</figcaption>");
		}
		html_raw(&b, "</figure>");
	}
	/* A visible update line: the only cue some readers (newsboat with
	 * reset-unread-on-update) get that a story they read has changed. */
	if (wf_time_compare(a->updated, a->published) > 0) {
		html_raw(&b, "<p class=\"updated\"><em>Updated ");
		html_time(&b, a->updated);
		html_raw(&b, "</em></p>");
	}
	if (a->dateline || a->source) {
		html_raw(&b, "<p class=\"dateline\">");
		if (a->dateline) {
			html_escape(&b, a->dateline);
		}
		if (a->dateline && a->source) {
			html_raw(&b, " ");
		}
		if (a->source) {
			html_raw(&b, "(");
			html_escape(&b, a->source);
			html_raw(&b, ")");
		}
		html_raw(&b, "</p>");
	}
	if (a->content_html) {
		html_raw(&b, a->content_html);
	} else if (a->summary) {
		html_raw(&b, "<p>");
		html_escape(&b, a->summary);
		html_raw(&b, "</p>");
	}
	if (a->n_corrections > 0) {
		html_raw(&b, "<aside class=\"corrections\">");
		for (size_t i = 0; i < a->n_corrections; i++) {
			html_raw(&b, "<p><strong>Correction, ");
			html_time(&b, a->corrections[i].time);
			html_raw(&b, ":</strong> ");
			html_escape(&b, a->corrections[i].text);
			html_raw(&b, "</p>");
		}
		html_raw(&b, "</aside>");
	}
	return buf_take(&b, NULL);
}
