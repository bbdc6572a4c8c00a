/* SPDX-License-Identifier: MIT */
#ifndef WIREFEED_IRI_H
#define WIREFEED_IRI_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Links in stories (the canonical link, the image URL, an author's uri),
 * checked when they come in, so that what we publish passes the same
 * checks the validator makes on the way out (RFC 3987 IRIs: no spaces,
 * controls or the characters < > " { } | \ ^ `; '%' starts a two-hex-digit
 * escape) and so that no feed carries a javascript:, data: or file: link.
 */

/* Which schemes a link may have. */
enum wf_iri_kind {
	WF_IRI_WEB,    /* http, https: story links, images */
	WF_IRI_PERSON, /* http, https, mailto: an author's uri */
};

/**
 * Whether @value (NUL-terminated, UTF-8) is an absolute IRI of @kind: an
 * allowed scheme (case-insensitive), and for http(s) "//" and a host.
 * On failure sets *bad_offset (if non-NULL) to the byte offset of the
 * fault (0 for whole-value faults) and *why (if non-NULL) to a static
 * reason. Pure and thread-safe.
 */
bool
wf_iri_check(const char *value, enum wf_iri_kind kind, size_t *bad_offset,
	     const char **why);

/**
 * Whether @value is an email address as the validator accepts one for an
 * Atom author (local@domain.tld: one '@', a dot in the domain, no spaces,
 * controls or < > ( ) [ ] \ , ; : "). *why (if non-NULL) gets a static
 * reason on failure.
 */
bool
wf_iri_check_email(const char *value, const char **why);

#endif
