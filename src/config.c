/* SPDX-License-Identifier: MIT */
/* wirefeed.conf: "key = value" lines (docs/config-format.md). */
#include "wirefeed/config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "wirefeed/article.h"
#include "wirefeed/text.h"
#include "buf.h"
#include "mem.h"

#define CONFIG_MAX_BYTES (1024u * 1024)

void
wf_config_destroy(struct wf_config *c)
{
	if (!c) {
		return;
	}
	free(c->title);
	free(c->subtitle);
	free(c->base_url);
	free(c->site_url);
	free(c->feed_id);
	free(c->default_author);
	free(c->language);
	free(c->rights);
	free(c->tombstone_by);
	for (size_t i = 0; i < c->n_sections; i++) {
		free(c->sections[i].slug);
		free(c->sections[i].title);
	}
	free(c->sections);
	for (size_t i = 0; i < c->n_hubs; i++) {
		free(c->hubs[i]);
	}
	free(c->hubs);
	free(c);
}

const struct wf_section_def *
wf_config_find_section(const struct wf_config *c, const char *slug)
{
	for (size_t i = 0; i < c->n_sections; i++) {
		if (strcmp(c->sections[i].slug, slug) == 0) {
			return &c->sections[i];
		}
	}
	return NULL;
}

static bool
is_slug(const char *s)
{
	if (!*s) {
		return false;
	}
	for (; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-')) {
			return false;
		}
	}
	return true;
}

static bool
is_http_url(const char *s)
{
	const char *rest = NULL;
	if (strncmp(s, "http://", 7) == 0) {
		rest = s + 7;
	} else if (strncmp(s, "https://", 8) == 0) {
		rest = s + 8;
	}
	if (!rest || !*rest || *rest == '/') {
		return false;
	}
	for (const char *p = s; *p; p++) {
		if ((unsigned char)*p <= 0x20 || strchr("<>\"{}|\\^`", *p)) {
			return false;
		}
	}
	return true;
}

static char *
with_slash(const char *url)
{
	size_t n = strlen(url);
	return n && url[n - 1] == '/' ? xstrdup(url) : xasprintf("%s/", url);
}

static bool
parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	if (!*s) {
		return false;
	}
	unsigned long v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9') {
			return false;
		}
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > max) {
			return false;
		}
	}
	*out = v;
	return true;
}

