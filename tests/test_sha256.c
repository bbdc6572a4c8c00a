/* SPDX-License-Identifier: MIT */
/* SHA-256 (src/sha256.h), on both its paths: the CPU's SHA instructions
 * where present, and the portable code (WF_SHA256_GENERIC=1, which
 * tests/meson.build runs this suite with too). FIPS 180-4's examples,
 * sha256sum as an independent reference, and any split of the input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "sha256.h"

static void
hex_of(const void *data, size_t len, char hex[65])
{
	sha256_hex(data, len, hex);
}

START_TEST(fips_examples)
{
	char hex[65];
	hex_of("abc", 3, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	hex_of("", 0, hex);
	ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	hex_of(two, strlen(two), hex);
	ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	char *million = malloc(1000000);
	memset(million, 'a', 1000000);
	hex_of(million, 1000000, hex);
	ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(million);
}
END_TEST

/* Every length around the block and padding boundaries, against
 * sha256sum on the same bytes. */
START_TEST(agrees_with_sha256sum)
{
	char *dir = helpers_make_tempdir();
	unsigned seed = 99;
	static const size_t lengths[] = { 1, 55, 56, 63, 64, 65, 119, 120,
					  127, 128, 129, 1000, 4096, 65537,
					  200003 };
	for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		size_t n = lengths[i];
		unsigned char *data = malloc(n);
		for (size_t k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			data[k] = (unsigned char)(seed >> 16);
		}
		char path[4200];
		snprintf(path, sizeof(path), "%s/data", dir);
		helpers_write_file(path, (const char *)data, n);
		char *out = NULL;
		ck_assert_int_eq(helpers_runf(&out, "sha256sum '%s'", path), 0);
		char hex[65];
		hex_of(data, n, hex);
		ck_assert_msg(strncmp(out, hex, 64) == 0, "length %zu: %s vs %.64s",
			      n, hex, out);
		free(out);
		free(data);
	}
	helpers_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(any_split_gives_the_same_digest)
{
	enum { N = 3000 };
	unsigned char *data = malloc(N);
	for (size_t k = 0; k < N; k++) {
		data[k] = (unsigned char)(k * 7 + 3);
	}
	char whole[65];
	hex_of(data, N, whole);
	static const size_t steps[] = { 1, 3, 63, 64, 65, 200, 1024 };
	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		struct sha256 ctx;
		sha256_init(&ctx);
		for (size_t at = 0; at < N; at += steps[s]) {
			size_t take = N - at < steps[s] ? N - at : steps[s];
			sha256_update(&ctx, data + at, take);
		}
		unsigned char digest[32];
		sha256_final(&ctx, digest);
		char hex[65];
		for (int i = 0; i < 32; i++) {
			snprintf(hex + 2 * i, 3, "%02x", digest[i]);
		}
		ck_assert_str_eq(hex, whole);
	}
	free(data);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sha256");
	TCase *tc = tcase_create("sha256");
	tcase_add_test(tc, fips_examples);
	tcase_add_test(tc, agrees_with_sha256sum);
	tcase_add_test(tc, any_split_gives_the_same_digest);
	suite_add_tcase(s, tc);
	return helpers_run_suite(s);
}
