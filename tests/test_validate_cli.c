/* SPDX-License-Identifier: MIT */
/* wirefeed validate on the command line: text and JUnit output, exit
 * codes, --strict, --no-schema, standard input. */
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirefeed/validate.h"
#include "helpers.h"
#include "validate_helpers.h"

/* ---- the CLI ---- */

struct cli {
	char *dir;
	char valid[256];   /* no findings */
	char warns[256];   /* warnings only */
	char invalid[256]; /* an error on line 2 */
	char schema[256];  /* only a schema error */
};

static void
cli_setup(struct cli *c)
{
	c->dir = helpers_make_tempdir();
	snprintf(c->valid, sizeof(c->valid), "%s/valid.xml", c->dir);
	snprintf(c->warns, sizeof(c->warns), "%s/warns.xml", c->dir);
	snprintf(c->invalid, sizeof(c->invalid), "%s/invalid.xml", c->dir);
	snprintf(c->schema, sizeof(c->schema), "%s/schema.xml", c->dir);
	static const char valid[] = FEED("", ENTRY("1", ""));
	static const char warns[] = RSS_OPEN C_TITLE C_LINK C_DESC RSS_END;
	static const char invalid[] =
		XMLDECL FEED_OPEN F_TITLE F_UPDATED F_AUTHOR F_SELF FEED_END;
	static const char schema[] =
		FEED("", ENTRY("1", "    <summary foo=\"bar\">x</summary>\n"));
	helpers_write_file(c->valid, valid, strlen(valid));
	helpers_write_file(c->warns, warns, strlen(warns));
	helpers_write_file(c->invalid, invalid, strlen(invalid));
	helpers_write_file(c->schema, schema, strlen(schema));
}

static void
cli_teardown(struct cli *c)
{
	helpers_rmtree(c->dir);
	free(c->dir);
}

/* Run `wirefeed validate ARGS` (a shell fragment, printf-formatted);
 * returns the exit code, the output in *out if @out is not NULL. */
