/* SPDX-License-Identifier: MIT */
#include "wirefeed/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *
wf_status_str(enum wf_status status)
{
	switch (status) {
	case WF_OK:
		return "success";
	case WF_ERR_PARSE:
		return "parse error";
	case WF_ERR_INVALID:
		return "invalid input";
	case WF_ERR_IO:
		return "I/O error";
	case WF_ERR_TOO_LARGE:
		return "input too large";
	case WF_ERR_NOT_FOUND:
		return "not found";
	case WF_ERR_XML:
		return "XML error";
	case WF_ERR_CONFLICT:
		return "conflicting concurrent change";
	case WF_ERR_USAGE:
		return "usage error";
	}
	return "unknown error";
}

void
wf_diag_set(struct wf_diag *diag, const char *source, int line, int column,
	    const char *fmt, ...)
{
	if (!diag) {
		return;
	}
	snprintf(diag->source, sizeof(diag->source), "%s",
		 source ? source : "");
	diag->line = line;
	diag->column = column;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(diag->message, sizeof(diag->message), fmt, ap);
	va_end(ap);
}

void
wf_diag_clear(struct wf_diag *diag)
{
	if (diag) {
		memset(diag, 0, sizeof(*diag));
	}
}

const char *
wf_diag_format(const struct wf_diag *diag, char *buf, size_t size)
{
	if (size == 0) {
		return buf;
	}
	buf[0] = '\0';
	if (!diag) {
		return buf;
	}
	size_t used = 0;
	if (diag->source[0]) {
		int n;
		if (diag->line > 0 && diag->column > 0) {
			n = snprintf(buf, size, "%s:%d:%d: ", diag->source,
				     diag->line, diag->column);
		} else if (diag->line > 0) {
			n = snprintf(buf, size, "%s:%d: ", diag->source,
				     diag->line);
		} else {
			n = snprintf(buf, size, "%s: ", diag->source);
		}
		if (n > 0) {
			used = (size_t)n < size ? (size_t)n : size - 1;
		}
	}
	snprintf(buf + used, size - used, "%s", diag->message);
	return buf;
}
