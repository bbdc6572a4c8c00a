/* SPDX-License-Identifier: MIT */
#include "wirefeed/feedset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mem.h"
#include "sha256.h"

struct wf_feedset *
wf_feedset_create(void)
{
	struct wf_feedset *set = xzalloc(sizeof(*set));
	__atomic_store_n(&set->refcount_, 1, __ATOMIC_RELEASE);
	return set;
}

const char *
wf_file_kind_content_type(enum wf_file_kind kind)
{
	switch (kind) {
	case WF_FILE_ATOM:
		return "application/atom+xml; charset=utf-8";
	case WF_FILE_RSS:
		return "application/rss+xml; charset=utf-8";
	case WF_FILE_HTML:
		return "text/html; charset=utf-8";
	case WF_FILE_JSON:
		return "application/feed+json; charset=utf-8";
	}
	return "application/octet-stream";
}

static void
file_finish(struct wf_rendered_file *f)
{
	free(f->path);
	if (f->on_disk) {
		munmap(f->data, f->len);
	} else {
		free(f->data);
	}
	free(f->title);
	memset(f, 0, sizeof(*f));
}

static size_t
lower_bound(const struct wf_feedset *set, const char *path)
{
	size_t lo = 0, hi = set->n_files;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(set->files[mid].path, path) < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

/* The slot for @path, emptied (a file already there is replaced). */
static struct wf_rendered_file *
place(struct wf_feedset *set, const char *path, enum wf_file_kind kind,
      char *data, size_t len)
{
	size_t at = lower_bound(set, path);
	if (at < set->n_files && strcmp(set->files[at].path, path) == 0) {
		file_finish(&set->files[at]);
	} else {
		set->files = xreallocarray(set->files, set->n_files + 1,
					   sizeof(*set->files));
		memmove(&set->files[at + 1], &set->files[at],
			(set->n_files - at) * sizeof(*set->files));
		set->n_files++;
	}
	struct wf_rendered_file *f = &set->files[at];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
	f->data = data;
	f->len = len;
	f->kind = kind;
	f->content_type = wf_file_kind_content_type(kind);
	return f;
}

/* What index pages say of @f; the set's updated follows its newest. */
static void
describe(struct wf_feedset *set, struct wf_rendered_file *f,
	 struct wf_time updated, const char *title, size_t n_entries)
{
	f->updated = updated;
	f->title = xstrdup(title);
	f->n_entries = n_entries;
	if (set->n_files == 1 || wf_time_compare(updated, set->updated) > 0) {
		set->updated = updated;
	}
}

struct wf_rendered_file *
wf_feedset_add(struct wf_feedset *set, const char *path,
	       enum wf_file_kind kind, char *data, size_t len,
	       struct wf_time updated, const char *title, size_t n_entries)
{
	struct wf_rendered_file *f = place(set, path, kind, data, len);
	const struct wf_rendered_file *before =
		set->previous ? wf_feedset_find(set->previous, path) : NULL;
	if (before && before->len == len && memcmp(before->data, data, len) == 0) {
		/* the same bytes: the same tag (a compare is ~20 times
		 * cheaper than SHA-256) */
		memcpy(f->etag, before->etag, sizeof(f->etag));
	} else {
		char hex[65];
		sha256_hex(data, len, hex);
		/* 128 bits of the digest are plenty to tell versions apart. */
		snprintf(f->etag, sizeof(f->etag), "\"%.32s\"", hex);
	}
	describe(set, f, updated, title, n_entries);
	return f;
}

struct wf_rendered_file *
wf_feedset_add_known(struct wf_feedset *set, const char *path,
		     enum wf_file_kind kind, char *data, size_t len,
		     bool mapped, const char *etag, struct wf_time updated,
		     const char *title, size_t n_entries)
{
	struct wf_rendered_file *f = place(set, path, kind, data, len);
	f->on_disk = mapped;
	snprintf(f->etag, sizeof(f->etag), "%s", etag);
	describe(set, f, updated, title, n_entries);
	return f;
}

void
wf_feedset_add_immutable(struct wf_feedset *set, const char *path,
			 enum wf_file_kind kind, char *data, size_t len,
			 struct wf_time updated, const char *title,
			 size_t n_entries)
{
	wf_feedset_add(set, path, kind, data, len, updated, title, n_entries);
	set->files[lower_bound(set, path)].immutable = true;
}

struct wf_feedset *
wf_feedset_ref(struct wf_feedset *set)
{
	__atomic_add_fetch(&set->refcount_, 1, __ATOMIC_RELAXED);
	return set;
}

struct wf_feedset *
wf_feedset_unref(struct wf_feedset *set)
{
	if (!set) {
		return NULL;
	}
	if (__atomic_sub_fetch(&set->refcount_, 1, __ATOMIC_ACQ_REL) > 0) {
		return NULL;
	}
	for (size_t i = 0; i < set->n_files; i++) {
		file_finish(&set->files[i]);
	}
	free(set->files);
	free(set);
	return NULL;
}

const struct wf_rendered_file *
wf_feedset_find(const struct wf_feedset *set, const char *path)
{
	size_t at = lower_bound(set, path);
	if (at < set->n_files && strcmp(set->files[at].path, path) == 0) {
		return &set->files[at];
	}
	return NULL;
}
