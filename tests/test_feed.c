/* SPDX-License-Identifier: MIT */
/* Feed selection and the Atom and RSS writers: update semantics, order,
 * well-formedness whatever the strings, determinism, own-validator clean. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/entities.h>

#include "wirefeed/feed.h"
#include "wirefeed/validate.h"
#include "helpers.h"
#include "xmlw.h"

static struct wf_time
t(const char *rfc3339)
{
	struct wf_time out;
	const char *why = NULL;
	ck_assert_msg(wf_time_parse_rfc3339(rfc3339, &out, &why) == WF_OK,
		      "%s: %s", rfc3339, why);
	return out;
}

static struct wf_article *
story(const char *uuid_tail, const char *title, const char *published,
      const char *updated)
{
	struct wf_article *a = wf_article_create();
	char id[64];
	snprintf(id, sizeof(id), "urn:uuid:00000000-0000-4000-8000-%s", uuid_tail);
	wf_article_set_string(&a->id, id);
	wf_article_set_string(&a->title, title);
	a->published = t(published);
	a->updated = t(updated);
	return a;
}

/* A small wire: five stories, one withdrawn, one tie on updated. */
struct fixture {
	struct wf_article *a[5];
	struct wf_feed_spec spec;
	const struct wf_article **entries;
};

static void
fixture_init(struct fixture *f, size_t max)
{
	f->a[0] = story("000000000001", "Oldest", "2021-12-29T08:00:00-05:00",
			"2021-12-29T08:00:00-05:00");
	f->a[1] = story("000000000002", "Corrected", "2021-12-30T09:39:00-05:00",
			"2021-12-30T13:12:00-05:00");
	wf_article_add_correction(f->a[1], t("2021-12-30T13:12:00-05:00"),
				  "An earlier version misstated the time of the call.");
	wf_article_add_author(f->a[1], "Kim Park", NULL, "kim@example.org");
	wf_article_add_author(f->a[1], "Lee Roy", NULL, NULL);
	wf_article_add_section(f->a[1], "politics", "Politics");
	wf_article_set_string(&f->a[1]->content_html, "<p>Body text.</p>");
	wf_article_set_string(&f->a[1]->summary, "Fish & chips < 5 \"pounds\"");
	wf_article_set_string(&f->a[1]->link, "https://example.org/s/2");
	/* same updated instant as a[1], other offset: tie broken by id */
	f->a[2] = story("000000000003", "Tie", "2021-12-30T10:00:00-05:00",
			"2021-12-30T18:12:00Z");
	f->a[3] = story("000000000004", "Withdrawn", "2021-12-30T11:00:00-05:00",
			"2021-12-30T11:00:00-05:00");
	f->a[3]->status = WF_ARTICLE_WITHDRAWN;
	f->a[3]->withdrawn_at = t("2021-12-30T12:00:00-05:00");
	f->a[4] = story("000000000005", "Summer", "2021-07-01T09:00:00-04:00",
			"2021-12-30T12:00:00-05:00");
	f->a[4]->image = calloc(1, sizeof(*f->a[4]->image));
	f->a[4]->image->url = strdup("https://example.org/photo.jpg");
	f->a[4]->image->type = strdup("image/jpeg");
	f->a[4]->image->length = 12345;
	f->a[4]->image->caption = strdup("Boats at dusk.");
	f->a[4]->image->credit = strdup("Photo: J. Doe");

	memset(&f->spec, 0, sizeof(f->spec));
	f->spec.n_entries = wf_feed_select((const struct wf_article *const *)f->a,
					   5, NULL, max, &f->entries);
	f->spec.entries = f->entries;
	f->spec.updated = wf_feed_newest(f->entries, f->spec.n_entries,
					 (struct wf_time){ 0, 0, 0 });
	f->spec.id = "urn:uuid:5f0c9a52-8a7e-4c1e-9d2b-6b1f3e4a7c10";
	f->spec.title = "Test Wire";
	f->spec.site_url = "https://example.org/";
	f->spec.atom_url = "https://feeds.example.org/atom.xml";
	f->spec.rss_url = "https://feeds.example.org/rss.xml";
	f->spec.language = "en-us";
	f->spec.default_author = "Wire Desk";
	f->spec.ttl_minutes = 5;
}

