/* SPDX-License-Identifier: MIT */
/* RFC 3229 feed deltas: A-IM parsing, finding entries in the writers'
 * output, the delta document, the version history and the 226/200
 * choice. Feeds come from the real Atom and RSS writers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "wirefeed/feed.h"
#include "wirefeed/feedset.h"
#include "feed_delta.h"
#include "hash64.h"
#include "helpers.h"

/* A story in a test feed: id tail, title, updated (minutes after a base). */
struct story {
	const char *id_tail;
	const char *title;
	int updated_min;
};

static struct wf_article *
make_article(const struct story *s)
{
	struct wf_article *a = wf_article_create();
	char id[64];
	snprintf(id, sizeof(id), "urn:uuid:00000000-0000-4000-8000-%s",
		 s->id_tail);
	wf_article_set_string(&a->id, id);
	wf_article_set_string(&a->title, s->title);
	wf_article_set_string(&a->content_html,
			      "<p>A paragraph of story text long enough that an entry weighs a few hundred bytes, as real ones do.</p>");
	a->published = (struct wf_time){ .utc = 1700000000, .offset_s = 0 };
	a->updated = (struct wf_time){ .utc = 1700000000 + s->updated_min * 60,
				       .offset_s = 0 };
	return a;
}

/* Render @n stories (given newest first) as the feed @kind, with the
 * tombstones (RFC 6721) of the @n_gone withdrawn stories @gone (newest
 * first; updated_min is the withdrawal's time), into a set holding
 * "atom.xml" or "rss.xml". */
static struct wf_feedset *
render_with(enum wf_file_kind kind, const struct story *stories, size_t n,
	    const struct story *gone, size_t n_gone)
{
	struct wf_article **a = calloc(n ? n : 1, sizeof(*a));
	for (size_t i = 0; i < n; i++) {
		a[i] = make_article(&stories[i]);
	}
	struct wf_article **w = calloc(n_gone ? n_gone : 1, sizeof(*w));
	for (size_t i = 0; i < n_gone; i++) {
		w[i] = make_article(&gone[i]);
		w[i]->status = WF_ARTICLE_WITHDRAWN;
		w[i]->withdrawn_at = w[i]->updated;
		wf_article_set_string(&w[i]->withdrawn_reason, "Withdrawn.");
	}
	struct wf_feed_spec spec = {
		.id = "urn:uuid:5f0c9a52-8a7e-4c1e-9d2b-6b1f3e4a7c10",
		.title = "Test Wire",
		.site_url = "https://example.org/",
		.atom_url = "https://example.org/atom.xml",
		.rss_url = "https://example.org/rss.xml",
		.default_author = "Desk",
		.entries = (const struct wf_article *const *)a,
		.n_entries = n,
		.updated = n ? a[0]->updated : (struct wf_time){ 0 },
		.withdrawn = (const struct wf_article *const *)w,
		.n_withdrawn = n_gone,
	};
	char *data = NULL;
	size_t len = 0;
	enum wf_status st = kind == WF_FILE_ATOM ? wf_atom_write(&spec, &data, &len)
						 : wf_rss_write(&spec, &data, &len);
	ck_assert_int_eq(st, WF_OK);
	struct wf_feedset *set = wf_feedset_create();
	wf_feedset_add(set, kind == WF_FILE_ATOM ? "atom.xml" : "rss.xml", kind,
		       data, len, spec.updated, "Test Wire", n);
	for (size_t i = 0; i < n; i++) {
		wf_article_destroy(a[i]);
	}
	free(a);
	for (size_t i = 0; i < n_gone; i++) {
		wf_article_destroy(w[i]);
	}
	free(w);
	return set;
}

static struct wf_feedset *
render(enum wf_file_kind kind, const struct story *stories, size_t n)
{
	return render_with(kind, stories, n, NULL, 0);
}

