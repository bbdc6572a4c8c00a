/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the article-record parser (wf_record_parse_memory). Besides
 * the sanitizers it checks the parser's contract and that every record it
 * accepts survives a round trip: format, parse again, format again gives
 * the same bytes (wf_record_format promises it never writes a record that
 * would not parse back).
 */
#include <stdlib.h>
#include <string.h>

#include "wirefeed/article.h"
#include "wirefeed/record.h"
#include "fuzz.h"

#define FUZZ_NAME "fuzz-record.xml"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init_libxml2();
	return 0;
}

static void
check_round_trip(const struct wf_article *a)
{
	struct wf_diag diag = { 0 };
	char *text = NULL;
	size_t len = 0;
	FUZZ_ASSERT(wf_record_format(a, &text, &len, &diag) == WF_OK);
	FUZZ_ASSERT(text != NULL && strlen(text) == len);

	struct wf_article *again = NULL;
	FUZZ_ASSERT(wf_record_parse_memory(text, len, "round-trip", &again,
					   &diag) == WF_OK);
	char *text2 = NULL;
	size_t len2 = 0;
	FUZZ_ASSERT(wf_record_format(again, &text2, &len2, &diag) == WF_OK);
	FUZZ_ASSERT(len == len2 && memcmp(text, text2, len) == 0);
	free(text2);
	wf_article_destroy(again);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wf_article *a = NULL;
	struct wf_diag diag = { 0 };
	enum wf_status st = wf_record_parse_memory((const char *)data, size,
						   FUZZ_NAME, &a, &diag);
	if (st != WF_OK) {
		FUZZ_ASSERT(a == NULL);
		FUZZ_ASSERT(st == WF_ERR_XML || st == WF_ERR_INVALID ||
			    st == WF_ERR_TOO_LARGE);
		FUZZ_ASSERT(diag.message[0] != '\0');
		FUZZ_ASSERT(strcmp(diag.source, FUZZ_NAME) == 0);
		return 0;
	}
	FUZZ_ASSERT(a != NULL);
	FUZZ_ASSERT(wf_article_check(a, &diag) == WF_OK);
	check_round_trip(a);
	wf_article_destroy(a);
	return 0;
}
