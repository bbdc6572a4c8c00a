/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the wire-copy parser behind `wirefeed import`
 * (wf_wirecopy_parse_at). Besides the sanitizers it checks the parser's
 * contract and that every story it accepts can be written as a record
 * that parses back: given an id, it passes wf_article_check(), its times
 * are in the accepted years and not in the future, and format -> parse ->
 * format gives the same bytes (import must never write what it would then
 * refuse).
 */
#include <stdlib.h>
#include <string.h>

#include "wirefeed/article.h"
#include "wirefeed/record.h"
#include "wirefeed/wirecopy.h"
#include "fuzz.h"

#define FUZZ_NAME "fuzz-wirecopy.txt"
#define FUZZ_ID "urn:uuid:00000000-0000-4000-8000-000000000000"

/* 2026-12-01T12:00:00Z: a fixed present, so replays are deterministic */
static const struct wf_time fuzz_now = { .utc = 1796126400, .nsec = 0,
					 .offset_s = 0 };

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init_libxml2();
	return 0;
}

static void
check_record(struct wf_article *a)
{
	a->id = strdup(FUZZ_ID);
	FUZZ_ASSERT(a->id != NULL);
	struct wf_diag diag = { 0 };
	FUZZ_ASSERT(wf_article_check(a, &diag) == WF_OK);
	char *text = NULL;
	size_t len = 0;
	FUZZ_ASSERT(wf_record_format(a, &text, &len, &diag) == WF_OK);
	struct wf_article *back = NULL;
	FUZZ_ASSERT(wf_record_parse_memory(text, len, "round-trip", &back,
					   &diag) == WF_OK);
	char *text2 = NULL;
	size_t len2 = 0;
	FUZZ_ASSERT(wf_record_format(back, &text2, &len2, &diag) == WF_OK);
	FUZZ_ASSERT(len == len2 && memcmp(text, text2, len) == 0);
	free(text2);
	wf_article_destroy(back);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wf_article *a = NULL;
	struct wf_diag diag = { 0 };
	enum wf_status st = wf_wirecopy_parse_at((const char *)data, size,
						 FUZZ_NAME, fuzz_now, &a,
						 &diag);
	if (st != WF_OK) {
		FUZZ_ASSERT(a == NULL);
		FUZZ_ASSERT(st == WF_ERR_PARSE || st == WF_ERR_INVALID);
		FUZZ_ASSERT(diag.message[0] != '\0');
		FUZZ_ASSERT(strcmp(diag.source, FUZZ_NAME) == 0);
		return 0;
	}
	FUZZ_ASSERT(a != NULL);
	FUZZ_ASSERT(a->id == NULL);
	FUZZ_ASSERT(a->title != NULL && a->title[0] != '\0');
	FUZZ_ASSERT(wf_time_compare(a->updated, a->published) >= 0);
	FUZZ_ASSERT(wf_time_is_supported(a->published));
	FUZZ_ASSERT(wf_time_is_supported(a->updated));
	FUZZ_ASSERT(a->updated.utc <= fuzz_now.utc + 86400);
	check_record(a);
	wf_article_destroy(a);
	return 0;
}
