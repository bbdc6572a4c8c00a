/* SPDX-License-Identifier: MIT */
/* wirefeed validate: compilers'-style, JUnit or SARIF output, CI exit
 * codes; --previous compares two builds. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirefeed/text.h"
#include "wirefeed/validate.h"
#include "buf.h"
#include "cli.h"

/* stdin is read whole; bigger feeds should be given as files (streamed) */
#define STDIN_MAX_BYTES (512u * 1024 * 1024)

#define TOOL_URI "https://wirefeed.dev/"

enum output { OUT_TEXT, OUT_JUNIT, OUT_SARIF };

static void
usage(FILE *out, bool with_rules)
{
	fprintf(out,
		"usage: wirefeed validate [--format text|junit|sarif] [--strict] [--no-schema]\n"
		"                         [--previous OLD [--records DIR]] FILE...\n"
		"\n"
		"Check Atom 1.0 and RSS 2.0 feeds (detected from the document) and\n"
		"wirefeed article records. FILE '-' reads standard input.\n"
		"\n"
		"  --format text   one finding per line: file:line:column: error|warning: message [code]\n"
		"  --format junit  a JUnit XML report on stdout, one testcase per file\n"
		"  --format sarif  a SARIF 2.1.0 log on stdout (GitHub code scanning)\n"
		"  --strict        warnings fail too\n"
		"  --no-schema     skip the RFC 4287 RELAX NG pass (rule checks still run)\n"
		"  --previous OLD  also compare with the previous build: OLD and the one FILE\n"
		"                  are feeds, or directories of feeds matched by path\n"
		"  --records DIR   with --previous: withdrawn records in DIR explain\n"
		"                  entries that left the feed\n"
		"\n"
		"Exit status: 0 valid (warnings allowed unless --strict), 1 a file has\n"
		"errors, 2 usage or I/O error. docs/validate.md explains every rule.\n");
	if (!with_rules) {
		return;
	}
	size_t n;
	const struct wf_validate_rule *rules = wf_validate_rules(&n);
	fprintf(out, "\nRules (code, usual severity, what it finds):\n");
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "  %-30s %-7s %s\n", rules[i].code,
			rules[i].severity == WF_SEVERITY_ERROR ? "error"
							       : "warning",
			rules[i].summary);
	}
}

/* A file name as we print it: valid UTF-8 is kept, every other byte and
 * every control character is written \xNN, so a name can neither break
 * the line-per-finding format nor make XML or JSON output invalid, and
 * distinct names stay distinct. Caller frees. */
static char *
display_name(const char *name)
{
	size_t len = strlen(name);
	char *out = malloc(len * 4 + 1);
	if (!out) {
		abort();
	}
	size_t n = 0;
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)name[i];
		size_t seq = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		bool ok;
		if (c < 0x80) {
			ok = c >= 0x20 && c != 0x7f && c != '\\';
		} else {
			ok = i + seq <= len &&
			     wf_text_is_xml_safe(name + i, seq, NULL, NULL);
		}
		if (!ok) {
			n += (size_t)sprintf(out + n, "\\x%02X", c);
			i++;
			continue;
		}
		memcpy(out + n, name + i, seq);
		n += seq;
		i += seq;
	}
	out[n] = '\0';
	return out;
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

static void
json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			fprintf(out, "\\%c", c);
		} else if (c < 0x20) {
			fprintf(out, "\\u%04x", c);
		} else {
			fputc(c, out);
		}
	}
	fputc('"', out);
}

/* A file name as a URI: a relative reference for a relative path (code
 * scanning resolves it against the checkout), a file: URI for an absolute
 * one; unreserved characters and '/' kept, every other byte
 * percent-encoded (RFC 3986 §2.1, RFC 8089). */
static void
json_uri(FILE *out, const char *path)
{
	fputc('"', out);
	if (path[0] == '/') {
		fputs("file://", out);
	}
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p)) {
			fputc(*p, out);
		} else {
			fprintf(out, "%%%02X", *p);
		}
	}
	fputc('"', out);
}

