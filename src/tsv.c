/* SPDX-License-Identifier: MIT */
#include "tsv.h"

#include <string.h>

enum wf_status
tsv_append(struct buf *b, const char *s)
{
	enum wf_status st = WF_OK;
	const char *run = s;
	for (const char *p = s; st == WF_OK && *p; p++) {
		const char *esc = *p == '\t'   ? "\\t"
				  : *p == '\n' ? "\\n"
				  : *p == '\r' ? "\\r"
				  : *p == '\\' ? "\\\\"
					       : NULL;
		if (esc) {
			st = buf_append(b, run, (size_t)(p - run));
			if (st == WF_OK) {
				st = buf_append(b, esc, 2);
			}
			run = p + 1;
		}
	}
	if (st == WF_OK) {
		st = buf_append(b, run, strlen(run));
	}
	return st;
}

bool
tsv_unescape(char *s)
{
	char *out = s;
	for (const char *p = s; *p; p++) {
		if (*p != '\\') {
			*out++ = *p;
			continue;
		}
		p++;
		switch (*p) {
		case 't': *out++ = '\t'; break;
		case 'n': *out++ = '\n'; break;
		case 'r': *out++ = '\r'; break;
		case '\\': *out++ = '\\'; break;
		default: return false;
		}
	}
	*out = '\0';
	return true;
}

int
tsv_split(char *line, char **fields, int max)
{
	int n = 0;
	for (char *p = line; n < max;) {
		fields[n++] = p;
		char *tab = strchr(p, '\t');
		if (!tab) {
			break;
		}
		*tab = '\0';
		p = tab + 1;
	}
	return n;
}