/* The ids of the entries in a feed document, space-separated tails. */
static void
entry_tails(const char *data, size_t len, char *out, size_t size)
{
	xmlDocPtr doc = xmlReadMemory(data, (int)len, NULL, NULL,
				      XML_PARSE_NONET);
	ck_assert_msg(doc != NULL, "delta is not well-formed XML");
	out[0] = '\0';
	const char *p = data;
	const char *marker = "urn:uuid:00000000-0000-4000-8000-";
	while ((p = strstr(p, marker)) != NULL) {
		p += strlen(marker);
		size_t used = strlen(out);
		snprintf(out + used, size - used, "%s%.12s", used ? " " : "", p);
	}
	xmlFreeDoc(doc);
}

static const struct story five[] = {
	{ "000000000005", "Five", 50 }, { "000000000004", "Four", 40 },
	{ "000000000003", "Three", 30 }, { "000000000002", "Two", 20 },
	{ "000000000001", "One", 10 },
};

/* ---- A-IM ------------------------------------------------------------ */

START_TEST(a_im_feed_is_recognized)
{
	static const struct {
		const char *field;
		bool requested;
	} cases[] = {
		{ "feed", true },	     { "FEED", true },
		{ "gzip, feed", true },	     { " feed , vcdiff", true },
		{ "feed;q=0.5", true },	     { "feed; q=1", true },
		{ "feed;q=0", false },	     { "feed; q=0.000", false },
		{ "vcdiff", false },	     { "feeds", false },
		{ "", false },		     { "gzip;q=0, feed", true },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(feed_delta_is_requested(cases[i].field) ==
				      cases[i].requested,
			      "A-IM: %s", cases[i].field);
	}
	ck_assert(!feed_delta_is_requested(NULL));
}
END_TEST

/* ---- finding entries --------------------------------------------------- */

static void
check_index(enum wf_file_kind kind)
{
	struct wf_feedset *set = render(kind, five, 5);
	const struct wf_rendered_file *f = &set->files[0];
	struct feed_delta_index ix;
	ck_assert(feed_delta_index_parse(f->data, f->len, kind, &ix));
	ck_assert_uint_eq(ix.n_entries, 5);
	/* head, entries and tail tile the document */
	ck_assert_uint_eq(ix.entries[0].start, ix.head_end);
	for (size_t i = 1; i < 5; i++) {
		ck_assert_uint_eq(ix.entries[i].start, ix.entries[i - 1].end);
		ck_assert_uint_ne(ix.entries[i].id, ix.entries[i - 1].id);
	}
	ck_assert_uint_eq(ix.entries[4].end, ix.tail_start);
	const char *open = kind == WF_FILE_ATOM ? "<entry>" : "<item>";
	ck_assert_ptr_nonnull(strstr(f->data + ix.entries[2].start, open));
	ck_assert_ptr_null(strstr(f->data + ix.tail_start, open));
	feed_delta_index_finish(&ix);
	wf_feedset_unref(set);
}

START_TEST(finds_the_entries_of_an_atom_feed)
{
	check_index(WF_FILE_ATOM);
}
END_TEST

START_TEST(finds_the_items_of_an_rss_channel)
{
	check_index(WF_FILE_RSS);
}
END_TEST

START_TEST(refuses_what_is_not_a_feed)
{
	struct feed_delta_index ix;
	const char *html = "<!DOCTYPE html><html></html>";
	ck_assert(!feed_delta_index_parse(html, strlen(html), WF_FILE_HTML, &ix));
	/* cut short: an entry without its end, or no closing tag */
	const char *cut = "<feed><entry><id>x</id>";
	ck_assert(!feed_delta_index_parse(cut, strlen(cut), WF_FILE_ATOM, &ix));
	const char *open = "<feed><entry><id>x</id></entry>";
	ck_assert(!feed_delta_index_parse(open, strlen(open), WF_FILE_ATOM, &ix));
	const char *between = "<feed>\n  <entry><id>a</id></entry>\n  <x/>\n  <entry><id>b</id></entry>\n</feed>\n";
	ck_assert(!feed_delta_index_parse(between, strlen(between), WF_FILE_ATOM, &ix));
	const char *no_id = "<feed><entry><title>x</title></entry></feed>";
	ck_assert(!feed_delta_index_parse(no_id, strlen(no_id), WF_FILE_ATOM, &ix));
	/* an empty feed is a feed */
	const char *empty = "<feed>\n  <id>x</id>\n</feed>\n";
	ck_assert(feed_delta_index_parse(empty, strlen(empty), WF_FILE_ATOM, &ix));
	ck_assert_uint_eq(ix.n_entries, 0);
	ck_assert_uint_eq(ix.head_end, strlen("<feed>\n  <id>x</id>\n"));
	feed_delta_index_finish(&ix);
}
END_TEST

