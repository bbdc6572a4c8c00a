/* SPDX-License-Identifier: MIT */
#ifndef RECORD_SPOOL_H
#define RECORD_SPOOL_H

#include <stdint.h>

#include "wirefeed/article.h"

/*
 * The records a load parses, kept whole outside memory, so that writing
 * the archives does not parse them a second time. A load keeps its
 * records as stubs (100,000 whole ones would not fit in the memory a
 * build may use); the archives need every story whole once, a period at
 * a time. Each record parsed whole is written to an unnamed temporary
 * file in a compact binary form (its fields as they are in memory, which
 * reading back only copies), gone when closed or when the process dies.
 *
 * record_spool_add() is called from the load's scanning threads; the
 * spool is read once the load is done (record_spool_load), from any
 * thread. A record the spool could not take (no room, an I/O error)
 * simply is not in it: the archives parse it again, as without a spool.
 */
struct wf_record_spool;

/** A spool whose file is made in @dir when the first record comes
 * (nothing is kept if that fails). */
struct wf_record_spool *
record_spool_create(const char *dir);
void
record_spool_destroy(struct wf_record_spool *spool);

/**
 * Keep @a (a whole record) in the spool. Returns its ticket (> 0), 0 if
 * it was not kept (no spool, or a failure).
 */
uint64_t
record_spool_add(struct wf_record_spool *spool, const struct wf_article *a);

/** The record of @ticket as it was added (wf_article_destroy() it), or
 * NULL: no such ticket, or it cannot be read back. */
struct wf_article *
record_spool_load(const struct wf_record_spool *spool, uint64_t ticket);

#endif
