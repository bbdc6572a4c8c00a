/* SPDX-License-Identifier: MIT */
/* Atomic file replacement and the sweep of leftover temporaries
 * (include/wirefeed/atomic_file.h). */
#include "wirefeed/atomic_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wirefeed/datetime.h"
#include "mem.h"

#define TEMP_MARK ".tmp-"
#define TEMP_RANDOM_LEN 6
/* a pid that is alive again after a crash is a reused one after this */
#define SWEEP_REUSED_PID_AGE_S (24 * 3600)
/* the names of wirefeed 0.1 carry no pid */
#define SWEEP_LEGACY_AGE_S 3600

static bool
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

bool
wf_atomic_file_is_temp_name(const char *entry, const char *for_name,
			    long *pid)
{
	/* the last ".tmp-": a target's own name may contain one */
	const char *mark = NULL;
	for (const char *p = strstr(entry, TEMP_MARK); p;
	     p = strstr(p + 1, TEMP_MARK)) {
		mark = p;
	}
	if (!mark || mark == entry) {
		return false;
	}
	if (for_name && (strlen(for_name) != (size_t)(mark - entry) ||
			 strncmp(entry, for_name, strlen(for_name)) != 0)) {
		return false;
	}
	const char *s = mark + strlen(TEMP_MARK);
	long writer = 0;
	const char *r = s;
	if (*s >= '1' && *s <= '9') {
		const char *d = s;
		long v = 0;
		while (*d >= '0' && *d <= '9' && d - s < 10) {
			v = v * 10 + (*d - '0');
			d++;
		}
		if (*d == '-') {
			writer = v;
			r = d + 1;
		}
	}
	size_t n = 0;
	while (is_alnum(r[n])) {
		n++;
	}
	if (n != TEMP_RANDOM_LEN || r[n] != '\0') {
		return false;
	}
	if (pid) {
		*pid = writer;
	}
	return true;
}

static bool
writer_is_gone(long pid)
{
	if (pid <= 0) {
		return false;
	}
	return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

size_t
wf_atomic_file_sweep_at(int dirfd, int64_t now_utc)
{
	int fd = dup(dirfd);
	if (fd < 0) {
		return 0;
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	rewinddir(d);
	size_t removed = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		long pid = 0;
		if (!wf_atomic_file_is_temp_name(e->d_name, NULL, &pid) ||
		    pid == (long)getpid()) {
			continue; /* not ours, or being written by us */
		}
		struct stat st;
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
			continue;
		}
		int64_t age = now_utc - (int64_t)st.st_mtime;
		bool stale = pid > 0 ? writer_is_gone(pid) ||
					       age > SWEEP_REUSED_PID_AGE_S
				     : age > SWEEP_LEGACY_AGE_S;
		if (stale && unlinkat(dirfd, e->d_name, 0) == 0) {
			removed++;
		}
	}
	closedir(d);
	return removed;
}

size_t
wf_atomic_file_sweep(const char *dir, int64_t now_utc)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		return 0;
	}
	size_t n = wf_atomic_file_sweep_at(fd, now_utc);
	close(fd);
	return n;
}

/* Six letters or digits, different for every call in this process and
 * unlikely to repeat across processes (O_EXCL settles any clash). */
static void
random_suffix(char out[TEMP_RANDOM_LEN + 1])
{
	static const char alphabet[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	static atomic_uint_fast64_t counter;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
		     ((uint64_t)getpid() << 40) ^
		     (atomic_fetch_add(&counter, 1) * 0x9E3779B97F4A7C15u);
	for (int i = 0; i < TEMP_RANDOM_LEN; i++) {
		/* splitmix64 step */
		x += 0x9E3779B97F4A7C15u;
		uint64_t z = x;
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
		z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
		z ^= z >> 31;
		out[i] = alphabet[z % (sizeof(alphabet) - 1)];
	}
	out[TEMP_RANDOM_LEN] = '\0';
}

int
wf_atomic_file_create_temp_at(int dirfd, const char *name, const char *label,
			      char **tmp_name, struct wf_diag *diag)
{
	char *tmp = NULL;
	int fd = -1;
	for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
		char suffix[TEMP_RANDOM_LEN + 1];
		random_suffix(suffix);
		free(tmp);
		tmp = xasprintf("%s" TEMP_MARK "%ld-%s", name, (long)getpid(),
				suffix);
		fd = openat(dirfd, tmp,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    0644);
		if (fd < 0 && errno != EEXIST) {
			break;
		}
	}
	if (fd < 0) {
		wf_diag_set(diag, label, 0, 0, "cannot create temporary file: %s",
			    strerror(errno));
		free(tmp);
		*tmp_name = NULL;
		return -1;
	}
	*tmp_name = tmp;
	return fd;
}