static void
fixture_fini(struct fixture *f)
{
	for (int i = 0; i < 5; i++) {
		wf_article_destroy(f->a[i]);
	}
	free(f->entries);
}

/* XPath helpers over a parsed output document. */
struct doc {
	xmlDocPtr doc;
	xmlXPathContextPtr ctx;
};

static void
doc_parse(struct doc *d, const char *text, size_t len)
{
	d->doc = xmlReadMemory(text, (int)len, "out.xml", NULL,
			       XML_PARSE_NONET | XML_PARSE_NOERROR |
				       XML_PARSE_NOWARNING);
	ck_assert_msg(d->doc != NULL, "output is not well-formed XML");
	d->ctx = xmlXPathNewContext(d->doc);
	xmlXPathRegisterNs(d->ctx, BAD_CAST "a", BAD_CAST "http://www.w3.org/2005/Atom");
	xmlXPathRegisterNs(d->ctx, BAD_CAST "dc", BAD_CAST "http://purl.org/dc/elements/1.1/");
	xmlXPathRegisterNs(d->ctx, BAD_CAST "content",
			   BAD_CAST "http://purl.org/rss/1.0/modules/content/");
	xmlXPathRegisterNs(d->ctx, BAD_CAST "m", BAD_CAST "http://search.yahoo.com/mrss/");
}

static void
doc_free(struct doc *d)
{
	xmlXPathFreeContext(d->ctx);
	xmlFreeDoc(d->doc);
}

/* string(xpath), heap */
static char *
xs(struct doc *d, const char *xpath)
{
	char expr[512];
	snprintf(expr, sizeof(expr), "string(%s)", xpath);
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, d->ctx);
	ck_assert_ptr_nonnull(o);
	char *s = strdup((const char *)o->stringval);
	xmlXPathFreeObject(o);
	return s;
}

static double
xn(struct doc *d, const char *xpath)
{
	char expr[512];
	snprintf(expr, sizeof(expr), "count(%s)", xpath);
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, d->ctx);
	double v = o->floatval;
	xmlXPathFreeObject(o);
	return v;
}

#define ASSERT_XS(d, xpath, want) do { \
	char *got_ = xs(d, xpath); \
	ck_assert_msg(strcmp(got_, want) == 0, "%s = '%s', want '%s'", xpath, got_, want); \
	free(got_); \
} while (0)

static void
assert_validator_clean(const char *text, size_t len, const char *name)
{
	struct wf_validate_report *r = NULL;
	struct wf_validate_options opt = { 0 };
	ck_assert_int_eq(wf_validate_memory(text, len, name, &opt, &r), WF_OK);
	for (size_t i = 0; i < r->n_findings; i++) {
		fprintf(stderr, "%s:%d: %s [%s]\n", name, r->findings[i].line,
			r->findings[i].message, r->findings[i].code);
	}
	ck_assert_uint_eq(r->n_errors, 0);
	ck_assert_uint_eq(r->n_warnings, 0);
	wf_validate_report_destroy(r);
}

START_TEST(select_orders_by_updated_then_id_and_drops_withdrawn)
{
	struct fixture f;
	fixture_init(&f, 50);
	ck_assert_uint_eq(f.spec.n_entries, 4);
	/* a[1] and a[2] share 18:12Z: id order decides, ...0002 first */
	ck_assert_str_eq(f.entries[0]->title, "Corrected");
	ck_assert_str_eq(f.entries[1]->title, "Tie");
	ck_assert_str_eq(f.entries[2]->title, "Summer");
	ck_assert_str_eq(f.entries[3]->title, "Oldest");
	/* feed updated = newest entry updated, not the clock */
	ck_assert_int_eq(f.spec.updated.utc, t("2021-12-30T18:12:00Z").utc);
	fixture_fini(&f);
}
END_TEST

START_TEST(select_limits_to_newest_n_and_filters_sections)
{
	struct fixture f;
	fixture_init(&f, 2);
	ck_assert_uint_eq(f.spec.n_entries, 2);
	ck_assert_str_eq(f.entries[1]->title, "Tie");
	const struct wf_article **pol = NULL;
	size_t n = wf_feed_select((const struct wf_article *const *)f.a, 5,
				  "politics", 50, &pol);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(pol[0]->title, "Corrected");
	free(pol);
	/* an empty feed takes the caller's fallback */
	struct wf_time fb = t("2020-01-01T00:00:00Z");
	ck_assert_int_eq(wf_feed_newest(NULL, 0, fb).utc, fb.utc);
	fixture_fini(&f);
}
END_TEST