/* ---- the delta --------------------------------------------------------- */

/* A feed's stories and its tombstones. */
struct version {
	const struct story *stories;
	size_t n;
	const struct story *gone;
	size_t n_gone;
};

/* The delta of @now against @before, as the id tails of its entries and
 * tombstones ("" when none). */
static enum feed_delta_result
delta_between(enum wf_file_kind kind, struct version before,
	      struct version now, char *tails, size_t size)
{
	struct feed_history *h = feed_history_create(4);
	struct wf_feedset *old = render_with(kind, before.stories, before.n,
					     before.gone, before.n_gone);
	struct wf_feedset *cur = render_with(kind, now.stories, now.n, now.gone,
					     now.n_gone);
	feed_deltas_destroy(feed_history_add(h, &old->files[0], NULL));
	struct feed_deltas *d = feed_history_add(h, &cur->files[0], NULL);
	ck_assert_ptr_nonnull(d);
	const struct wf_rendered_file *f = &cur->files[0];
	struct feed_delta_index ix;
	ck_assert(feed_delta_index_parse(f->data, f->len, kind, &ix));
	struct feed_delta_version v = { .n = 0 };
	/* the old version as the history recorded it */
	struct feed_delta_index oix;
	ck_assert(feed_delta_index_parse(old->files[0].data, old->files[0].len,
					 kind, &oix));
	v.n = oix.n_entries;
	v.ids = calloc(v.n + 1, sizeof(*v.ids));
	v.digests = calloc(v.n + 1, sizeof(*v.digests));
	for (size_t i = 0; i < v.n; i++) {
		v.ids[i] = oix.entries[i].id;
		v.digests[i] = oix.entries[i].digest;
	}
	char *out = NULL;
	size_t out_len = 0;
	enum feed_delta_result r = feed_delta_make(f->data, f->len, &ix, &v,
						   &out, &out_len);
	tails[0] = '\0';
	if (r == FEED_DELTA_OK) {
		ck_assert_uint_lt(out_len, f->len);
		ck_assert_uint_eq(strlen(out), out_len);
		entry_tails(out, out_len, tails, size);
		/* the head is the full feed's head */
		ck_assert_int_eq(memcmp(out, f->data, ix.head_end), 0);
		free(out);
	}
	free(v.ids);
	free(v.digests);
	feed_delta_index_finish(&ix);
	feed_delta_index_finish(&oix);
	feed_deltas_destroy(d);
	feed_history_destroy(h);
	wf_feedset_unref(old);
	wf_feedset_unref(cur);
	return r;
}

static enum feed_delta_result
delta_of(enum wf_file_kind kind, const struct story *before, size_t n_before,
	 const struct story *now, size_t n_now, char *tails, size_t size)
{
	return delta_between(kind, (struct version){ before, n_before, NULL, 0 },
			     (struct version){ now, n_now, NULL, 0 }, tails,
			     size);
}

static void
check_two_edits(enum wf_file_kind kind)
{
	/* Two updated (they move to the top), three untouched. */
	static const struct story edited[] = {
		{ "000000000002", "Two, updated", 70 },
		{ "000000000004", "Four, corrected", 60 },
		{ "000000000005", "Five", 50 },
		{ "000000000003", "Three", 30 },
		{ "000000000001", "One", 10 },
	};
	char tails[256];
	ck_assert_int_eq(delta_of(kind, five, 5, edited, 5, tails, sizeof(tails)),
			 FEED_DELTA_OK);
	ck_assert_str_eq(tails, "000000000002 000000000004");
}

