/* SPDX-License-Identifier: MIT */
/* Cross-build validation: what a new build must keep from the previous one
 * so subscribers' readers do not lose or duplicate stories (ids, dates,
 * guids). Each feed of the new build is validated as usual, then compared
 * with the feed at the same path in the previous build. */
#include "wirefeed/validate.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <libxml/xmlreader.h>

#include "wirefeed/article.h"
#include "wirefeed/record.h"
#include "wirefeed/text.h"
#include "mem.h"
#include "validate_common.h"

/* Feeds per directory walk, and directory depth: named limits. */
#define PREVIOUS_MAX_FILES 100000
#define PREVIOUS_MAX_DEPTH 16

struct snap_entry {
	char *id; /* atom:id, RSS guid (else link) */
	char *link;
	char *guid; /* RSS */
	bool permalink;
	bool has_pub, has_upd;
	struct wf_time pub, upd;
	int line;
};

/* What a feed promises its subscribers, read from one build. */
struct snap {
	enum wf_doc_kind kind;
	int root_line;
	struct snap_entry *e;
	size_t n;
	bool has_updated;
	struct wf_time updated;
	int updated_line;
	char **tombstones;
	size_t n_tombstones;
};

static void
snap_finish(struct snap *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->e[i].id);
		free(s->e[i].link);
		free(s->e[i].guid);
	}
	free(s->e);
	for (size_t i = 0; i < s->n_tombstones; i++) {
		free(s->tombstones[i]);
	}
	free(s->tombstones);
	memset(s, 0, sizeof(*s));
}

static char *
trimmed_text(const xmlNode *node)
{
	char *text = v_text(node);
	char *t = wf_text_trim(text);
	memmove(text, t, strlen(t) + 1);
	return text;
}

static void
add_tombstone(struct snap *s, const xmlNode *node)
{
	char *ref = v_attr(node, "ref");
	if (!ref) {
		return;
	}
	s->tombstones = xreallocarray(s->tombstones, s->n_tombstones + 1,
				      sizeof(*s->tombstones));
	s->tombstones[s->n_tombstones++] = xstrdup(ref);
	xmlFree(ref);
}

static void
read_atom_entry(struct snap *s, const xmlNode *entry)
{
	struct snap_entry e = { .line = v_line(entry), .permalink = false };
	for (const xmlNode *c = entry->children; c; c = c->next) {
		if (!v_is_ns(c, ATOM_NS)) {
			continue;
		}
		const char *n = (const char *)c->name;
		char *text = NULL;
		const char *why = NULL;
		if (strcmp(n, "id") == 0 && !e.id) {
			e.id = trimmed_text(c);
		} else if (strcmp(n, "published") == 0) {
			text = trimmed_text(c);
			e.has_pub = wf_time_parse_rfc3339(text, &e.pub, &why) ==
				    WF_OK;
		} else if (strcmp(n, "updated") == 0) {
			text = trimmed_text(c);
			e.has_upd = wf_time_parse_rfc3339(text, &e.upd, &why) ==
				    WF_OK;
		} else if (strcmp(n, "link") == 0 && !e.link) {
			char *rel = v_attr(c, "rel");
			if (!rel || strcmp(rel, "alternate") == 0) {
				e.link = v_attr(c, "href");
			}
			xmlFree(rel);
		}
		free(text);
	}
	if (!e.id) {
		free(e.link);
		return; /* the validator reports it */
	}
	s->e = xreallocarray(s->e, s->n + 1, sizeof(*s->e));
	s->e[s->n++] = e;
}

