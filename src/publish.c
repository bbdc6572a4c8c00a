/* SPDX-License-Identifier: MIT */
/* Putting a feed set on disk so that a crash at any point leaves either the
 * old or the new bytes of every file, never a torn one, and never writes
 * outside --out through a symbolic link (include/wirefeed/build.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wirefeed/atomic_file.h"
#include "wirefeed/build.h"
#include "mem.h"

/* mkdir -p, following links: @dir is the user's --out */
static enum wf_status
make_dirs(const char *dir, struct wf_diag *diag)
{
	char *p = xstrdup(dir);
	for (char *s = p + 1;; s++) {
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

/* The directories of a set, each opened once, without following links. */
struct dirs {
	int out_fd;
	const char *out_dir;
	char **names; /* relative to out_dir, "" for out_dir itself */
	int *fds;
	size_t n;
};

static void
dirs_finish(struct dirs *d)
{
	for (size_t i = 0; i < d->n; i++) {
		if (d->fds[i] != d->out_fd) {
			close(d->fds[i]);
		}
		free(d->names[i]);
	}
	free(d->names);
	free(d->fds);
	if (d->out_fd >= 0) {
		close(d->out_fd);
	}
}

/* Open (creating) one component below @parent, refusing links. */
static int
open_component(int parent, const char *name, const char *shown,
	       struct wf_diag *diag)
{
	if (strcmp(name, "..") == 0 || strcmp(name, ".") == 0 || !*name) {
		wf_diag_set(diag, shown, 0, 0, "bad path component '%s'", name);
		return -1;
	}
	int fd = openat(parent, name,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		if (mkdirat(parent, name, 0755) != 0 && errno != EEXIST) {
			wf_diag_set(diag, shown, 0, 0,
				    "cannot create directory: %s",
				    strerror(errno));
			return -1;
		}
		fd = openat(parent, name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0) {
		int saved = errno;
		struct stat st;
		if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(st.st_mode)) {
			wf_diag_set(diag, shown, 0, 0,
				    "is a symbolic link; refusing to write through it (remove it, or point --out elsewhere)");
		} else {
			wf_diag_set(diag, shown, 0, 0, "cannot open directory: %s",
				    strerror(saved));
		}
	}
	return fd;
}

/* The fd of directory @rel (relative to out_dir), opened and created
 * component by component; -1 with @diag. */
static int
dirs_get(struct dirs *d, const char *rel, struct wf_diag *diag)
{
	for (size_t i = 0; i < d->n; i++) {
		if (strcmp(d->names[i], rel) == 0) {
			return d->fds[i];
		}
	}
	int fd = d->out_fd;
	if (*rel) {
		char *copy = xstrdup(rel);
		int parent = d->out_fd;
		fd = -1;
		for (char *s = copy, *next; s; s = next) {
			next = strchr(s, '/');
			if (next) {
				*next++ = '\0';
			}
			char *shown = xasprintf("%s/%.*s", d->out_dir,
						(int)(s - copy + strlen(s)), rel);
			fd = open_component(parent, s, shown, diag);
			free(shown);
			if (parent != d->out_fd) {
				close(parent);
			}
			if (fd < 0) {
				break;
			}
			parent = fd;
		}
		free(copy);
		if (fd < 0) {
			return -1;
		}
	}
	d->names = xreallocarray(d->names, d->n + 1, sizeof(*d->names));
	d->fds = xreallocarray(d->fds, d->n + 1, sizeof(*d->fds));
	d->names[d->n] = xstrdup(rel);
	d->fds[d->n] = fd;
	d->n++;
	return fd;
}

/* Whether @name in @dirfd is a regular file (not a link) holding exactly
 * @len bytes equal to @data. */
static bool
same_bytes_at(int dirfd, const char *name, const char *data, size_t len)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		return false;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size != len) {
		close(fd);
		return false;
	}
	char chunk[65536];
	size_t off = 0;
	bool same = true;
	while (same && off < len) {
		size_t want = len - off < sizeof(chunk) ? len - off : sizeof(chunk);
		ssize_t got = read(fd, chunk, want);
		if (got < 0 && errno == EINTR) {
			continue;
		}
		if (got <= 0 || memcmp(chunk, data + off, (size_t)got) != 0) {
			same = false;
		}
		off += got > 0 ? (size_t)got : 0;
	}
	close(fd);
	return same;
}

/* Rename order: linked-to files first (subdirectories), then top-level
 * files, index.html (which links to every feed) last. */
static int
rename_rank(const char *path)
{
	if (strchr(path, '/')) {
		return 0;
	}
	return strcmp(path, "index.html") == 0 ? 2 : 1;
}

struct pending {
	int dirfd;
	const char *path; /* borrowed from the set */
	const char *name; /* last component, inside path */
	char *tmp;        /* name of the temporary in dirfd */
	bool redate;      /* replaces a file of this second: date it later */
};

int
wf_publish_open_dir(const char *out_dir, const char *rel,
		    struct wf_diag *diag)
{
	if (make_dirs(out_dir, diag) != WF_OK) {
		return -1;
	}
	struct dirs dirs = { .out_fd = -1, .out_dir = out_dir };
	dirs.out_fd = open(out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirs.out_fd < 0) {
		wf_diag_set(diag, out_dir, 0, 0, "cannot open directory: %s",
			    strerror(errno));
		return -1;
	}
	int fd = dirs_get(&dirs, rel, diag);
	int result = fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (fd >= 0 && result < 0) {
		wf_diag_set(diag, out_dir, 0, 0, "cannot open directory: %s",
			    strerror(errno));
	}
	dirs_finish(&dirs);
	return result;
}