static int __attribute__((format(printf, 2, 3)))
cli_run(char **out, const char *fmt, ...)
{
	char args[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	return helpers_runf(out, "'%s' validate %s", helpers_binary(), args);
}

START_TEST(cli_text_output_format)
{
	struct cli c;
	cli_setup(&c);
	char *out = NULL;
	ck_assert_int_eq(cli_run(&out, "'%s'", c.invalid), 1);
	char want[1200];
	snprintf(want, sizeof(want),
	         "%s:2:1: error: atom:feed must contain atom:id (\xc2\xa7"
	         "4.1.1) [missing-element]\n",
	         c.invalid);
	ck_assert_str_eq(out, want);
	free(out);

	/* warnings, and a column from the XML parser */
	ck_assert_int_eq(cli_run(&out, "'%s'", c.warns), 0);
	snprintf(want, sizeof(want), "%s:3:1: warning: ", c.warns);
	ck_assert_msg(strncmp(out, want, strlen(want)) == 0, "%s", out);
	ck_assert_ptr_nonnull(strstr(out, " [missing-self-link]\n"));
	free(out);

	char bad[256];
	snprintf(bad, sizeof(bad), "%s/broken.xml", c.dir);
	static const char broken[] =
		"<rss version=\"2.0\">\n<channel>\n</rss>\n";
	helpers_write_file(bad, broken, strlen(broken));
	ck_assert_int_eq(cli_run(&out, "'%s'", bad), 1);
	snprintf(want, sizeof(want), "%s:3:", bad);
	ck_assert_msg(strncmp(out, want, strlen(want)) == 0, "%s", out);
	ck_assert_ptr_nonnull(strstr(out, ": error: "));
	ck_assert_ptr_nonnull(strstr(out, "[not-well-formed]"));
	free(out);

	/* a valid file prints nothing */
	ck_assert_int_eq(cli_run(&out, "'%s'", c.valid), 0);
	ck_assert_str_eq(out, "");
	free(out);
	cli_teardown(&c);
}
END_TEST

START_TEST(cli_exit_codes)
{
	struct cli c;
	cli_setup(&c);
	char *out = NULL;
	/* 0: valid, warnings allowed */
	ck_assert_int_eq(cli_run(NULL, "'%s' '%s'", c.valid, c.warns), 0);
	/* 1: a file with errors, whatever the order */
	ck_assert_int_eq(
		cli_run(NULL, "'%s' '%s' '%s'", c.invalid, c.valid, c.warns),
		1);
	ck_assert_int_eq(cli_run(NULL, "'%s' '%s'", c.valid, c.invalid), 1);
	/* 2: a missing file, even next to an invalid one */
	ck_assert_int_eq(cli_run(&out, "'%s/missing.xml'", c.dir), 2);
	ck_assert_ptr_nonnull(strstr(out, "missing.xml"));
	ck_assert_ptr_nonnull(strstr(out, "cannot open"));
	free(out);
	ck_assert_int_eq(cli_run(&out, "'%s' '%s/missing.xml' '%s'", c.invalid,
	                         c.dir, c.valid),
	                 2);
	/* the other files are still checked */
	ck_assert_ptr_nonnull(strstr(out, "[missing-element]"));
	free(out);
	/* 2: a directory */
	ck_assert_int_eq(cli_run(NULL, "'%s'", c.dir), 2);
	/* 2: usage errors */
	ck_assert_int_eq(cli_run(&out, "--bogus '%s'", c.valid), 2);
	ck_assert_ptr_nonnull(strstr(out, "unknown option '--bogus'"));
	ck_assert_ptr_nonnull(strstr(out, "usage:"));
	free(out);
	ck_assert_int_eq(cli_run(&out, "%s", ""), 2); /* no files */
	ck_assert_ptr_nonnull(strstr(out, "no files"));
	free(out);
	ck_assert_int_eq(cli_run(NULL, "--format xml '%s'", c.valid), 2);
	/* options come before the files: '--format' is then a file name */
	ck_assert_int_eq(cli_run(NULL, "'%s' --format", c.valid), 2);
	ck_assert_int_eq(cli_run(NULL, "--format"), 2);
	/* --help */
	ck_assert_int_eq(cli_run(&out, "--help"), 0);
	ck_assert_ptr_nonnull(strstr(out, "usage: wirefeed validate"));
	free(out);
	cli_teardown(&c);
}
END_TEST

START_TEST(cli_strict_fails_on_warnings)
{
	struct cli c;
	cli_setup(&c);
	char *out = NULL;
	ck_assert_int_eq(cli_run(NULL, "'%s'", c.warns), 0);
	ck_assert_int_eq(cli_run(&out, "--strict '%s'", c.warns), 1);
	ck_assert_ptr_nonnull(strstr(out, "warning:"));
	free(out);
	ck_assert_int_eq(cli_run(NULL, "--strict '%s'", c.valid), 0);
	cli_teardown(&c);
}
END_TEST

START_TEST(cli_no_schema)
{
	struct cli c;
	cli_setup(&c);
	char *out = NULL;
	ck_assert_int_eq(cli_run(&out, "'%s'", c.schema), 1);
	ck_assert_ptr_nonnull(strstr(out, "[schema]"));
	free(out);
	ck_assert_int_eq(cli_run(&out, "--no-schema '%s'", c.schema), 0);
	ck_assert_str_eq(out, "");
	free(out);
	/* rule checks still run */
	ck_assert_int_eq(cli_run(NULL, "--no-schema '%s'", c.invalid), 1);
	cli_teardown(&c);
}
END_TEST

START_TEST(cli_stdin)
{
	struct cli c;
	cli_setup(&c);
	char *out = NULL;
	ck_assert_int_eq(cli_run(&out, "- < '%s'", c.invalid), 1);
	ck_assert_ptr_nonnull(strstr(out, "<stdin>:2:1: error: "));
	ck_assert_ptr_nonnull(strstr(out, "[missing-element]"));
	free(out);
	ck_assert_int_eq(cli_run(&out, "- < '%s'", c.valid), 0);
	ck_assert_str_eq(out, "");
	free(out);
	ck_assert_int_eq(cli_run(&out, "- < /dev/null"), 1);
	ck_assert_ptr_nonnull(strstr(out, "<stdin>:1:"));
	free(out);
	/* '--' ends the options */
	ck_assert_int_eq(cli_run(NULL, "--strict -- - < '%s'", c.warns), 1);
	cli_teardown(&c);
}
END_TEST

static xmlDoc *
parse_junit(const char *out)
{
	xmlDoc *doc = xmlReadMemory(out, (int)strlen(out), "junit.xml", NULL,
	                            XML_PARSE_NONET | XML_PARSE_NOERROR |
	                                    XML_PARSE_NOWARNING);
	ck_assert_msg(doc != NULL, "JUnit output is not well-formed:\n%s", out);
	return doc;
}

static size_t
count_elements(const xmlNode *node, const char *name)
{
	size_t n = 0;
	for (; node; node = node->next) {
		if (node->type == XML_ELEMENT_NODE) {
			n += strcmp((const char *)node->name, name) == 0;
			n += count_elements(node->children, name);
		}
	}
	return n;
}

static char *
prop(const xmlNode *node, const char *name)
{
	xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
	ck_assert_msg(v != NULL, "<%s> has no %s", node->name, name);
	char *s = strdup((const char *)v);
	xmlFree(v);
	return s;
}

START_TEST(cli_junit_report)
{
	struct cli c;
	cli_setup(&c);
	/* a name that needs escaping */
	char odd[256];
	snprintf(odd, sizeof(odd), "%s/a&b<c>.xml", c.dir);
	static const char bad[] = XMLDECL "<html/>\n";
	helpers_write_file(odd, bad, strlen(bad));
	char *out = NULL;
	ck_assert_int_eq(
		cli_run(&out, "--format junit '%s' '%s' '%s' '%s' 2>/dev/null",
	                c.valid, c.warns, c.invalid, odd),
		1);
	xmlDoc *doc = parse_junit(out);
	xmlNode *root = xmlDocGetRootElement(doc);
	ck_assert_str_eq((const char *)root->name, "testsuites");
	ck_assert_uint_eq(count_elements(root, "testsuite"), 1);
	ck_assert_uint_eq(count_elements(root, "testcase"), 4);
	ck_assert_uint_eq(count_elements(root, "failure"), 2);
	ck_assert_uint_eq(count_elements(root, "system-out"), 1);
	char *tests = prop(root, "tests"), *failures = prop(root, "failures");
	ck_assert_str_eq(tests, "4");
	ck_assert_str_eq(failures, "2");
	free(tests);
	free(failures);
	/* testcases in argument order, named by file, classed by kind */
	const char *names[] = { c.valid, c.warns, c.invalid, odd };
	const char *classes[] = { "Atom 1.0 feed", "RSS 2.0", "Atom 1.0 feed",
		                  "unknown" };
	size_t i = 0;
	for (xmlNode *ts = root->children; ts; ts = ts->next) {
		if (ts->type != XML_ELEMENT_NODE) {
			continue;
		}
		for (xmlNode *tc = ts->children; tc; tc = tc->next) {
			if (tc->type != XML_ELEMENT_NODE) {
				continue;
			}
			ck_assert_uint_lt(i, 4);
			char *name = prop(tc, "name");
			char *cls = prop(tc, "classname");
			ck_assert_str_eq(name, names[i]);
			ck_assert_str_eq(cls, classes[i]);
			free(name);
			free(cls);
			if (i == 2) {
				xmlChar *text = xmlNodeGetContent(tc);
				ck_assert_ptr_nonnull(
					strstr((const char *)text,
				               "[missing-element]"));
				xmlFree(text);
			}
			i++;
		}
	}
	ck_assert_uint_eq(i, 4);
	xmlFreeDoc(doc);
	free(out);

	/* --strict turns the warnings into a failure; --format=junit form */
	ck_assert_int_eq(
		cli_run(&out, "--strict --format=junit '%s' '%s' 2>/dev/null",
	                c.valid, c.warns),
		1);
	doc = parse_junit(out);
	root = xmlDocGetRootElement(doc);
	ck_assert_uint_eq(count_elements(root, "testcase"), 2);
	ck_assert_uint_eq(count_elements(root, "failure"), 1);
	xmlFreeDoc(doc);
	free(out);

	/* all valid: no failures, exit 0; stdin works too */
	ck_assert_int_eq(cli_run(&out, "--format junit - < '%s'", c.valid), 0);
	doc = parse_junit(out);
	root = xmlDocGetRootElement(doc);
	ck_assert_uint_eq(count_elements(root, "testcase"), 1);
	ck_assert_uint_eq(count_elements(root, "failure"), 0);
	ck_assert_ptr_nonnull(strstr(out, "name=\"&lt;stdin&gt;\""));
	xmlFreeDoc(doc);
	free(out);
	cli_teardown(&c);
}
END_TEST

/* Fixed bug: with --format junit, a file that cannot be read gets no <testcase>
 * (cmd_validate.c skips NULL reports) while tests="N" still counts it and
 * failures="0": the report shows all green for a run that exits 2. Expected:
 * one testcase per file given, the unreadable one with an <error> (or
 * <failure>). */
START_TEST(bug_junit_unreadable_file_has_testcase)
{
	struct cli c;
	cli_setup(&c);
	char *out = NULL;
	ck_assert_int_eq(
		cli_run(&out,
	                "--format junit '%s' '%s/missing.xml' 2>/dev/null",
	                c.valid, c.dir),
		2);
	xmlDoc *doc = parse_junit(out);
	xmlNode *root = xmlDocGetRootElement(doc);
	ck_assert_uint_eq(count_elements(root, "testcase"), 2);
	ck_assert_uint_eq(count_elements(root, "error") +
	                          count_elements(root, "failure"),
	                  1);
	xmlFreeDoc(doc);
	free(out);
	cli_teardown(&c);
}
END_TEST

/* Fixed bug: text directly in atom:feed, <rss> or <channel> is reported on the
 * XML reader's read-ahead position, not the text's line:
 * check_stray_text() (validate.c) uses xmlTextReaderGetParserLineNumber(),
 * which is where the parser is, up to a buffer's worth of lines further
 * on. Expected: the line the text is on (or starts on). */

/* ---- issue 17.9: odd file names ---- */

START_TEST(bug_odd_file_names_keep_output_well_formed)
{
	struct cli c;
	cli_setup(&c);
	/* Latin-1 café.xml, and a name with LF and a control character */
	char latin1[300], ctrl[300];
	snprintf(latin1, sizeof(latin1), "%s/caf\xe9.xml", c.dir);
	snprintf(ctrl, sizeof(ctrl), "%s/a\nb\x01.xml", c.dir);
	static const char bad[] = XMLDECL "<html/>\n";
	helpers_write_file(latin1, bad, strlen(bad));
	helpers_write_file(ctrl, bad, strlen(bad));
	char *out = NULL;
	ck_assert_int_eq(cli_run(&out, "--format junit \"$(printf '%%s/caf\\351.xml' '%s')\" "
	                               "\"$(printf '%%s/a\\nb\\001.xml' '%s')\"",
	                         c.dir, c.dir),
	                 1);
	xmlDoc *doc = parse_junit(out);
	xmlNode *root = xmlDocGetRootElement(doc);
	ck_assert_uint_eq(count_elements(root, "testcase"), 2);
	xmlFreeDoc(doc);
	ck_assert_ptr_nonnull(strstr(out, "caf\\xE9.xml"));
	ck_assert_ptr_nonnull(strstr(out, "a\\x0Ab\\x01.xml"));
	free(out);
	/* text: one line per finding */
	ck_assert_int_eq(cli_run(&out, "\"$(printf '%%s/a\\nb\\001.xml' '%s')\"",
	                         c.dir),
	                 1);
	ck_assert_ptr_nonnull(strstr(out, "a\\x0Ab\\x01.xml:2:1: error: "));
	ck_assert_ptr_null(strchr(out, '\x01'));
	ck_assert_ptr_eq(strchr(out, '\n'), out + strlen(out) - 1);
	free(out);
	cli_teardown(&c);
}
END_TEST

START_TEST(bug_invalid_utf8_finding_is_one_line)
{
	struct cli c;
	cli_setup(&c);
	char path[300];
	snprintf(path, sizeof(path), "%s/latin1.xml", c.dir);
	static const char bad[] = XMLDECL "<rss version=\"2.0\"><channel>"
		"<title>caf\xe9</title></channel></rss>\n";
	helpers_write_file(path, bad, strlen(bad));
	char *out = NULL;
	ck_assert_int_eq(cli_run(&out, "'%s'", path), 1);
	ck_assert_ptr_nonnull(strstr(out, "[not-well-formed]\n"));
	ck_assert_ptr_eq(strchr(out, '\n'), out + strlen(out) - 1);
	free(out);
	cli_teardown(&c);
}
END_TEST

/* ---- issue 17.10: ids across records ---- */

START_TEST(bug_records_checked_across_files)
{
	struct cli c;
	cli_setup(&c);
	static const char rec[] = REC_HEAD REC_ID REC_TITLE REC_PUB REC_UPD
		REC_END;
	char a[300], b[300];
	snprintf(a, sizeof(a), "%s/a.xml", c.dir);
	snprintf(b, sizeof(b), "%s/b.xml", c.dir);
	helpers_write_file(a, rec, strlen(rec));
	ck_assert_int_eq(cli_run(NULL, "'%s'", a), 0);
	helpers_write_file(b, rec, strlen(rec));
	char *out = NULL;
	ck_assert_int_eq(cli_run(&out, "'%s' '%s'", a, b), 1);
	ck_assert_ptr_nonnull(strstr(out, "a.xml:3:1: error: duplicate id "));
	ck_assert_ptr_nonnull(strstr(out, "b.xml:3:1: error: duplicate id "));
	ck_assert_ptr_nonnull(strstr(out, "[duplicate-record-id]"));
	free(out);
	cli_teardown(&c);
}
END_TEST

/* ---- SARIF ---- */

START_TEST(sarif_output_has_rules_results_and_locations)
{
	struct cli c;
	cli_setup(&c);
	char sarif[300];
	snprintf(sarif, sizeof(sarif), "%s/out.sarif", c.dir);
	/* errors and warnings; relative and absolute names */
	ck_assert_int_eq(cli_run(NULL, "--format sarif '%s' '%s' '%s' > '%s'",
	                         c.invalid, c.warns, c.valid, sarif),
	                 1);
	char *out = NULL;
	int rc = helpers_runf(&out, "python3 '%s/tests/sarif_check.py' '%s' error,warning",
	                      helpers_source_root(), sarif);
	ck_assert_msg(rc == 0, "%s", out);
	free(out);
	ck_assert_int_eq(cli_run(&out, "--format sarif '%s'", c.valid), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"results\": [\n      ]"));
	ck_assert_ptr_nonnull(strstr(out, "\"version\": \"2.1.0\""));
	free(out);
	/* an unreadable file: the run says so, exit 2 */
	ck_assert_int_eq(cli_run(&out, "--format sarif '%s/missing.xml' 2>/dev/null",
	                         c.dir),
	                 2);
	ck_assert_ptr_nonnull(strstr(out, "\"executionSuccessful\": false"));
	free(out);
	cli_teardown(&c);
}
END_TEST

