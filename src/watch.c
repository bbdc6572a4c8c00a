/* SPDX-License-Identifier: MIT */
#include "watch.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "wirefeed/newswire.h"
#include "log.h"
#include "mem.h"

struct watch {
	struct watch_options o;
	int fd;
	int articles_wd;
	char **names;
	size_t n, cap;
	bool everything;
	bool whole;          /* something pending is complete: act at once */
	int64_t first_ms;    /* first pending event that may be partial, -1 */
	int64_t last_ms;     /* last such event */
	int64_t next_scan_ms; /* -1: no periodic scan */
};

struct watch *
watch_create(const struct watch_options *o, int64_t now_ms)
{
	struct watch *w = xzalloc(sizeof(*w));
	w->o = *o;
	w->o.root = NULL; /* not kept */
	w->first_ms = w->last_ms = -1;
	w->articles_wd = -1;
	w->next_scan_ms = o->scan_interval_ms ? now_ms + o->scan_interval_ms
					      : -1;
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0) {
		wf_log_warn("inotify unavailable (%s); relying on the periodic scan",
			    strerror(errno));
		return w;
	}
	const uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM |
			      IN_DELETE | IN_CREATE | IN_ATTRIB;
	char *articles = xasprintf("%s/articles", o->root);
	if (inotify_add_watch(w->fd, o->root, mask) < 0 ||
	    (w->articles_wd = inotify_add_watch(w->fd, articles, mask)) < 0) {
		wf_log_warn("cannot watch %s (%s); relying on the periodic scan",
			    o->root, strerror(errno));
		close(w->fd);
		w->fd = -1;
	}
	free(articles);
	return w;
}

static void
clear(struct watch *w)
{
	for (size_t i = 0; i < w->n; i++) {
		free(w->names[i]);
	}
	w->n = 0;
	w->everything = w->whole = false;
	w->first_ms = w->last_ms = -1;
}

void
watch_destroy(struct watch *w)
{
	if (!w) {
		return;
	}
	clear(w);
	free(w->names);
	if (w->fd >= 0) {
		close(w->fd);
	}
	free(w);
}

int
watch_fd(const struct watch *w)
{
	return w->fd;
}

static void
add_name(struct watch *w, const char *name)
{
	for (size_t i = 0; i < w->n; i++) {
		if (strcmp(w->names[i], name) == 0) {
			return;
		}
	}
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		w->names = xreallocarray(w->names, w->cap, sizeof(*w->names));
	}
	w->names[w->n++] = xstrdup(name);
}

static void
maybe_partial(struct watch *w, int64_t now_ms)
{
	if (w->first_ms < 0) {
		w->first_ms = now_ms;
	}
	w->last_ms = now_ms;
}

void
watch_read(struct watch *w, int64_t now_ms)
{
	if (w->fd < 0) {
		return;
	}
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(w->fd, buf, sizeof(buf));
		if (n <= 0) {
			break;
		}
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const void *)p;
			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				w->everything = w->whole = true;
			} else if (ev->len == 0) {
				/* the directory itself */
			} else if (ev->wd == w->articles_wd) {
				if (!wf_newswire_is_record_name(ev->name)) {
					continue;
				}
				add_name(w, ev->name);
				if (ev->mask & (IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE)) {
					/* a rename or removal is atomic */
					w->whole = true;
				} else {
					maybe_partial(w, now_ms);
				}
			} else if (strcmp(ev->name, "wirefeed.conf") == 0) {
				w->everything = true;
				if (ev->mask & IN_MOVED_TO) {
					w->whole = true;
				} else {
					maybe_partial(w, now_ms);
				}
			}
		}
	}
}

void
watch_request_all(struct watch *w, int64_t now_ms)
{
	(void)now_ms;
	w->everything = w->whole = true;
}

int64_t
watch_deadline(const struct watch *w)
{
	int64_t at = -1;
	if (w->whole) {
		at = 0;
	} else if (w->first_ms >= 0) {
		int64_t quiet = w->last_ms + w->o.debounce_ms;
		int64_t bound = w->first_ms + w->o.max_wait_ms;
		at = quiet < bound ? quiet : bound;
	}
	if (w->next_scan_ms >= 0 && (at < 0 || w->next_scan_ms < at)) {
		at = w->next_scan_ms;
	}
	return at;
}

bool
watch_take(struct watch *w, int64_t now_ms, struct watch_batch *b)
{
	memset(b, 0, sizeof(*b));
	bool due = w->whole;
	if (!due && w->first_ms >= 0) {
		due = now_ms >= w->last_ms + w->o.debounce_ms ||
		      now_ms >= w->first_ms + w->o.max_wait_ms;
	}
	bool scan = w->next_scan_ms >= 0 && now_ms >= w->next_scan_ms;
	if (scan) {
		w->next_scan_ms = now_ms + w->o.scan_interval_ms;
	}
	if (!due && !scan) {
		return false;
	}
	if (due) {
		b->everything = w->everything;
		b->names = w->names;
		b->n = w->n;
		w->names = NULL;
		w->n = w->cap = 0;
		clear(w);
	}
	b->scan = scan && !due;
	return true;
}

void
watch_batch_finish(struct watch_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->names[i]);
	}
	free(b->names);
	memset(b, 0, sizeof(*b));
}