/* Feed order: newest updated first, ties by id. */
static int
by_feed_order(const void *x, const void *y)
{
	const struct wf_article *a = *(const struct wf_article *const *)x;
	const struct wf_article *b = *(const struct wf_article *const *)y;
	int c = wf_time_compare(b->updated, a->updated);
	return c ? c : strcmp(a->id, b->id);
}

/* The top-N selection equals sorting everything and taking the first N,
 * for every section, on a shuffled wire with many ties. */
START_TEST(select_equals_sort_and_take)
{
	enum { N = 600 };
	static const char *sections[] = { "politics", "science", "sports" };
	struct wf_article *a[N];
	unsigned seed = 12345;
	for (size_t i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		a[i] = wf_article_create();
		char id[64];
		/* distinct ids, in an order unrelated to i */
		snprintf(id, sizeof(id), "urn:uuid:00000000-0000-4000-8000-%012zu",
			 i * 7919 % 1000);
		wf_article_set_string(&a[i]->id, id);
		/* 40 distinct times: plenty of ties broken by id */
		a[i]->updated.utc = 1640887920 + (int64_t)((seed >> 4) % 40) * 60;
		a[i]->published = a[i]->updated;
		a[i]->status = (seed >> 3) % 11 == 0 ? WF_ARTICLE_WITHDRAWN
						     : WF_ARTICLE_PUBLISHED;
		if ((seed >> 5) % 2) {
			wf_article_add_section(a[i], sections[(seed >> 6) % 3], NULL);
		}
		if ((seed >> 7) % 5 == 0) {
			wf_article_add_section(a[i], sections[(seed >> 9) % 3], NULL);
		}
	}
	const size_t maxes[] = { 1, 7, 50, N };
	for (size_t m = 0; m < 4; m++) {
		for (int s = -1; s < 3; s++) {
			const char *section = s < 0 ? NULL : sections[s];
			const struct wf_article *want[N];
			size_t n_want = 0;
			for (size_t i = 0; i < N; i++) {
				if (a[i]->status == WF_ARTICLE_PUBLISHED &&
				    (!section || wf_article_in_section(a[i], section))) {
					want[n_want++] = a[i];
				}
			}
			qsort(want, n_want, sizeof(*want), by_feed_order);
			if (n_want > maxes[m]) {
				n_want = maxes[m];
			}
			const struct wf_article **got = NULL;
			size_t n = wf_feed_select((const struct wf_article *const *)a,
						  N, section, maxes[m], &got);
			ck_assert_uint_eq(n, n_want);
			for (size_t i = 0; i < n; i++) {
				ck_assert_ptr_eq(got[i], want[i]);
			}
			free(got);
		}
	}
	for (size_t i = 0; i < N; i++) {
		wf_article_destroy(a[i]);
	}
}
END_TEST

/* Several feeds in one pass equal each feed sorted on its own, with the
 * wire in date order (as dated file names give it, where the selection
 * rejects most stories with one comparison) and with a section too small
 * to fill its feed (which must still get its stories). */