static void
read_rss_item(struct snap *s, const xmlNode *item)
{
	struct snap_entry e = { .line = v_line(item), .permalink = true };
	for (const xmlNode *c = item->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE) {
			continue;
		}
		const char *n = (const char *)c->name;
		char *text = NULL;
		unsigned faults = 0;
		const char *why = NULL;
		if (v_is(c, NULL, "guid") && !e.guid) {
			e.guid = trimmed_text(c);
			char *perma = v_attr(c, "isPermaLink");
			e.permalink = !perma || strcmp(perma, "false") != 0;
			xmlFree(perma);
		} else if (v_is(c, NULL, "link") && !e.link) {
			e.link = trimmed_text(c);
		} else if (v_is(c, NULL, "pubDate")) {
			text = trimmed_text(c);
			e.has_pub = wf_time_parse_rfc822(text, &e.pub, &faults,
							 &why) == WF_OK;
		} else if (v_is(c, ATOM_NS, "updated")) {
			text = trimmed_text(c);
			e.has_upd = wf_time_parse_rfc3339(text, &e.upd, &why) ==
				    WF_OK;
		}
		(void)n;
		free(text);
	}
	const char *id = e.guid && e.guid[0] ? e.guid : e.link;
	if (!id || !id[0]) {
		free(e.guid);
		free(e.link);
		return;
	}
	e.id = xstrdup(id);
	s->e = xreallocarray(s->e, s->n + 1, sizeof(*s->e));
	s->e[s->n++] = e;
}

/* Read @path's entries; false (with @diag) if it cannot be opened. A
 * document that is not well-formed gives what was read before the fault
 * (the validator reports the fault itself). */
static bool
snap_read(struct snap *s, const char *path, struct wf_diag *diag)
{
	memset(s, 0, sizeof(*s));
	xmlTextReaderPtr r = xmlReaderForFile(
		path, NULL,
		XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES |
			XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!r) {
		wf_diag_set(diag, path, 0, 0, "cannot read: %s",
			    strerror(errno ? errno : EIO));
		return false;
	}
	bool in_channel = false;
	int ret;
	while ((ret = xmlTextReaderRead(r)) == 1) {
		if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT) {
			continue;
		}
		int depth = xmlTextReaderDepth(r);
		xmlNode *node = xmlTextReaderCurrentNode(r);
		if (!node) {
			continue;
		}
		if (depth == 0) {
			s->root_line = v_line(node);
			if (v_is(node, ATOM_NS, "feed")) {
				s->kind = WF_DOC_ATOM_FEED;
			} else if (v_is(node, NULL, "rss")) {
				s->kind = WF_DOC_RSS2;
			} else {
				break;
			}
			continue;
		}
		if (s->kind == WF_DOC_ATOM_FEED && depth == 1) {
			xmlNode *full = xmlTextReaderExpand(r);
			if (!full) {
				break;
			}
			if (v_is(full, ATOM_NS, "entry")) {
				read_atom_entry(s, full);
			} else if (v_is(full, ATOM_NS, "updated")) {
				char *text = trimmed_text(full);
				const char *why = NULL;
				s->has_updated = wf_time_parse_rfc3339(
							 text, &s->updated,
							 &why) == WF_OK;
				s->updated_line = v_line(full);
				free(text);
			} else if (v_is(full, TOMBSTONE_NS, "deleted-entry")) {
				add_tombstone(s, full);
			}
			xmlTextReaderNext(r);
			continue;
		}
		if (s->kind == WF_DOC_RSS2 && depth == 1) {
			in_channel = v_is(node, NULL, "channel");
			if (in_channel) {
				s->root_line = v_line(node);
			}
			continue;
		}
		if (s->kind == WF_DOC_RSS2 && depth == 2 && in_channel) {
			xmlNode *full = xmlTextReaderExpand(r);
			if (!full) {
				break;
			}
			if (v_is(full, NULL, "item")) {
				read_rss_item(s, full);
			} else if (v_is(full, NULL, "lastBuildDate")) {
				char *text = trimmed_text(full);
				unsigned faults = 0;
				const char *why = NULL;
				s->has_updated = wf_time_parse_rfc822(
							 text, &s->updated,
							 &faults, &why) == WF_OK;
				s->updated_line = v_line(full);
				free(text);
			} else if (v_is(full, TOMBSTONE_NS, "deleted-entry")) {
				add_tombstone(s, full);
			}
			xmlTextReaderNext(r);
		}
	}
	xmlFreeTextReader(r);
	return true;
}

static const struct snap_entry *
snap_find(const struct snap *s, const char *id, bool by_link)
{
	for (size_t i = 0; i < s->n; i++) {
		const char *key = by_link ? s->e[i].link : s->e[i].id;
		if (key && strcmp(key, id) == 0) {
			return &s->e[i];
		}
	}
	return NULL;
}

static bool
in_list(char *const *list, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(list[i], id) == 0) {
			return true;
		}
	}
	return false;
}

