/* SPDX-License-Identifier: MIT */
#include "wirefeed/recstore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "wirefeed/atomic_file.h"
#include "wirefeed/newswire.h"
#include "wirefeed/record.h"
#include "wirefeed/text.h"
#include "buf.h"
#include "mem.h"

struct wf_time
wf_time_now_local(void)
{
	struct wf_time t = wf_time_now();
	time_t now = (time_t)t.utc;
	struct tm tm;
	if (localtime_r(&now, &tm)) {
		int64_t local = wf_days_from_civil(tm.tm_year + 1900,
						   (unsigned)tm.tm_mon + 1,
						   (unsigned)tm.tm_mday) * 86400 +
				tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
		t.offset_s = (int32_t)(local - t.utc);
	}
	return t;
}

/* An exclusive lock for the whole newswire's records; -1 on failure. */
static int
lock_articles(const char *root, struct wf_diag *diag)
{
	char *path = xasprintf("%s/articles/.lock", root);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || flock(fd, LOCK_EX) != 0) {
		wf_diag_set(diag, path, 0, 0, "cannot lock: %s", strerror(errno));
		if (fd >= 0) {
			close(fd);
		}
		fd = -1;
	}
	free(path);
	return fd;
}

static void
unlock_articles(int fd)
{
	flock(fd, LOCK_UN);
	close(fd);
}

enum wf_status
wf_recstore_find(const char *root, const char *id, char **out,
		 struct wf_diag *diag)
{
	char *dir = xasprintf("%s/articles", root);
	DIR *d = opendir(dir);
	if (!d) {
		wf_diag_set(diag, dir, 0, 0, "cannot open: %s", strerror(errno));
		free(dir);
		return WF_ERR_IO;
	}
	enum wf_status st = WF_ERR_NOT_FOUND;
	struct dirent *de;
	while (st == WF_ERR_NOT_FOUND && (de = readdir(d)) != NULL) {
		if (!wf_newswire_is_record_name(de->d_name)) {
			continue;
		}
		char *path = xasprintf("%s/%s", dir, de->d_name);
		struct buf b;
		buf_init(&b, WF_RECORD_MAX_BYTES);
		struct wf_diag ignored = { 0 };
		/* cheap text search first; parse only candidates */
		if (buf_read_file(&b, path, &ignored) == WF_OK && b.data &&
		    strstr(b.data, id)) {
			struct wf_article *a = NULL;
			if (wf_record_parse_memory(b.data, b.len, path, &a,
						   &ignored) == WF_OK &&
			    strcmp(a->id, id) == 0) {
				*out = path;
				path = NULL;
				st = WF_OK;
			}
			wf_article_destroy(a);
		}
		buf_finish(&b);
		free(path);
	}
	closedir(d);
	if (st == WF_ERR_NOT_FOUND) {
		wf_diag_set(diag, dir, 0, 0, "no record has id %s", id);
	}
	free(dir);
	return st;
}

static enum wf_status
write_record(const struct wf_article *a, const char *path,
	     struct wf_diag *diag)
{
	char *text = NULL;
	size_t len = 0;
	enum wf_status st = wf_record_format(a, &text, &len, diag);
	if (st == WF_OK) {
		st = wf_write_file_atomic(path, text, len, diag);
	}
	free(text);
	return st;
}

enum wf_status
wf_recstore_edit(const char *root, const char *id, wf_record_edit_fn edit,
		 void *ctx, struct wf_article **result, struct wf_diag *diag)
{
	int lock = lock_articles(root, diag);
	if (lock < 0) {
		return WF_ERR_IO;
	}
	char *path = NULL;
	struct wf_article *a = NULL, *before = NULL;
	enum wf_status st = wf_recstore_find(root, id, &path, diag);
	if (st == WF_OK) {
		st = wf_record_parse_file(path, &a, diag);
	}
	if (st == WF_OK) {
		before = wf_article_clone(a);
		st = edit(a, ctx, diag);
	}
	if (st == WF_OK) {
		if (strcmp(a->id, before->id) != 0) {
			wf_diag_set(diag, path, 0, 0, "an edit may not change the id");
			st = WF_ERR_INVALID;
		} else if (wf_time_compare(a->published, before->published) != 0 ||
			   a->published.offset_s != before->published.offset_s) {
			wf_diag_set(diag, path, 0, 0,
				    "published never changes after first publication");
			st = WF_ERR_INVALID;
		} else if (wf_time_compare(a->updated, before->updated) < 0) {
			wf_diag_set(diag, path, 0, 0,
				    "updated may not go backwards (the record says it was last updated later)");
			st = WF_ERR_INVALID;
		} else if (before->has_edited &&
			   wf_time_compare(a->edited, before->edited) < 0) {
			wf_diag_set(diag, path, 0, 0, "edited may not go backwards");
			st = WF_ERR_INVALID;
		}
	}
	if (st == WF_OK) {
		struct wf_diag check = { 0 };
		if (wf_article_check(a, &check) != WF_OK) {
			wf_diag_set(diag, path, 0, 0, "%s", check.message);
			st = WF_ERR_INVALID;
		}
	}
	if (st == WF_OK) {
		st = write_record(a, path, diag);
	}
	unlock_articles(lock);
	free(path);
	wf_article_destroy(before);
	if (st == WF_OK && result) {
		*result = a;
	} else {
		wf_article_destroy(a);
	}
	return st;
}

enum wf_status
wf_recstore_create(const char *root, const struct wf_article *a,
		   char **path_out, struct wf_diag *diag)
{
	struct wf_diag check = { 0 };
	if (wf_article_check(a, &check) != WF_OK) {
		wf_diag_set(diag, NULL, 0, 0, "%s", check.message);
		return WF_ERR_INVALID;
	}
	char *text = NULL;
	size_t len = 0;
	enum wf_status st = wf_record_format(a, &text, &len, diag);
	if (st != WF_OK) {
		return st;
	}
	int lock = lock_articles(root, diag);
	if (lock < 0) {
		free(text);
		return WF_ERR_IO;
	}
	char *existing = NULL;
	struct wf_diag ignored = { 0 };
	if (wf_recstore_find(root, a->id, &existing, &ignored) == WF_OK) {
		wf_diag_set(diag, existing, 0, 0, "a record with id %s exists",
			    a->id);
		free(existing);
		unlock_articles(lock);
		free(text);
		return WF_ERR_CONFLICT;
	}
	char date[WF_TIME_RFC3339_MAX];
	wf_time_format_rfc3339(a->published, date, sizeof(date));
	char *slug = wf_text_slugify(a->title, 60);
	char *path = NULL;
	for (int n = 1; n < 1000 && !path; n++) {
		char *candidate = n == 1
			? xasprintf("%s/articles/%.10s-%s.xml", root, date,
				    *slug ? slug : "story")
			: xasprintf("%s/articles/%.10s-%s-%d.xml", root, date,
				    *slug ? slug : "story", n);
		if (access(candidate, F_OK) != 0) {
			path = candidate;
		} else {
			free(candidate);
		}
	}
	free(slug);
	st = path ? wf_write_file_atomic(path, text, len, diag) : WF_ERR_IO;
	unlock_articles(lock);
	free(text);
	if (st == WF_OK && path_out) {
		*path_out = path;
	} else {
		free(path);
	}
	return st;
}