START_TEST(atom_delta_holds_only_the_two_edited_entries)
{
	check_two_edits(WF_FILE_ATOM);
}
END_TEST

START_TEST(rss_delta_holds_only_the_two_edited_items)
{
	check_two_edits(WF_FILE_RSS);
}
END_TEST

START_TEST(minor_edit_in_place_is_in_the_delta)
{
	/* a silent edit: bytes change, the position does not */
	static const struct story minor[] = {
		{ "000000000005", "Five", 50 }, { "000000000004", "Four", 40 },
		{ "000000000003", "Three (typo fixed)", 30 },
		{ "000000000002", "Two", 20 },	{ "000000000001", "One", 10 },
	};
	char tails[256];
	ck_assert_int_eq(delta_of(WF_FILE_ATOM, five, 5, minor, 5, tails,
				  sizeof(tails)),
			 FEED_DELTA_OK);
	ck_assert_str_eq(tails, "000000000003");
}
END_TEST

START_TEST(story_pushing_the_oldest_out_of_a_full_feed_is_a_delta)
{
	static const struct story pushed[] = {
		{ "000000000006", "Six", 60 }, { "000000000005", "Five", 50 },
		{ "000000000004", "Four", 40 }, { "000000000003", "Three", 30 },
		{ "000000000002", "Two", 20 },
	};
	char tails[256];
	ck_assert_int_eq(delta_of(WF_FILE_ATOM, five, 5, pushed, 5, tails,
				  sizeof(tails)),
			 FEED_DELTA_OK);
	ck_assert_str_eq(tails, "000000000006");
}
END_TEST

START_TEST(withdrawal_gives_the_full_feed)
{
	char tails[256];
	/* from the middle: the feed shrinks */
	static const struct story middle[] = {
		{ "000000000005", "Five", 50 }, { "000000000004", "Four", 40 },
		{ "000000000002", "Two", 20 },	{ "000000000001", "One", 10 },
	};
	ck_assert_int_eq(delta_of(WF_FILE_ATOM, five, 5, middle, 4, tails,
				  sizeof(tails)),
			 FEED_DELTA_REMOVED);
	/* the oldest of a feed that is not full */
	ck_assert_int_eq(delta_of(WF_FILE_ATOM, five, 5, five, 4, tails,
				  sizeof(tails)),
			 FEED_DELTA_REMOVED);
	/* from a full feed: an older story comes in from below */
	static const struct story refilled[] = {
		{ "000000000005", "Five", 50 }, { "000000000004", "Four", 40 },
		{ "000000000002", "Two", 20 },	{ "000000000001", "One", 10 },
		{ "000000000000", "Zero", 5 },
	};
	ck_assert_int_eq(delta_of(WF_FILE_RSS, five, 5, refilled, 5, tails,
				  sizeof(tails)),
			 FEED_DELTA_REMOVED);
}
END_TEST

/* A story withdrawn at minute 35: its tombstone sorts between Four (40)
 * and Three (30), among the entries, as the writers place it. */
static const struct story withdrawn_35[] = {
	{ "00000000000a", "Withdrawn", 35 },
};