START_TEST(help_lists_every_rule)
{
	char *out = NULL;
	ck_assert_int_eq(cli_run(&out, "--help"), 0);
	size_t n;
	const struct wf_validate_rule *rules = wf_validate_rules(&n);
	for (size_t i = 0; i < n; i++) {
		char want[128];
		snprintf(want, sizeof(want), "  %s ", rules[i].code);
		ck_assert_msg(strstr(out, want) != NULL, "--help lacks %s",
		              rules[i].code);
	}
	free(out);
	ck_assert_int_eq(cli_run(NULL, "--format xml x 2>/dev/null"), 2);
}
END_TEST

/* ---- --previous ---- */

#define P_HEAD(updated)                                                    \
	XMLDECL FEED_OPEN F_TITLE F_ID "  <updated>" updated "</updated>\n" \
		F_AUTHOR F_SELF
#define P_ENTRY(num, published, updated)                             \
	"  <entry><!--e" num "-->\n"                                 \
	"    <title>Story " num "</title>\n"                         \
	"    <id>urn:uuid:00000000-0000-4000-8000-00000000000" num "</id>\n" \
	"    <published>" published "</published>\n"                \
	"    <updated>" updated "</updated>\n"                       \
	"    <link href=\"https://example.org/s/" num "\"/>\n"       \
	"  </entry>\n"
