/* SPDX-License-Identifier: MIT */
#ifndef VALIDATE_ARCHIVE_H
#define VALIDATE_ARCHIVE_H

#include "wirefeed/validate.h"

/*
 * RFC 5005 §4 archived feeds, for wirefeed validate on files: an archive
 * document without <fh:archive/> or without rel="current", fh:archive with
 * fh:complete, two prev-archive links, and a prev-archive chain that loops
 * through local files. Links are mapped to files through the document's
 * own rel="self" URL (the published layout), so a directory of published
 * feeds is checked as a set. Codes: docs/validate.md.
 */

/** Add the RFC 5005 findings of the Atom or RSS file @path to @report
 * (a no-op for other kinds). */
void
validate_archive_file(const char *path, struct wf_validate_report *report,
		      const struct wf_validate_options *options);

#endif