START_TEST(select_many_equals_sort_and_take_per_feed)
{
	enum { N = 3000, MAX = 20 };
	static const char *sections[] = { NULL, "politics", "science", "rare" };
	struct wf_article *a[N];
	unsigned seed = 777;
	for (size_t i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		a[i] = wf_article_create();
		char id[64];
		snprintf(id, sizeof(id), "urn:uuid:00000000-0000-4000-8000-%012zu",
			 i * 7919 % 5000);
		wf_article_set_string(&a[i]->id, id);
		/* mostly ascending, with ties and some stories out of order */
		a[i]->updated.utc = 1640887920 + (int64_t)(i / 3) * 60 -
				    ((seed >> 8) % 7 == 0 ? 86400 : 0);
		a[i]->published = a[i]->updated;
		a[i]->status = (seed >> 3) % 13 == 0 ? WF_ARTICLE_WITHDRAWN
						     : WF_ARTICLE_PUBLISHED;
		wf_article_add_section(a[i], (seed >> 5) % 2 ? "politics" : "science",
				       NULL);
		if (i == 5 || i == 1500 || i == 2990) {
			wf_article_add_section(a[i], "rare", NULL);
		}
	}
	size_t *picked[4] = { NULL };
	size_t counts[4] = { 0 };
	wf_feed_select_many((const struct wf_article *const *)a, N, sections, 4,
			    MAX, picked, counts);
	for (size_t k = 0; k < 4; k++) {
		const struct wf_article *want[N];
		size_t n_want = 0;
		for (size_t i = 0; i < N; i++) {
			if (a[i]->status == WF_ARTICLE_PUBLISHED &&
			    (!sections[k] || wf_article_in_section(a[i], sections[k]))) {
				want[n_want++] = a[i];
			}
		}
		qsort(want, n_want, sizeof(*want), by_feed_order);
		if (n_want > MAX) {
			n_want = MAX;
		}
		ck_assert_uint_eq(counts[k], n_want);
		for (size_t i = 0; i < n_want; i++) {
			ck_assert_ptr_eq(a[picked[k][i]], want[i]);
		}
		free(picked[k]);
	}
	ck_assert_uint_eq(counts[3], 3);
	for (size_t i = 0; i < N; i++) {
		wf_article_destroy(a[i]);
	}
}
END_TEST

START_TEST(atom_has_update_semantics)
{
	struct fixture f;
	fixture_init(&f, 50);
	char *out = NULL;
	size_t len = 0;
	ck_assert_int_eq(wf_atom_write(&f.spec, &out, &len), WF_OK);
	struct doc d;
	doc_parse(&d, out, len);
	ASSERT_XS(&d, "/a:feed/a:id", f.spec.id);
	ASSERT_XS(&d, "/a:feed/a:updated", "2021-12-30T13:12:00-05:00");
	ASSERT_XS(&d, "/a:feed/a:link[@rel='self']/@href", f.spec.atom_url);
	ASSERT_XS(&d, "/a:feed/a:link[@rel='alternate' and @type='text/html']/@href",
		  f.spec.site_url);
	ck_assert_int_eq((int)xn(&d, "/a:feed/a:entry"), 4);
	ASSERT_XS(&d, "/a:feed/a:entry[1]/a:id",
		  "urn:uuid:00000000-0000-4000-8000-000000000002");
	ASSERT_XS(&d, "/a:feed/a:entry[1]/a:published", "2021-12-30T09:39:00-05:00");
	ASSERT_XS(&d, "/a:feed/a:entry[1]/a:updated", "2021-12-30T13:12:00-05:00");
	/* times keep their own offsets */
	ASSERT_XS(&d, "/a:feed/a:entry[2]/a:updated", "2021-12-30T18:12:00Z");
	ASSERT_XS(&d, "/a:feed/a:entry[3]/a:published", "2021-07-01T09:00:00-04:00");
	/* bylines, and the default author where there is none */
	ck_assert_int_eq((int)xn(&d, "/a:feed/a:entry[1]/a:author"), 2);
	ASSERT_XS(&d, "/a:feed/a:entry[1]/a:author[1]/a:email", "kim@example.org");
	ASSERT_XS(&d, "/a:feed/a:entry[2]/a:author/a:name", "Wire Desk");
	ASSERT_XS(&d, "/a:feed/a:entry[1]/a:category/@term", "politics");
	ASSERT_XS(&d, "/a:feed/a:entry[1]/a:summary", "Fish & chips < 5 \"pounds\"");
	/* the correction is visible in the content, with its time */
	char *content = xs(&d, "/a:feed/a:entry[1]/a:content[@type='html']");
	ck_assert_ptr_nonnull(strstr(content, "<p>Body text.</p>"));
	ck_assert_ptr_nonnull(strstr(content, "Correction"));
	ck_assert_ptr_nonnull(strstr(content, "2021-12-30T13:12:00-05:00"));
	ck_assert_ptr_nonnull(strstr(content, "misstated the time"));
	ck_assert_ptr_nonnull(strstr(content, "Updated"));
	free(content);
	/* the image as an enclosure link */
	ASSERT_XS(&d, "/a:feed/a:entry[3]/a:link[@rel='enclosure']/@href",
		  "https://example.org/photo.jpg");
	ASSERT_XS(&d, "/a:feed/a:entry[3]/a:link[@rel='enclosure']/@length", "12345");
	ASSERT_XS(&d, "/a:feed/a:entry[3]/a:link[@rel='enclosure']/@type", "image/jpeg");
	doc_free(&d);
	assert_validator_clean(out, len, "atom.xml");
	free(out);
	fixture_fini(&f);
}
END_TEST

