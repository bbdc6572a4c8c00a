/* SPDX-License-Identifier: MIT */
/* Embargo, withdrawal, expiry: which stories the feeds show at a time,
 * and what stands in for a killed one (docs/lifecycle.md). */
#include "lifecycle.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "html.h"
#include "mem.h"

#define SECONDS_PER_DAY 86400

int64_t
wf_view_window(const struct wf_config *c)
{
	return (int64_t)c->tombstone_days * SECONDS_PER_DAY;
}

/* Readers that ignore tombstones (most: newsboat keeps an item's last
 * text for good) must still stop showing the story: the notice keeps its
 * id, publication time, sections and link, and replaces every word of
 * it with the withdrawal. Its updated is the end, so clients that track
 * updates see a change, and newsboat replaces the text in place. */
static struct wf_article *
notice_of(const struct wf_article *a, struct wf_time when, const char *reason,
	  bool expired, const struct wf_config *c)
{
	struct wf_article *n = wf_article_create();
	n->id = xstrdup(a->id);
	n->title = xstrdup(expired ? "Story expired" : "Story withdrawn");
	n->published = a->published;
	n->updated = when;
	n->edited = when;
	n->has_edited = true;
	/* a story without a link of its own points at the site */
	n->link = xstrdup(a->link ? a->link : c->site_url);
	n->rights = xstrdup(a->rights);
	for (size_t i = 0; i < a->n_sections; i++) {
		wf_article_add_section(n, a->sections[i].term,
				       a->sections[i].label);
	}
	char iso[WF_TIME_RFC3339_MAX];
	wf_time_format_rfc3339(when, iso, sizeof(iso));
	const char *what = expired ? "expired" : "been withdrawn";
	n->summary = xasprintf("This story has %s (%s): %s Do not publish or "
			       "republish its text.", what, iso,
			       reason ? reason : "");
	struct buf b;
	buf_init(&b, SIZE_MAX);
	html_raw(&b, "<p><strong>This story has ");
	html_raw(&b, what);
	html_raw(&b, "</strong> (<time datetime=\"");
	html_raw(&b, iso);
	html_raw(&b, "\">");
	html_raw(&b, iso);
	html_raw(&b, "</time>)");
	html_raw(&b, " by ");
	html_escape(&b, c->title);
	html_raw(&b, ".</p>\n<p>");
	html_escape(&b, reason ? reason : "");
	html_raw(&b, "</p>\n<p>Do not publish or republish its text.</p>");
	n->content_html = buf_take(&b, NULL);
	return n;
}

/* *t = max(*t, other) */
static void
later(struct wf_time *t, struct wf_time other)
{
	if (wf_time_compare(other, *t) > 0) {
		*t = other;
	}
}

static void
own(struct wf_view *v, struct wf_article *a)
{
	v->owned = xreallocarray(v->owned, v->n_owned + 1, sizeof(*v->owned));
	v->owned[v->n_owned++] = a;
}

/* Newest first, then by id: the order of tombstones in a document. */
static int
compare_killed(const void *pa, const void *pb)
{
	const struct wf_article *a = *(const struct wf_article *const *)pa;
	const struct wf_article *b = *(const struct wf_article *const *)pb;
	int c = wf_time_compare(b->withdrawn_at, a->withdrawn_at);
	return c ? c : strcmp(a->id, b->id);
}

void
wf_view_make(const struct wf_newswire *nw, struct wf_view *v)
{
	memset(v, 0, sizeof(*v));
	size_t n = nw->n_records ? nw->n_records : 1;
	v->shown = xcalloc(n, sizeof(*v->shown));
	v->record = xcalloc(n, sizeof(*v->record));
	v->history = xcalloc(n, sizeof(*v->history));
	v->history_record = xcalloc(n, sizeof(*v->history_record));
	v->killed = xcalloc(n, sizeof(*v->killed));
	int64_t window = wf_view_window(nw->config);
	for (size_t i = 0; i < nw->n_records; i++) {
		const struct wf_article *a = nw->records[i].article;
		if (nw->records[i].failed) {
			continue; /* could not be read again: shown nowhere */
		}
		struct wf_article_end end;
		enum wf_article_phase phase =
			wf_article_phase(a, nw->now, window, &end);
		/* held back, or withdrawn before release: never seen */
		if (phase == WF_PHASE_EMBARGOED ||
		    (phase == WF_PHASE_GONE && a->has_embargo &&
		     wf_time_compare(end.when, a->embargo_until) < 0)) {
			continue;
		}
		if (a->has_embargo) {
			/* readers first saw it when the embargo lifted: the
			 * feeds date it from then (the record keeps its filing
			 * time) */
			struct wf_article *released = wf_article_clone(a);
			later(&released->published, a->embargo_until);
			later(&released->updated, a->embargo_until);
			later(&released->edited, a->embargo_until);
			own(v, released);
			a = released;
		}
		if (phase == WF_PHASE_LIVE) {
			v->history_record[v->n_history] = i;
			v->history[v->n_history++] = a;
			v->record[v->n_shown] = i;
			v->shown[v->n_shown++] = a;
			continue;
		}
		/* the end as feeds date it: never before the last update,
		 * so that the notice's updated does not go backwards */
		struct wf_time when = end.when;
		if (wf_time_compare(a->updated, when) > 0) {
			when = a->updated;
		}
		const struct wf_article *ended = a;
		if (end.expired || wf_time_compare(when, a->withdrawn_at) != 0) {
			struct wf_article *copy = wf_article_clone(a);
			copy->status = WF_ARTICLE_WITHDRAWN;
			copy->withdrawn_at = when;
			wf_article_set_string(&copy->withdrawn_reason, end.reason);
			own(v, copy);
			ended = copy;
		}
		v->history_record[v->n_history] = i;
		v->history[v->n_history++] = ended;
		if (phase == WF_PHASE_KILLED) {
			v->killed[v->n_killed++] = ended;
			struct wf_article *notice =
				notice_of(a, when, end.reason, end.expired,
					  nw->config);
			own(v, notice);
			v->record[v->n_shown] = i;
			v->shown[v->n_shown++] = notice;
		}
	}
	wf_view_sort_killed(v->killed, v->n_killed);
}

void
wf_view_sort_killed(const struct wf_article **list, size_t n)
{
	qsort(list, n, sizeof(*list), compare_killed);
}

void
wf_view_finish(struct wf_view *v)
{
	for (size_t i = 0; i < v->n_owned; i++) {
		wf_article_destroy(v->owned[i]);
	}
	free(v->owned);
	free(v->shown);
	free(v->record);
	free(v->history);
	free(v->history_record);
	free(v->killed);
	memset(v, 0, sizeof(*v));
}

int64_t
wf_view_next_change(const struct wf_newswire *nw)
{
	int64_t next = INT64_MAX, window = wf_view_window(nw->config);
	for (size_t i = 0; i < nw->n_records; i++) {
		int64_t t = wf_article_next_phase(nw->records[i].article,
						  nw->now, window);
		if (t < next) {
			next = t;
		}
	}
	return next;
}
