/* SPDX-License-Identifier: MIT */
#include "wirefeed/article.h"

#include <stdlib.h>
#include <string.h>

#include <uuid/uuid.h>

#include "wirefeed/iri.h"
#include "wirefeed/text.h"
#include "digest.h"
#include "mem.h"

struct wf_article *
wf_article_create(void)
{
	return xzalloc(sizeof(struct wf_article));
}

static void
image_destroy(struct wf_image *img)
{
	if (!img) {
		return;
	}
	free(img->url);
	free(img->type);
	free(img->caption);
	free(img->credit);
	free(img);
}

void
wf_article_destroy(struct wf_article *a)
{
	if (!a) {
		return;
	}
	free(a->id);
	free(a->title);
	for (size_t i = 0; i < a->n_authors; i++) {
		free(a->authors[i].name);
		free(a->authors[i].uri);
		free(a->authors[i].email);
	}
	free(a->authors);
	free(a->source);
	free(a->dateline);
	for (size_t i = 0; i < a->n_sections; i++) {
		free(a->sections[i].term);
		free(a->sections[i].label);
	}
	free(a->sections);
	free(a->summary);
	free(a->content_html);
	free(a->link);
	image_destroy(a->image);
	free(a->rights);
	for (size_t i = 0; i < a->n_corrections; i++) {
		free(a->corrections[i].text);
	}
	free(a->corrections);
	free(a->withdrawn_reason);
	free(a);
}

bool
wf_article_depends_on_clock(const struct wf_article *a)
{
	return a->status == WF_ARTICLE_WITHDRAWN || a->has_embargo ||
	       a->has_expiry;
}

uint64_t
wf_article_digest(const struct wf_article *a)
{
	/* every field: a field left out here would let a feed keep stale
	 * text (tests/test_article.c changes each one) */
	struct digest d;
	digest_init(&d);
	digest_str(&d, a->id);
	digest_str(&d, a->title);
	digest_u64(&d, a->n_authors);
	for (size_t i = 0; i < a->n_authors; i++) {
		digest_str(&d, a->authors[i].name);
		digest_str(&d, a->authors[i].uri);
		digest_str(&d, a->authors[i].email);
	}
	digest_str(&d, a->source);
	digest_str(&d, a->dateline);
	digest_u64(&d, a->n_sections);
	for (size_t i = 0; i < a->n_sections; i++) {
		digest_str(&d, a->sections[i].term);
		digest_str(&d, a->sections[i].label);
	}
	digest_time(&d, a->published);
	digest_time(&d, a->updated);
	digest_time(&d, a->edited);
	digest_u64(&d, a->has_edited);
	digest_str(&d, a->summary);
	digest_str(&d, a->content_html);
	digest_str(&d, a->link);
	digest_u64(&d, a->image != NULL);
	if (a->image) {
		digest_str(&d, a->image->url);
		digest_str(&d, a->image->type);
		digest_u64(&d, (uint64_t)a->image->length);
		digest_str(&d, a->image->caption);
		digest_str(&d, a->image->credit);
	}
	digest_str(&d, a->rights);
	digest_u64(&d, a->n_corrections);
	for (size_t i = 0; i < a->n_corrections; i++) {
		digest_time(&d, a->corrections[i].time);
		digest_str(&d, a->corrections[i].text);
	}
	digest_u64(&d, (uint64_t)a->status);
	digest_time(&d, a->withdrawn_at);
	digest_str(&d, a->withdrawn_reason);
	digest_u64(&d, a->has_embargo);
	digest_time(&d, a->embargo_until);
	digest_u64(&d, a->has_expiry);
	digest_time(&d, a->expires_at);
	return d.h;
}

void
wf_article_move_into(struct wf_article *dst, struct wf_article *src)
{
	struct wf_article old = *dst;
	*dst = *src;
	*src = old;
	wf_article_destroy(src);
}