START_TEST(tombstones_among_entries_are_indexed)
{
	for (int k = 0; k < 2; k++) {
		enum wf_file_kind kind = k ? WF_FILE_RSS : WF_FILE_ATOM;
		struct wf_feedset *set = render_with(kind, five, 5, withdrawn_35, 1);
		const struct wf_rendered_file *f = &set->files[0];
		struct feed_delta_index ix;
		ck_assert_msg(feed_delta_index_parse(f->data, f->len, kind, &ix),
			      "a feed with a tombstone among its entries is refused");
		ck_assert_uint_eq(ix.n_entries, 6);
		/* the third is the tombstone, whole, and keyed apart from an
		 * entry of the same id */
		const char *t = f->data + ix.entries[2].start;
		size_t t_len = ix.entries[2].end - ix.entries[2].start;
		ck_assert_int_eq(strncmp(t + strspn(t, " "), "<at:deleted-entry ",
					 strlen("<at:deleted-entry ")),
				 0);
		ck_assert_int_eq(memcmp(t + t_len - strlen("</at:deleted-entry>\n"),
					"</at:deleted-entry>\n",
					strlen("</at:deleted-entry>\n")),
				 0);
		const char *ref = "urn:uuid:00000000-0000-4000-8000-00000000000a";
		ck_assert(ix.entries[2].id != hash64(ref, strlen(ref)));
		ck_assert(ix.entries[2].id ==
			  (hash64(ref, strlen(ref)) ^ FEED_DELTA_TOMBSTONE));
		ck_assert_uint_eq(ix.entries[1].end, ix.entries[2].start);
		ck_assert_uint_eq(ix.entries[2].end, ix.entries[3].start);
		feed_delta_index_finish(&ix);
		wf_feedset_unref(set);
	}
	/* a tombstone with no children, and one cut short */
	const char *bare = "<feed>\n  <at:deleted-entry ref=\"urn:x:1\" when=\"2024-01-01T00:00:00Z\"/>\n  <entry><id>a</id></entry>\n</feed>\n";
	struct feed_delta_index ix;
	ck_assert(feed_delta_index_parse(bare, strlen(bare), WF_FILE_ATOM, &ix));
	ck_assert_uint_eq(ix.n_entries, 2);
	feed_delta_index_finish(&ix);
	const char *cut = "<feed>\n  <at:deleted-entry ref=\"urn:x:1\" when=\"2024-01-01T00:00:00Z\">\n</feed>\n";
	ck_assert(!feed_delta_index_parse(cut, strlen(cut), WF_FILE_ATOM, &ix));
	const char *no_ref = "<feed>\n  <at:deleted-entry when=\"2024-01-01T00:00:00Z\"/>\n</feed>\n";
	ck_assert(!feed_delta_index_parse(no_ref, strlen(no_ref), WF_FILE_ATOM, &ix));
}
END_TEST

START_TEST(new_story_above_a_tombstone_is_a_delta)
{
	/* a feed keeps a withdrawal's tombstone among its entries for a
	 * while; stories published or updated after it still go as deltas,
	 * without the tombstone the client already has */
	static const struct story six[] = {
		{ "000000000006", "Six", 60 }, { "000000000005", "Five", 50 },
		{ "000000000004", "Four", 40 }, { "000000000003", "Three", 30 },
		{ "000000000002", "Two", 20 }, { "000000000001", "One", 10 },
	};
	static const struct story three_edited[] = {
		{ "000000000003", "Three, updated", 70 },
		{ "000000000005", "Five", 50 }, { "000000000004", "Four", 40 },
		{ "000000000002", "Two", 20 }, { "000000000001", "One", 10 },
	};
	for (int k = 0; k < 2; k++) {
		enum wf_file_kind kind = k ? WF_FILE_RSS : WF_FILE_ATOM;
		struct version before = { five, 5, withdrawn_35, 1 };
		char tails[256];
		ck_assert_int_eq(delta_between(kind, before,
					       (struct version){ six, 6, withdrawn_35, 1 },
					       tails, sizeof(tails)),
				 FEED_DELTA_OK);
		ck_assert_str_eq(tails, "000000000006");
		ck_assert_int_eq(delta_between(kind, before,
					       (struct version){ three_edited, 5,
								 withdrawn_35, 1 },
					       tails, sizeof(tails)),
				 FEED_DELTA_OK);
		ck_assert_str_eq(tails, "000000000003");
	}
}
END_TEST

