/* SPDX-License-Identifier: MIT */
#ifndef ENTRY_SPOOL_H
#define ENTRY_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirefeed/article.h"
#include "wirefeed/config.h"

/*
 * The archive entries of the records a load parses, rendered while each
 * record is parsed anyway, so that writing the archives does not parse
 * them a second time (they are kept as stubs: all of them would not fit
 * in memory). The three entries of each story (Atom, RSS, JSON Feed, as
 * archive.c lays them into documents) go to an unnamed temporary file,
 * gone when closed or when the process dies.
 *
 * entry_spool_add() is called from the load's scanning threads; the
 * spool is read once the load is done (entry_spool_get/read), from any
 * thread. A story whose entries could not be spooled (no room, an I/O
 * error) simply has none: the archives parse it again, as without a
 * spool.
 */
struct wf_entry_spool;

/** A spool whose file is made in @dir when the first entry comes (nothing
 * is spooled if that fails); only for a config with archives. */
struct wf_entry_spool *
entry_spool_create(const char *dir);
void
entry_spool_destroy(struct wf_entry_spool *spool);

/**
 * Render the entries of @a (a whole record, published, under @config)
 * into the spool. Returns its ticket (> 0), 0 if nothing was spooled:
 * archives off, not published, or a failure.
 */
uint64_t
entry_spool_add(struct wf_entry_spool *spool, const struct wf_config *config,
		const struct wf_article *a);

/** The lengths of ticket @ticket's three entries (in the order Atom, RSS,
 * JSON Feed) and whether its story has an image; false for no such
 * ticket. */
bool
entry_spool_get(const struct wf_entry_spool *spool, uint64_t ticket,
		size_t len[3], bool *has_image);

/**
 * The three entries of @ticket into @dst, which has room for the sum of
 * their lengths plus three: each is followed by a NUL. False on a read
 * error.
 */
bool
entry_spool_read(const struct wf_entry_spool *spool, uint64_t ticket,
		 char *dst);

#endif