START_TEST(rss_has_update_semantics)
{
	struct fixture f;
	fixture_init(&f, 50);
	char *out = NULL;
	size_t len = 0;
	ck_assert_int_eq(wf_rss_write(&f.spec, &out, &len), WF_OK);
	struct doc d;
	doc_parse(&d, out, len);
	ASSERT_XS(&d, "/rss/@version", "2.0");
	ASSERT_XS(&d, "/rss/channel/lastBuildDate", "Thu, 30 Dec 2021 13:12:00 -0500");
	ASSERT_XS(&d, "/rss/channel/a:link[@rel='self']/@href", f.spec.rss_url);
	ck_assert_int_eq((int)xn(&d, "/rss/channel/item"), 4);
	ASSERT_XS(&d, "/rss/channel/item[1]/guid",
		  "urn:uuid:00000000-0000-4000-8000-000000000002");
	ASSERT_XS(&d, "/rss/channel/item[1]/guid/@isPermaLink", "false");
	/* pubDate is the original publication, 4-digit year, numeric zone */
	ASSERT_XS(&d, "/rss/channel/item[1]/pubDate", "Thu, 30 Dec 2021 09:39:00 -0500");
	ASSERT_XS(&d, "/rss/channel/item[3]/pubDate", "Thu, 01 Jul 2021 09:00:00 -0400");
	ASSERT_XS(&d, "/rss/channel/item[1]/a:updated", "2021-12-30T13:12:00-05:00");
	ASSERT_XS(&d, "/rss/channel/item[1]/dc:creator[1]", "Kim Park");
	ASSERT_XS(&d, "/rss/channel/item[1]/dc:creator[2]", "Lee Roy");
	ASSERT_XS(&d, "/rss/channel/item[2]/dc:creator", "Wire Desk");
	ASSERT_XS(&d, "/rss/channel/item[1]/link", "https://example.org/s/2");
	/* description is HTML: the plain-text summary arrives escaped */
	ASSERT_XS(&d, "/rss/channel/item[1]/description",
		  "Fish &amp; chips &lt; 5 &quot;pounds&quot;");
	char *html = xs(&d, "/rss/channel/item[1]/content:encoded");
	ck_assert_ptr_nonnull(strstr(html, "Correction"));
	ck_assert_ptr_nonnull(strstr(html, "misstated the time"));
	free(html);
	ASSERT_XS(&d, "/rss/channel/item[3]/enclosure/@url", "https://example.org/photo.jpg");
	ASSERT_XS(&d, "/rss/channel/item[3]/enclosure/@length", "12345");
	ASSERT_XS(&d, "/rss/channel/item[3]/enclosure/@type", "image/jpeg");
	ASSERT_XS(&d, "/rss/channel/ttl", "5");
	doc_free(&d);
	assert_validator_clean(out, len, "rss.xml");
	free(out);
	fixture_fini(&f);
}
END_TEST

START_TEST(writers_are_deterministic)
{
	struct fixture f;
	fixture_init(&f, 50);
	char *a1, *a2, *r1, *r2;
	size_t la1, la2, lr1, lr2;
	ck_assert_int_eq(wf_atom_write(&f.spec, &a1, &la1), WF_OK);
	ck_assert_int_eq(wf_atom_write(&f.spec, &a2, &la2), WF_OK);
	ck_assert_int_eq(wf_rss_write(&f.spec, &r1, &lr1), WF_OK);
	ck_assert_int_eq(wf_rss_write(&f.spec, &r2, &lr2), WF_OK);
	ck_assert_uint_eq(la1, la2);
	ck_assert_mem_eq(a1, a2, la1);
	ck_assert_uint_eq(lr1, lr2);
	ck_assert_mem_eq(r1, r2, lr1);
	free(a1);
	free(a2);
	free(r1);
	free(r2);
	fixture_fini(&f);
}
END_TEST

