/* SPDX-License-Identifier: MIT */
#ifndef TSV_H
#define TSV_H

#include <stdbool.h>

#include "buf.h"

/*
 * Fields of the line-based files wirefeed keeps beside the records (the
 * build index, the store's id index and journal): a field never holds a
 * raw TAB, LF, CR or backslash; they are written as \t \n \r \\.
 */

/** Append @s with those four characters escaped. */
WF_MUST_CHECK enum wf_status
tsv_append(struct buf *b, const char *s);

/** Undo tsv_append's escapes in place; false on a bad escape. */
bool
tsv_unescape(char *s);

/** Split @line at TABs into at most @max fields (in place); returns the
 * count. */
int
tsv_split(char *line, char **fields, int max);

#endif
