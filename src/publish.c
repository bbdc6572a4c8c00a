/* SPDX-License-Identifier: MIT */
/* Putting files on disk so that a crash at any point leaves either the old
 * or the new bytes of every file, never a torn one. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wirefeed/build.h"
#include "mem.h"

/* fsync a directory so a rename in it is durable. */
static enum wf_status
sync_dir(const char *dir, struct wf_diag *diag)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		wf_diag_set(diag, dir, 0, 0, "cannot open directory: %s",
			    strerror(errno));
		return WF_ERR_IO;
	}
	int rc = fsync(fd);
	int saved = errno;
	close(fd);
	if (rc != 0 && saved != EINVAL) { /* some filesystems refuse: fine */
		wf_diag_set(diag, dir, 0, 0, "cannot sync directory: %s",
			    strerror(saved));
		return WF_ERR_IO;
	}
	return WF_OK;
}

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash) {
		return xstrdup(".");
	}
	if (slash == path) {
		return xstrdup("/");
	}
	return xstrndup(path, (size_t)(slash - path));
}

/* Write @data to a fresh temporary next to @path and fsync it. Returns the
 * temporary's name (caller frees) or NULL with @diag. */
static char *
write_temp(const char *path, const void *data, size_t len,
	   struct wf_diag *diag)
{
	char *tmp = xasprintf("%s.tmp-XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		wf_diag_set(diag, path, 0, 0, "cannot create temporary file: %s",
			    strerror(errno));
		free(tmp);
		return NULL;
	}
	const char *p = data;
	size_t left = len;
	while (left > 0) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			wf_diag_set(diag, path, 0, 0, "cannot write: %s",
				    n < 0 ? strerror(errno) : "short write");
			goto fail;
		}
		p += n;
		left -= (size_t)n;
	}
	/* mkstemp makes 0600; published files are world-readable. */
	if (fchmod(fd, 0644) != 0 || fsync(fd) != 0) {
		wf_diag_set(diag, path, 0, 0, "cannot sync: %s", strerror(errno));
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		wf_diag_set(diag, path, 0, 0, "cannot close: %s", strerror(errno));
		goto fail;
	}
	return tmp;
fail:
	if (fd >= 0) {
		close(fd);
	}
	unlink(tmp);
	free(tmp);
	return NULL;
}

enum wf_status
wf_write_file_atomic(const char *path, const void *data, size_t len,
		     struct wf_diag *diag)
{
	char *tmp = write_temp(path, data, len, diag);
	if (!tmp) {
		return WF_ERR_IO;
	}
	if (rename(tmp, path) != 0) {
		wf_diag_set(diag, path, 0, 0, "cannot rename into place: %s",
			    strerror(errno));
		unlink(tmp);
		free(tmp);
		return WF_ERR_IO;
	}
	free(tmp);
	char *dir = dir_of(path);
	enum wf_status st = sync_dir(dir, diag);
	free(dir);
	return st;
}

/* mkdir -p */
static enum wf_status
make_dirs(const char *dir, struct wf_diag *diag)
{
	char *p = xstrdup(dir);
	for (char *s = p + 1; ; s++) {
		bool end = *s == '\0';
		if (*s == '/' || end) {
			*s = '\0';
			if (mkdir(p, 0755) != 0 && errno != EEXIST) {
				wf_diag_set(diag, p, 0, 0,
					    "cannot create directory: %s",
					    strerror(errno));
				free(p);
				return WF_ERR_IO;
			}
			if (end) {
				break;
			}
			*s = '/';
		}
	}
	free(p);
	return WF_OK;
}

/* Whether @path holds exactly @len bytes equal to @data. */
static bool
same_bytes(const char *path, const char *data, size_t len)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size != len) {
		return false;
	}
	FILE *f = fopen(path, "rb");
	if (!f) {
		return false;
	}
	char chunk[65536];
	size_t off = 0;
	bool same = true;
	while (same && off < len) {
		size_t want = len - off < sizeof(chunk) ? len - off : sizeof(chunk);
		if (fread(chunk, 1, want, f) != want ||
		    memcmp(chunk, data + off, want) != 0) {
			same = false;
		}
		off += want;
	}
	fclose(f);
	return same;
}

enum wf_status
wf_publish(const struct wf_feedset *set, const char *out_dir,
	   struct wf_publish_stats *stats, struct wf_diag *diag)
{
	struct wf_publish_stats local = { 0 };
	char **finals = xcalloc(set->n_files + 1, sizeof(*finals));
	char **temps = xcalloc(set->n_files + 1, sizeof(*temps));
	size_t n = 0;
	enum wf_status st = make_dirs(out_dir, diag);

	/* Phase 1: every changed file to a synced temporary. */
	for (size_t i = 0; st == WF_OK && i < set->n_files; i++) {
		const struct wf_rendered_file *f = &set->files[i];
		char *path = xasprintf("%s/%s", out_dir, f->path);
		if (same_bytes(path, f->data, f->len)) {
			local.unchanged++;
			free(path);
			continue;
		}
		char *dir = dir_of(path);
		st = make_dirs(dir, diag);
		free(dir);
		char *tmp = st == WF_OK ? write_temp(path, f->data, f->len, diag)
					: NULL;
		if (!tmp) {
			st = WF_ERR_IO;
			free(path);
			break;
		}
		finals[n] = path;
		temps[n] = tmp;
		n++;
	}
	/* Phase 2: rename them all, then make the renames durable. */
	for (size_t i = 0; st == WF_OK && i < n; i++) {
		if (rename(temps[i], finals[i]) != 0) {
			wf_diag_set(diag, finals[i], 0, 0,
				    "cannot rename into place: %s",
				    strerror(errno));
			st = WF_ERR_IO;
			break;
		}
		free(temps[i]);
		temps[i] = NULL;
		local.written++;
	}
	for (size_t i = 0; st == WF_OK && i < n; i++) {
		char *dir = dir_of(finals[i]);
		st = sync_dir(dir, diag);
		free(dir);
	}
	for (size_t i = 0; i < n; i++) {
		if (temps[i]) {
			unlink(temps[i]);
			free(temps[i]);
		}
		free(finals[i]);
	}
	free(finals);
	free(temps);
	if (stats) {
		*stats = local;
	}
	return st;
}
