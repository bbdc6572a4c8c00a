/* SPDX-License-Identifier: MIT */
#include "buf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#include "mem.h"

void
buf_init(struct buf *b, size_t max_bytes)
{
	memset(b, 0, sizeof(*b));
	b->max_bytes = max_bytes;
}

void
buf_finish(struct buf *b)
{
	if (!b) {
		return;
	}
	free(b->data);
	size_t max = b->max_bytes;
	memset(b, 0, sizeof(*b));
	b->max_bytes = max;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data) {
		b->data[0] = '\0';
	}
}

static enum wf_status
reserve(struct buf *b, size_t extra)
{
	if (extra > b->max_bytes || b->len > b->max_bytes - extra) {
		return WF_ERR_TOO_LARGE;
	}
	size_t need = b->len + extra + 1;
	if (need <= b->cap) {
		return WF_OK;
	}
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need) {
		cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
	}
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
	/* terminated as soon as it has storage, even before any append: a
	 * reserve() for an empty file must not leave garbage as its text */
	b->data[b->len] = '\0';
	return WF_OK;
}

enum wf_status
buf_reserve(struct buf *b, size_t extra)
{
	return reserve(b, extra);
}

enum wf_status
buf_append(struct buf *b, const void *data, size_t len)
{
	enum wf_status st = reserve(b, len);
	if (st != WF_OK) {
		return st;
	}
	if (len) {
		memcpy(b->data + b->len, data, len);
	}
	b->len += len;
	b->data[b->len] = '\0';
	return WF_OK;
}

enum wf_status
buf_append_str(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

enum wf_status
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		return WF_ERR_INVALID;
	}
	enum wf_status st = reserve(b, (size_t)n);
	if (st != WF_OK) {
		return st;
	}
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return WF_OK;
}

char *
buf_take(struct buf *b, size_t *len)
{
	char *p = b->data;
	if (!p) {
		p = xzalloc(1);
	}
	if (len) {
		*len = b->len;
	}
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}

/* Advance @line/@col (1-based; UTF-8 continuation bytes do not count as
 * columns, as in wf_text_position) over @n bytes at @p. */
static void
advance_position(const char *p, size_t n, int *line, int *col)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '\n') {
			if (*line < INT_MAX) {
				(*line)++;
			}
			*col = 1;
		} else if ((c & 0xC0) != 0x80 && *col < INT_MAX) {
			(*col)++;
		}
	}
}

enum wf_status
buf_read_file(struct buf *b, const char *path, struct wf_diag *diag)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int saved = errno;
		wf_diag_set(diag, path, 0, 0, "cannot open: %s", strerror(saved));
		return saved == ENOENT ? WF_ERR_NOT_FOUND : WF_ERR_IO;
	}
	/* For a regular file: one allocation of the right size and one
	 * read, asking for a byte more than its size (a short read that
	 * brought all of it is its end; read() returns at most 2 GiB at a
	 * time). Most of a build's reads are of small records: the system
	 * calls are the cost. */
	struct stat sb;
	bool regular = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
	size_t want = regular && (uint64_t)sb.st_size < b->max_bytes
			      ? (size_t)sb.st_size + 1
			      : 65536;
	size_t start = b->len;
	enum wf_status st = WF_OK;
	for (;;) {
		size_t room = b->max_bytes - b->len;
		char past;
		size_t ask = want < room ? want : room;
		if (ask > 0) {
			st = reserve(b, ask);
			if (st != WF_OK) {
				break;
			}
		}
		/* at the limit: is there one byte more? */
		ssize_t n = ask > 0 ? read(fd, b->data + b->len, ask)
				    : read(fd, &past, 1);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			wf_diag_set(diag, path, 0, 0, "read error: %s",
				    strerror(errno));
			st = WF_ERR_IO;
			break;
		}
		if (ask == 0 && n > 0) {
			/* name the place the limit was crossed: the first
			 * byte past it */
			int line = 1, col = 1;
			advance_position(b->data ? b->data + start : "",
					 b->len - start, &line, &col);
			wf_diag_set(diag, path, line, col,
				    "file larger than %zu bytes", b->max_bytes);
			st = WF_ERR_TOO_LARGE;
			break;
		}
		b->len += (size_t)n;
		if (b->data) {
			b->data[b->len] = '\0';
		}
		if (n == 0 || (regular && (size_t)n < ask &&
				(uint64_t)(b->len - start) >= (uint64_t)sb.st_size)) {
			break;
		}
		/* the rest of what fstat() saw, or more in chunks */
		uint64_t got = b->len - start;
		want = regular && got < (uint64_t)sb.st_size
			       ? (size_t)((uint64_t)sb.st_size - got) + 1
			       : 65536;
	}
	close(fd);
	if (st == WF_OK && !b->data) {
		st = buf_append(b, "", 0);
	}
	return st;
}