#define D1 "2024-01-01T10:00:00Z"
#define D2 "2024-01-02T10:00:00Z"
#define D3 "2024-01-03T10:00:00Z"
#define D4 "2024-01-04T10:00:00Z"

static const char prev_old[] = P_HEAD(D3) P_ENTRY("3", D3, D3)
	P_ENTRY("2", D2, D2) P_ENTRY("1", D1, D1) FEED_END;

/* Run --previous on @old and @new as files; the output in *out. */
static int
run_previous(struct cli *c, const char *old, const char *new, char **out,
             const char *extra)
{
	char o[300], n[300];
	snprintf(o, sizeof(o), "%s/old.xml", c->dir);
	snprintf(n, sizeof(n), "%s/new.xml", c->dir);
	helpers_write_file(o, old, strlen(old));
	helpers_write_file(n, new, strlen(new));
	return cli_run(out, "%s --previous '%s' '%s'", extra, o, n);
}

START_TEST(previous_accepts_a_legitimate_rebuild)
{
	struct cli c;
	cli_setup(&c);
	char *out = NULL;
	/* story 4 is new and pushes story 1 out of a 3-entry window; story 3
	 * is corrected (updated moves forward, published stays) */
	static const char next[] = P_HEAD(D4) P_ENTRY("4", D4, D4)
		P_ENTRY("3", D3, D4) P_ENTRY("2", D2, D2) FEED_END;
	ck_assert_int_eq(run_previous(&c, prev_old, next, &out, ""), 0);
	ck_assert_str_eq(out, "");
	free(out);
	/* the same build again */
	ck_assert_int_eq(run_previous(&c, prev_old, prev_old, &out, ""), 0);
	free(out);
	/* a withdrawal: an RFC 6721 tombstone explains it */
	static const char tomb[] = XMLDECL
		"<feed xmlns=\"http://www.w3.org/2005/Atom\" "
		"xmlns:at=\"http://purl.org/atompub/tombstones/1.0\">\n" F_TITLE F_ID
		"  <updated>" D4 "</updated>\n" F_AUTHOR F_SELF
		"  <at:deleted-entry ref=\"urn:uuid:00000000-0000-4000-8000-000000000002\" when=\"" D4 "\"/>\n"
		P_ENTRY("3", D3, D3) P_ENTRY("1", D1, D1) FEED_END;
	ck_assert_int_eq(run_previous(&c, prev_old, tomb, &out, ""), 0);
	free(out);
	cli_teardown(&c);
}
END_TEST

