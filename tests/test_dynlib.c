/* SPDX-License-Identifier: MIT */
/* Libraries opened at run time (src/dynlib.h, src/mhd.h): what is
 * resolved, what a missing library or symbol reports, and that the CLI
 * does not link the libraries only `serve` and WebSub need. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dynlib.h"
#include "helpers.h"
#include "mhd.h"

START_TEST(resolves_every_symbol)
{
	size_t (*length)(const char *) = NULL;
	int (*compare)(const char *, const char *) = NULL;
	const struct wf_dynlib_symbol symbols[] = {
		{ "strlen", (void **)&length },
		{ "strcmp", (void **)&compare },
	};
	char why[256] = "";
	ck_assert(wf_dynlib_open("libc.so.6", symbols, 2, why, sizeof(why)));
	ck_assert(length != NULL);
	ck_assert_uint_eq(length("wirefeed"), 8);
	ck_assert_int_eq(compare("a", "a"), 0);
}
END_TEST

START_TEST(a_missing_library_is_named)
{
	void *p = NULL;
	const struct wf_dynlib_symbol symbols[] = { { "anything", &p } };
	char why[256] = "";
	ck_assert(!wf_dynlib_open("libwirefeed-no-such.so.9", symbols, 1, why,
				  sizeof(why)));
	ck_assert_msg(strstr(why, "libwirefeed-no-such.so.9"), "%s", why);
	ck_assert_ptr_null(p);
}
END_TEST

START_TEST(a_missing_symbol_leaves_every_pointer_alone)
{
	size_t (*length)(const char *) = NULL;
	void *nothing = NULL;
	const struct wf_dynlib_symbol symbols[] = {
		{ "strlen", (void **)&length },
		{ "wirefeed_no_such_symbol", &nothing },
	};
	char why[256] = "";
	ck_assert(!wf_dynlib_open("libc.so.6", symbols, 2, why, sizeof(why)));
	ck_assert_msg(strstr(why, "wirefeed_no_such_symbol"), "%s", why);
	ck_assert(length == NULL);
}
END_TEST

START_TEST(libmicrohttpd_opens_with_its_header_version)
{
	char why[256] = "";
	ck_assert_msg(wf_mhd_open(why, sizeof(why)), "%s", why);
	/* the same library the header describes: "0.9.75" for 0x00097500 */
	char want[32];
	snprintf(want, sizeof(want), "%x.%x.%x",
		 (unsigned)(MHD_VERSION >> 24) & 0xffu,
		 (unsigned)(MHD_VERSION >> 16) & 0xffu,
		 (unsigned)(MHD_VERSION >> 8) & 0xffu);
	ck_assert_str_eq(wf_mhd.get_version(), want);
}
END_TEST

START_TEST(the_cli_links_neither_libcurl_nor_libmicrohttpd)
{
	char *out = NULL;
	ck_assert_int_eq(helpers_runf(&out, "readelf -d '%s' | grep NEEDED",
				      helpers_binary()), 0);
	ck_assert_msg(strstr(out, "libxml2"), "%s", out);
	ck_assert_msg(!strstr(out, "libcurl"), "%s", out);
	ck_assert_msg(!strstr(out, "libmicrohttpd"), "%s", out);
	free(out);
	/* and --version still reports the server library, loaded on demand */
	ck_assert_int_eq(helpers_runf(&out, "'%s' --version", helpers_binary()),
			 0);
	ck_assert_msg(strstr(out, "libmicrohttpd 0."), "%s", out);
	free(out);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dynlib");
	TCase *tc = tcase_create("dynlib");
	tcase_add_test(tc, resolves_every_symbol);
	tcase_add_test(tc, a_missing_library_is_named);
	tcase_add_test(tc, a_missing_symbol_leaves_every_pointer_alone);
	tcase_add_test(tc, libmicrohttpd_opens_with_its_header_version);
	tcase_add_test(tc, the_cli_links_neither_libcurl_nor_libmicrohttpd);
	suite_add_tcase(s, tc);
	return helpers_run_suite(s);
}
