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

	return helpers_run_suite(s);
}
