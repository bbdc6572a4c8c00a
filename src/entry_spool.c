/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* O_TMPFILE */
#include "entry_spool.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "wirefeed/feed.h"
#include "mem.h"

struct spooled {
	uint64_t offset;
	uint32_t len[3];
	bool has_image;
};

struct wf_entry_spool {
	char *dir;
	pthread_mutex_t lock; /* guards what follows */
	int fd;      /* -1 until the first entry */
	bool broken; /* the file could not be made: spool nothing */
	uint64_t end;
	struct spooled *items;
	size_t n, cap;
};

struct wf_entry_spool *
entry_spool_create(const char *dir)
{
	struct wf_entry_spool *s = xzalloc(sizeof(*s));
	s->dir = xstrdup(dir);
	pthread_mutex_init(&s->lock, NULL);
	s->fd = -1;
	return s;
}

void
entry_spool_destroy(struct wf_entry_spool *s)
{
	if (!s) {
		return;
	}
	if (s->fd >= 0) {
		close(s->fd);
	}
	pthread_mutex_destroy(&s->lock);
	free(s->items);
	free(s->dir);
	free(s);
}

/* The unnamed file, on the first entry (under the lock). */
static bool
spool_file(struct wf_entry_spool *s)
{
	if (s->fd >= 0 || s->broken) {
		return s->fd >= 0;
	}
	s->fd = open(s->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (s->fd < 0) {
		/* a filesystem without O_TMPFILE: a name, removed at once */
		char *path = xasprintf("%s/.wirefeed-spool-XXXXXX", s->dir);
		s->fd = mkostemp(path, O_CLOEXEC);
		if (s->fd >= 0) {
			unlink(path);
		}
		free(path);
	}
	s->broken = s->fd < 0;
	return !s->broken;
}

uint64_t
entry_spool_add(struct wf_entry_spool *s, const struct wf_config *config,
		const struct wf_article *a)
{
	if (!s || config->archives == WF_ARCHIVE_OFF ||
	    a->status != WF_ARTICLE_PUBLISHED) {
		return 0;
	}
	/* what archive.c renders its entries with */
	struct wf_feed_spec spec = {
		.default_author = config->default_author ? config->default_author
							 : config->title,
	};
	enum wf_status (*const write[3])(const struct wf_feed_spec *,
					 const struct wf_article *, char **,
					 size_t *) = {
		wf_atom_write_entry, wf_rss_write_entry, wf_json_write_entry
	};
	char *text[3] = { NULL, NULL, NULL };
	size_t len[3] = { 0, 0, 0 };
	bool ok = true;
	for (int f = 0; ok && f < 3; f++) {
		ok = write[f](&spec, a, &text[f], &len[f]) == WF_OK &&
		     len[f] < UINT32_MAX;
	}
	uint64_t ticket = 0;
	struct spooled item = { .has_image = a->image != NULL };
	size_t total = 0;
	for (int f = 0; f < 3; f++) {
		item.len[f] = (uint32_t)len[f];
		total += len[f] + 1;
	}
	pthread_mutex_lock(&s->lock);
	if (ok && spool_file(s)) {
		if (s->n == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 1024;
			s->items = xreallocarray(s->items, s->cap,
						 sizeof(*s->items));
		}
		item.offset = s->end;
		s->end += total;
		s->items[s->n++] = item;
		ticket = s->n;
	}
	int fd = s->fd;
	pthread_mutex_unlock(&s->lock);
	if (ticket) {
		/* the place is this thread's: written outside the lock */
		static char nul[1];
		struct iovec iov[6];
		for (int f = 0; f < 3; f++) {
			iov[2 * f] = (struct iovec){ text[f], len[f] };
			iov[2 * f + 1] = (struct iovec){ nul, 1 };
		}
		if (pwritev(fd, iov, 6, (off_t)item.offset) != (ssize_t)total) {
			ticket = 0; /* its place stays unused */
		}
	}
	for (int f = 0; f < 3; f++) {
		free(text[f]);
	}
	return ticket;
}

bool
entry_spool_get(const struct wf_entry_spool *s, uint64_t ticket,
		size_t len[3], bool *has_image)
{
	if (!s || ticket == 0 || ticket > s->n) {
		return false;
	}
	const struct spooled *item = &s->items[ticket - 1];
	for (int f = 0; f < 3; f++) {
		len[f] = item->len[f];
	}
	*has_image = item->has_image;
	return true;
}

bool
entry_spool_read(const struct wf_entry_spool *s, uint64_t ticket, char *dst)
{
	size_t len[3];
	bool has_image;
	if (!entry_spool_get(s, ticket, len, &has_image)) {
		return false;
	}
	size_t total = len[0] + len[1] + len[2] + 3;
	off_t at = (off_t)s->items[ticket - 1].offset;
	size_t got = 0;
	while (got < total) {
		ssize_t r = pread(s->fd, dst + got, total - got, at + (off_t)got);
		if (r <= 0) {
			return false;
		}
		got += (size_t)r;
	}
	return true;
}