/* "file:line:column: error|warning: message [code]\n", compilers' style
 * (a position of 0, unknown, shows as 1). */
static void
format_finding(const char *name, const struct wf_finding *f, char *line,
	       size_t size)
{
	snprintf(line, size, "%s:%d:%d: %s: %s [%s]\n", name,
		 f->line > 0 ? f->line : 1, f->column > 0 ? f->column : 1,
		 f->severity == WF_SEVERITY_ERROR ? "error" : "warning",
		 f->message, f->code);
}

static void
print_text(const struct wf_validate_report *r)
{
	char *name = display_name(r->source);
	for (size_t i = 0; i < r->n_findings; i++) {
		char line[2400];
		format_finding(name, &r->findings[i], line, sizeof(line));
		fputs(line, stdout);
	}
	size_t dropped = r->n_errors + r->n_warnings - r->n_findings;
	if (dropped > 0) {
		printf("%s: note: %zu more findings not shown\n", name, dropped);
	}
	free(name);
}

/* Every finding's line, escaped for XML text. */
static void
print_findings_escaped(const struct wf_validate_report *r)
{
	char *name = display_name(r->source);
	for (size_t i = 0; i < r->n_findings; i++) {
		char line[2400];
		format_finding(name, &r->findings[i], line, sizeof(line));
		xml_escape(stdout, line);
	}
	free(name);
}

static bool
report_fails(const struct wf_validate_report *r, bool strict)
{
	return r->n_errors > 0 || (strict && r->n_warnings > 0);
}

/* One checked file: its report, or why it could not be read. */
struct checked {
	char *name; /* as given */
	struct wf_validate_report *report;
	char *error;
};

static void
print_junit(const struct checked *files, size_t n, bool strict)
{
	size_t failures = 0, n_errors = 0;
	for (size_t i = 0; i < n; i++) {
		failures += files[i].report &&
			    report_fails(files[i].report, strict);
		n_errors += files[i].report == NULL;
	}
	printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	printf("<testsuites name=\"wirefeed validate\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n",
	       n, failures, n_errors);
	printf("  <testsuite name=\"wirefeed validate\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n",
	       n, failures, n_errors);
	for (size_t i = 0; i < n; i++) {
		const struct wf_validate_report *r = files[i].report;
		char *name = display_name(r ? r->source : files[i].name);
		if (!r) {
			/* unreadable: a testcase with an <error>, so the
			 * report is not green for a run that exits 2 */
			char *why = display_name(files[i].error ? files[i].error
								: "cannot read");
			printf("    <testcase classname=\"unreadable\" name=\"");
			xml_escape(stdout, name);
			printf("\">\n      <error message=\"");
			xml_escape(stdout, why);
			printf("\" type=\"io\"/>\n    </testcase>\n");
			free(why);
			free(name);
			continue;
		}
		printf("    <testcase classname=\"%s\" name=\"",
		       wf_doc_kind_name(r->kind));
		xml_escape(stdout, name);
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
		free(name);
	}
	printf("  </testsuite>\n</testsuites>\n");
}

/* SARIF 2.1.0 (OASIS): one run; the rules are the whole rule table, so a
 * result's ruleIndex is its code's position there. */