/* A temporary filled through @fd made ready to rename: mode 0644,
 * fsynced, closed. On failure (reported in @diag under @label) it is
 * removed and @tmp freed; WF_ERR_IO. @fd is closed either way. */
static enum wf_status
finish_temp_at(int dirfd, int fd, char *tmp, const char *label,
	       struct wf_diag *diag)
{
	/* published files are world-readable whatever the umask */
	if (fchmod(fd, 0644) != 0 || fsync(fd) != 0) {
		wf_diag_set(diag, label, 0, 0, "cannot sync: %s", strerror(errno));
		close(fd);
	} else if (close(fd) != 0) {
		wf_diag_set(diag, label, 0, 0, "cannot close: %s", strerror(errno));
	} else {
		return WF_OK;
	}
	unlinkat(dirfd, tmp, 0);
	free(tmp);
	return WF_ERR_IO;
}

enum wf_status
wf_atomic_file_sync_dir(int dirfd, const char *label, struct wf_diag *diag)
{
	/* makes renames durable; some filesystems refuse: fine */
	if (fsync(dirfd) != 0 && errno != EINVAL) {
		wf_diag_set(diag, label, 0, 0, "cannot sync directory: %s",
			    strerror(errno));
		return WF_ERR_IO;
	}
	return WF_OK;
}

enum wf_status
wf_atomic_file_write_temp_at(int dirfd, const char *name, const char *label,
			     const void *data, size_t len, char **tmp_name,
			     struct wf_diag *diag)
{
	char *tmp = NULL;
	int fd = wf_atomic_file_create_temp_at(dirfd, name, label, &tmp, diag);
	if (fd < 0) {
		return WF_ERR_IO;
	}
	const char *p = data;
	size_t left = len;
	while (left > 0) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			wf_diag_set(diag, label, 0, 0, "cannot write: %s",
				    n < 0 ? strerror(errno) : "short write");
			goto fail;
		}
		p += n;
		left -= (size_t)n;
	}
	if (finish_temp_at(dirfd, fd, tmp, label, diag) != WF_OK) {
		return WF_ERR_IO;
	}
	*tmp_name = tmp;
	return WF_OK;
fail:
	if (fd >= 0) {
		close(fd);
	}
	unlinkat(dirfd, tmp, 0);
	free(tmp);
	return WF_ERR_IO;
}

enum wf_status
wf_write_file_atomic(const char *path, const void *data, size_t len,
		     struct wf_diag *diag)
{
	const char *slash = strrchr(path, '/');
	char *dir = !slash ? xstrdup(".")
		    : slash == path ? xstrdup("/")
				    : xstrndup(path, (size_t)(slash - path));
	const char *name = slash ? slash + 1 : path;
	enum wf_status st = WF_OK;
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0 || !*name) {
		wf_diag_set(diag, path, 0, 0, "cannot open directory: %s",
			    dirfd < 0 ? strerror(errno) : "no file name");
		st = WF_ERR_IO;
		goto out;
	}
	char *tmp = NULL;
	st = wf_atomic_file_write_temp_at(dirfd, name, path, data, len, &tmp,
					  diag);
	if (st != WF_OK) {
		goto out;
	}
	if (renameat(dirfd, tmp, dirfd, name) != 0) {
		wf_diag_set(diag, path, 0, 0, "cannot rename into place: %s",
			    strerror(errno));
		unlinkat(dirfd, tmp, 0);
		free(tmp);
		st = WF_ERR_IO;
		goto out;
	}
	free(tmp);
	st = wf_atomic_file_sync_dir(dirfd, dir, diag);
out:
	if (dirfd >= 0) {
		close(dirfd);
	}
	free(dir);
	return st;
}
