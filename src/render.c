/* SPDX-License-Identifier: MIT */
/* A newswire rendered into a feed set: the wire feeds, the section feeds
 * and the index page. */
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#include "wirefeed/archive.h"
#include "wirefeed/build.h"
#include "wirefeed/feed.h"
#include "buf.h"
#include "html.h"
#include "lifecycle.h"
#include "selection.h"
#include "mem.h"

char *
wf_section_feed_id(const char *wire_feed_id, const char *slug)
{
	uuid_t ns, id;
	const char *hex = wire_feed_id;
	if (strncmp(hex, "urn:uuid:", 9) == 0) {
		hex += 9;
	}
	if (uuid_parse(hex, ns) != 0) {
		uuid_clear(ns); /* config checks the id; stay total anyway */
	}
	char *name = xasprintf("section:%s", slug);
	uuid_generate_sha1(id, ns, name, strlen(name));
	free(name);
	char text[37];
	uuid_unparse_lower(id, text);
	return xasprintf("urn:uuid:%s", text);
}

/* What the index page lists about one feed pair. */
struct listing {
	char *title;
	char *dir; /* "" or "sections/<slug>/" */
	size_t n_entries;
	struct wf_time updated;
	char *newest_archive; /* "<dir>archives/<period>/", or NULL */
};

/* Take the file at @path of the set @ctx if it was rendered from
 * @source: a copy of its bytes (the set stays the server's). */
static bool
take_from_set(void *ctx, const char *path, uint64_t source, char **data,
	      size_t *len, bool *mapped, char etag[WF_ETAG_MAX])
{
	const struct wf_rendered_file *f = wf_feedset_find(ctx, path);
	if (!f || f->source_digest != source) {
		return false;
	}
	*data = xmalloc(f->len + 1);
	memcpy(*data, f->data, f->len);
	(*data)[f->len] = '\0';
	*len = f->len;
	*mapped = false;
	memcpy(etag, f->etag, WF_ETAG_MAX);
	return true;
}

void
wf_render_source_from_set(struct wf_render_source *out,
			  const struct wf_feedset *set)
{
	/* the callback's context is untyped: it only reads the set */
	*out = (struct wf_render_source){ take_from_set, (void *)(uintptr_t)set };
}

static void
add_feed_pair(struct wf_feedset *set, const struct wf_selection *sel,
	      struct wf_feed_spec *spec, const char *dir)
{
	static const struct {
		const char *name;
		enum wf_file_kind kind;
		enum wf_status (*write)(const struct wf_feed_spec *, char **,
					size_t *);
	} formats[] = {
		{ "feed.json", WF_FILE_JSON, wf_json_write },
		{ "atom.xml", WF_FILE_ATOM, wf_atom_write },
		{ "rss.xml", WF_FILE_RSS, wf_rss_write },
	};
	/* a server's rebuild renders only the feeds whose stories, times or
	 * settings changed: the others are what they were */
	uint64_t source = wf_feed_spec_digest(spec);
	for (size_t k = 0; k < sizeof(formats) / sizeof(formats[0]); k++) {
		char *path = xasprintf("%s%s", dir, formats[k].name);
		size_t len = 0;
		char *data = NULL;
		char etag[WF_ETAG_MAX];
		bool mapped = false;
		struct wf_rendered_file *f = NULL;
		if (sel->source &&
		    sel->source->take(sel->source->ctx, path, source, &data,
				      &len, &mapped, etag)) {
			f = wf_feedset_add_known(set, path, formats[k].kind,
						 data, len, mapped, etag,
						 spec->updated, spec->title,
						 spec->n_entries);
		} else {
			/* The writers only fail if libxml2 cannot allocate:
			 * treat like OOM. */
			if (formats[k].write(spec, &data, &len) != WF_OK) {
				abort();
			}
			f = wf_feedset_add(set, path, formats[k].kind, data, len,
					   spec->updated, spec->title,
					   spec->n_entries);
		}
		f->source_digest = source;
		free(path);
	}
}