START_TEST(hostile_strings_stay_well_formed)
{
	/* Articles built in memory skip the record checks: the writers must
	 * still never emit bytes that break XML. */
	struct fixture f;
	fixture_init(&f, 50);
	struct wf_article *a = (struct wf_article *)f.entries[0];
	wf_article_set_string(&a->title, "Bad \xC3\x28 utf8 \x01\x08\x0B ctl ]]> end");
	wf_article_set_string(&a->summary, "\xED\xA0\x80 surrogate \xF4\x90\x80\x80 too big");
	wf_article_set_string(&a->content_html, "<p>\x1F</p>\xFF\xFE");
	wf_article_set_string(&a->authors[0].name, "\x0C");
	char *out;
	size_t len;
	ck_assert_int_eq(wf_atom_write(&f.spec, &out, &len), WF_OK);
	struct doc d;
	doc_parse(&d, out, len);
	char *title = xs(&d, "/a:feed/a:entry[1]/a:title");
	ck_assert_ptr_null(strchr(title, '\x01'));
	ck_assert_ptr_nonnull(strstr(title, "]]> end"));
	free(title);
	doc_free(&d);
	free(out);
	ck_assert_int_eq(wf_rss_write(&f.spec, &out, &len), WF_OK);
	doc_parse(&d, out, len);
	doc_free(&d);
	free(out);
	fixture_fini(&f);
}
END_TEST

START_TEST(empty_feed_is_valid)
{
	struct fixture f;
	fixture_init(&f, 50);
	f.spec.n_entries = 0;
	f.spec.updated = t("2021-12-30T13:12:00-05:00");
	char *out;
	size_t len;
	ck_assert_int_eq(wf_atom_write(&f.spec, &out, &len), WF_OK);
	struct doc d;
	doc_parse(&d, out, len);
	ck_assert_int_eq((int)xn(&d, "/a:feed/a:entry"), 0);
	/* RFC 4287 needs an author when no entry has one: the feed has it */
	ASSERT_XS(&d, "/a:feed/a:author/a:name", "Wire Desk");
	doc_free(&d);
	assert_validator_clean(out, len, "empty-atom.xml");
	free(out);
	ck_assert_int_eq(wf_rss_write(&f.spec, &out, &len), WF_OK);
	assert_validator_clean(out, len, "empty-rss.xml");
	free(out);
	fixture_fini(&f);
}
END_TEST

/* The story image as Media RSS in both formats: url, type, medium, size,
 * the caption as media:description and the credit as media:credit; the
 * namespace is declared only when an entry has an image. */
START_TEST(image_is_media_rss_in_both_formats)
{
	static const char *const items[] = { "/a:feed/a:entry[3]",
					     "/rss/channel/item[3]" };
	struct fixture f;
	fixture_init(&f, 50);
	for (int k = 0; k < 2; k++) {
		char *out;
		size_t len;
		ck_assert_int_eq(k == 0 ? wf_atom_write(&f.spec, &out, &len)
					: wf_rss_write(&f.spec, &out, &len),
				 WF_OK);
		struct doc d;
		doc_parse(&d, out, len);
		char xp[256];
#define MEDIA_XP(rest) (snprintf(xp, sizeof(xp), "%s/m:content%s", items[k], rest), xp)
		ck_assert_int_eq((int)xn(&d, MEDIA_XP("")), 1);
		ASSERT_XS(&d, MEDIA_XP("/@url"), "https://example.org/photo.jpg");
		ASSERT_XS(&d, MEDIA_XP("/@type"), "image/jpeg");
		ASSERT_XS(&d, MEDIA_XP("/@medium"), "image");
		ASSERT_XS(&d, MEDIA_XP("/@fileSize"), "12345");
		ASSERT_XS(&d, MEDIA_XP("/m:description"), "Boats at dusk.");
		ASSERT_XS(&d, MEDIA_XP("/m:description/@type"), "plain");
		ASSERT_XS(&d, MEDIA_XP("/m:credit"), "Photo: J. Doe");
#undef MEDIA_XP
		/* only the story with an image has one */
		ck_assert_int_eq((int)xn(&d, "//m:content"), 1);
		doc_free(&d);
		assert_validator_clean(out, len, k == 0 ? "atom.xml" : "rss.xml");
		free(out);
	}
	/* no image, no media namespace; no caption or credit, no children */
	f.spec.n_entries = 2;
	char *out;
	size_t len;
	ck_assert_int_eq(wf_atom_write(&f.spec, &out, &len), WF_OK);
	ck_assert_ptr_null(strstr(out, "mrss"));
	free(out);
	ck_assert_int_eq(wf_rss_write(&f.spec, &out, &len), WF_OK);
	ck_assert_ptr_null(strstr(out, "mrss"));
	free(out);
	f.spec.n_entries = 3;
	struct wf_image *img = f.a[4]->image;
	free(img->caption);
	free(img->credit);
	img->caption = img->credit = NULL;
	img->length = 0;
	ck_assert_int_eq(wf_rss_write(&f.spec, &out, &len), WF_OK);
	struct doc d;
	doc_parse(&d, out, len);
	ck_assert_int_eq((int)xn(&d, "//m:content/*"), 0);
	ck_assert_int_eq((int)xn(&d, "//m:content/@fileSize"), 0);
	doc_free(&d);
	assert_validator_clean(out, len, "rss.xml");
	free(out);
	fixture_fini(&f);
}
END_TEST