static void
print_sarif(const struct checked *files, size_t n)
{
	size_t n_rules;
	const struct wf_validate_rule *rules = wf_validate_rules(&n_rules);
	printf("{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
	       "  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n"
	       "      \"tool\": {\n        \"driver\": {\n"
	       "          \"name\": \"wirefeed validate\",\n"
	       "          \"version\": \"%s\",\n"
	       "          \"informationUri\": \"%s\",\n"
	       "          \"rules\": [",
	       WF_VERSION, TOOL_URI);
	for (size_t i = 0; i < n_rules; i++) {
		const struct wf_validate_rule *rule = &rules[i];
		printf("%s\n            {\n              \"id\": ", i ? "," : "");
		json_string(stdout, rule->code);
		printf(",\n              \"shortDescription\": { \"text\": ");
		json_string(stdout, rule->summary);
		printf(" },\n              \"help\": { \"text\": ");
		char help[512];
		snprintf(help, sizeof(help),
			 "%s. Source: %s. See docs/validate.md, code %s.",
			 rule->summary, rule->source, rule->code);
		json_string(stdout, help);
		printf(" },\n              \"defaultConfiguration\": { \"level\": \"%s\" }\n            }",
		       rule->severity == WF_SEVERITY_ERROR ? "error"
							   : "warning");
	}
	printf("\n          ]\n        }\n      },\n");
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		ok = ok && files[i].report != NULL;
	}
	printf("      \"invocations\": [ { \"executionSuccessful\": %s",
	       ok ? "true" : "false");
	if (!ok) {
		printf(", \"toolExecutionNotifications\": [");
		bool first = true;
		for (size_t i = 0; i < n; i++) {
			if (files[i].report) {
				continue;
			}
			char *why = display_name(files[i].error ? files[i].error
								: "cannot read");
			printf("%s { \"level\": \"error\", \"message\": { \"text\": ",
			       first ? "" : ",");
			json_string(stdout, why);
			printf(" } }");
			free(why);
			first = false;
		}
		printf(" ]");
	}
	printf(" } ],\n      \"results\": [");
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		const struct wf_validate_report *r = files[i].report;
		for (size_t j = 0; r && j < r->n_findings; j++) {
			const struct wf_finding *f = &r->findings[j];
			size_t index = 0;
			while (index < n_rules &&
			       strcmp(rules[index].code, f->code) != 0) {
				index++;
			}
			printf("%s\n        {\n          \"ruleId\": ",
			       first ? "" : ",");
			json_string(stdout, f->code);
			printf(",\n          \"ruleIndex\": %zu,\n"
			       "          \"level\": \"%s\",\n"
			       "          \"message\": { \"text\": ",
			       index,
			       f->severity == WF_SEVERITY_ERROR ? "error"
								: "warning");
			json_string(stdout, f->message);
			printf(" },\n          \"locations\": [ { \"physicalLocation\": {\n"
			       "            \"artifactLocation\": { \"uri\": ");
			json_uri(stdout, r->source);
			printf(" },\n            \"region\": { \"startLine\": %d, \"startColumn\": %d }\n"
			       "          } } ]\n        }",
			       f->line > 0 ? f->line : 1,
			       f->column > 0 ? f->column : 1);
			first = false;
		}
	}
	printf("\n      ]\n    }\n  ]\n}\n");
}