struct wf_article *
wf_article_clone(const struct wf_article *src)
{
	struct wf_article *a = wf_article_create();
	a->id = xstrdup(src->id);
	a->title = xstrdup(src->title);
	for (size_t i = 0; i < src->n_authors; i++) {
		wf_article_add_author(a, src->authors[i].name,
				      src->authors[i].uri,
				      src->authors[i].email);
	}
	a->source = xstrdup(src->source);
	a->dateline = xstrdup(src->dateline);
	for (size_t i = 0; i < src->n_sections; i++) {
		wf_article_add_section(a, src->sections[i].term,
				       src->sections[i].label);
	}
	a->published = src->published;
	a->updated = src->updated;
	a->edited = src->edited;
	a->has_edited = src->has_edited;
	a->summary = xstrdup(src->summary);
	a->content_html = xstrdup(src->content_html);
	a->link = xstrdup(src->link);
	if (src->image) {
		a->image = xzalloc(sizeof(*a->image));
		a->image->url = xstrdup(src->image->url);
		a->image->type = xstrdup(src->image->type);
		a->image->length = src->image->length;
		a->image->caption = xstrdup(src->image->caption);
		a->image->credit = xstrdup(src->image->credit);
	}
	a->rights = xstrdup(src->rights);
	for (size_t i = 0; i < src->n_corrections; i++) {
		wf_article_add_correction(a, src->corrections[i].time,
					  src->corrections[i].text);
	}
	a->status = src->status;
	a->withdrawn_at = src->withdrawn_at;
	a->withdrawn_reason = xstrdup(src->withdrawn_reason);
	a->has_embargo = src->has_embargo;
	a->embargo_until = src->embargo_until;
	a->has_expiry = src->has_expiry;
	a->expires_at = src->expires_at;
	return a;
}

void
wf_article_add_author(struct wf_article *a, const char *name, const char *uri,
		      const char *email)
{
	a->authors = xreallocarray(a->authors, a->n_authors + 1,
				   sizeof(*a->authors));
	struct wf_person *p = &a->authors[a->n_authors++];
	p->name = xstrdup(name);
	p->uri = xstrdup(uri);
	p->email = xstrdup(email);
}

void
wf_article_add_section(struct wf_article *a, const char *term,
		       const char *label)
{
	a->sections = xreallocarray(a->sections, a->n_sections + 1,
				    sizeof(*a->sections));
	struct wf_section_ref *s = &a->sections[a->n_sections++];
	s->term = xstrdup(term);
	s->label = xstrdup(label);
}

void
wf_article_add_correction(struct wf_article *a, struct wf_time time,
			  const char *text)
{
	a->corrections = xreallocarray(a->corrections, a->n_corrections + 1,
				       sizeof(*a->corrections));
	struct wf_correction *c = &a->corrections[a->n_corrections++];
	c->time = time;
	c->text = xstrdup(text);
}

void
wf_article_set_string(char **field, const char *value)
{
	char *copy = xstrdup(value);
	free(*field);
	*field = copy;
}

bool
wf_article_in_section(const struct wf_article *a, const char *term)
{
	for (size_t i = 0; i < a->n_sections; i++) {
		if (strcmp(a->sections[i].term, term) == 0) {
			return true;
		}
	}
	return false;
}

bool
wf_article_id_is_valid(const char *id)
{
	static const char prefix[] = "urn:uuid:";
	if (!id || strncmp(id, prefix, sizeof(prefix) - 1) != 0) {
		return false;
	}
	const char *u = id + sizeof(prefix) - 1;
	if (strlen(u) != 36) {
		return false;
	}
	for (int i = 0; i < 36; i++) {
		char c = u[i];
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-') {
				return false;
			}
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
			return false;
		}
	}
	return true;
}

char *
wf_article_new_id(void)
{
	uuid_t u;
	char text[37];
	uuid_generate_random(u);
	uuid_unparse_lower(u, text);
	return xasprintf("urn:uuid:%s", text);
}

static void
mark(struct wf_article_fault *where, enum wf_article_part part, size_t index)
{
	if (where) {
		where->part = part;
		where->index = index;
	}
}

static bool
text_ok(const char *field, const char *value, struct wf_diag *diag)
{
	size_t off;
	const char *why;
	if (value && !wf_text_is_xml_safe(value, strlen(value), &off, &why)) {
		wf_diag_set(diag, NULL, 0, 0, "%s: %s at byte %zu", field, why,
			    off);
		return false;
	}
	return true;
}

