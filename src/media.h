/* SPDX-License-Identifier: MIT */
#ifndef MEDIA_H
#define MEDIA_H

#include <stdbool.h>

struct xmlw;
struct wf_feed_spec;
struct wf_image;

/* Media RSS (https://www.rssboard.org/media-rss), used in both formats. */
#define MEDIA_NS "http://search.yahoo.com/mrss/"

/** Whether @spec declares the Media RSS prefix: an entry has an image,
 * or spec->declare_media. */
bool
media_is_used(const struct wf_feed_spec *spec);

/**
 * Write <media:content url type medium fileSize> with the caption as
 * <media:description type="plain"> and the credit as <media:credit>.
 * @image is borrowed; the prefix "media" must be declared by the caller.
 */
void
media_write_content(struct xmlw *x, const struct wf_image *image);

#endif
