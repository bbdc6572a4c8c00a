/* SPDX-License-Identifier: MIT */
#ifndef WIREFEED_TEXT_H
#define WIREFEED_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/**
 * Check that @s (@len bytes) is valid UTF-8 (no overlongs, no surrogates,
 * nothing above U+10FFFF) and holds only characters XML 1.0 allows (§2.2:
 * TAB, LF, CR, U+0020..U+D7FF, U+E000..U+FFFD, U+10000..U+10FFFF).
 * On failure returns false and, if non-NULL, sets *bad_offset to the byte
 * offset of the first bad sequence and *why to a static reason.
 */
bool
wf_text_is_xml_safe(const char *s, size_t len, size_t *bad_offset,
		    const char **why);

/**
 * Copy @s into a fresh heap string (caller frees) with every invalid UTF-8
 * sequence replaced by U+FFFD and XML-forbidden characters removed.
 * Used where dropping bad bytes is better than refusing (e.g. log text).
 */
char *
wf_text_sanitize(const char *s, size_t len);

/**
 * @s itself when it is already what wf_text_sanitize() would make of it
 * (the usual case, checked without copying), else a sanitized copy that
 * *@owned also points to: free(*@owned) when done with the result.
 */
const char *
wf_text_safe(const char *s, size_t len, char **owned);

/** The 1-based line and column (in characters, UTF-8 continuation bytes
 * not counted) of byte @offset in @s; @column may be NULL. */
void
wf_text_position(const char *s, size_t offset, int *line, int *column);

/** Strip leading and trailing ASCII white space from @s in place; returns
 * the first non-space character (inside @s). */
char *
wf_text_trim(char *s);

/**
 * Turn @title into a URL/file-safe slug: lowercase ASCII letters and digits,
 * runs of anything else become one '-', no leading/trailing '-', at most
 * @max_len bytes. Non-ASCII letters are dropped. Caller frees.
 */
char *
wf_text_slugify(const char *title, size_t max_len);

#endif
