/* SPDX-License-Identifier: MIT */
#ifndef VALIDATE_JSON_H
#define VALIDATE_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "wirefeed/validate.h"

/*
 * JSON Feed 1.1 (https://jsonfeed.org/version/1.1) for wirefeed validate:
 * the spec's required fields and types, RFC 3339 dates, unique ids, and
 * the update rules the Atom and RSS checks apply (date_modified not
 * before date_published, dates not in the future, newest first in
 * wirefeed's own feeds). Codes: docs/validate.md.
 */

/** Whether @data looks like JSON rather than XML: its first byte after
 * blanks (and a UTF-8 BOM) is '{' or '['. */
bool
validate_json_sniff(const char *data, size_t len);

/* The format itself is validate_json_format (validate_format.h). */

#endif
