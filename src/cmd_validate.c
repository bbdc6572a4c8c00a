/* SPDX-License-Identifier: MIT */
/* wirefeed validate: compilers'-style or JUnit output, CI exit codes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirefeed/validate.h"
#include "buf.h"
#include "cli.h"

/* stdin is read whole; bigger feeds should be given as files (streamed) */
#define STDIN_MAX_BYTES (512u * 1024 * 1024)

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: wirefeed validate [--format text|junit] [--strict] [--no-schema] FILE...\n"
		"\n"
		"Check Atom 1.0 and RSS 2.0 feeds (detected from the document) and\n"
		"wirefeed article records. FILE '-' reads standard input.\n"
		"\n"
		"  --format text   one finding per line: file:line:column: error|warning: message [code]\n"
		"  --format junit  a JUnit XML report on stdout, one testcase per file\n"
		"  --strict        warnings fail too\n"
		"  --no-schema     skip the RFC 4287 RELAX NG pass (rule checks still run)\n"
		"\n"
		"Exit status: 0 valid (warnings allowed unless --strict), 1 a file has\n"
		"errors, 2 usage or I/O error. docs/validate.md lists every rule.\n");
}

static void
xml_escape(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		default:
			fputc(*s, out);
		}
	}
}

/* "file:line:column: error|warning: message [code]\n", compilers' style
 * (a position of 0, unknown, shows as 1). */
static void
format_finding(const struct wf_validate_report *r, const struct wf_finding *f,
	       char *line, size_t size)
{
	snprintf(line, size, "%s:%d:%d: %s: %s [%s]\n", r->source,
		 f->line > 0 ? f->line : 1, f->column > 0 ? f->column : 1,
		 f->severity == WF_SEVERITY_ERROR ? "error" : "warning",
		 f->message, f->code);
}

static void
print_text(const struct wf_validate_report *r)
{
	for (size_t i = 0; i < r->n_findings; i++) {
		char line[1400];
		format_finding(r, &r->findings[i], line, sizeof(line));
		fputs(line, stdout);
	}
	size_t dropped = r->n_errors + r->n_warnings - r->n_findings;
	if (dropped > 0) {
		printf("%s: note: %zu more findings not shown\n", r->source,
		       dropped);
	}
}

/* Every finding's line, escaped for XML text. */
static void
print_findings_escaped(const struct wf_validate_report *r)
{
	for (size_t i = 0; i < r->n_findings; i++) {
		char line[1400];
		format_finding(r, &r->findings[i], line, sizeof(line));
		xml_escape(stdout, line);
	}
}

static bool
report_fails(const struct wf_validate_report *r, bool strict)
{
	return r->n_errors > 0 || (strict && r->n_warnings > 0);
}

static void
print_junit(struct wf_validate_report **reports, char **const names,
	    char **const errors, size_t n, bool strict)
{
	size_t failures = 0, n_errors = 0;
	for (size_t i = 0; i < n; i++) {
		failures += reports[i] && report_fails(reports[i], strict);
		n_errors += reports[i] == NULL;
	}
	printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	printf("<testsuites name=\"wirefeed validate\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n",
	       n, failures, n_errors);
	printf("  <testsuite name=\"wirefeed validate\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n",
	       n, failures, n_errors);
	for (size_t i = 0; i < n; i++) {
		const struct wf_validate_report *r = reports[i];
		if (!r) {
			/* unreadable: a testcase with an <error>, so the
			 * report is not green for a run that exits 2 */
			printf("    <testcase classname=\"unreadable\" name=\"");
			xml_escape(stdout, names[i]);
			printf("\">\n      <error message=\"");
			xml_escape(stdout, errors[i] ? errors[i] : "cannot read");
			printf("\" type=\"io\"/>\n    </testcase>\n");
			continue;
		}
		printf("    <testcase classname=\"%s\" name=\"",
		       wf_doc_kind_name(r->kind));
		xml_escape(stdout, r->source);
		printf("\">\n");
		if (report_fails(r, strict)) {
			printf("      <failure message=\"%zu errors, %zu warnings\" type=\"invalid\">",
			       r->n_errors, r->n_warnings);
			print_findings_escaped(r);
			printf("</failure>\n");
		} else if (r->n_warnings > 0) {
			printf("      <system-out>");
			print_findings_escaped(r); /* warnings only */
			printf("</system-out>\n");
		}
		printf("    </testcase>\n");
	}
	printf("  </testsuite>\n</testsuites>\n");
}

