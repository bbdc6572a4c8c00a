/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the RFC 3229 request-header and document parsing of
 * feed_delta. Input: line 1 an A-IM value, line 2 an If-None-Match value,
 * the rest a feed document (tried as Atom and as RSS). Checks that the
 * entry index tiles the document (head, entries in order, tail) and that
 * a delta against an earlier version made from the first half of the
 * document is well-bounded: never larger than the document, and made of
 * the document's own head and tail.
 */
#include <stdlib.h>
#include <string.h>

#include "wirefeed/feedset.h"
#include "feed_delta.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static char *
line(const char **p, const char *end)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	const char *stop = nl ? nl : end;
	size_t n = (size_t)(stop - *p);
	char *s = malloc(n + 1);
	memcpy(s, *p, n);
	s[n] = '\0';
	*p = nl ? nl + 1 : end;
	return s;
}

static void
check_kind(const char *doc, size_t len, enum wf_file_kind kind,
	   const char *inm)
{
	struct feed_delta_index ix;
	if (!feed_delta_index_parse(doc, len, kind, &ix)) {
		return;
	}
	FUZZ_ASSERT(ix.head_end <= ix.tail_start && ix.tail_start <= len);
	size_t at = ix.head_end;
	for (size_t i = 0; i < ix.n_entries; i++) {
		FUZZ_ASSERT(ix.entries[i].start == at);
		FUZZ_ASSERT(ix.entries[i].end > ix.entries[i].start);
		at = ix.entries[i].end;
	}
	FUZZ_ASSERT(at == ix.tail_start);
	feed_delta_index_finish(&ix);

	/* history: the first half (if it indexes), then the whole */
	struct feed_history *h = feed_history_create(2);
	struct wf_feedset *old = wf_feedset_create(), *cur = wf_feedset_create();
	char *half = malloc(len / 2 + 1);
	memcpy(half, doc, len / 2);
	wf_feedset_add(old, "f", kind, half, len / 2, (struct wf_time){ 0 },
		       "t", 0);
	char *whole = malloc(len + 1);
	memcpy(whole, doc, len);
	wf_feedset_add(cur, "f", kind, whole, len, (struct wf_time){ 0 }, "t", 0);
	feed_deltas_destroy(feed_history_add(h, &old->files[0], NULL));
	struct feed_deltas *d = feed_history_add(h, &cur->files[0], NULL);
	struct feed_delta_body *b = NULL;
	if (d && feed_deltas_answer(d, inm, false, len, &b)) {
		FUZZ_ASSERT(b->len < len);
		feed_delta_body_release(b);
	}
	if (d && feed_deltas_answer(d, old->files[0].etag, false, len, &b)) {
		FUZZ_ASSERT(b->len < len);
		feed_delta_body_release(b);
	}
	feed_deltas_destroy(d);
	feed_history_destroy(h);
	wf_feedset_unref(old);
	wf_feedset_unref(cur);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	char *a_im = line(&p, end);
	char *inm = line(&p, end);
	(void)feed_delta_is_requested(a_im);
	size_t len = (size_t)(end - p);
	check_kind(p, len, WF_FILE_ATOM, inm);
	check_kind(p, len, WF_FILE_RSS, inm);
	free(a_im);
	free(inm);
	return 0;
}
