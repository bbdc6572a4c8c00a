/* SPDX-License-Identifier: MIT */
/* The validator's shared floor, below the format rules: findings, node
 * helpers, value checks (IRIs, dates, media types, languages, e-mail) and
 * id sets. The format modules (validate_atom.c, validate_rss.c, ...) and
 * the driver (validate.c) sit above it; it calls neither. */
#include "validate_common.h"

#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wirefeed/text.h"
#include "mem.h"

void
v_add(struct vctx *v, enum wf_severity severity, int line, int column,
      const char *code, const char *fmt, ...)
{
	struct wf_validate_report *r = v->report;
	/* every code is listed (docs, --help, SARIF rules) */
	assert(wf_validate_rule_find(code) != NULL);
	if (severity == WF_SEVERITY_ERROR) {
		r->n_errors++;
	} else {
		r->n_warnings++;
	}
	if (r->n_findings >= VALIDATE_MAX_FINDINGS) {
		return;
	}
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->findings = xreallocarray(r->findings, r->n_findings + 1,
				    sizeof(*r->findings));
	struct wf_finding *f = &r->findings[r->n_findings++];
	f->severity = severity;
	f->line = line;
	f->column = column;
	f->code = code;
	/* messages quote document text: keep them printable UTF-8 */
	f->message = wf_text_sanitize(msg, strlen(msg));
	v_clean_message(f->message);
}

void
v_clean_message(char *msg)
{
	/* one line per finding: line breaks and tabs become spaces, runs of
	 * them one space (libxml2's messages carry "\nBytes: ...") */
	char *out = msg;
	bool space = false;
	for (const char *p = msg; *p; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t' || *p == ' ') {
			space = out != msg;
			continue;
		}
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			continue;
		}
		if (space) {
			*out++ = ' ';
			space = false;
		}
		*out++ = *p;
	}
	*out = '\0';
}

/* ---- node helpers ---- */

bool
v_is_ns(const xmlNode *node, const char *ns)
{
	if (!node || node->type != XML_ELEMENT_NODE) {
		return false;
	}
	if (!ns) {
		return node->ns == NULL;
	}
	return node->ns && node->ns->href &&
	       strcmp((const char *)node->ns->href, ns) == 0;
}

bool
v_is(const xmlNode *node, const char *ns, const char *name)
{
	return v_is_ns(node, ns) && strcmp((const char *)node->name, name) == 0;
}

char *
v_text(const xmlNode *node)
{
	xmlChar *c = xmlNodeGetContent(node);
	char *s = xstrdup(c ? (const char *)c : "");
	xmlFree(c);
	return s;
}

bool
v_has_child_elements(const xmlNode *node)
{
	for (const xmlNode *c = node->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE) {
			return true;
		}
	}
	return false;
}

bool
v_has_text(const xmlNode *node)
{
	for (const xmlNode *c = node->children; c; c = c->next) {
		if ((c->type == XML_TEXT_NODE ||
		     c->type == XML_CDATA_SECTION_NODE) &&
		    !v_is_blank((const char *)c->content)) {
			return true;
		}
	}
	return false;
}

char *
v_attr(const xmlNode *node, const char *name)
{
	return (char *)xmlGetNoNsProp(node, (const xmlChar *)name);
}

bool
v_is_blank(const char *s)
{
	if (!s) {
		return true;
	}
	for (; *s; s++) {
		if (!isspace((unsigned char)*s)) {
			return false;
		}
	}
	return true;
}

uint64_t
v_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

int
hash_set_insert(struct hash_set *set, uint64_t key, int line)
{
	if (key == 0) {
		key = 1;
	}
	if (set->n * 2 >= set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 64;
		uint64_t *keys = xcalloc(cap, sizeof(*keys));
		int *lines = xcalloc(cap, sizeof(*lines));
		for (size_t i = 0; i < set->cap; i++) {
			if (set->keys[i]) {
				size_t j = set->keys[i] & (cap - 1);
				while (keys[j]) {
					j = (j + 1) & (cap - 1);
				}
				keys[j] = set->keys[i];
				lines[j] = set->lines[i];
			}
		}
		free(set->keys);
		free(set->lines);
		set->keys = keys;
		set->lines = lines;
		set->cap = cap;
	}
	size_t j = key & (set->cap - 1);
	while (set->keys[j]) {
		if (set->keys[j] == key) {
			return set->lines[j] > 0 ? set->lines[j] : 1;
		}
		j = (j + 1) & (set->cap - 1);
	}
	set->keys[j] = key;
	set->lines[j] = line;
	set->n++;
	return 0;
}