static bool
entry_time(const struct snap_entry *e, struct wf_time *t)
{
	if (e->has_upd) {
		*t = e->upd;
		return true;
	}
	*t = e->pub;
	return e->has_pub;
}

/* Append to @report what changed from @old (read from @old_path) to @new
 * in ways subscribers notice. */
static void
compare(struct vctx *v, const char *old_path, const struct snap *old,
	const struct snap *new, char *const *withdrawn, size_t n_withdrawn)
{
	if (old->kind != new->kind) {
		v_add(v, WF_SEVERITY_ERROR, new->root_line, 0, "feed-vanished",
		      "this feed was %s in the previous build (%.300s) and is %s now; subscribers' readers lose it",
		      wf_doc_kind_name(old->kind), old_path,
		      wf_doc_kind_name(new->kind));
		return;
	}
	if (old->has_updated && new->has_updated &&
	    wf_time_compare(new->updated, old->updated) < 0) {
		v_add(v, WF_SEVERITY_ERROR, new->updated_line, 0,
		      "feed-updated-backwards",
		      "the feed's %s is earlier than in the previous build (%.300s:%d); readers take it as nothing new",
		      new->kind == WF_DOC_RSS2 ? "lastBuildDate" : "updated",
		      old_path, old->updated_line);
	}
	/* the oldest entry kept, and how many vanished for a reason */
	bool has_oldest = false;
	struct wf_time oldest = { 0 };
	for (size_t i = 0; i < new->n; i++) {
		struct wf_time t;
		if (entry_time(&new->e[i], &t) &&
		    (!has_oldest || wf_time_compare(t, oldest) < 0)) {
			oldest = t;
			has_oldest = true;
		}
	}
	size_t excused = 0;
	for (size_t i = 0; i < old->n; i++) {
		const char *id = old->e[i].id;
		if (!snap_find(new, id, false) &&
		    (in_list(new->tombstones, new->n_tombstones, id) ||
		     in_list(withdrawn, n_withdrawn, id))) {
			excused++;
		}
	}
	for (size_t i = 0; i < old->n; i++) {
		const struct snap_entry *o = &old->e[i];
		const struct snap_entry *n = snap_find(new, o->id, false);
		if (n) {
			if (o->has_pub && n->has_pub &&
			    wf_time_compare(o->pub, n->pub) != 0) {
				v_add(v, WF_SEVERITY_ERROR, n->line, 0,
				      "published-changed",
				      "entry %.200s: published date differs from the previous build (%.300s:%d); it is set once",
				      o->id, old_path, o->line);
			}
			if (o->has_upd && n->has_upd &&
			    wf_time_compare(n->upd, o->upd) < 0) {
				v_add(v, WF_SEVERITY_ERROR, n->line, 0,
				      "updated-backwards",
				      "entry %.200s: updated is earlier than in the previous build (%.300s:%d); readers ignore the change",
				      o->id, old_path, o->line);
			}
			if (new->kind == WF_DOC_RSS2 && o->guid && n->guid &&
			    o->permalink != n->permalink) {
				v_add(v, WF_SEVERITY_ERROR, n->line, 0,
				      "permalink-flipped",
				      "guid %.200s: isPermaLink is %s now, %s in the previous build (%.300s:%d)",
				      o->id, n->permalink ? "true" : "false",
				      o->permalink ? "true" : "false",
				      old_path, o->line);
			}
			continue;
		}
		if (new->kind == WF_DOC_RSS2 && o->link) {
			const struct snap_entry *same = snap_find(new, o->link,
								  true);
			if (same && same->guid && o->guid &&
			    strcmp(same->guid, o->guid) != 0) {
				v_add(v, WF_SEVERITY_ERROR, same->line, 0,
				      "guid-changed",
				      "item %.200s: guid changed from %.200s (%.300s:%d) to %.200s; readers show it again as new",
				      o->link, o->guid, old_path, o->line,
				      same->guid);
				continue;
			}
		}
		if (in_list(new->tombstones, new->n_tombstones, o->id) ||
		    in_list(withdrawn, n_withdrawn, o->id)) {
			continue;
		}
		/* pushed out of the window by newer entries: the feed is as
		 * full as before and everything in it is at least as new */
		struct wf_time t;
		if (new->n + excused >= old->n && entry_time(o, &t) &&
		    has_oldest && wf_time_compare(t, oldest) <= 0) {
			continue;
		}
		v_add(v, WF_SEVERITY_ERROR, new->root_line, 0, "entry-vanished",
		      "entry %.200s (%.300s:%d) is not in this build: no tombstone, not withdrawn, not pushed out by newer entries",
		      o->id, old_path, o->line);
	}
}

