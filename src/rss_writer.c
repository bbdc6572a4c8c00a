/* SPDX-License-Identifier: MIT */
/* RSS 2.0 channels (RSS Advisory Board spec) with the content, dc and atom
 * namespaces: full HTML in content:encoded, bylines in dc:creator, each
 * item's last significant update in atom:updated. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "wirefeed/feed.h"
#include "buf.h"
#include "feed_history.h"
#include "html.h"
#include "media.h"
#include "xmlw.h"

static void
write_rfc822(struct xmlw *x, const char *name, struct wf_time t)
{
	char buf[WF_TIME_RFC822_MAX];
	wf_time_format_rfc822(t, buf, sizeof(buf));
	xmlw_element(x, name, buf);
}

static void
write_item(struct xmlw *x, const struct wf_feed_spec *spec,
	   const struct wf_article *a)
{
	xmlw_start(x, "item");
	xmlw_element(x, "title", a->title);
	xmlw_element(x, "link", a->link);
	/* description is HTML: the summary (plain text, so escaped), or the
	 * whole body when there is none. */
	char *html = wf_feed_entry_html(a);
	if (a->summary) {
		struct buf b;
		buf_init(&b, SIZE_MAX);
		html_escape(&b, a->summary);
		char *summary = buf_take(&b, NULL);
		xmlw_element(x, "description", summary);
		free(summary);
	} else {
		xmlw_element(x, "description", html);
	}
	xmlw_element(x, "content:encoded", html);
	free(html);
	for (size_t i = 0; i < a->n_authors; i++) {
		xmlw_element(x, "dc:creator", a->authors[i].name);
	}
	if (a->n_authors == 0) {
		xmlw_element(x, "dc:creator", spec->default_author);
	}
	for (size_t i = 0; i < a->n_sections; i++) {
		const struct wf_section_ref *s = &a->sections[i];
		xmlw_element(x, "category", s->label ? s->label : s->term);
	}
	xmlw_start(x, "guid");
	xmlw_attr(x, "isPermaLink", "false");
	xmlw_text(x, a->id);
	xmlw_end(x);
	write_rfc822(x, "pubDate", a->published);
	xmlw_time_element(x, "atom:updated", a->updated);
	if (a->image) {
		char length[32];
		snprintf(length, sizeof(length), "%lld",
			 (long long)a->image->length);
		xmlw_start(x, "enclosure");
		xmlw_attr(x, "url", a->image->url);
		xmlw_attr(x, "length", length);
		xmlw_attr(x, "type", a->image->type);
		xmlw_end(x);
		/* last in the item: feedparser reads media:description as a
		 * description, and only keeps the item's own one as the
		 * summary when it came first */
		media_write_content(x, a->image);
	}
	xmlw_end(x);
}

enum wf_status
wf_rss_write(const struct wf_feed_spec *spec, char **out, size_t *len)
{
	struct xmlw x;
	xmlw_begin(&x);
	xmlw_start(&x, "rss");
	xmlw_attr(&x, "version", "2.0");
	xmlw_attr(&x, "xmlns:content", "http://purl.org/rss/1.0/modules/content/");
	xmlw_attr(&x, "xmlns:dc", "http://purl.org/dc/elements/1.1/");
	xmlw_attr(&x, "xmlns:atom", "http://www.w3.org/2005/Atom");
	feed_history_namespaces(&x, spec);
	if (media_is_used(spec)) {
		xmlw_attr(&x, "xmlns:media", MEDIA_NS);
	}
	xmlw_start(&x, "channel");
	xmlw_element(&x, "title", spec->title);
	xmlw_element(&x, "link", spec->site_url);
	xmlw_element(&x, "description",
		     spec->subtitle ? spec->subtitle : spec->title);
	xmlw_element(&x, "language", spec->language);
	xmlw_element(&x, "copyright", spec->rights);
	write_rfc822(&x, "lastBuildDate", spec->updated);
	xmlw_element(&x, "generator", WF_GENERATOR_NAME " " WF_VERSION);
	xmlw_element(&x, "docs", "https://www.rssboard.org/rss-specification");
	if (spec->ttl_minutes > 0) {
		char ttl[16];
		snprintf(ttl, sizeof(ttl), "%u", spec->ttl_minutes);
		xmlw_element(&x, "ttl", ttl);
	}
	xmlw_start(&x, "atom:link");
	xmlw_attr(&x, "href", spec->rss_url);
	xmlw_attr(&x, "rel", "self");
	xmlw_attr(&x, "type", "application/rss+xml");
	xmlw_end(&x);
	/* RFC 5005 appendix B: the same links as atom:link in the channel */
	feed_history_links(&x, spec, "atom:link", "rss.xml",
			   "application/rss+xml");
	feed_history_tombstones(&x, spec, "atom:");
	for (size_t i = 0; i < spec->n_hubs; i++) {
		xmlw_start(&x, "atom:link");
		xmlw_attr(&x, "href", spec->hubs[i]);
		xmlw_attr(&x, "rel", "hub");
		xmlw_end(&x);
	}
	size_t tombstone = 0;
	for (size_t i = 0; i < spec->n_entries; i++) {
		feed_history_tombstones_before(&x, spec, "atom:", &tombstone,
					       spec->entries[i]);
		write_item(&x, spec, spec->entries[i]);
	}
	feed_history_tombstones_before(&x, spec, "atom:", &tombstone, NULL);
	xmlw_end(&x);
	xmlw_end(&x);
	return xmlw_finish(&x, out, len);
}

enum wf_status
wf_rss_write_entry(const struct wf_feed_spec *spec,
		   const struct wf_article *a, char **out, size_t *len)
{
	struct xmlw x;
	xmlw_begin(&x);
	xmlw_start(&x, "rss");
	xmlw_start(&x, "channel");
	write_item(&x, spec, a);
	xmlw_end(&x);
	xmlw_end(&x);
	char *doc = NULL;
	size_t n = 0;
	enum wf_status st = xmlw_finish(&x, &doc, &n);
	if (st != WF_OK) {
		return st;
	}
	return feed_fragment_cut(doc, n, "<channel>\n", "  </channel>", out,
				 len);
}
