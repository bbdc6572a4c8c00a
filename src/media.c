/* SPDX-License-Identifier: MIT */
/* Media RSS for the story image: aggregators (and feedparser's
 * media_content / media_credit) read the photo, its caption and its credit
 * from here, where an enclosure carries only the URL. */
#include "media.h"

#include <stdio.h>
#include <string.h>

#include "wirefeed/feed.h"
#include "xmlw.h"

bool
media_is_used(const struct wf_feed_spec *spec)
{
	if (spec->declare_media) {
		return true;
	}
	for (size_t i = 0; i < spec->n_entries; i++) {
		if (spec->entries[i]->image) {
			return true;
		}
	}
	return false;
}

/* Media RSS's medium values, from the media type's top-level type. */
static const char *
medium_of(const char *type)
{
	static const char *const media[] = { "image", "audio", "video" };
	for (size_t i = 0; i < sizeof(media) / sizeof(media[0]); i++) {
		size_t n = strlen(media[i]);
		if (type && strncmp(type, media[i], n) == 0 && type[n] == '/') {
			return media[i];
		}
	}
	return NULL;
}

void
media_write_content(struct xmlw *x, const struct wf_image *image)
{
	char size[32];
	snprintf(size, sizeof(size), "%lld", (long long)image->length);
	xmlw_start(x, "media:content");
	xmlw_attr(x, "url", image->url);
	xmlw_attr(x, "type", image->type);
	xmlw_attr(x, "medium", medium_of(image->type));
	if (image->length > 0) {
		xmlw_attr(x, "fileSize", size);
	}
	if (image->caption) {
		xmlw_start(x, "media:description");
		xmlw_attr(x, "type", "plain");
		xmlw_text(x, image->caption);
		xmlw_end(x);
	}
	xmlw_element(x, "media:credit", image->credit);
	xmlw_end(x);
}