enum wf_status
wf_config_parse(const char *text, size_t len, const char *source,
		struct wf_config **out, struct wf_diag *diag)
{
	const char *src = source ? source : "<config>";
	size_t bad;
	const char *why;
	if (!wf_text_is_xml_safe(text, len, &bad, &why)) {
		int line, column;
		wf_text_position(text, bad, &line, &column);
		wf_diag_set(diag, src, line, column, "%s", why);
		return WF_ERR_PARSE;
	}
	struct wf_config *c = xzalloc(sizeof(*c));
	c->max_entries = WF_CONFIG_DEFAULT_MAX_ENTRIES;
	c->cache_max_age_s = WF_CONFIG_DEFAULT_MAX_AGE_S;
	c->delta_history = WF_CONFIG_DEFAULT_DELTA_HISTORY;
	c->tombstone_days = WF_CONFIG_DEFAULT_TOMBSTONE_DAYS;
	char *copy = xstrndup(text, len);
	enum wf_status st = WF_OK;
	unsigned seen = 0;
	static const char *const keys[] = {
		"title",	  "subtitle", "base_url", "site_url",
		"feed_id",	  "default_author", "language", "rights",
		"max_entries", "cache_max_age", "section", "archives",
		"hub",	  "delta_history", "tombstone_days", "tombstone_by",
	};
	int lineno = 0;
	char *line = copy;
	while (line && st == WF_OK) {
		char *next = strchr(line, '\n');
		if (next) {
			*next++ = '\0';
		}
		lineno++;
		char *l = wf_text_trim(line);
		line = next;
		if (*l == '\0' || *l == '#') {
			continue;
		}
		char *eq = strchr(l, '=');
		if (!eq) {
			wf_diag_set(diag, src, lineno, 0,
				    "expected 'key = value'");
			st = WF_ERR_PARSE;
			break;
		}
		*eq = '\0';
		char *key = wf_text_trim(l);
		char *value = wf_text_trim(eq + 1);
		int k = -1;
		for (int i = 0; i < (int)(sizeof(keys) / sizeof(keys[0])); i++) {
			if (strcmp(keys[i], key) == 0) {
				k = i;
			}
		}
		if (k < 0) {
			wf_diag_set(diag, src, lineno, 0, "unknown key '%.60s'",
				    key);
			st = WF_ERR_PARSE;
			break;
		}
		if (strcmp(key, "section") != 0 && strcmp(key, "hub") != 0) {
			if (seen & (1u << k)) {
				wf_diag_set(diag, src, lineno, 0,
					    "duplicate key '%s'", key);
				st = WF_ERR_PARSE;
				break;
			}
			seen |= 1u << k;
		}
		if (*value == '\0') {
			wf_diag_set(diag, src, lineno, 0,
				    "empty value for '%s'", key);
			st = WF_ERR_INVALID;
			break;
		}
		unsigned long num;
		if (strcmp(key, "title") == 0) {
			c->title = xstrdup(value);
		} else if (strcmp(key, "subtitle") == 0) {
			c->subtitle = xstrdup(value);
		} else if (strcmp(key, "base_url") == 0 ||
			   strcmp(key, "site_url") == 0) {
			if (!is_http_url(value)) {
				wf_diag_set(diag, src, lineno, 0,
					    "%s '%.80s' must be an absolute http(s) URL",
					    key, value);
				st = WF_ERR_INVALID;
				break;
			}
			if (key[0] == 'b') {
				c->base_url = with_slash(value);
			} else {
				c->site_url = xstrdup(value);
			}
		} else if (strcmp(key, "feed_id") == 0) {
			if (!wf_article_id_is_valid(value)) {
				wf_diag_set(diag, src, lineno, 0,
					    "feed_id '%.80s' must be a lowercase urn:uuid:...",
					    value);
				st = WF_ERR_INVALID;
				break;
			}
			c->feed_id = xstrdup(value);
		} else if (strcmp(key, "default_author") == 0) {
			c->default_author = xstrdup(value);
		} else if (strcmp(key, "language") == 0) {
			c->language = xstrdup(value);
		} else if (strcmp(key, "rights") == 0) {
			c->rights = xstrdup(value);
		} else if (strcmp(key, "tombstone_by") == 0) {
			c->tombstone_by = xstrdup(value);
		} else if (strcmp(key, "max_entries") == 0) {
			if (!parse_uint(value, 10000, &num) || num < 1) {
				wf_diag_set(diag, src, lineno, 0,
					    "max_entries must be a number from 1 to 10000");
				st = WF_ERR_INVALID;
				break;
			}
			c->max_entries = num;
		} else if (strcmp(key, "cache_max_age") == 0) {
			if (!parse_uint(value, 31536000, &num)) {
				wf_diag_set(diag, src, lineno, 0,
					    "cache_max_age must be a number of seconds (0 to 31536000)");
				st = WF_ERR_INVALID;
				break;
			}
			c->cache_max_age_s = (unsigned)num;
		} else if (strcmp(key, "tombstone_days") == 0) {
			if (!parse_uint(value, 3650, &num)) {
				wf_diag_set(diag, src, lineno, 0,
					    "tombstone_days must be a number of days (0 to 3650)");
				st = WF_ERR_INVALID;
				break;
			}
			c->tombstone_days = (unsigned)num;
		} else if (strcmp(key, "delta_history") == 0) {
			if (!parse_uint(value, 256, &num)) {
				wf_diag_set(diag, src, lineno, 0,
					    "delta_history must be a number of versions (0 to 256)");
				st = WF_ERR_INVALID;
				break;
			}
			c->delta_history = num;
		} else if (strcmp(key, "hub") == 0) {
			if (!is_http_url(value)) {
				wf_diag_set(diag, src, lineno, 0,
					    "hub '%.80s' must be an absolute http(s) URL",
					    value);
				st = WF_ERR_INVALID;
				break;
			}
			bool dup = false;
			for (size_t i = 0; i < c->n_hubs; i++) {
				dup = dup || strcmp(c->hubs[i], value) == 0;
			}
			if (dup || c->n_hubs == WF_CONFIG_MAX_HUBS) {
				wf_diag_set(diag, src, lineno, 0,
					    dup ? "duplicate hub '%.80s'"
						: "more than 16 hubs ('%.80s')",
					    value);
				st = WF_ERR_INVALID;
				break;
			}
			c->hubs = xreallocarray(c->hubs, c->n_hubs + 1,
						sizeof(*c->hubs));
			c->hubs[c->n_hubs++] = xstrdup(value);
		} else if (strcmp(key, "archives") == 0) {
			if (strcmp(value, "monthly") == 0) {
				c->archives = WF_ARCHIVE_MONTHLY;
			} else if (strcmp(value, "daily") == 0) {
				c->archives = WF_ARCHIVE_DAILY;
			} else if (strcmp(value, "off") == 0) {
				c->archives = WF_ARCHIVE_OFF;
			} else {
				wf_diag_set(diag, src, lineno, 0,
					    "archives must be monthly, daily or off");
				st = WF_ERR_INVALID;
				break;
			}
		} else {
			char *bar = strchr(value, '|');
			if (!bar) {
				wf_diag_set(diag, src, lineno, 0,
					    "expected 'section = slug | Title'");
				st = WF_ERR_PARSE;
				break;
			}
			*bar = '\0';
			char *slug = wf_text_trim(value);
			char *title = wf_text_trim(bar + 1);
			if (!is_slug(slug)) {
				wf_diag_set(diag, src, lineno, 0,
					    "section slug '%.40s' may only have a-z, 0-9 and '-'",
					    slug);
				st = WF_ERR_INVALID;
				break;
			}
			if (!*title) {
				wf_diag_set(diag, src, lineno, 0,
					    "section '%s' needs a title", slug);
				st = WF_ERR_INVALID;
				break;
			}
			if (wf_config_find_section(c, slug)) {
				wf_diag_set(diag, src, lineno, 0,
					    "duplicate section '%s'", slug);
				st = WF_ERR_INVALID;
				break;
			}
			c->sections = xreallocarray(c->sections,
						    c->n_sections + 1,
						    sizeof(*c->sections));
			c->sections[c->n_sections].slug = xstrdup(slug);
			c->sections[c->n_sections].title = xstrdup(title);
			c->n_sections++;
		}
	}
	free(copy);
	if (st == WF_OK) {
		const char *missing = !c->title	   ? "title"
				      : !c->base_url ? "base_url"
				      : !c->feed_id  ? "feed_id"
						     : NULL;
		if (missing) {
			wf_diag_set(diag, src, 0, 0, "missing required key '%s'",
				    missing);
			st = WF_ERR_INVALID;
		}
	}
	if (st != WF_OK) {
		wf_config_destroy(c);
		return st;
	}
	if (!c->site_url) {
		c->site_url = xstrdup(c->base_url);
	}
	if (!c->language) {
		c->language = xstrdup("en-us");
	}
	*out = c;
	return WF_OK;
}

enum wf_status
wf_config_load(const char *path, struct wf_config **out, struct wf_diag *diag)
{
	struct buf b;
	buf_init(&b, CONFIG_MAX_BYTES);
	enum wf_status st = buf_read_file(&b, path, diag);
	if (st == WF_OK) {
		st = wf_config_parse(b.data, b.len, path, out, diag);
	}
	buf_finish(&b);
	return st;
}