START_TEST(withdrawal_with_its_tombstone_gives_the_full_feed)
{
	/* Four withdrawn: its entry leaves, its tombstone arrives. The full
	 * feed is what tells a client that reads no tombstones. */
	static const struct story four_gone[] = {
		{ "000000000004", "Four", 45 },
	};
	static const struct story without_four[] = {
		{ "000000000005", "Five", 50 }, { "000000000003", "Three", 30 },
		{ "000000000002", "Two", 20 }, { "000000000001", "One", 10 },
	};
	char tails[256];
	ck_assert_int_eq(delta_between(WF_FILE_ATOM,
				       (struct version){ five, 5, NULL, 0 },
				       (struct version){ without_four, 4, four_gone, 1 },
				       tails, sizeof(tails)),
			 FEED_DELTA_REMOVED);
	/* a tombstone that ages out of the middle of the feed: also full */
	ck_assert_int_eq(delta_between(WF_FILE_ATOM,
				       (struct version){ five, 5, withdrawn_35, 1 },
				       (struct version){ five, 5, NULL, 0 },
				       tails, sizeof(tails)),
			 FEED_DELTA_REMOVED);
}
END_TEST

START_TEST(delta_of_every_entry_is_not_smaller)
{
	static const struct story all[] = {
		{ "000000000005", "Five!", 55 }, { "000000000004", "Four!", 45 },
		{ "000000000003", "Three!", 35 }, { "000000000002", "Two!", 25 },
		{ "000000000001", "One!", 15 },
	};
	char tails[256];
	ck_assert_int_eq(delta_of(WF_FILE_ATOM, five, 5, all, 5, tails,
				  sizeof(tails)),
			 FEED_DELTA_NOT_SMALLER);
}
END_TEST

/* ---- history and the 226/200 choice ------------------------------------ */

/* Versions v0..v3 of one feed: each a new story on top. */
static struct wf_feedset *
nth_version(int n)
{
	struct story s[8];
	static const char *const tails[] = { "000000000011", "000000000012",
					     "000000000013", "000000000014" };
	size_t k = 0;
	for (int i = n; i >= 0; i--) {
		s[k++] = (struct story){ tails[i], "New", 100 + i };
	}
	for (size_t i = 0; i < 5; i++) {
		s[k++] = five[i];
		if (k == 8) {
			break;
		}
	}
	return render(WF_FILE_ATOM, s, k);
}

START_TEST(answers_for_the_last_k_versions_only)
{
	struct feed_history *h = feed_history_create(2);
	struct wf_feedset *v[4];
	struct feed_deltas *d[4];
	for (int i = 0; i < 4; i++) {
		v[i] = nth_version(i);
		d[i] = feed_history_add(h, &v[i]->files[0], NULL);
		ck_assert_ptr_nonnull(d[i]);
	}
	const struct wf_rendered_file *cur = &v[3]->files[0];
	struct feed_delta_body *b = NULL;
	/* v0 is three versions back: forgotten (K = 2) -> full 200 */
	ck_assert(!feed_deltas_answer(d[3], v[0]->files[0].etag, false,
				      cur->len, &b));
	/* v1 and v2: a 226 with one and two new entries */
	ck_assert(feed_deltas_answer(d[3], v[2]->files[0].etag, false,
				     cur->len, &b));
	char tails[256];
	entry_tails(b->data, b->len, tails, sizeof(tails));
	ck_assert_str_eq(tails, "000000000014");
	feed_delta_body_release(b);
	ck_assert(feed_deltas_answer(d[3], v[1]->files[0].etag, false,
				     cur->len, &b));
	entry_tails(b->data, b->len, tails, sizeof(tails));
	ck_assert_str_eq(tails, "000000000014 000000000013");
	feed_delta_body_release(b);
	/* the current version, an unknown tag, garbage: no delta */
	ck_assert(!feed_deltas_answer(d[3], cur->etag, false, cur->len, &b));
	ck_assert(!feed_deltas_answer(d[3], "\"0123456789abcdef\"", false,
				      cur->len, &b));
	ck_assert(!feed_deltas_answer(d[3], "*", false, cur->len, &b));
	ck_assert(!feed_deltas_answer(d[3], "\"unterminated", false, cur->len, &b));
	/* an older set's deltas still answer for what it knew */
	ck_assert(feed_deltas_answer(d[1], v[0]->files[0].etag, false,
				     v[1]->files[0].len, &b));
	feed_delta_body_release(b);
	for (int i = 0; i < 4; i++) {
		feed_deltas_destroy(d[i]);
		wf_feedset_unref(v[i]);
	}
	feed_history_destroy(h);
}
END_TEST