/* Every archive of the whole wire, newest first (RFC 5005 §4: the chain
 * a consumer walks; the sections' chains start from their rows above). */
static void
render_archive_list(struct buf *b, const struct wf_archive_plan *plan)
{
	if (!wf_archive_plan_has_archives(plan)) {
		return;
	}
	html_raw(b, "<h2>Archives</h2>\n<p>Every story and every later change, one closed document per period (RFC 5005 archived feeds; these never change).</p>\n<ul class=\"archives\">\n");
	for (int64_t p = plan->open - 1; p >= plan->first; p--) {
		char *dir = wf_archive_dir(plan, "", p);
		char name[32];
		wf_archive_period_name(plan->period, p, name, sizeof(name));
		html_raw(b, "<li>");
		html_escape(b, name);
		html_raw(b, ": <a href=\"");
		html_escape(b, dir);
		html_raw(b, "atom.xml\">Atom</a> <a href=\"");
		html_escape(b, dir);
		html_raw(b, "rss.xml\">RSS</a> <a href=\"");
		html_escape(b, dir);
		html_raw(b, "feed.json\">JSON</a></li>\n");
		free(dir);
	}
	html_raw(b, "</ul>\n");
}

static char *
render_index(const struct wf_config *c, const struct listing *l, size_t n,
	     const struct wf_archive_plan *plan)
{
	struct buf b;
	buf_init(&b, SIZE_MAX);
	html_raw(&b, "<!DOCTYPE html>\n<html lang=\"");
	html_escape(&b, c->language ? c->language : "en");
	html_raw(&b, "\">\n<head>\n<meta charset=\"utf-8\">\n"
		     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	html_escape(&b, c->title);
	html_raw(&b, " \xE2\x80\x94 feeds</title>\n");
	for (size_t i = 0; i < n; i++) {
		static const char *const kinds[][3] = {
			{ "application/atom+xml", "atom.xml", "Atom" },
			{ "application/rss+xml", "rss.xml", "RSS" },
			{ "application/feed+json", "feed.json", "JSON Feed" },
		};
		for (size_t k = 0; k < 3; k++) {
			html_raw(&b, "<link rel=\"alternate\" type=\"");
			html_raw(&b, kinds[k][0]);
			html_raw(&b, "\" title=\"");
			html_escape(&b, l[i].title);
			html_raw(&b, " (");
			html_raw(&b, kinds[k][2]);
			html_raw(&b, ")\" href=\"");
			html_escape(&b, l[i].dir);
			html_raw(&b, kinds[k][1]);
			html_raw(&b, "\">\n");
		}
	}
	html_raw(&b,
		 "<style>\n"
		 "body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#222}\n"
		 "table{border-collapse:collapse;width:100%}\n"
		 "th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #ddd}\n"
		 "td.n{text-align:right}\n"
		 "code{background:#f4f4f4;padding:0 .2rem}\n"
		 "</style>\n</head>\n<body>\n<h1>");
	html_escape(&b, c->title);
	html_raw(&b, "</h1>\n");
	if (c->subtitle) {
		html_raw(&b, "<p>");
		html_escape(&b, c->subtitle);
		html_raw(&b, "</p>\n");
	}
	html_raw(&b, "<p>These are news feeds. To follow one, copy its Atom or RSS link into a feed reader.</p>\n"
		     "<table>\n<thead><tr><th>Feed</th><th>Entries</th><th>Last updated</th><th colspan=\"3\">Subscribe</th><th>Archives</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		char when[WF_TIME_RFC3339_MAX];
		wf_time_format_rfc3339(l[i].updated, when, sizeof(when));
		html_raw(&b, "<tr><td>");
		html_escape(&b, l[i].title);
		enum wf_status st = buf_printf(&b, "</td><td class=\"n\">%zu</td>",
					       l[i].n_entries);
		(void)st;
		html_raw(&b, "<td><time datetime=\"");
		html_raw(&b, when);
		html_raw(&b, "\">");
		html_raw(&b, when);
		html_raw(&b, "</time></td><td><a href=\"");
		html_escape(&b, l[i].dir);
		html_raw(&b, "atom.xml\">Atom</a></td><td><a href=\"");
		html_escape(&b, l[i].dir);
		html_raw(&b, "rss.xml\">RSS</a></td><td><a href=\"");
		html_escape(&b, l[i].dir);
		html_raw(&b, "feed.json\">JSON</a></td><td>");
		if (l[i].newest_archive) {
			html_raw(&b, "<a rel=\"prev-archive\" href=\"");
			html_escape(&b, l[i].newest_archive);
			html_raw(&b, "atom.xml\">older stories</a>");
		}
		html_raw(&b, "</td></tr>\n");
	}
	html_raw(&b, "</tbody>\n</table>\n");
	render_archive_list(&b, plan);
	html_raw(&b, "<p><small>Generated by <a href=\"" WF_GENERATOR_URI
		     "\">wirefeed</a> " WF_VERSION ".</small></p>\n</body>\n</html>\n");
	return buf_take(&b, NULL);
}

static bool
listed(const struct wf_article *const *list, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(list[i]->id, id) == 0) {
			return true;
		}
	}
	return false;
}