/* issue 17.13: only the links a newswire publishes, valid as IRIs */
static bool
link_ok(const char *field, const char *value, enum wf_iri_kind kind,
	struct wf_diag *diag)
{
	size_t off = 0;
	const char *why = NULL;
	if (value && !wf_iri_check(value, kind, &off, &why)) {
		wf_diag_set(diag, NULL, 0, 0, "%s '%.80s' %s (at byte %zu)",
			    field, value, why, off);
		return false;
	}
	return true;
}

/* issue 17.7: a year outside WF_TIME_MIN_YEAR..MAX_YEAR is a typo */
static bool
year_ok(const char *field, struct wf_time t, struct wf_diag *diag)
{
	if (!wf_time_is_supported(t)) {
		wf_diag_set(diag, NULL, 0, 0,
			    "%s: year %d is outside the years wirefeed accepts (%d to %d)",
			    field, wf_time_year(t), WF_TIME_MIN_YEAR,
			    WF_TIME_MAX_YEAR);
		return false;
	}
	return true;
}

static bool
nonempty(const char *s)
{
	if (!s) {
		return false;
	}
	for (; *s; s++) {
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') {
			return true;
		}
	}
	return false;
}

enum wf_status
wf_article_check(const struct wf_article *a, struct wf_diag *diag)
{
	return wf_article_check_where(a, NULL, diag);
}