static enum wf_status
read_stdin(const struct wf_validate_options *opts,
	   struct wf_validate_report **out, struct wf_diag *diag)
{
	struct buf b;
	buf_init(&b, STDIN_MAX_BYTES);
	char chunk[65536];
	size_t got;
	enum wf_status st = WF_OK;
	while ((got = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
		st = buf_append(&b, chunk, got);
		if (st != WF_OK) {
			wf_diag_set(diag, "<stdin>", 0, 0,
				    "input larger than %u bytes",
				    STDIN_MAX_BYTES);
			break;
		}
	}
	if (st == WF_OK && ferror(stdin)) {
		wf_diag_set(diag, "<stdin>", 0, 0, "read error: %s",
			    strerror(errno));
		st = WF_ERR_IO;
	}
	if (st == WF_OK) {
		st = wf_validate_memory(b.data, b.len, "<stdin>", opts, out);
	}
	buf_finish(&b);
	return st;
}

static void
add_checked(struct checked **files, size_t *n, const char *name,
	    struct wf_validate_report *report, const char *error)
{
	struct checked *f = realloc(*files, (*n + 1) * sizeof(**files));
	if (!f) {
		abort();
	}
	*files = f;
	f[*n].name = strdup(name);
	f[*n].report = report;
	f[*n].error = error ? strdup(error) : NULL;
	if (!f[*n].name || (error && !f[*n].error)) {
		abort();
	}
	(*n)++;
}

struct run {
	struct checked *files;
	size_t n;
	int rc;
};

static void
note_error(struct run *run, const char *name, const struct wf_diag *diag)
{
	char msg[1600];
	wf_diag_format(diag, msg, sizeof(msg));
	char *shown = display_name(msg);
	fprintf(stderr, "wirefeed validate: %s\n", shown);
	free(shown);
	add_checked(&run->files, &run->n, name, NULL, msg);
	run->rc = 2;
}

static void
on_previous_pair(void *ctx, const char *new_path,
		 struct wf_validate_report *report, const struct wf_diag *diag)
{
	struct run *run = ctx;
	if (!report) {
		note_error(run, new_path, diag);
		return;
	}
	add_checked(&run->files, &run->n, new_path, report, NULL);
}

int
cmd_validate(int argc, char **argv)
{
	enum output output = OUT_TEXT;
	bool strict = false;
	const char *previous = NULL, *records = NULL;
	struct wf_validate_options opts = { 0 };
	opts.now = wf_time_now();
	opts.future_tolerance_s = 24 * 3600;
	int first = argc;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout, true);
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
				output = OUT_JUNIT;
			} else if (val && strcmp(val, "text") == 0) {
				output = OUT_TEXT;
			} else if (val && strcmp(val, "sarif") == 0) {
				output = OUT_SARIF;
			} else {
				fprintf(stderr,
					"wirefeed validate: --format takes text, junit or sarif\n");
				return 2;
			}
		} else if (strcmp(a, "--previous") == 0 ||
			   strcmp(a, "--records") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr,
					"wirefeed validate: %s needs a path\n",
					a);
				return 2;
			}
			*(a[2] == 'p' ? &previous : &records) = argv[++i];
		} else if (strcmp(a, "--") == 0) {
			first = i + 1;
			break;
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "wirefeed validate: unknown option '%s'\n",
				a);
			usage(stderr, false);
			return 2;
		} else {
			first = i;
			break;
		}
	}
	size_t n = first < argc ? (size_t)(argc - first) : 0;
	if (n == 0) {
		fprintf(stderr, "wirefeed validate: no files given\n");
		usage(stderr, false);
		return 2;
	}
	if ((previous && n != 1) || (records && !previous)) {
		fprintf(stderr,
			"wirefeed validate: --previous OLD takes exactly one NEW (a file or a directory); --records needs --previous\n");
		return 2;
	}
	struct run run = { 0 };
	if (previous) {
		struct wf_diag diag = { 0 };
		enum wf_status st = wf_validate_previous(
			previous, argv[first], records, &opts,
			on_previous_pair, &run, &diag);
		if (st != WF_OK) {
			note_error(&run, argv[first], &diag);
		}
	} else {
		for (size_t i = 0; i < n; i++) {
			const char *path = argv[first + (int)i];
			struct wf_diag diag = { 0 };
			struct wf_validate_report *report = NULL;
			enum wf_status st =
				strcmp(path, "-") == 0
					? read_stdin(&opts, &report, &diag)
					: wf_validate_file(path, &opts, &report,
							   &diag);
			if (st != WF_OK) {
				note_error(&run, path, &diag);
				continue;
			}
			add_checked(&run.files, &run.n, path, report, NULL);
		}
		/* records: ids across files, as build checks them */
		struct wf_validate_report **reports =
			calloc(run.n ? run.n : 1, sizeof(*reports));
		if (!reports) {
			abort();
		}
		for (size_t i = 0; i < run.n; i++) {
			reports[i] = run.files[i].report;
		}
		wf_validate_check_record_ids(reports, run.n);
		free(reports);
	}
	for (size_t i = 0; i < run.n; i++) {
		const struct wf_validate_report *r = run.files[i].report;
		if (r && output == OUT_TEXT) {
			print_text(r);
		}
		if (r && report_fails(r, strict) && run.rc == 0) {
			run.rc = 1;
		}
	}
	if (output == OUT_JUNIT) {
		print_junit(run.files, run.n, strict);
	} else if (output == OUT_SARIF) {
		print_sarif(run.files, run.n);
	}
	for (size_t i = 0; i < run.n; i++) {
		wf_validate_report_destroy(run.files[i].report);
		free(run.files[i].name);
		free(run.files[i].error);
	}
	free(run.files);
	return run.rc;
}
