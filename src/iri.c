/* SPDX-License-Identifier: MIT */
/* Links on input (include/wirefeed/iri.h). */
#include "wirefeed/iri.h"

#include <string.h>
#include <strings.h>

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

static bool
fail(size_t offset, const char *reason, size_t *bad_offset, const char **why)
{
	if (bad_offset) {
		*bad_offset = offset;
	}
	if (why) {
		*why = reason;
	}
	return false;
}

/* Length of the scheme (RFC 3986 §3.1, without ':'), 0 if none. */
static size_t
scheme_len(const char *s)
{
	size_t i = 0;
	while (s[i] && (is_alpha(s[i]) ||
			(i > 0 && ((s[i] >= '0' && s[i] <= '9') || s[i] == '+' ||
				   s[i] == '-' || s[i] == '.')))) {
		i++;
	}
	return s[i] == ':' && i > 0 ? i : 0;
}

static bool
scheme_is(const char *s, size_t len, const char *name)
{
	return strlen(name) == len && strncasecmp(s, name, len) == 0;
}

bool
wf_iri_check(const char *value, enum wf_iri_kind kind, size_t *bad_offset,
	     const char **why)
{
	if (!value || !value[0]) {
		return fail(0, "is empty", bad_offset, why);
	}
	/* the characters the validator refuses in an IRI (validate.c) */
	for (size_t i = 0; value[i]; i++) {
		unsigned char c = (unsigned char)value[i];
		if (c <= 0x20 || c == 0x7f || strchr("<>\"{}|\\^`", c)) {
			return fail(i, c == ' ' ? "contains a space (write %20)"
						: "contains a character not allowed in an IRI",
				    bad_offset, why);
		}
		if (c == '%' && !(is_hex(value[i + 1]) && is_hex(value[i + 2]))) {
			return fail(i, "has a '%' not followed by two hex digits",
				    bad_offset, why);
		}
	}
	size_t sl = scheme_len(value);
	if (sl == 0) {
		return fail(0, "must be an absolute URL (http:// or https://)",
			    bad_offset, why);
	}
	bool web = scheme_is(value, sl, "http") || scheme_is(value, sl, "https");
	bool mail = scheme_is(value, sl, "mailto");
	if (!web && !(mail && kind == WF_IRI_PERSON)) {
		return fail(0, kind == WF_IRI_PERSON
				       ? "has a scheme other than http, https or mailto"
				       : "has a scheme other than http or https",
			    bad_offset, why);
	}
	const char *rest = value + sl + 1;
	if (web) {
		if (rest[0] != '/' || rest[1] != '/' || !rest[2] ||
		    strchr("/?#", rest[2])) {
			return fail(sl + 1, "needs '//' and a host name",
				    bad_offset, why);
		}
	} else if (!rest[0]) {
		return fail(sl + 1, "needs an address after 'mailto:'",
			    bad_offset, why);
	}
	return true;
}

bool
wf_iri_check_email(const char *value, const char **why)
{
	const char *at = value ? strchr(value, '@') : NULL;
	if (!at || at == value || strchr(at + 1, '@')) {
		return fail(0, "is not an email address (one '@' between a name and a domain)",
			    NULL, why);
	}
	for (const char *p = value; *p; p++) {
		if ((unsigned char)*p <= 0x20 || strchr("<>()[]\\,;:\"", *p)) {
			return fail(0, "contains a character not allowed in an email address",
				    NULL, why);
		}
	}
	const char *dot = strrchr(at + 1, '.');
	if (!dot || dot == at + 1 || dot[1] == '\0') {
		return fail(0, "needs a domain with a dot after the '@'", NULL, why);
	}
	return true;
}