struct wf_feedset *
wf_render(struct wf_newswire *nw)
{
	struct wf_selection sel;
	wf_selection_make(nw, &sel, NULL, NULL);
	struct wf_feedset *set = wf_render_selection(nw, &sel);
	wf_selection_finish(&sel);
	return set;
}

struct wf_feedset *
wf_render_selection(const struct wf_newswire *nw,
		    const struct wf_selection *sel)
{
	const struct wf_config *c = nw->config;
	/* the stories as the feeds show them at nw->now: no embargoed one,
	 * notices for the killed ones (docs/lifecycle.md) */
	const struct wf_view *view = &sel->view;
	const struct wf_article *const *all = view->shown;
	struct wf_time fallback = { 0, 0, 0 };
	/* An empty feed's updated: the newest change anywhere in the wire,
	 * so it is stable between builds and never the build time. */
	fallback = wf_feed_newest(view->history, view->n_history, fallback);
	struct wf_archive_plan plan;
	wf_archive_plan_make(c, view->history, view->n_history, &plan);
	bool archived = wf_archive_plan_has_archives(&plan);

	struct wf_feedset *set = wf_feedset_create();
	set->previous = sel->previous;
	size_t n_listings = 1 + c->n_sections;
	struct listing *listings = xcalloc(n_listings, sizeof(*listings));
	const char *default_author = c->default_author ? c->default_author
						       : c->title;
	unsigned ttl = c->cache_max_age_s ? (c->cache_max_age_s + 59) / 60 : 0;
	/* every feed's entries, chosen once, before the stubs were parsed */
	size_t *const *picked = sel->picked;
	const size_t *n_picked = sel->n_picked;

	for (size_t s = 0; s < n_listings; s++) {
		const struct wf_section_def *sec = s ? &c->sections[s - 1] : NULL;
		struct wf_feed_spec spec = { 0 };
		char *id = NULL, *title = NULL, *site = NULL;
		char *dir = sec ? xasprintf("sections/%s/", sec->slug)
				: xstrdup("");
		if (sec) {
			id = wf_section_feed_id(c->feed_id, sec->slug);
			title = xasprintf("%s: %s", c->title, sec->title);
			site = xasprintf("%s%s", c->site_url, dir);
		}
		char *atom_url = xasprintf("%s%satom.xml", c->base_url, dir);
		char *rss_url = xasprintf("%s%srss.xml", c->base_url, dir);
		const struct wf_article **chosen = NULL, **withdrawn = NULL;
		size_t n_chosen = 0, n_withdrawn = 0;
		char *json_url = xasprintf("%s%sfeed.json", c->base_url, dir);
		char *prev = NULL;
		if (plan.period != WF_ARCHIVE_OFF) {
			/* RFC 5005: the subscription document holds every
			 * story changed since the newest closed archive */
			n_chosen = wf_archive_current_entries(
				&plan, all, view->n_shown,
				sec ? sec->slug : NULL, picked[s], n_picked[s],
				&chosen, &withdrawn, &n_withdrawn);
		} else {
			chosen = xcalloc(n_picked[s] ? n_picked[s] : 1,
					 sizeof(*chosen));
			for (size_t k = 0; k < n_picked[s]; k++) {
				chosen[n_chosen++] = all[picked[s][k]];
			}
		}
		if (archived) {
			listings[s].newest_archive =
				wf_archive_dir(&plan, dir, plan.open - 1);
			prev = xasprintf("%s%s", c->base_url,
					 listings[s].newest_archive);
		}
		/* every entry is a whole record: the selection parsed them
		 * (wf_selection_make()) */
		const struct wf_article **entries = chosen;
		size_t kept = n_chosen;
		/* the tombstones of the stories killed within the window that
		 * were in this feed (the notices are among the entries) */
		free(withdrawn);
		withdrawn = xcalloc(view->n_killed ? view->n_killed : 1,
				    sizeof(*withdrawn));
		n_withdrawn = 0;
		for (size_t k = 0; k < view->n_killed; k++) {
			if (!sec || wf_article_in_section(view->killed[k], sec->slug)) {
				withdrawn[n_withdrawn++] = view->killed[k];
			}
		}
		if (plan.period != WF_ARCHIVE_OFF) {
			/* RFC 5005: the open period's withdrawals stay until
			 * it is archived, with their tombstones, whatever the
			 * window */
			withdrawn = xreallocarray(withdrawn, n_withdrawn + view->n_history + 1,
						  sizeof(*withdrawn));
			for (size_t k = 0; k < view->n_history; k++) {
				const struct wf_article *a = view->history[k];
				if (a->status == WF_ARTICLE_WITHDRAWN &&
				    wf_archive_is_current(&plan, a) &&
				    (!sec || wf_article_in_section(a, sec->slug)) &&
				    !listed(withdrawn, n_withdrawn, a->id)) {
					withdrawn[n_withdrawn++] = a;
				}
			}
			wf_view_sort_killed(withdrawn, n_withdrawn);
		}
		spec.json_url = json_url;
		spec.archive_prev = prev;
		spec.withdrawn = withdrawn;
		spec.tombstone_by = c->tombstone_by;
		spec.n_withdrawn = n_withdrawn;
		spec.n_entries = kept;
		spec.entries = entries;
		spec.updated = wf_feed_newest(entries, spec.n_entries, fallback);
		/* a tombstone is a change of the feed too */
		for (size_t k = 0; k < n_withdrawn; k++) {
			if (wf_time_compare(withdrawn[k]->withdrawn_at, spec.updated) > 0) {
				spec.updated = withdrawn[k]->withdrawn_at;
			}
		}
		spec.id = sec ? id : c->feed_id;
		spec.title = sec ? title : c->title;
		spec.subtitle = sec ? NULL : c->subtitle;
		spec.site_url = sec ? site : c->site_url;
		spec.atom_url = atom_url;
		spec.rss_url = rss_url;
		spec.language = c->language;
		spec.rights = c->rights;
		spec.default_author = default_author;
		spec.ttl_minutes = ttl;
		spec.hubs = (const char *const *)c->hubs;
		spec.n_hubs = c->n_hubs;
		add_feed_pair(set, sel, &spec, dir);

		listings[s].title = xstrdup(spec.title);
		listings[s].dir = dir;
		listings[s].n_entries = spec.n_entries;
		listings[s].updated = spec.updated;
		free(entries);
		free(withdrawn);
		free(json_url);
		free(prev);
		free(atom_url);
		free(rss_url);
		free(id);
		free(title);
		free(site);
	}
	char *index = render_index(c, listings, n_listings, &plan);
	wf_feedset_add(set, "index.html", WF_FILE_HTML, index, strlen(index),
		       listings[0].updated, c->title, listings[0].n_entries);
	for (size_t s = 0; s < n_listings; s++) {
		free(listings[s].title);
		free(listings[s].dir);
		free(listings[s].newest_archive);
	}
	free(listings);
	set->previous = NULL;
	return set;
}