void
hash_set_finish(struct hash_set *set)
{
	free(set->keys);
	free(set->lines);
	memset(set, 0, sizeof(*set));
}

/* ---- value checks ---- */

static bool
is_scheme_char(char c, bool first)
{
	return isalpha((unsigned char)c) ||
	       (!first && (isdigit((unsigned char)c) || c == '+' || c == '-' ||
			   c == '.'));
}

/* Length of the scheme (without ':'), 0 if there is none. */
static size_t
scheme_len(const char *s)
{
	size_t i = 0;
	while (s[i] && is_scheme_char(s[i], i == 0)) {
		i++;
	}
	return s[i] == ':' && i > 0 ? i : 0;
}

/* RFC 4151: tag:authorityName,YYYY[-MM[-DD]]:specific */
static bool
is_tag_uri(const char *s, const char **why)
{
	const char *p = s + 4;
	const char *comma = strchr(p, ',');
	if (!comma || comma == p) {
		*why = "a tag: URI needs 'authority,date:' (RFC 4151)";
		return false;
	}
	for (const char *q = p; q < comma; q++) {
		if (!(isalnum((unsigned char)*q) || *q == '-' || *q == '.' ||
		      *q == '@' || *q == '_')) {
			*why = "tag: authority must be a domain name or an email address";
			return false;
		}
	}
	const char *d = comma + 1;
	size_t n = 0;
	while (isdigit((unsigned char)d[n]) || d[n] == '-') {
		n++;
	}
	if (d[n] != ':') {
		*why = "tag: date must be followed by ':'";
		return false;
	}
	int y, m = 1, day = 1;
	if (n == 4 && sscanf(d, "%4d", &y) == 1) {
	} else if (n == 7 && d[4] == '-' && sscanf(d, "%4d-%2d", &y, &m) == 2) {
	} else if (n == 10 && d[4] == '-' && d[7] == '-' &&
		   sscanf(d, "%4d-%2d-%2d", &y, &m, &day) == 3) {
	} else {
		*why = "tag: date must be YYYY, YYYY-MM or YYYY-MM-DD";
		return false;
	}
	if (!wf_date_is_valid(y, m, day)) {
		*why = "tag: date is not a calendar date";
		return false;
	}
	return true;
}

/* RFC 8141: urn:NID:NSS */
static bool
is_urn(const char *s, const char **why)
{
	const char *p = s + 4;
	size_t n = 0;
	while (isalnum((unsigned char)p[n]) || p[n] == '-') {
		n++;
	}
	if (n < 1 || n > 32 || p[0] == '-' || p[n] != ':' || p[n + 1] == '\0') {
		*why = "a urn: needs a namespace identifier and a specific string (urn:NID:NSS)";
		return false;
	}
	if (strncasecmp(p, "uuid:", 5) == 0) {
		const char *u = p + 5;
		if (strlen(u) != 36) {
			*why = "urn:uuid: must be followed by a 36-character UUID";
			return false;
		}
		for (int i = 0; i < 36; i++) {
			bool dash = i == 8 || i == 13 || i == 18 || i == 23;
			if (dash ? u[i] != '-' : !isxdigit((unsigned char)u[i])) {
				*why = "malformed UUID in urn:uuid";
				return false;
			}
		}
	}
	return true;
}

