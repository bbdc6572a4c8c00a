/* SPDX-License-Identifier: MIT */
#ifndef WIREFEED_ATOMIC_FILE_H
#define WIREFEED_ATOMIC_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirefeed/status.h"

/*
 * Replacing files so that a crash at any point leaves either the old or the
 * new bytes, never a torn file (base layer: records, the index and the
 * published feeds all use it).
 *
 * Temporary files are created next to their target as
 *
 *     <name>.tmp-<pid>-<6 letters or digits>
 *
 * (O_CREAT | O_EXCL | O_NOFOLLOW, mode 0644, fsynced, then renamed over
 * <name>). A process killed between the two leaves its temporary behind;
 * wf_atomic_file_sweep_at() removes such leftovers: only regular files of
 * ours whose name has exactly that shape, and only when the process that
 * wrote them is gone (kill(pid, 0) says ESRCH) or, for a pid that is alive
 * again (reused), when the file is over a day old. The names of wirefeed
 * 0.1 ("<name>.tmp-XXXXXX", no pid) are removed once over an hour old.
 */

/**
 * Replace the file @path with @len bytes at @data atomically: temporary
 * file in the same directory, fsync, rename, fsync the directory. It does
 * not sweep the directory (a listing of articles/ per edit is O(n) at
 * 100,000 stories): whoever lists a directory anyway sweeps it
 * (wf_newswire_open, wf_publish, the store's full scan). On failure the old file
 * is intact and no temporary is left. @path's directory is opened as given
 * (it may be a symbolic link the user made); the temporary is never created
 * through a link. Not thread-safe against other writers of the same path.
 */
WF_MUST_CHECK enum wf_status
wf_write_file_atomic(const char *path, const void *data, size_t len,
		     struct wf_diag *diag);

/**
 * Write @len bytes to a fresh temporary for @name in the directory @dirfd,
 * mode 0644, fsynced. *tmp_name (caller frees) is its name inside @dirfd.
 * @label names the target in @diag. WF_ERR_IO on failure (nothing left).
 */
WF_MUST_CHECK enum wf_status
wf_atomic_file_write_temp_at(int dirfd, const char *name, const char *label,
			     const void *data, size_t len, char **tmp_name,
			     struct wf_diag *diag);

/**
 * fsync() the directory @dirfd, making the renames into it durable; a
 * filesystem that refuses (EINVAL) is fine, any other error is reported
 * under @label. WF_OK or WF_ERR_IO.
 */
WF_MUST_CHECK enum wf_status
wf_atomic_file_sync_dir(int dirfd, const char *label, struct wf_diag *diag);

/**
 * Create a fresh, empty temporary for @name in the directory @dirfd (mode
 * 0644, never through a link) and return its descriptor, open for
 * writing; *tmp_name (caller frees) is its name inside @dirfd. -1 with
 * @diag (@label names the target) on failure. For writers that fill the
 * file themselves; wf_atomic_file_write_temp_at() writes a buffer.
 */
int
wf_atomic_file_create_temp_at(int dirfd, const char *name, const char *label,
			      char **tmp_name, struct wf_diag *diag);

/**
 * Whether @entry is the name of one of our temporaries (for the target
 * @for_name, or for any name if NULL). *pid (optional) gets the writer's
 * pid, 0 for the older names without one.
 */
bool
wf_atomic_file_is_temp_name(const char *entry, const char *for_name,
			    long *pid);

/**
 * Remove the stale temporaries (rules above) in the directory @dirfd,
 * judging age against @now_utc (seconds since the epoch). Never follows
 * links, never removes anything but regular files owned by our user.
 * Returns how many were removed; errors are ignored (a leftover is
 * harmless).
 */
size_t
wf_atomic_file_sweep_at(int dirfd, int64_t now_utc);

/** wf_atomic_file_sweep_at() on the directory @dir (0 if it cannot be
 * opened). */
size_t
wf_atomic_file_sweep(const char *dir, int64_t now_utc);

#endif
