/* SPDX-License-Identifier: MIT */
#include "wirefeed/text.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "buf.h"
#include "mem.h"

/* Decode one UTF-8 sequence; returns its length, or 0 if invalid. */
static size_t
decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		n = 2;
		v = c & 0x1F;
		min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		n = 3;
		v = c & 0x0F;
		min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		n = 4;
		v = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n > len) {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			return 0;
		}
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
		return 0;
	}
	*cp = v;
	return n;
}

static bool
xml_char_ok(uint32_t c)
{
	return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
	       (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

/* The length of the run of printable ASCII (0x20-0x7F) @p starts with:
 * most of a story is, and this is where checking its text spends its
 * time, so sixteen bytes at a time where the CPU has SSE2 (every x86-64). */
static size_t
printable_ascii_run(const unsigned char *p, size_t len)
{
	size_t i = 0;
#if defined(__SSE2__)
	const __m128i space = _mm_set1_epi8(0x20);
	while (len - i >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		/* signed compare: bytes >= 0x80 are negative, so below 0x20 too */
		unsigned mask = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(v, space));
		if (mask) {
			return i + (size_t)__builtin_ctz(mask);
		}
		i += 16;
	}
#endif
	while (i < len && p[i] >= 0x20 && p[i] < 0x80) {
		i++;
	}
	return i;
}

bool
wf_text_is_xml_safe(const char *s, size_t len, size_t *bad_offset,
		    const char **why)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		i += printable_ascii_run(p + i, len - i);
		if (i == len) {
			break;
		}
		unsigned char c = p[i];
		if (c == '\n' || c == '\t' || c == '\r') {
			i++;
			continue;
		}
		uint32_t cp;
		size_t n = decode(p + i, len - i, &cp);
		if (n == 0) {
			if (bad_offset) {
				*bad_offset = i;
			}
			if (why) {
				*why = "invalid UTF-8";
			}
			return false;
		}
		if (!xml_char_ok(cp)) {
			if (bad_offset) {
				*bad_offset = i;
			}
			if (why) {
				*why = cp == 0	 ? "NUL byte not allowed in XML"
				       : cp < 0x20 ? "control character not allowed in XML"
						   : "character not allowed in XML";
			}
			return false;
		}
		i += n;
	}
	return true;
}

/* The copy wf_text_sanitize() makes, without checking first. */
static char *
sanitized_copy(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out = xmalloc(len * 3 + 1);
	size_t o = 0, i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = decode(p + i, len - i, &cp);
		if (n == 0) {
			memcpy(out + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
			continue;
		}
		if (xml_char_ok(cp)) {
			memcpy(out + o, p + i, n);
			o += n;
		}
		i += n;
	}
	out[o] = '\0';
	return out;
}

char *
wf_text_sanitize(const char *s, size_t len)
{
	return wf_text_is_xml_safe(s, len, NULL, NULL) ? xstrndup(s, len)
						       : sanitized_copy(s, len);
}

const char *
wf_text_safe(const char *s, size_t len, char **owned)
{
	*owned = NULL;
	if (wf_text_is_xml_safe(s, len, NULL, NULL)) {
		return s;
	}
	*owned = sanitized_copy(s, len);
	return *owned;
}

char *
wf_text_slugify(const char *title, size_t max_len)
{
	char *out = xmalloc(max_len + 1);
	size_t o = 0;
	bool dash = false;
	for (const unsigned char *p = (const unsigned char *)title;
	     *p && o < max_len; p++) {
		unsigned char c = *p;
		if (c >= 'A' && c <= 'Z') {
			c = (unsigned char)(c - 'A' + 'a');
		}
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && o > 0 && o + 1 < max_len) {
				out[o++] = '-';
			}
			dash = false;
			out[o++] = (char)c;
		} else if (c < 0x80) {
			dash = true;
		}
	}
	out[o] = '\0';
	return out;
}

char *
wf_text_trim(char *s)
{
	while (isspace((unsigned char)*s)) {
		s++;
	}
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1])) {
		s[--n] = '\0';
	}
	return s;
}

void
wf_text_position(const char *s, size_t offset, int *line, int *column)
{
	int l = 1, c = 1;
	for (size_t i = 0; i < offset; i++) {
		if (s[i] == '\n') {
			l++;
			c = 1;
		} else if (((unsigned char)s[i] & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	if (column) {
		*column = c;
	}
}
