/* SPDX-License-Identifier: MIT */
/* Atom 1.0 feed documents (RFC 4287). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirefeed/feed.h"
#include "feed_history.h"
#include "media.h"
#include "xmlw.h"

static void
write_person(struct xmlw *x, const char *name, const char *uri,
	     const char *email)
{
	xmlw_start(x, "author");
	xmlw_element(x, "name", name);
	xmlw_element(x, "uri", uri);
	xmlw_element(x, "email", email);
	xmlw_end(x);
}

static void
write_link(struct xmlw *x, const char *rel, const char *type,
	   const char *href)
{
	xmlw_start(x, "link");
	xmlw_attr(x, "rel", rel);
	xmlw_attr(x, "type", type);
	xmlw_attr(x, "href", href);
	xmlw_end(x);
}

static void
write_entry(struct xmlw *x, const struct wf_feed_spec *spec,
	    const struct wf_article *a)
{
	xmlw_start(x, "entry");
	xmlw_element(x, "id", a->id);
	xmlw_element(x, "title", a->title);
	xmlw_time_element(x, "updated", a->updated);
	xmlw_time_element(x, "published", a->published);
	for (size_t i = 0; i < a->n_authors; i++) {
		write_person(x, a->authors[i].name, a->authors[i].uri,
			     a->authors[i].email);
	}
	if (a->n_authors == 0) {
		write_person(x, spec->default_author, NULL, NULL);
	}
	for (size_t i = 0; i < a->n_sections; i++) {
		xmlw_start(x, "category");
		xmlw_attr(x, "term", a->sections[i].term);
		xmlw_attr(x, "label", a->sections[i].label);
		xmlw_end(x);
	}
	if (a->link) {
		write_link(x, "alternate", "text/html", a->link);
	}
	if (a->image) {
		char length[32];
		snprintf(length, sizeof(length), "%lld",
			 (long long)a->image->length);
		xmlw_start(x, "link");
		xmlw_attr(x, "rel", "enclosure");
		xmlw_attr(x, "type", a->image->type);
		xmlw_attr(x, "href", a->image->url);
		if (a->image->length > 0) {
			xmlw_attr(x, "length", length);
		}
		xmlw_attr(x, "title", a->image->caption);
		xmlw_end(x);
	}
	if (a->summary) {
		xmlw_start(x, "summary");
		xmlw_attr(x, "type", "text");
		xmlw_text(x, a->summary);
		xmlw_end(x);
	}
	char *html = wf_feed_entry_html(a);
	xmlw_start(x, "content");
	xmlw_attr(x, "type", "html");
	xmlw_text(x, html);
	xmlw_end(x);
	free(html);
	xmlw_element(x, "rights", a->rights);
	/* after summary and content, for feedparser (see rss_writer.c) */
	if (a->image) {
		media_write_content(x, a->image);
	}
	xmlw_end(x);
}

enum wf_status
wf_atom_write(const struct wf_feed_spec *spec, char **out, size_t *len)
{
	struct xmlw x;
	xmlw_begin(&x);
	xmlw_start(&x, "feed");
	xmlw_attr(&x, "xmlns", "http://www.w3.org/2005/Atom");
	if (media_is_used(spec)) {
		xmlw_attr(&x, "xmlns:media", MEDIA_NS);
	}
	xmlw_attr(&x, "xml:lang", spec->language);
	feed_history_namespaces(&x, spec);
	xmlw_element(&x, "id", spec->id);
	xmlw_element(&x, "title", spec->title);
	xmlw_element(&x, "subtitle", spec->subtitle);
	xmlw_time_element(&x, "updated", spec->updated);
	write_link(&x, "self", "application/atom+xml", spec->atom_url);
	for (size_t i = 0; i < spec->n_hubs; i++) {
		write_link(&x, "hub", NULL, spec->hubs[i]);
	}
	write_link(&x, "alternate", "text/html", spec->site_url);
	if (spec->rss_url) {
		write_link(&x, "alternate", "application/rss+xml",
			   spec->rss_url);
	}
	if (spec->json_url) {
		write_link(&x, "alternate", "application/feed+json",
			   spec->json_url);
	}
	feed_history_links(&x, spec, "link", "atom.xml", "application/atom+xml");
	write_person(&x, spec->default_author, NULL, NULL);
	xmlw_element(&x, "rights", spec->rights);
	xmlw_start(&x, "generator");
	xmlw_attr(&x, "uri", WF_GENERATOR_URI);
	xmlw_attr(&x, "version", WF_VERSION);
	xmlw_text(&x, WF_GENERATOR_NAME);
	xmlw_end(&x);
	feed_history_tombstones(&x, spec, "");
	size_t tombstone = 0;
	for (size_t i = 0; i < spec->n_entries; i++) {
		feed_history_tombstones_before(&x, spec, "", &tombstone,
					       spec->entries[i]);
		write_entry(&x, spec, spec->entries[i]);
	}
	feed_history_tombstones_before(&x, spec, "", &tombstone, NULL);
	xmlw_end(&x);
	return xmlw_finish(&x, out, len);
}

/* Between the root's start tag and its end tag, as the writer lays it out
 * inside a document: @open is the last start tag before the fragment. */
enum wf_status
feed_fragment_cut(char *doc, size_t len, const char *open, const char *close,
		  char **out, size_t *out_len)
{
	char *from = strstr(doc, open);
	char *to = NULL;
	for (char *p = from; p && (p = strstr(p, close)) != NULL; p++) {
		to = p;
	}
	if (!from || !to || to < from + strlen(open)) {
		free(doc);
		return WF_ERR_XML;
	}
	from += strlen(open);
	size_t n = (size_t)(to - from);
	memmove(doc, from, n);
	doc[n] = '\0';
	*out = doc;
	*out_len = n;
	(void)len;
	return WF_OK;
}

enum wf_status
wf_atom_write_entry(const struct wf_feed_spec *spec,
		    const struct wf_article *a, char **out, size_t *len)
{
	struct xmlw x;
	xmlw_begin(&x);
	xmlw_start(&x, "feed");
	write_entry(&x, spec, a);
	xmlw_end(&x);
	char *doc = NULL;
	size_t n = 0;
	enum wf_status st = xmlw_finish(&x, &doc, &n);
	if (st != WF_OK) {
		return st;
	}
	return feed_fragment_cut(doc, n, "<feed>\n", "</feed>", out, len);
}