bool
v_check_iri(struct vctx *v, const xmlNode *node, const char *what,
	    const char *value, enum iri_need need)
{
	if (!value || value[0] == '\0') {
		if (need == IRI_ANY) {
			return true; /* an empty relative reference: this document */
		}
		v_error(v, node, "not-blank", "%s must not be empty", what);
		return false;
	}
	size_t len = strlen(value);
	if (isspace((unsigned char)value[0]) ||
	    isspace((unsigned char)value[len - 1])) {
		v_error(v, node, "unexpected-whitespace",
			"%s has leading or trailing whitespace", what);
		return false;
	}
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		if (*p <= 0x20 || *p == 0x7f || strchr("<>\"{}|\\^`", *p)) {
			v_error(v, node, "invalid-iri",
				"%s contains a character not allowed in an IRI (0x%02x)",
				what, *p);
			return false;
		}
		if (*p == '%' && !(isxdigit(p[1]) && isxdigit(p[2]))) {
			v_error(v, node, "invalid-iri",
				"%s has a '%%' not followed by two hex digits",
				what);
			return false;
		}
	}
	size_t sl = scheme_len(value);
	if (need == IRI_ABSOLUTE && sl == 0) {
		v_error(v, node, "not-absolute-iri",
			"%s must be an absolute IRI (with a scheme)", what);
		return false;
	}
	const char *why = NULL;
	if (sl == 3 && strncasecmp(value, "tag", 3) == 0 &&
	    !is_tag_uri(value, &why)) {
		v_error(v, node, "invalid-tag-uri", "%s: %s", what, why);
		return false;
	}
	if (sl == 3 && strncasecmp(value, "urn", 3) == 0 &&
	    !is_urn(value, &why)) {
		v_error(v, node, "invalid-urn", "%s: %s", what, why);
		return false;
	}
	if ((sl == 4 && strncasecmp(value, "http", 4) == 0) ||
	    (sl == 5 && strncasecmp(value, "https", 5) == 0)) {
		const char *rest = value + sl + 1;
		if (strncmp(rest, "//", 2) != 0 || rest[2] == '\0' ||
		    rest[2] == '/' || rest[2] == ':' || rest[2] == '?') {
			v_error(v, node, "invalid-url",
				"%s: an http(s) URL needs '//' and a host", what);
			return false;
		}
	}
	return true;
}

bool
v_check_rfc3339(struct vctx *v, const xmlNode *node, const char *what,
		const char *value, struct wf_time *out)
{
	const char *why = NULL;
	struct wf_time t;
	if (wf_time_parse_rfc3339(value, &t, &why) != WF_OK) {
		v_error(v, node, "invalid-date",
			"%s '%.60s' is not an RFC 3339 date-time: %s", what,
			value, why);
		return false;
	}
	if (out) {
		*out = t;
	}
	v_check_future(v, node, what, t);
	return true;
}

/* RFC 822 allows comments in parentheses, and old feeds leave out the
 * zone (read as GMT): parse such a date after removing both, so it is a
 * warning rather than an error, as the W3C validator reads it. */
static bool
parse_rfc822_lenient(const char *value, struct wf_time *out, unsigned *faults)
{
	char buf[128];
	size_t n = 0;
	int depth = 0;
	for (const char *p = value; *p; p++) {
		if (*p == '(') {
			depth++;
		} else if (*p == ')' && depth > 0) {
			depth--;
		} else if (depth == 0) {
			if (n + 8 >= sizeof(buf)) {
				return false;
			}
			buf[n++] = *p;
		}
	}
	if (depth != 0) {
		return false;
	}
	buf[n] = '\0';
	char *text = wf_text_trim(buf);
	const char *why = NULL;
	if (wf_time_parse_rfc822(text, out, faults, &why) == WF_OK) {
		return true;
	}
	size_t len = strlen(text);
	memcpy(text + len, " +0000", 7);
	return wf_time_parse_rfc822(text, out, faults, &why) == WF_OK;
}

bool
v_check_rfc822(struct vctx *v, const xmlNode *node, const char *what,
	       const char *value, struct wf_time *out)
{
	const char *why = NULL;
	unsigned faults = 0;
	struct wf_time t;
	if (wf_time_parse_rfc822(value, &t, &faults, &why) != WF_OK) {
		if (!parse_rfc822_lenient(value, &t, &faults)) {
			v_error(v, node, "invalid-date",
				"%s '%.60s' is not an RFC 822 date: %s", what,
				value, why);
			return false;
		}
		v_warn(v, node, "problematic-date",
		       "%s '%.60s' has comments or no time zone; readers may misread it",
		       what, value);
	}
	if (faults & WF_RFC822_BAD_WEEKDAY) {
		v_error(v, node, "wrong-weekday",
			"%s '%.60s': the day name does not match the date",
			what, value);
		return false;
	}
	if (faults & WF_RFC822_TWO_DIGIT_YEAR) {
		v_warn(v, node, "two-digit-year",
		       "%s '%.60s' has a 2-digit year; use 4 digits", what,
		       value);
	}
	if (faults & WF_RFC822_OBSOLETE_ZONE) {
		v_warn(v, node, "named-zone",
		       "%s '%.60s' uses a zone name; prefer a numeric offset such as -0500",
		       what, value);
	}
	if (faults & (WF_RFC822_LOWERCASE | WF_RFC822_EXTRA_SPACE)) {
		v_warn(v, node, "problematic-date",
		       "%s '%.60s' has non-standard case or spacing", what,
		       value);
	}
	if (out) {
		*out = t;
	}
	v_check_future(v, node, what, t);
	return true;
}

