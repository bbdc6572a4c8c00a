/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* O_DIRECT */
#include "block_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem.h"

void
block_writer_begin(struct block_writer *w, int fd)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->block = xaligned_alloc(BLOCK_WRITER_ALIGN, BLOCK_WRITER_SIZE);
	int flags = fcntl(fd, F_GETFL);
	w->direct = flags >= 0 && fcntl(fd, F_SETFL, flags | O_DIRECT) == 0;
}

/* Back to the page cache for the rest of the file. */
static bool
stop_direct(struct block_writer *w)
{
	int flags = fcntl(w->fd, F_GETFL);
	w->direct = false;
	return flags >= 0 && fcntl(w->fd, F_SETFL, flags & ~O_DIRECT) == 0;
}

static void
write_out(struct block_writer *w, const char *p, size_t n)
{
	while (n > 0 && !w->error) {
		ssize_t done = write(w->fd, p, n);
		if (done < 0 && errno == EINTR) {
			continue;
		}
		if (done < 0 && errno == EINVAL && w->direct) {
			/* alignment or filesystem: nothing was written */
			if (!stop_direct(w)) {
				w->error = errno;
			}
			continue;
		}
		if (done <= 0) {
			w->error = done < 0 ? errno : EIO;
			return;
		}
		p += done;
		n -= (size_t)done;
	}
}

void
block_writer_put(struct block_writer *w, const void *data, size_t len)
{
	const char *p = data;
	w->length += (off_t)len;
	while (len > 0 && !w->error) {
		size_t room = BLOCK_WRITER_SIZE - w->fill;
		size_t n = len < room ? len : room;
		memcpy(w->block + w->fill, p, n);
		w->fill += n;
		p += n;
		len -= n;
		if (w->fill == BLOCK_WRITER_SIZE) {
			write_out(w, w->block, w->fill);
			w->fill = 0;
		}
	}
}

int
block_writer_end(struct block_writer *w)
{
	if (w->fill > 0 && !w->error) {
		size_t n = w->fill;
		if (w->direct) {
			/* whole blocks only: pad, then cut the file back */
			n = (w->fill + BLOCK_WRITER_ALIGN - 1) /
			    BLOCK_WRITER_ALIGN * BLOCK_WRITER_ALIGN;
			memset(w->block + w->fill, 0, n - w->fill);
		}
		write_out(w, w->block, n);
		if (n != w->fill && !w->error &&
		    ftruncate(w->fd, w->length) != 0) {
			w->error = errno;
		}
	}
	free(w->block);
	w->block = NULL;
	w->fill = 0;
	return w->error;
}