/* Serving the same bytes again (a rebuild that left a feed alone) copies
 * the previous index instead of parsing: the deltas are the same bytes. */
START_TEST(same_bytes_reuse_the_index)
{
	struct feed_history *h = feed_history_create(4);
	struct wf_feedset *v0 = nth_version(0), *v1 = nth_version(1);
	feed_deltas_destroy(feed_history_add(h, &v0->files[0], NULL));
	struct feed_deltas *parsed = feed_history_add(h, &v1->files[0], NULL);
	/* v1 again, as a new set would hold it: another buffer */
	struct wf_feedset *again = nth_version(1);
	ck_assert_str_eq(again->files[0].etag, v1->files[0].etag);
	struct feed_deltas *copied =
		feed_history_add(h, &again->files[0], parsed);
	ck_assert_ptr_nonnull(copied);
	const char *etag = v0->files[0].etag;
	struct feed_delta_body *a = NULL, *b = NULL;
	ck_assert(feed_deltas_answer(parsed, etag, false, v1->files[0].len, &a));
	ck_assert(feed_deltas_answer(copied, etag, false, again->files[0].len, &b));
	ck_assert_uint_eq(a->len, b->len);
	ck_assert_mem_eq(a->data, b->data, a->len);
	feed_delta_body_release(a);
	feed_delta_body_release(b);
	feed_deltas_destroy(parsed);
	feed_deltas_destroy(copied);
	wf_feedset_unref(v0);
	wf_feedset_unref(v1);
	wf_feedset_unref(again);
	feed_history_destroy(h);
}
END_TEST

START_TEST(if_none_match_forms_name_a_version)
{
	struct feed_history *h = feed_history_create(4);
	struct wf_feedset *v0 = nth_version(0), *v1 = nth_version(1);
	feed_deltas_destroy(feed_history_add(h, &v0->files[0], NULL));
	struct feed_deltas *d = feed_history_add(h, &v1->files[0], NULL);
	const char *etag = v0->files[0].etag; /* "\"<32 hex>\"" */
	char field[256];
	const char *const forms[][2] = { { "", "" },
					 { "W/", "" },
					 { "\"other\", ", "" },
					 { "  ", "  ,\"x\"" } };
	for (size_t i = 0; i < 4; i++) {
		snprintf(field, sizeof(field), "%s%s%s", forms[i][0], etag,
			 forms[i][1]);
		struct feed_delta_body *b = NULL;
		ck_assert_msg(feed_deltas_answer(d, field, false,
						 v1->files[0].len, &b),
			      "%s", field);
		feed_delta_body_release(b);
	}
	/* the gzip representation's tag names the same version; the body
	 * is then gzip-compressed */
	snprintf(field, sizeof(field), "%.*s-gzip\"", (int)strlen(etag) - 1, etag);
	struct feed_delta_body *b = NULL;
	ck_assert(feed_deltas_answer(d, field, true, v1->files[0].len, &b));
	ck_assert_uint_ge(b->len, 2);
	ck_assert_uint_eq((unsigned char)b->data[0], 0x1f);
	ck_assert_uint_eq((unsigned char)b->data[1], 0x8b);
	feed_delta_body_release(b);
	/* the same body again: made once, shared */
	struct feed_delta_body *b1 = NULL, *b2 = NULL;
	ck_assert(feed_deltas_answer(d, etag, false, v1->files[0].len, &b1));
	ck_assert(feed_deltas_answer(d, etag, false, v1->files[0].len, &b2));
	ck_assert_ptr_eq(b1, b2);
	feed_delta_body_release(b1);
	feed_delta_body_release(b2);
	feed_deltas_destroy(d);
	/* a delta no smaller than what the full answer would send (here a
	 * pretend 10-byte feed): none */
	struct feed_history *h2 = feed_history_create(4);
	feed_deltas_destroy(feed_history_add(h2, &v0->files[0], NULL));
	d = feed_history_add(h2, &v1->files[0], NULL);
	ck_assert(!feed_deltas_answer(d, etag, true, 10, &b));
	ck_assert(!feed_deltas_answer(d, etag, false, 10, &b));
	feed_deltas_destroy(d);
	feed_history_destroy(h2);
	wf_feedset_unref(v0);
	wf_feedset_unref(v1);
	feed_history_destroy(h);
}
END_TEST

