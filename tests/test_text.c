/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "wirefeed/text.h"
#include "helpers.h"

START_TEST(accepts_utf8_and_xml_whitespace)
{
	const char *s = "caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x93\xb0 & <tag>\t\r\n";
	ck_assert(wf_text_is_xml_safe(s, strlen(s), NULL, NULL));
}
END_TEST

START_TEST(rejects_bad_sequences_table)
{
	static const struct {
		const char *s;
		size_t offset;
	} cases[] = {
		{ "ok\xff", 2 },              /* never valid in UTF-8 */
		{ "a\xc3", 1 },               /* truncated */
		{ "\xc0\xaf", 0 },            /* overlong '/' */
		{ "x\xed\xa0\x80", 1 },       /* surrogate */
		{ "ab\x01", 2 },              /* C0 control */
		{ "\x1b[31m", 0 },            /* escape */
		{ "a\xef\xbf\xbe", 1 },       /* U+FFFE */
		{ "\xf4\x90\x80\x80", 0 },    /* above U+10FFFF */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t off = 99;
		const char *why = NULL;
		ck_assert(!wf_text_is_xml_safe(cases[i].s, strlen(cases[i].s),
					       &off, &why));
		ck_assert_uint_eq(off, cases[i].offset);
		ck_assert_ptr_nonnull(why);
	}
}
END_TEST

/* The check reads sixteen bytes at a time where it can: a bad byte must
 * be found at every position of a block and past its end, after plain
 * ASCII and after multi-byte characters, whatever the length. */
START_TEST(finds_bad_byte_at_every_offset)
{
	static const char *const bad[] = { "\x01", "\xff", "\xc3", "\x7f\x00" };
	for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
		size_t bad_len = b == 3 ? 2 : strlen(bad[b]);
		size_t at = b == 3 ? 1 : 0; /* DEL is fine; the NUL is not */
		for (size_t lead = 0; lead < 70; lead++) {
			for (int multi = 0; multi < 2; multi++) {
				char s[128];
				/* "é" (two bytes) every fifth byte, or ASCII */
				for (size_t i = 0; i < lead; i++) {
					s[i] = (char)('a' + i % 26);
				}
				for (size_t i = 0; multi && i + 1 < lead; i += 5) {
					s[i] = (char)0xc3;
					s[i + 1] = (char)0xa9;
				}
				memcpy(s + lead, bad[b], bad_len);
				memcpy(s + lead + bad_len, "tail text after it", 18);
				size_t len = lead + bad_len + 18;
				size_t off = 999;
				ck_assert_msg(!wf_text_is_xml_safe(s, len, &off, NULL),
					      "bad %zu at %zu accepted", b, lead);
				ck_assert_uint_eq(off, lead + at);
				/* and the same text without it passes */
				memcpy(s + lead, "xy", 2);
				ck_assert(wf_text_is_xml_safe(s, lead + 2, NULL, NULL));
			}
		}
	}
}
END_TEST

START_TEST(safe_text_is_not_copied)
{
	const char *ok = "A story \xe2\x80\x94 with \t tabs & <markup>\n";
	char *owned = (char *)1;
	ck_assert_ptr_eq(wf_text_safe(ok, strlen(ok), &owned), ok);
	ck_assert_ptr_null(owned);
	const char bad[] = "bell\x07 and \xff";
	const char *clean = wf_text_safe(bad, sizeof(bad) - 1, &owned);
	ck_assert_ptr_nonnull(owned);
	ck_assert_ptr_eq(clean, owned);
	ck_assert_str_eq(clean, "bell and \xef\xbf\xbd");
	free(owned);
}
END_TEST

START_TEST(sanitize_replaces_and_drops)
{
	const char in[] = "a\xff" "b\x01" "c\xc3\xa9";
	char *out = wf_text_sanitize(in, sizeof(in) - 1);
	ck_assert_str_eq(out, "a\xef\xbf\xbd" "bc\xc3\xa9");
	ck_assert(wf_text_is_xml_safe(out, strlen(out), NULL, NULL));
	free(out);
}
END_TEST

START_TEST(slugify_table)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "Arts & Culture", "arts-culture" },
		{ "U.S.", "u-s" },
		{ "  Politics  ", "politics" },
		{ "Caf\xc3\xa9 news", "caf-news" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = wf_text_slugify(cases[i].in, 64);
		ck_assert_str_eq(s, cases[i].out);
		free(s);
	}
	char *s = wf_text_slugify("abcdefghij", 4);
	ck_assert_str_eq(s, "abcd");
	free(s);
}
END_TEST

START_TEST(position_counts_lines_and_characters)
{
	/* "é" is two bytes, one column */
	const char *s = "ab\n\xc3\xa9x\n";
	int line = 0, col = 0;
	wf_text_position(s, 0, &line, &col);
	ck_assert_int_eq(line, 1);
	ck_assert_int_eq(col, 1);
	wf_text_position(s, 2, &line, &col); /* the newline */
	ck_assert_int_eq(line, 1);
	ck_assert_int_eq(col, 3);
	wf_text_position(s, 5, &line, &col); /* the x after é */
	ck_assert_int_eq(line, 2);
	ck_assert_int_eq(col, 2);
	wf_text_position(s, strlen(s), &line, NULL);
	ck_assert_int_eq(line, 3);
}
END_TEST

START_TEST(trim_strips_ascii_space)
{
	char a[] = "  \t key = value \r\n";
	ck_assert_str_eq(wf_text_trim(a), "key = value");
	char b[] = "   ";
	ck_assert_str_eq(wf_text_trim(b), "");
	char c[] = "x";
	ck_assert_str_eq(wf_text_trim(c), "x");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("utf8");
	tcase_add_test(tc, accepts_utf8_and_xml_whitespace);
	tcase_add_test(tc, rejects_bad_sequences_table);
	tcase_add_test(tc, sanitize_replaces_and_drops);
	tcase_add_test(tc, finds_bad_byte_at_every_offset);
	tcase_add_test(tc, safe_text_is_not_copied);
	tcase_add_test(tc, slugify_table);
	tcase_add_test(tc, trim_strips_ascii_space);
	tcase_add_test(tc, position_counts_lines_and_characters);
	suite_add_tcase(s, tc);
	return helpers_run_suite(s);
}