void
v_check_future(struct vctx *v, const xmlNode *node, const char *what,
	       struct wf_time t)
{
	if (v->opt->now.utc == 0) {
		return;
	}
	if (t.utc > v->opt->now.utc + v->opt->future_tolerance_s) {
		v_warn(v, node, "future-date", "%s is in the future", what);
	}
}

bool
v_is_mime_type(const char *s)
{
	/* type "/" subtype [; params], tokens per RFC 2045 */
	static const char tspecials[] = "()<>@,;:\\\"/[]?= ";
	size_t i = 0, n = 0;
	while (s[i] && !strchr(tspecials, s[i]) && (unsigned char)s[i] > 0x20 &&
	       (unsigned char)s[i] < 0x7f) {
		i++;
	}
	if (i == 0 || s[i] != '/') {
		return false;
	}
	i++;
	while (s[i + n] && !strchr(tspecials, s[i + n]) &&
	       (unsigned char)s[i + n] > 0x20 && (unsigned char)s[i + n] < 0x7f) {
		n++;
	}
	if (n == 0) {
		return false;
	}
	i += n;
	while (s[i] == ' ') {
		i++;
	}
	return s[i] == '\0' || s[i] == ';';
}

bool
v_is_language_tag(const char *s)
{
	/* RFC 3066-style: 1*8ALPHA *("-" 1*8alphanum) */
	size_t n = 0;
	while (isalpha((unsigned char)s[n])) {
		n++;
	}
	if (n < 1 || n > 8) {
		return false;
	}
	s += n;
	while (*s == '-') {
		s++;
		n = 0;
		while (isalnum((unsigned char)s[n])) {
			n++;
		}
		if (n < 1 || n > 8) {
			return false;
		}
		s += n;
	}
	return *s == '\0';
}

bool
v_is_language_code(const char *s)
{
	/* ISO 639-1 two-letter codes (with the withdrawn in, iw, ji, mo, sh
	 * still seen in feeds); three letters are read as ISO 639-2; i- and
	 * x- are the registered and private-use prefixes of RFC 3066. */
	static const char codes[] =
		"aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo "
		"br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo es "
		"et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr "
		"ht hu hy hz ia id ie ig ii ik in io is it iu iw ja ji jv ka "
		"kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo "
		"lt lu lv mg mh mi mk ml mn mo mr ms mt my na nb nd ne ng nl "
		"nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru "
		"rw sa sc sd se sg sh si sk sl sm sn so sq sr ss st su sv sw "
		"ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi "
		"vo wa wo xh yi yo za zh zu";
	if (!v_is_language_tag(s)) {
		return false;
	}
	size_t n = strcspn(s, "-");
	if (n == 1) {
		return (s[0] == 'i' || s[0] == 'I' || s[0] == 'x' ||
			s[0] == 'X') &&
		       s[1] == '-';
	}
	if (n == 3) {
		return true;
	}
	if (n != 2) {
		return false;
	}
	char code[3] = { (char)tolower((unsigned char)s[0]),
			 (char)tolower((unsigned char)s[1]), '\0' };
	/* "aa ab ... zu": a code every 3 bytes, the last without a space */
	for (size_t i = 0; i + 2 <= sizeof(codes) - 1; i += 3) {
		if (codes[i] == code[0] && codes[i + 1] == code[1]) {
			return true;
		}
	}
	return false;
}

bool
v_is_email(const char *s)
{
	/* addr-spec, pragmatically: local@domain.tld, no spaces */
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@')) {
		return false;
	}
	for (const char *p = s; *p; p++) {
		if ((unsigned char)*p <= 0x20 || strchr("<>()[]\\,;:\"", *p)) {
			return false;
		}
	}
	const char *dot = strrchr(at + 1, '.');
	return dot && dot > at + 1 && dot[1] != '\0';
}

