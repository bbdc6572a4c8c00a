/* SPDX-License-Identifier: MIT */
#ifndef STORE_IDS_H
#define STORE_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirefeed/status.h"

/*
 * The file backend's id index: id -> record file, persisted in
 * IDS_BUCKETS small files (<store>/ids/000 .. 3ff) chosen by a hash of
 * the id, so a lookup or an update reads and rewrites one file of
 * n / IDS_BUCKETS lines: O(1) for any newswire a newsroom will have.
 * Each bucket also holds the re-import keys that hash to it (key -> id)
 * and the ids of records that are gone (ids are never reused).
 *
 * The index is a cache of what the files say: every entry carries the
 * file's size, mtime and inode, and the backend checks them before it
 * trusts an entry. A bucket that fails its checksum makes the backend
 * rebuild the index by a scan. Buckets are replaced atomically (rename)
 * but not fsynced: after a crash an old bucket is just a stale cache.
 */

#define IDS_BUCKETS 1024

struct ids_stamp {
	int64_t size;
	int64_t mtime_ns;
	uint64_t inode;
};

struct ids_entry {
	char *id;
	char *name; /* file name in articles/ */
	struct ids_stamp stamp;
	char version[17];
	char key[17]; /* re-import key */
};

struct ids_key {
	char key[17];
	char *id;
};

struct ids_bucket {
	struct ids_entry *entries;
	size_t n, cap;
	struct ids_key *keys;
	size_t n_keys, cap_keys;
	char **gone; /* ids no longer in any file */
	size_t n_gone, cap_gone;
	bool loaded, dirty;
};

struct ids {
	char *dir;
	struct ids_bucket b[IDS_BUCKETS];
};

void
ids_init(struct ids *ix, const char *dir);

/* Free everything; the struct can be ids_init()ed again. */
void
ids_finish(struct ids *ix);

/* Drop what is cached (another process may have written). */
void
ids_forget(struct ids *ix);

/* The entries for @id (more than one: files with a duplicate id).
 * WF_ERR_PARSE if its bucket is corrupt. */
WF_MUST_CHECK enum wf_status
ids_find(struct ids *ix, const char *id, struct ids_entry **first,
	 size_t *count);

/* Whether @id is or was used (an entry or a gone id). */
WF_MUST_CHECK enum wf_status
ids_is_used(struct ids *ix, const char *id, bool *used);

/* The ids registered under re-import key @key: *ids (heap array of
 * borrowed strings, caller frees the array). */
WF_MUST_CHECK enum wf_status
ids_for_key(struct ids *ix, const char *key, const char ***ids,
	    size_t *count);

/* Add or update the entry for (@e->id, @e->name), keeping the key map. */
WF_MUST_CHECK enum wf_status
ids_put(struct ids *ix, const struct ids_entry *e);

/* Remove the entry (@id, @name); the id is remembered as gone. */
WF_MUST_CHECK enum wf_status
ids_remove(struct ids *ix, const char *id, const char *name);

/* Load every bucket; WF_ERR_PARSE if any is corrupt. */
WF_MUST_CHECK enum wf_status
ids_load_all(struct ids *ix);

/* Empty every bucket (keeping gone ids that load) for a rebuild. */
void
ids_reset(struct ids *ix);

/* Write the changed buckets. */
WF_MUST_CHECK enum wf_status
ids_save(struct ids *ix, struct wf_diag *diag);

/* Replace @path with @len bytes of @text: temporary file, rename, no
 * fsync (for the index and the store's state: checked caches, where an
 * old version after a crash only costs a scan). */
WF_MUST_CHECK enum wf_status
ids_replace_file(const char *path, const char *text, size_t len,
		 struct wf_diag *diag);

#endif