START_TEST(previous_reports_each_kind_of_break)
{
	struct cli c;
	cli_setup(&c);
	char *out = NULL;
	/* story 2 vanished with nothing newer to push it out */
	static const char vanished[] = P_HEAD(D3) P_ENTRY("3", D3, D3)
		P_ENTRY("1", D1, D1) FEED_END;
	ck_assert_int_eq(run_previous(&c, prev_old, vanished, &out, ""), 1);
	ck_assert_ptr_nonnull(strstr(out, "new.xml:2:1: error: entry urn:uuid:00000000-0000-4000-8000-000000000002 ("));
	ck_assert_ptr_nonnull(strstr(out, "old.xml:15) is not in this build"));
	ck_assert_ptr_nonnull(strstr(out, "[entry-vanished]"));
	free(out);
	/* published changed; updated backwards; the feed's updated too */
	static const char dates[] = P_HEAD(D2) P_ENTRY("3", D2, D2)
		P_ENTRY("2", D2, D2) P_ENTRY("1", D1, D1) FEED_END;
	ck_assert_int_eq(run_previous(&c, prev_old, dates, &out, ""), 1);
	ck_assert_ptr_nonnull(strstr(out, "new.xml:5:1: error: the feed's updated is earlier"));
	ck_assert_ptr_nonnull(strstr(out, "new.xml:8:1: error: entry urn:uuid:00000000-0000-4000-8000-000000000003: published date differs"));
	ck_assert_ptr_nonnull(strstr(out, "[published-changed]"));
	ck_assert_ptr_nonnull(strstr(out, "[updated-backwards]"));
	ck_assert_ptr_nonnull(strstr(out, "[feed-updated-backwards]"));
	free(out);
	/* RSS: a guid changed for the same link; isPermaLink flipped */
	static const char rss_old[] = RSS("", ITEM("1", "") ITEM("2", ""));
	static const char rss_new[] = RSS(
		"",
		"  <item><!--i1-->\n    <title>Story 1</title>\n"
		"    <link>https://example.org/s/1</link>\n"
		"    <guid isPermaLink=\"false\">story-1</guid>\n"
		"    <pubDate>" PUB1 "</pubDate>\n  </item>\n"
		"  <item><!--i2-->\n    <title>Story 2</title>\n"
		"    <link>https://example.org/s/2</link>\n"
		"    <guid isPermaLink=\"false\">https://example.org/s/2</guid>\n"
		"    <pubDate>" PUB1 "</pubDate>\n  </item>\n");
	ck_assert_int_eq(run_previous(&c, rss_old, rss_new, &out, ""), 1);
	ck_assert_ptr_nonnull(strstr(out, "[guid-changed]"));
	ck_assert_ptr_nonnull(strstr(out, "[permalink-flipped]"));
	ck_assert_ptr_null(strstr(out, "[entry-vanished]"));
	free(out);
	/* JUnit and SARIF carry the same findings */
	ck_assert_int_eq(run_previous(&c, prev_old, vanished, &out, "--format junit"), 1);
	xmlFreeDoc(parse_junit(out));
	ck_assert_ptr_nonnull(strstr(out, "[entry-vanished]"));
	free(out);
	ck_assert_int_eq(run_previous(&c, prev_old, vanished, &out, "--format sarif"), 1);
	ck_assert_ptr_nonnull(strstr(out, "\"ruleId\": \"entry-vanished\""));
	free(out);
	cli_teardown(&c);
}
END_TEST