/* Changed bytes must get a later mtime than the file they replace, even
 * within one second: a static server's Last-Modified is the mtime and
 * nginx's ETag is mtime-size, so two versions of one size written in the
 * same second would look the same to a revalidating client. The mtime of
 * the file @tmp replaces, when that is not earlier than @tmp's own (the
 * same second): the publish then waits for the next second and dates the
 * temporary then, before the rename (never ahead of the clock, and a
 * published file never changes its date afterwards). -1 if no wait. */
static time_t
mtime_to_pass(int dirfd, const char *name, const char *tmp)
{
	struct stat before, fresh;
	if (fstatat(dirfd, name, &before, AT_SYMLINK_NOFOLLOW) != 0 ||
	    fstatat(dirfd, tmp, &fresh, AT_SYMLINK_NOFOLLOW) != 0 ||
	    fresh.st_mtime > before.st_mtime) {
		return -1;
	}
	return before.st_mtime;
}

enum wf_status
wf_publish(const struct wf_feedset *set, const char *out_dir,
	   struct wf_publish_stats *stats, struct wf_diag *diag)
{
	struct wf_publish_stats local = { 0 };
	struct pending *todo = xcalloc(set->n_files + 1, sizeof(*todo));
	size_t n = 0;
	time_t latest_pass = -1; /* see mtime_to_pass() */
	struct dirs dirs = { .out_fd = -1, .out_dir = out_dir };
	enum wf_status st = make_dirs(out_dir, diag);
	if (st == WF_OK) {
		dirs.out_fd = open(out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dirs.out_fd < 0) {
			wf_diag_set(diag, out_dir, 0, 0,
				    "cannot open directory: %s", strerror(errno));
			st = WF_ERR_IO;
		}
	}
	/* Open every directory of the set (refusing links) and sweep what
	 * killed runs left there. */
	int64_t now = wf_time_now().utc;
	for (size_t i = 0; st == WF_OK && i < set->n_files; i++) {
		const char *path = set->files[i].path;
		if (set->files[i].immutable) {
			continue;
		}
		const char *slash = strrchr(path, '/');
		char *rel = slash ? xstrndup(path, (size_t)(slash - path))
				  : xstrdup("");
		size_t before = dirs.n;
		int fd = dirs_get(&dirs, rel, diag);
		free(rel);
		if (fd < 0) {
			st = WF_ERR_IO;
		} else if (dirs.n > before) {
			wf_atomic_file_sweep_at(fd, now);
		}
	}

	/* Phase 1: every changed file to a synced temporary. */
	for (size_t i = 0; st == WF_OK && i < set->n_files; i++) {
		const struct wf_rendered_file *f = &set->files[i];
		if (f->immutable) {
			continue; /* a closed archive: wf_archive_publish()'s */
		}
		const char *slash = strrchr(f->path, '/');
		char *rel = slash ? xstrndup(f->path, (size_t)(slash - f->path))
				  : xstrdup("");
		int fd = dirs_get(&dirs, rel, diag);
		free(rel);
		const char *name = slash ? slash + 1 : f->path;
		if (f->on_disk || same_bytes_at(fd, name, f->data, f->len)) {
			local.unchanged++;
			continue;
		}
		char *shown = xasprintf("%s/%s", out_dir, f->path);
		char *tmp = NULL;
		st = wf_atomic_file_write_temp_at(fd, name, shown, f->data,
						  f->len, &tmp, diag);
		free(shown);
		if (st != WF_OK) {
			break;
		}
		time_t pass = mtime_to_pass(fd, name, tmp);
		if (pass > latest_pass) {
			latest_pass = pass;
		}
		todo[n++] = (struct pending){ .dirfd = fd, .path = f->path,
					      .name = name, .tmp = tmp,
					      .redate = pass >= 0 };
	}
	/* a file replaced twice within one second: wait for the next one
	 * (mtime_to_pass) and date the temporaries then */
	if (st == WF_OK && latest_pass >= 0) {
		wf_time_sleep_past(latest_pass);
		/* the clock as read, not UTIME_NOW: the kernel's coarse
		 * file time can still be in the second just waited out */
		struct timespec dated;
		clock_gettime(CLOCK_REALTIME, &dated);
		for (size_t i = 0; i < n; i++) {
			struct timespec times[2] = { { 0, UTIME_OMIT }, dated };
			if (todo[i].redate) {
				(void)utimensat(todo[i].dirfd, todo[i].tmp, times,
						AT_SYMLINK_NOFOLLOW);
			}
		}
	}
	/* Phase 2: rename them all, in rank order, then make the renames
	 * durable. */
	for (int rank = 0; st == WF_OK && rank <= 2; rank++) {
		for (size_t i = 0; st == WF_OK && i < n; i++) {
			if (rename_rank(todo[i].path) != rank) {
				continue;
			}
			if (renameat(todo[i].dirfd, todo[i].tmp, todo[i].dirfd,
				     todo[i].name) != 0) {
				wf_diag_set(diag, todo[i].path, 0, 0,
					    "cannot rename into place: %s",
					    strerror(errno));
				st = WF_ERR_IO;
				break;
			}
			free(todo[i].tmp);
			todo[i].tmp = NULL;
			local.written++;
		}
	}
	for (size_t i = 0; st == WF_OK && n > 0 && i < dirs.n; i++) {
		if (fsync(dirs.fds[i]) != 0 && errno != EINVAL) {
			wf_diag_set(diag, out_dir, 0, 0,
				    "cannot sync directory '%s': %s",
				    dirs.names[i], strerror(errno));
			st = WF_ERR_IO;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (todo[i].tmp) {
			unlinkat(todo[i].dirfd, todo[i].tmp, 0);
			free(todo[i].tmp);
		}
	}
	free(todo);
	dirs_finish(&dirs);
	if (stats) {
		*stats = local;
	}
	return st;
}
