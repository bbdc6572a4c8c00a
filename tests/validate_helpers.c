/* SPDX-License-Identifier: MIT */
#include "validate_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

struct wf_validate_report *
validate(const char *xml, const struct wf_validate_options *opt)
{
	struct wf_validate_report *r = NULL;
	ck_assert_int_eq(
		wf_validate_memory(xml, strlen(xml), "test.xml", opt, &r),
		WF_OK);
	ck_assert_ptr_nonnull(r);
	return r;
}

/* The findings as text, for failure messages; caller frees. */
char *
describe(const struct wf_validate_report *r)
{
	size_t cap = 64 + r->n_findings * 1200, n = 0;
	char *s = malloc(cap);
	ck_assert_ptr_nonnull(s);
	n += (size_t)snprintf(s + n, cap - n, "%zu errors, %zu warnings:\n",
	                      r->n_errors, r->n_warnings);
	for (size_t i = 0; i < r->n_findings && n < cap; i++) {
		const struct wf_finding *f = &r->findings[i];
		n += (size_t)snprintf(s + n, cap - n, "  %d:%d %s [%s] %s\n",
		                      f->line, f->column,
		                      f->severity == ERR ? "error" : "warning",
		                      f->code, f->message);
	}
	return s;
}

/* The 1-based line of the only occurrence of @marker in @xml. */
int
line_of(const char *xml, const char *marker)
{
	const char *p = strstr(xml, marker);
	ck_assert_msg(p != NULL, "marker '%s' is not in the input", marker);
	ck_assert_msg(strstr(p + 1, marker) == NULL,
	              "marker '%s' is not unique in the input", marker);
	int line = 1;
	for (const char *q = xml; q < p; q++) {
		line += *q == '\n';
	}
	return line;
}

const struct wf_finding *
find(const struct wf_validate_report *r, const char *code)
{
	for (size_t i = 0; i < r->n_findings; i++) {
		if (strcmp(r->findings[i].code, code) == 0) {
			return &r->findings[i];
		}
	}
	return NULL;
}

/* The message of the first finding @code; fails the test if none. */
const char *
message_of(const struct wf_validate_report *r, const char *code)
{
	const struct wf_finding *f = find(r, code);
	if (!f) {
		ck_abort_msg("no [%s] finding", code);
		return "";
	}
	return f->message;
}

/* Assert @xml yields finding @code with @severity on the line holding
 * @marker (any line if @marker is NULL). */
void
expect_has_(const char *xml, const struct wf_validate_options *opt,
            const char *code, enum wf_severity severity, const char *marker,
            int at)
{
	int want_line = marker ? line_of(xml, marker) : -1;
	struct wf_validate_report *r = validate(xml, opt);
	bool found = false;
	for (size_t i = 0; i < r->n_findings && !found; i++) {
		const struct wf_finding *f = &r->findings[i];
		found = strcmp(f->code, code) == 0 && f->severity == severity &&
		        (want_line < 0 || f->line == want_line) && f->message &&
		        f->message[0];
	}
	if (!found) {
		char *d = describe(r);
		ck_abort_msg(
			"test line %d: expected %s [%s] on line %d, got %s", at,
			severity == ERR ? "error" : "warning", code, want_line,
			d);
	}
	if (severity == ERR) {
		ck_assert_uint_gt(r->n_errors, 0);
	} else {
		ck_assert_uint_gt(r->n_warnings, 0);
	}
	wf_validate_report_destroy(r);
}

/* Assert @xml yields no finding @code. */
void
expect_lacks_(const char *xml, const struct wf_validate_options *opt,
              const char *code, int at)
{
	struct wf_validate_report *r = validate(xml, opt);
	if (find(r, code)) {
		char *d = describe(r);
		ck_abort_msg("test line %d: unexpected [%s] in %s", at, code,
		             d);
	}
	wf_validate_report_destroy(r);
}

/* Assert @xml has no findings at all. */
void
expect_clean_(const char *xml, const struct wf_validate_options *opt, int at)
{
	struct wf_validate_report *r = validate(xml, opt);
	if (r->n_findings != 0 || r->n_errors != 0 || r->n_warnings != 0) {
		char *d = describe(r);
		ck_abort_msg("test line %d: expected no findings, got %s", at,
		             d);
	}
	wf_validate_report_destroy(r);
}

struct wf_validate_options
options_now(const char *now, int64_t tolerance_s)
{
	struct wf_validate_options o = { 0 };
	const char *why = NULL;
	ck_assert_int_eq(wf_time_parse_rfc3339(now, &o.now, &why), WF_OK);
	o.future_tolerance_s = tolerance_s;
	return o;
}