START_TEST(previous_matches_directories_by_path)
{
	struct cli c;
	cli_setup(&c);
	char path[400];
	snprintf(path, sizeof(path), "%s/old/sections/city", c.dir);
	ck_assert_int_eq(helpers_runf(NULL, "mkdir -p '%s' '%s/new/sections'",
	                              path, c.dir), 0);
	snprintf(path, sizeof(path), "%s/old/atom.xml", c.dir);
	helpers_write_file(path, prev_old, strlen(prev_old));
	snprintf(path, sizeof(path), "%s/new/atom.xml", c.dir);
	helpers_write_file(path, prev_old, strlen(prev_old));
	snprintf(path, sizeof(path), "%s/old/sections/city/atom.xml", c.dir);
	helpers_write_file(path, prev_old, strlen(prev_old));
	char *out = NULL;
	/* the section feed is gone from the new build */
	ck_assert_int_eq(cli_run(&out, "--previous '%s/old' '%s/new'", c.dir,
	                         c.dir),
	                 1);
	ck_assert_ptr_nonnull(strstr(out, "new/sections/city/atom.xml:1:1: error: "));
	ck_assert_ptr_nonnull(strstr(out, "[feed-vanished]"));
	free(out);
	snprintf(path, sizeof(path), "%s/new/sections/city", c.dir);
	ck_assert_int_eq(helpers_runf(NULL, "mkdir -p '%s'", path), 0);
	snprintf(path, sizeof(path), "%s/new/sections/city/atom.xml", c.dir);
	helpers_write_file(path, prev_old, strlen(prev_old));
	ck_assert_int_eq(cli_run(&out, "--previous '%s/old' '%s/new'", c.dir,
	                         c.dir),
	                 0);
	free(out);
	/* usage errors */
	ck_assert_int_eq(cli_run(NULL, "--previous '%s/old' '%s/new/atom.xml' 2>/dev/null",
	                         c.dir, c.dir),
	                 2);
	ck_assert_int_eq(cli_run(NULL, "--previous '%s/old' a b 2>/dev/null", c.dir), 2);
	ck_assert_int_eq(cli_run(NULL, "--previous '%s/nothing' '%s/new' 2>/dev/null",
	                         c.dir, c.dir),
	                 2);
	cli_teardown(&c);
}
END_TEST

