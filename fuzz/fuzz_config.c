/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the wirefeed.conf parser (wf_config_parse). Besides the
 * sanitizers it checks the parser's contract and what the rest of wirefeed
 * relies on in an accepted config: the required keys are there, base_url
 * is an absolute http(s) URL ending in '/', section slugs are [a-z0-9-]+
 * and unique, the numbers are in their documented ranges.
 */
#include <stdlib.h>
#include <string.h>

#include "wirefeed/config.h"
#include "wirefeed/text.h"
#include "fuzz.h"

#define FUZZ_NAME "fuzz-wirefeed.conf"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init_libxml2();
	return 0;
}

static void
check_string(const char *s)
{
	if (s) {
		FUZZ_ASSERT(s[0] != '\0');
		FUZZ_ASSERT(wf_text_is_xml_safe(s, strlen(s), NULL, NULL));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wf_config *c = NULL;
	struct wf_diag diag = { 0 };
	enum wf_status st = wf_config_parse((const char *)data, size, FUZZ_NAME,
					    &c, &diag);
	if (st != WF_OK) {
		FUZZ_ASSERT(c == NULL);
		FUZZ_ASSERT(st == WF_ERR_PARSE || st == WF_ERR_INVALID ||
			    st == WF_ERR_TOO_LARGE);
		FUZZ_ASSERT(diag.message[0] != '\0');
		FUZZ_ASSERT(strcmp(diag.source, FUZZ_NAME) == 0);
		return 0;
	}
	FUZZ_ASSERT(c != NULL);
	FUZZ_ASSERT(c->title && c->base_url && c->feed_id && c->site_url &&
		    c->language);
	size_t n = strlen(c->base_url);
	FUZZ_ASSERT(n > 0 && c->base_url[n - 1] == '/');
	FUZZ_ASSERT(strncmp(c->base_url, "http://", 7) == 0 ||
		    strncmp(c->base_url, "https://", 8) == 0);
	const char *strings[] = { c->title, c->subtitle, c->base_url,
				  c->site_url, c->feed_id, c->default_author,
				  c->language, c->rights };
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		check_string(strings[i]);
	}
	FUZZ_ASSERT(c->max_entries >= 1 && c->max_entries <= 10000);
	FUZZ_ASSERT(c->cache_max_age_s <= 31536000);
	for (size_t i = 0; i < c->n_sections; i++) {
		const char *slug = c->sections[i].slug;
		FUZZ_ASSERT(slug[0] != '\0');
		FUZZ_ASSERT(strspn(slug, "abcdefghijklmnopqrstuvwxyz0123456789-") ==
			    strlen(slug));
		check_string(c->sections[i].title);
		FUZZ_ASSERT(wf_config_find_section(c, slug) == &c->sections[i]);
	}
	wf_config_destroy(c);
	return 0;
}