START_TEST(reverted_edit_is_the_current_version)
{
	struct feed_history *h = feed_history_create(4);
	struct wf_feedset *a = nth_version(0), *b = nth_version(1),
			  *again = nth_version(0);
	feed_deltas_destroy(feed_history_add(h, &a->files[0], NULL));
	feed_deltas_destroy(feed_history_add(h, &b->files[0], NULL));
	struct feed_deltas *d = feed_history_add(h, &again->files[0], NULL);
	struct feed_delta_body *body = NULL;
	/* a's tag is the current one: never a delta against itself */
	ck_assert(!feed_deltas_answer(d, a->files[0].etag, false,
				      again->files[0].len, &body));
	/* b's: the delta back (b had one more entry on top: removed, so
	 * the full feed) */
	ck_assert(!feed_deltas_answer(d, b->files[0].etag, false,
				      again->files[0].len, &body));
	feed_deltas_destroy(d);
	wf_feedset_unref(a);
	wf_feedset_unref(b);
	wf_feedset_unref(again);
	feed_history_destroy(h);
}
END_TEST

START_TEST(html_files_get_no_deltas)
{
	struct feed_history *h = feed_history_create(4);
	struct wf_feedset *set = wf_feedset_create();
	char *html = strdup("<!DOCTYPE html><p>hi</p>");
	wf_feedset_add(set, "index.html", WF_FILE_HTML, html, strlen(html),
		       (struct wf_time){ 0 }, "t", 0);
	ck_assert_ptr_null(feed_history_add(h, &set->files[0], NULL));
	wf_feedset_unref(set);
	feed_history_destroy(h);
}
END_TEST

static Suite *
feed_delta_suite(void)
{
	Suite *s = suite_create("feed_delta");
	TCase *tc = tcase_create("a_im");
	tcase_add_test(tc, a_im_feed_is_recognized);
	suite_add_tcase(s, tc);
	tc = tcase_create("index");
	tcase_add_test(tc, finds_the_entries_of_an_atom_feed);
	tcase_add_test(tc, finds_the_items_of_an_rss_channel);
	tcase_add_test(tc, refuses_what_is_not_a_feed);
	suite_add_tcase(s, tc);
	tc = tcase_create("delta");
	tcase_add_test(tc, atom_delta_holds_only_the_two_edited_entries);
	tcase_add_test(tc, rss_delta_holds_only_the_two_edited_items);
	tcase_add_test(tc, minor_edit_in_place_is_in_the_delta);
	tcase_add_test(tc, story_pushing_the_oldest_out_of_a_full_feed_is_a_delta);
	tcase_add_test(tc, withdrawal_gives_the_full_feed);
	tcase_add_test(tc, tombstones_among_entries_are_indexed);
	tcase_add_test(tc, new_story_above_a_tombstone_is_a_delta);
	tcase_add_test(tc, withdrawal_with_its_tombstone_gives_the_full_feed);
	tcase_add_test(tc, delta_of_every_entry_is_not_smaller);
	suite_add_tcase(s, tc);
	tc = tcase_create("history");
	tcase_add_test(tc, answers_for_the_last_k_versions_only);
	tcase_add_test(tc, if_none_match_forms_name_a_version);
	tcase_add_test(tc, same_bytes_reuse_the_index);
	tcase_add_test(tc, reverted_edit_is_the_current_version);
	tcase_add_test(tc, html_files_get_no_deltas);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return helpers_run_suite(feed_delta_suite());
}