/* Ids of withdrawn records in @dir (its *.xml files). */
static enum wf_status
read_withdrawn(const char *dir, char ***out, size_t *n_out,
	       struct wf_diag *diag)
{
	*out = NULL;
	*n_out = 0;
	if (!dir) {
		return WF_OK;
	}
	DIR *d = opendir(dir);
	if (!d) {
		int e = errno;
		wf_diag_set(diag, dir, 0, 0, "cannot read records: %s",
			    strerror(e));
		return e == ENOENT ? WF_ERR_NOT_FOUND : WF_ERR_IO;
	}
	struct dirent *de;
	char **ids = NULL;
	size_t n = 0;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".xml") != 0 ||
		    de->d_name[0] == '.') {
			continue;
		}
		char *path = xasprintf("%s/%s", dir, de->d_name);
		struct wf_article *a = NULL;
		struct wf_diag ignored = { 0 };
		if (wf_record_parse_file(path, &a, &ignored) == WF_OK) {
			if (a->status == WF_ARTICLE_WITHDRAWN) {
				ids = xreallocarray(ids, n + 1, sizeof(*ids));
				ids[n++] = xstrdup(a->id);
			}
			wf_article_destroy(a);
		}
		free(path);
	}
	closedir(d);
	*out = ids;
	*n_out = n;
	return WF_OK;
}

struct pair_run {
	const struct wf_validate_options *opt;
	char **withdrawn;
	size_t n_withdrawn;
	wf_validate_pair_fn fn;
	void *ctx;
};

/* Validate @new_path; compare with @old_path when it exists. */
static void
check_pair(struct pair_run *p, const char *old_path, const char *new_path)
{
	struct wf_diag diag = { 0 };
	struct wf_validate_report *report = NULL;
	struct stat st;
	if (old_path && stat(new_path, &st) != 0) {
		report = xzalloc(sizeof(*report));
		report->source = xstrdup(new_path);
		struct vctx v = { .report = report, .opt = p->opt };
		v_add(&v, WF_SEVERITY_ERROR, 1, 1, "feed-vanished",
		      "the previous build had this feed (%.300s); subscribers get errors now",
		      old_path);
		p->fn(p->ctx, new_path, report, NULL);
		return;
	}
	if (wf_validate_file(new_path, p->opt, &report, &diag) != WF_OK) {
		p->fn(p->ctx, new_path, NULL, &diag);
		return;
	}
	if (old_path) {
		struct snap old, new;
		if (snap_read(&old, old_path, &diag) &&
		    snap_read(&new, new_path, &diag) &&
		    old.kind != WF_DOC_UNKNOWN) {
			struct vctx v = { .report = report, .opt = p->opt };
			compare(&v, old_path, &old, &new, p->withdrawn,
				p->n_withdrawn);
		}
		snap_finish(&old);
		snap_finish(&new);
	}
	p->fn(p->ctx, new_path, report, NULL);
}

static bool
is_feed_name(const char *name)
{
	size_t len = strlen(name);
	return name[0] != '.' &&
	       ((len > 4 && strcmp(name + len - 4, ".xml") == 0) ||
		(len > 5 && strcmp(name + len - 5, ".atom") == 0) ||
		(len > 4 && strcmp(name + len - 4, ".rss") == 0));
}

/* Relative paths of feed files under @root (regular files, symlinks not
 * followed), appended to *paths. */