/* Attribute values keep their UTF-8 as written, byte for byte (a writer
 * without the declared encoding writes "&#xC9;" instead: valid XML, but
 * other bytes and another ETag than the archives frozen before). */
START_TEST(non_ascii_attributes_stay_utf8)
{
	struct fixture f;
	fixture_init(&f, 50);
	struct wf_article *a = (struct wf_article *)f.entries[0];
	wf_article_add_section(a, "economie", "\xc3\x89" "conomie & March\xc3\xa9s");
	char *out;
	size_t len;
	ck_assert_int_eq(wf_atom_write(&f.spec, &out, &len), WF_OK);
	ck_assert_msg(strstr(out, "label=\"\xc3\x89" "conomie &amp; March\xc3\xa9s\""), "%s", out);
	ck_assert_ptr_null(strstr(out, "&#x"));
	free(out);
	char *entry;
	ck_assert_int_eq(wf_atom_write_entry(&f.spec, a, &entry, &len), WF_OK);
	ck_assert_ptr_nonnull(strstr(entry, "label=\"\xc3\x89" "conomie &amp; March\xc3\xa9s\""));
	free(entry);
	fixture_fini(&f);
}
END_TEST

/* xmlw escapes element text itself (one raw write) and must give the
 * bytes libxml2's own xmlTextWriterWriteString() gives: its escaping
 * routine is the oracle, on every special byte at every offset around
 * the sixteen-byte blocks and on random mixes. */
/* <a>text</a><b><c/>text</b> by libxml2's own writer: the text written
 * right after a start tag, and after a child element. */
static char *
written_by_libxml2(const char *text)
{
	xmlBufferPtr mem = xmlBufferCreate();
	xmlTextWriterPtr w = xmlNewTextWriterMemory(mem, 0);
	ck_assert_ptr_nonnull(w);
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, (const xmlChar *)"  ");
	ck_assert_int_ge(xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL), 0);
	ck_assert_int_ge(xmlTextWriterStartElement(w, (const xmlChar *)"r"), 0);
	ck_assert_int_ge(xmlTextWriterStartElement(w, (const xmlChar *)"a"), 0);
	ck_assert_int_ge(xmlTextWriterWriteString(w, (const xmlChar *)text), 0);
	ck_assert_int_ge(xmlTextWriterEndElement(w), 0);
	ck_assert_int_ge(xmlTextWriterStartElement(w, (const xmlChar *)"b"), 0);
	ck_assert_int_ge(xmlTextWriterStartElement(w, (const xmlChar *)"c"), 0);
	ck_assert_int_ge(xmlTextWriterEndElement(w), 0);
	ck_assert_int_ge(xmlTextWriterWriteString(w, (const xmlChar *)text), 0);
	ck_assert_int_ge(xmlTextWriterEndElement(w), 0);
	ck_assert_int_ge(xmlTextWriterEndDocument(w), 0);
	xmlFreeTextWriter(w);
	char *out = strdup((const char *)xmlBufferContent(mem));
	xmlBufferFree(mem);
	return out;
}

/* The same document by xmlw. */
static char *
written_by_xmlw(const char *text)
{
	struct xmlw x;
	xmlw_begin(&x);
	xmlw_start(&x, "r");
	xmlw_element(&x, "a", text);
	xmlw_start(&x, "b");
	xmlw_start(&x, "c");
	xmlw_end(&x);
	xmlw_text(&x, text);
	xmlw_end(&x);
	xmlw_end(&x);
	char *out = NULL;
	size_t len = 0;
	ck_assert_int_eq(xmlw_finish(&x, &out, &len), WF_OK);
	return out;
}