START_TEST(previous_withdrawn_record_explains_a_vanished_entry)
{
	struct cli c;
	cli_setup(&c);
	char path[400];
	snprintf(path, sizeof(path), "%s/articles", c.dir);
	ck_assert_int_eq(helpers_runf(NULL, "mkdir -p '%s'", path), 0);
	snprintf(path, sizeof(path), "%s/articles/two.xml", c.dir);
	static const char rec[] = REC_HEAD
		"  <id>urn:uuid:00000000-0000-4000-8000-000000000002</id>\n" REC_TITLE REC_PUB REC_UPD
		"  <wf:status when=\"2022-01-01T00:00:00Z\" reason=\"legal\">withdrawn</wf:status>\n"
		REC_END;
	helpers_write_file(path, rec, strlen(rec));
	static const char vanished[] = P_HEAD(D3) P_ENTRY("3", D3, D3)
		P_ENTRY("1", D1, D1) FEED_END;
	char *out = NULL;
	char extra[400];
	snprintf(extra, sizeof(extra), "--records '%s/articles'", c.dir);
	int rc = run_previous(&c, prev_old, vanished, &out, extra);
	ck_assert_msg(rc == 0, "%s", out);
	free(out);
	cli_teardown(&c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("validate_cli");

	TCase *tc = tcase_create("cli");
	tcase_add_test(tc, cli_text_output_format);
	tcase_add_test(tc, cli_exit_codes);
	tcase_add_test(tc, cli_strict_fails_on_warnings);
	tcase_add_test(tc, cli_no_schema);
	tcase_add_test(tc, cli_stdin);
	tcase_add_test(tc, cli_junit_report);
	tcase_add_test(tc, bug_junit_unreadable_file_has_testcase);
	suite_add_tcase(s, tc);

	tc = tcase_create("issue17");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, bug_odd_file_names_keep_output_well_formed);
	tcase_add_test(tc, bug_invalid_utf8_finding_is_one_line);
	tcase_add_test(tc, bug_records_checked_across_files);
	suite_add_tcase(s, tc);

	tc = tcase_create("sarif");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, sarif_output_has_rules_results_and_locations);
	tcase_add_test(tc, help_lists_every_rule);
	suite_add_tcase(s, tc);

	tc = tcase_create("previous");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, previous_accepts_a_legitimate_rebuild);
	tcase_add_test(tc, previous_reports_each_kind_of_break);
	tcase_add_test(tc, previous_matches_directories_by_path);
	tcase_add_test(tc, previous_withdrawn_record_explains_a_vanished_entry);
	suite_add_tcase(s, tc);

	return helpers_run_suite(s);
}