void
v_check_common_attrs(struct vctx *v, const xmlNode *node)
{
	xmlChar *lang = xmlGetNsProp(node, (const xmlChar *)"lang",
				     XML_XML_NAMESPACE);
	if (lang && lang[0] && !v_is_language_code((const char *)lang)) {
		v_error(v, node, "invalid-language",
			"xml:lang '%.40s' is not an ISO 639 language tag", lang);
	}
	xmlFree(lang);
	xmlChar *base = xmlGetNsProp(node, (const xmlChar *)"base",
				     XML_XML_NAMESPACE);
	if (base) {
		v_check_iri(v, node, "xml:base", (const char *)base, IRI_ANY);
	}
	xmlFree(base);
}


/* ---- RFC 6721 tombstones ---- */

void
tombstone_log_add(struct vctx *v, struct tombstone_log *log,
		  const xmlNode *node, const char *ref, struct wf_time when)
{
	uint64_t key = v_hash(ref);
	int first = hash_set_insert(&log->seen_refs, key, v_line(node));
	if (first) {
		v_warn(v, node, "duplicate-tombstone",
		       "a tombstone for '%.80s' already appears on line %d; one per deleted entry is enough (RFC 6721 §2)",
		       ref, first);
	}
	log->tombstones = xreallocarray(log->tombstones, log->n_tombstones + 1,
					sizeof(*log->tombstones));
	log->tombstones[log->n_tombstones++] = (struct tombstone){
		.when = { .key = key, .t = when, .line = v_line(node) },
		.ref = xstrdup(ref),
	};
}

void
tombstone_log_entry(struct tombstone_log *log, const char *id,
		    struct wf_time updated, int line)
{
	log->entries = xreallocarray(log->entries, log->n_entries + 1,
				     sizeof(*log->entries));
	log->entries[log->n_entries++] =
		(struct dated_id){ .key = v_hash(id), .t = updated, .line = line };
}

/* By key, then the latest deletion first. */
static int
compare_tombstones(const void *a, const void *b)
{
	const struct dated_id *x = &((const struct tombstone *)a)->when;
	const struct dated_id *y = &((const struct tombstone *)b)->when;
	if (x->key != y->key) {
		return x->key < y->key ? -1 : 1;
	}
	return -wf_time_compare(x->t, y->t);
}

/* The latest tombstone for @key in the sorted @log, or NULL. */
static const struct tombstone *
latest_tombstone(const struct tombstone_log *log, uint64_t key)
{
	size_t lo = 0, hi = log->n_tombstones;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (log->tombstones[mid].when.key < key) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo < log->n_tombstones && log->tombstones[lo].when.key == key
		       ? &log->tombstones[lo]
		       : NULL;
}

void
tombstone_log_finish(struct vctx *v, struct tombstone_log *log,
		     const char *what)
{
	if (log->n_tombstones > 0) {
		qsort(log->tombstones, log->n_tombstones,
		      sizeof(*log->tombstones), compare_tombstones);
	}
	for (size_t i = 0; i < log->n_entries && log->n_tombstones > 0; i++) {
		const struct dated_id *e = &log->entries[i];
		const struct tombstone *t = latest_tombstone(log, e->key);
		/* an entry as old as its deletion is a withdrawal notice */
		if (t && wf_time_compare(e->t, t->when.t) > 0) {
			char updated[WF_TIME_RFC3339_MAX], when[WF_TIME_RFC3339_MAX];
			wf_time_format_rfc3339(e->t, updated, sizeof(updated));
			wf_time_format_rfc3339(t->when.t, when, sizeof(when));
			v_add(v, WF_SEVERITY_ERROR, e->line, 0, "deleted-entry-live",
			      "%s '%.80s' (updated %s) is newer than its tombstone on line %d (deleted %s): the document both deletes and republishes it",
			      what, t->ref, updated, t->when.line, when);
		}
	}
	for (size_t i = 0; i < log->n_tombstones; i++) {
		free(log->tombstones[i].ref);
	}
	free(log->tombstones);
	free(log->entries);
	hash_set_finish(&log->seen_refs);
	memset(log, 0, sizeof(*log));
}
