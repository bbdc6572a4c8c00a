/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the feed validator (wf_validate_memory) over arbitrary bytes:
 * Atom feeds and entries, RSS 2.0, wirefeed records (which it hands to the
 * record parser) and anything else. Besides the sanitizers it checks the
 * report's own invariants.
 */
#include <string.h>

#include "wirefeed/text.h"
#include "wirefeed/validate.h"
#include "fuzz.h"

#define FUZZ_NAME "fuzz-input.xml"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init_libxml2();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A fixed "now" (2025-01-01T00:00:00Z) so future-date checks run and
	 * every replay sees the same findings. */
	struct wf_validate_options opt = {
		.now = { .utc = 1735689600, .nsec = 0, .offset_s = 0 },
		.future_tolerance_s = 86400,
		.no_schema = false,
	};
	struct wf_validate_report *r = NULL;
	enum wf_status st = wf_validate_memory((const char *)data, size,
					       FUZZ_NAME, &opt, &r);
	FUZZ_ASSERT(st == WF_OK);
	FUZZ_ASSERT(r != NULL);
	FUZZ_ASSERT(r->source && strcmp(r->source, FUZZ_NAME) == 0);
	FUZZ_ASSERT(r->kind >= WF_DOC_UNKNOWN && r->kind <= WF_DOC_JSON_FEED);
	FUZZ_ASSERT(wf_doc_kind_name(r->kind) != NULL);
	FUZZ_ASSERT(r->n_findings == 0 || r->findings != NULL);
	size_t errors = 0, warnings = 0;
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct wf_finding *f = &r->findings[i];
		FUZZ_ASSERT(f->severity == WF_SEVERITY_ERROR ||
			    f->severity == WF_SEVERITY_WARNING);
		FUZZ_ASSERT(f->code != NULL && f->code[0] != '\0');
		FUZZ_ASSERT(f->message != NULL);
		FUZZ_ASSERT(f->line >= 0 && f->column >= 0);
		/* messages quote the document: they must stay printable */
		FUZZ_ASSERT(wf_text_is_xml_safe(f->message, strlen(f->message),
						NULL, NULL));
		if (f->severity == WF_SEVERITY_ERROR) {
			errors++;
		} else {
			warnings++;
		}
	}
	/* findings past the storage cap are counted, never dropped silently */
	FUZZ_ASSERT(errors <= r->n_errors);
	FUZZ_ASSERT(warnings <= r->n_warnings);
	/* a document with no error at all was recognised as something */
	FUZZ_ASSERT(r->n_errors > 0 || r->kind != WF_DOC_UNKNOWN);
	wf_validate_report_destroy(r);
	return 0;
}