static void
check_escape(const char *text, size_t len)
{
	struct buf out;
	buf_init(&out, (size_t)1 << 30);
	ck_assert_int_eq(xmlw_escape_text(&out, text, len), WF_OK);
	xmlChar *want = xmlEncodeSpecialChars(NULL, (const xmlChar *)text);
	ck_assert_uint_eq(out.len, strlen((const char *)want));
	ck_assert_msg(memcmp(out.data, want, out.len) == 0, "%s != %s",
		      out.data, (const char *)want);
	xmlFree(want);
	buf_finish(&out);
	/* and through the writers, where it counts */
	char *lib = written_by_libxml2(text);
	char *ours = written_by_xmlw(text);
	ck_assert_str_eq(ours, lib);
	free(lib);
	free(ours);
}

START_TEST(text_is_escaped_as_libxml2_escapes_it)
{
	const char special[] = "<>&\"\r\n'\t";
	char text[80];
	for (size_t c = 0; special[c]; c++) {
		for (size_t at = 0; at < 40; at++) {
			memset(text, 'a', sizeof(text));
			text[at] = special[c];
			text[at + 33] = special[(c + 1) % (sizeof(special) - 1)];
			text[at + 34] = '\0';
			check_escape(text, at + 34);
		}
	}
	check_escape("", 0);
	const char *utf8 = "\xc3\xa9<\xe2\x80\x94>&\xf0\x9f\x93\xb0\"";
	check_escape(utf8, strlen(utf8));
	unsigned seed = 12345;
	const char alphabet[] = "ab <>&\"\r\n\xc3\xa9";
	for (int round = 0; round < 2000; round++) {
		char mix[200];
		size_t len = (size_t)(rand_r(&seed) % (sizeof(mix) - 1));
		for (size_t i = 0; i < len; i++) {
			char ch = alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];
			/* keep the UTF-8 pair whole: \xc3 is always followed by \xa9 */
			mix[i] = ch == '\xa9' ? 'b' : ch;
			if (ch == '\xc3') {
				if (i + 1 < len) {
					mix[++i] = '\xa9';
				} else {
					mix[i] = 'a';
				}
			}
		}
		mix[len] = '\0';
		check_escape(mix, len);
	}
}
END_TEST

START_TEST(entry_html_escapes_plain_text_fields)
{
	struct wf_article *a = story("000000000009", "T", "2021-12-30T09:39:00-05:00",
				     "2021-12-30T09:39:00-05:00");
	wf_article_set_string(&a->dateline, "R&D <CITY>");
	wf_article_set_string(&a->source, "\"Wire\"");
	wf_article_set_string(&a->summary, "a < b");
	char *html = wf_feed_entry_html(a);
	ck_assert_str_eq(html, "<p class=\"dateline\">R&amp;D &lt;CITY&gt; (&quot;Wire&quot;)</p>"
			       "<p>a &lt; b</p>");
	free(html);
	wf_article_destroy(a);
}
END_TEST

int
main(void)
{
	xmlInitParser();
	Suite *s = suite_create("feed");
	TCase *sel = tcase_create("select");
	tcase_add_test(sel, select_orders_by_updated_then_id_and_drops_withdrawn);
	tcase_add_test(sel, select_limits_to_newest_n_and_filters_sections);
	tcase_add_test(sel, select_equals_sort_and_take);
	tcase_add_test(sel, select_many_equals_sort_and_take_per_feed);
	suite_add_tcase(s, sel);
	TCase *w = tcase_create("writers");
	tcase_add_test(w, atom_has_update_semantics);
	tcase_add_test(w, rss_has_update_semantics);
	tcase_add_test(w, writers_are_deterministic);
	tcase_add_test(w, hostile_strings_stay_well_formed);
	tcase_add_test(w, empty_feed_is_valid);
	tcase_add_test(w, image_is_media_rss_in_both_formats);
	tcase_add_test(w, non_ascii_attributes_stay_utf8);
	tcase_add_test(w, text_is_escaped_as_libxml2_escapes_it);
	tcase_add_test(w, entry_html_escapes_plain_text_fields);
	suite_add_tcase(s, w);
	return helpers_run_suite(s);
}