enum wf_status
wf_article_check_where(const struct wf_article *a,
		       struct wf_article_fault *where, struct wf_diag *diag)
{
	mark(where, WF_ARTICLE_PART_NONE, 0);
	if (!a->id) {
		wf_diag_set(diag, NULL, 0, 0, "missing id");
		return WF_ERR_INVALID;
	}
	if (!wf_article_id_is_valid(a->id)) {
		mark(where, WF_ARTICLE_PART_ID, 0);
		wf_diag_set(diag, NULL, 0, 0,
			    "id '%.80s' is not a lowercase urn:uuid", a->id);
		return WF_ERR_INVALID;
	}
	if (!nonempty(a->title)) {
		mark(where, WF_ARTICLE_PART_TITLE, 0);
		wf_diag_set(diag, NULL, 0, 0, "missing or empty title");
		return WF_ERR_INVALID;
	}
	mark(where, WF_ARTICLE_PART_PUBLISHED, 0);
	if (!year_ok("published", a->published, diag)) {
		return WF_ERR_INVALID;
	}
	mark(where, WF_ARTICLE_PART_UPDATED, 0);
	if (!year_ok("updated", a->updated, diag)) {
		return WF_ERR_INVALID;
	}
	if (wf_time_compare(a->updated, a->published) < 0) {
		wf_diag_set(diag, NULL, 0, 0, "updated is before published");
		return WF_ERR_INVALID;
	}
	mark(where, WF_ARTICLE_PART_EDITED, 0);
	if (a->has_edited && !year_ok("app:edited", a->edited, diag)) {
		return WF_ERR_INVALID;
	}
	if (a->has_edited && wf_time_compare(a->edited, a->updated) < 0) {
		wf_diag_set(diag, NULL, 0, 0, "edited is before updated");
		return WF_ERR_INVALID;
	}
	for (size_t i = 0; i < a->n_authors; i++) {
		mark(where, WF_ARTICLE_PART_AUTHOR, i);
		if (!nonempty(a->authors[i].name)) {
			wf_diag_set(diag, NULL, 0, 0, "author without a name");
			return WF_ERR_INVALID;
		}
		if (!link_ok("author uri", a->authors[i].uri, WF_IRI_PERSON,
			     diag)) {
			return WF_ERR_INVALID;
		}
		const char *why = NULL;
		if (a->authors[i].email &&
		    !wf_iri_check_email(a->authors[i].email, &why)) {
			wf_diag_set(diag, NULL, 0, 0, "author email '%.80s' %s",
				    a->authors[i].email, why);
			return WF_ERR_INVALID;
		}
	}
	for (size_t i = 0; i < a->n_sections; i++) {
		mark(where, WF_ARTICLE_PART_SECTION, i);
		if (!nonempty(a->sections[i].term)) {
			wf_diag_set(diag, NULL, 0, 0,
				    "section without a term");
			return WF_ERR_INVALID;
		}
	}
	for (size_t i = 0; i < a->n_corrections; i++) {
		const struct wf_correction *c = &a->corrections[i];
		mark(where, WF_ARTICLE_PART_CORRECTION, i);
		if (!nonempty(c->text)) {
			wf_diag_set(diag, NULL, 0, 0, "empty correction");
			return WF_ERR_INVALID;
		}
		if (!year_ok("correction", c->time, diag)) {
			return WF_ERR_INVALID;
		}
		if (wf_time_compare(c->time, a->published) < 0) {
			wf_diag_set(diag, NULL, 0, 0,
				    "correction is dated before published");
			return WF_ERR_INVALID;
		}
		if (wf_time_compare(c->time, a->updated) > 0) {
			wf_diag_set(diag, NULL, 0, 0,
				    "correction is dated after updated (a correction is a significant update)");
			return WF_ERR_INVALID;
		}
	}
	mark(where, WF_ARTICLE_PART_IMAGE, 0);
	if (a->image && (!nonempty(a->image->url) || !nonempty(a->image->type))) {
		wf_diag_set(diag, NULL, 0, 0, "image needs a url and a type");
		return WF_ERR_INVALID;
	}
	if (a->image && a->image->length < 0) {
		wf_diag_set(diag, NULL, 0, 0, "image length is negative");
		return WF_ERR_INVALID;
	}
	if (a->image && !link_ok("image url", a->image->url, WF_IRI_WEB, diag)) {
		return WF_ERR_INVALID;
	}
	mark(where, WF_ARTICLE_PART_LINK, 0);
	if (!link_ok("link", a->link, WF_IRI_WEB, diag)) {
		return WF_ERR_INVALID;
	}
	if (a->status == WF_ARTICLE_WITHDRAWN) {
		mark(where, WF_ARTICLE_PART_STATUS, 0);
		if (!year_ok("withdrawn", a->withdrawn_at, diag)) {
			return WF_ERR_INVALID;
		}
		if (wf_time_compare(a->withdrawn_at, a->published) < 0) {
			wf_diag_set(diag, NULL, 0, 0,
				    "withdrawn before published");
			return WF_ERR_INVALID;
		}
	}
	if (a->has_embargo) {
		mark(where, WF_ARTICLE_PART_EMBARGO, 0);
		if (!year_ok("embargo", a->embargo_until, diag)) {
			return WF_ERR_INVALID;
		}
	}
	if (a->has_expiry) {
		mark(where, WF_ARTICLE_PART_EXPIRES, 0);
		if (!year_ok("expiry", a->expires_at, diag)) {
			return WF_ERR_INVALID;
		}
		if (wf_time_compare(a->expires_at, a->published) <= 0) {
			wf_diag_set(diag, NULL, 0, 0,
				    "expires before (or when) it is published");
			return WF_ERR_INVALID;
		}
		if (a->has_embargo &&
		    wf_time_compare(a->expires_at, a->embargo_until) <= 0) {
			wf_diag_set(diag, NULL, 0, 0,
				    "expires before (or when) its embargo lifts");
			return WF_ERR_INVALID;
		}
	}
	const struct {
		const char *name;
		const char *value;
		enum wf_article_part part;
	} fields[] = {
		{ "title", a->title, WF_ARTICLE_PART_TITLE },
		{ "source", a->source, WF_ARTICLE_PART_SOURCE },
		{ "dateline", a->dateline, WF_ARTICLE_PART_DATELINE },
		{ "summary", a->summary, WF_ARTICLE_PART_SUMMARY },
		{ "content", a->content_html, WF_ARTICLE_PART_CONTENT },
		{ "link", a->link, WF_ARTICLE_PART_LINK },
		{ "rights", a->rights, WF_ARTICLE_PART_RIGHTS },
		{ "withdrawn reason", a->withdrawn_reason, WF_ARTICLE_PART_STATUS },
		{ "image caption", a->image ? a->image->caption : NULL,
		  WF_ARTICLE_PART_IMAGE },
		{ "image credit", a->image ? a->image->credit : NULL,
		  WF_ARTICLE_PART_IMAGE },
		{ "image url", a->image ? a->image->url : NULL,
		  WF_ARTICLE_PART_IMAGE },
	};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		mark(where, fields[i].part, 0);
		if (!text_ok(fields[i].name, fields[i].value, diag)) {
			return WF_ERR_INVALID;
		}
	}
	for (size_t i = 0; i < a->n_authors; i++) {
		mark(where, WF_ARTICLE_PART_AUTHOR, i);
		if (!text_ok("author name", a->authors[i].name, diag) ||
		    !text_ok("author uri", a->authors[i].uri, diag) ||
		    !text_ok("author email", a->authors[i].email, diag)) {
			return WF_ERR_INVALID;
		}
	}
	for (size_t i = 0; i < a->n_sections; i++) {
		mark(where, WF_ARTICLE_PART_SECTION, i);
		if (!text_ok("section", a->sections[i].term, diag) ||
		    !text_ok("section label", a->sections[i].label, diag)) {
			return WF_ERR_INVALID;
		}
	}
	for (size_t i = 0; i < a->n_corrections; i++) {
		mark(where, WF_ARTICLE_PART_CORRECTION, i);
		if (!text_ok("correction", a->corrections[i].text, diag)) {
			return WF_ERR_INVALID;
		}
	}
	mark(where, WF_ARTICLE_PART_NONE, 0);
	return WF_OK;
}