static enum wf_status
list_feeds(const char *root, const char *rel, int depth, char ***paths,
	   size_t *n, struct wf_diag *diag)
{
	char *dir = rel[0] ? xasprintf("%s/%s", root, rel) : xstrdup(root);
	DIR *d = opendir(dir);
	if (!d) {
		int e = errno;
		wf_diag_set(diag, dir, 0, 0, "cannot read: %s", strerror(e));
		free(dir);
		return WF_ERR_IO;
	}
	enum wf_status status = WF_OK;
	struct dirent *de;
	while (status == WF_OK && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.') {
			continue;
		}
		char *child_rel = rel[0] ? xasprintf("%s/%s", rel, de->d_name)
					 : xstrdup(de->d_name);
		char *path = xasprintf("%s/%s", root, child_rel);
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
		    depth < PREVIOUS_MAX_DEPTH) {
			status = list_feeds(root, child_rel, depth + 1, paths,
					    n, diag);
		} else if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
			   is_feed_name(de->d_name)) {
			if (*n >= PREVIOUS_MAX_FILES) {
				wf_diag_set(diag, root, 0, 0,
					    "more than %d feed files",
					    PREVIOUS_MAX_FILES);
				status = WF_ERR_TOO_LARGE;
			} else {
				*paths = xreallocarray(*paths, *n + 1,
						       sizeof(**paths));
				(*paths)[(*n)++] = child_rel;
				child_rel = NULL;
			}
		}
		free(child_rel);
		free(path);
	}
	closedir(d);
	free(dir);
	return status;
}

static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum wf_status
wf_validate_previous(const char *old_path, const char *new_path,
		     const char *records_dir,
		     const struct wf_validate_options *options,
		     wf_validate_pair_fn fn, void *ctx, struct wf_diag *diag)
{
	struct stat old_st, new_st;
	if (stat(old_path, &old_st) != 0) {
		int e = errno;
		wf_diag_set(diag, old_path, 0, 0, "cannot read: %s",
			    strerror(e));
		return e == ENOENT ? WF_ERR_NOT_FOUND : WF_ERR_IO;
	}
	if (stat(new_path, &new_st) != 0) {
		int e = errno;
		wf_diag_set(diag, new_path, 0, 0, "cannot read: %s",
			    strerror(e));
		return e == ENOENT ? WF_ERR_NOT_FOUND : WF_ERR_IO;
	}
	if (S_ISDIR(old_st.st_mode) != S_ISDIR(new_st.st_mode)) {
		wf_diag_set(diag, new_path, 0, 0,
			    "--previous %s and %s: give two files or two directories",
			    old_path, new_path);
		return WF_ERR_USAGE;
	}
	struct wf_validate_options opts = { 0 };
	if (options) {
		opts = *options;
	}
	struct pair_run p = { .opt = &opts, .fn = fn, .ctx = ctx };
	enum wf_status status = read_withdrawn(records_dir, &p.withdrawn,
					       &p.n_withdrawn, diag);
	if (status != WF_OK) {
		return status;
	}
	if (!S_ISDIR(new_st.st_mode)) {
		check_pair(&p, old_path, new_path);
		goto out;
	}
	char **olds = NULL, **news = NULL;
	size_t n_old = 0, n_new = 0;
	status = list_feeds(old_path, "", 0, &olds, &n_old, diag);
	if (status == WF_OK) {
		status = list_feeds(new_path, "", 0, &news, &n_new, diag);
	}
	if (status == WF_OK) {
		qsort(olds, n_old, sizeof(*olds), compare_strings);
		qsort(news, n_new, sizeof(*news), compare_strings);
		/* merge: every path of either build, in order */
		size_t i = 0, j = 0;
		while (i < n_old || j < n_new) {
			int c = i >= n_old   ? 1
				: j >= n_new ? -1
					     : strcmp(olds[i], news[j]);
			const char *rel = c <= 0 ? olds[i] : news[j];
			char *o = c <= 0 ? xasprintf("%s/%s", old_path, rel)
					 : NULL;
			char *n = xasprintf("%s/%s", new_path, rel);
			check_pair(&p, o, n);
			free(o);
			free(n);
			i += c <= 0;
			j += c >= 0;
		}
	}
	for (size_t i = 0; i < n_old; i++) {
		free(olds[i]);
	}
	for (size_t i = 0; i < n_new; i++) {
		free(news[i]);
	}
	free(olds);
	free(news);
out:
	for (size_t i = 0; i < p.n_withdrawn; i++) {
		free(p.withdrawn[i]);
	}
	free(p.withdrawn);
	return status;
}