int
cmd_validate(int argc, char **argv)
{
	bool junit = false, strict = false;
	struct wf_validate_options opts = { 0 };
	opts.now = wf_time_now();
	opts.future_tolerance_s = 24 * 3600;
	int first = argc;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(a, "--strict") == 0) {
			strict = true;
		} else if (strcmp(a, "--no-schema") == 0) {
			opts.no_schema = true;
		} else if (strcmp(a, "--format") == 0 ||
			   strncmp(a, "--format=", 9) == 0) {
			const char *val = a[8] == '=' ? a + 9
				       : (i + 1 < argc ? argv[++i] : NULL);
			if (val && strcmp(val, "junit") == 0) {
				junit = true;
			} else if (val && strcmp(val, "text") == 0) {
				junit = false;
			} else {
				fprintf(stderr,
					"wirefeed validate: --format takes text or junit\n");
				return 2;
			}
		} else if (strcmp(a, "--") == 0) {
			first = i + 1;
			break;
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "wirefeed validate: unknown option '%s'\n",
				a);
			usage(stderr);
			return 2;
		} else {
			first = i;
			break;
		}
	}
	size_t n = first < argc ? (size_t)(argc - first) : 0;
	if (n == 0) {
		fprintf(stderr, "wirefeed validate: no files given\n");
		usage(stderr);
		return 2;
	}
	struct wf_validate_report **reports = calloc(n, sizeof(*reports));
	char **errors = calloc(n, sizeof(*errors));
	if (!reports || !errors) {
		free(reports);
		free(errors);
		return 2;
	}
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		const char *path = argv[first + (int)i];
		struct wf_diag diag = { 0 };
		enum wf_status st;
		if (strcmp(path, "-") == 0) {
			struct buf b;
			buf_init(&b, STDIN_MAX_BYTES);
			char chunk[65536];
			size_t got;
			st = WF_OK;
			while ((got = fread(chunk, 1, sizeof(chunk), stdin)) >
			       0) {
				st = buf_append(&b, chunk, got);
				if (st != WF_OK) {
					wf_diag_set(&diag, "<stdin>", 0, 0,
						    "input larger than %u bytes",
						    STDIN_MAX_BYTES);
					break;
				}
			}
			if (st == WF_OK && ferror(stdin)) {
				wf_diag_set(&diag, "<stdin>", 0, 0,
					    "read error: %s", strerror(errno));
				st = WF_ERR_IO;
			}
			if (st == WF_OK) {
				st = wf_validate_memory(b.data, b.len,
							"<stdin>", &opts,
							&reports[i]);
			}
			buf_finish(&b);
		} else {
			st = wf_validate_file(path, &opts, &reports[i], &diag);
		}
		if (st != WF_OK) {
			char msg[1600];
			fprintf(stderr, "wirefeed validate: %s\n",
				wf_diag_format(&diag, msg, sizeof(msg)));
			errors[i] = strdup(msg);
			rc = 2;
			continue;
		}
		if (!junit) {
			print_text(reports[i]);
		}
		if (report_fails(reports[i], strict) && rc == 0) {
			rc = 1;
		}
	}
	if (junit) {
		print_junit(reports, argv + first, errors, n, strict);
	}
	for (size_t i = 0; i < n; i++) {
		wf_validate_report_destroy(reports[i]);
		free(errors[i]);
	}
	free(reports);
	free(errors);
	return rc;
}