/* ---- the lifecycle -------------------------------------------------------- */

bool
wf_article_end(const struct wf_article *a, struct wf_article_end *end)
{
	bool withdrawn = a->status == WF_ARTICLE_WITHDRAWN;
	if (!withdrawn && !a->has_expiry) {
		return false;
	}
	if (a->has_expiry &&
	    (!withdrawn || wf_time_compare(a->expires_at, a->withdrawn_at) < 0)) {
		*end = (struct wf_article_end){
			a->expires_at, "The licence to publish this story has expired.",
			true
		};
	} else {
		*end = (struct wf_article_end){ a->withdrawn_at,
						a->withdrawn_reason, false };
	}
	return true;
}

enum wf_article_phase
wf_article_phase(const struct wf_article *a, int64_t now, int64_t window_s,
		 struct wf_article_end *end)
{
	struct wf_article_end e;
	bool ends = wf_article_end(a, &e);
	if (end && ends) {
		*end = e;
	}
	/* withdrawn before its embargo lifted: readers never saw it */
	if (ends && !e.expired && a->has_embargo &&
	    e.when.utc < a->embargo_until.utc) {
		return WF_PHASE_GONE;
	}
	/* an expiry in the future is not an end yet; a withdrawal is one
	 * whatever its time says */
	if (ends && (!e.expired || e.when.utc <= now)) {
		return now - e.when.utc >= window_s ? WF_PHASE_GONE
						    : WF_PHASE_KILLED;
	}
	if (a->has_embargo && a->embargo_until.utc > now) {
		return WF_PHASE_EMBARGOED;
	}
	return WF_PHASE_LIVE;
}

int64_t
wf_article_next_phase(const struct wf_article *a, int64_t now,
		      int64_t window_s)
{
	int64_t candidates[3] = { INT64_MAX, INT64_MAX, INT64_MAX };
	if (a->has_embargo) {
		candidates[0] = a->embargo_until.utc;
	}
	struct wf_article_end e;
	if (wf_article_end(a, &e)) {
		candidates[1] = e.when.utc;
		candidates[2] = e.when.utc > INT64_MAX - window_s
					? INT64_MAX
					: e.when.utc + window_s;
	}
	int64_t next = INT64_MAX;
	for (size_t i = 0; i < 3; i++) {
		if (candidates[i] > now && candidates[i] < next) {
			next = candidates[i];
		}
	}
	return next;
}

const char *
wf_article_phase_name(enum wf_article_phase phase)
{
	switch (phase) {
	case WF_PHASE_EMBARGOED:
		return "embargoed";
	case WF_PHASE_LIVE:
		return "published";
	case WF_PHASE_KILLED:
		return "withdrawn";
	default:
		return "gone";
	}
}
