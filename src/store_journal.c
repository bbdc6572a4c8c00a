/* SPDX-License-Identifier: MIT */
#include "store_journal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wirefeed/article.h"
#include "hash64.h"
#include "mem.h"
#include "tsv.h"

#define JOURNAL_MAGIC "wirefeed-journal 1 "
/* the header: magic, 16 hex digits, newline */
#define HEADER_LEN (sizeof(JOURNAL_MAGIC) - 1 + 17)
/* changes read at once; beyond this a reader looks at everything */
#define JOURNAL_READ_MAX_BYTES (256u * 1024 * 1024)

static const char *const op_names[] = {
	[WF_STORE_OP_CREATE] = "create",   [WF_STORE_OP_REPLACE] = "replace",
	[WF_STORE_OP_WITHDRAW] = "withdraw", [WF_STORE_OP_REPAIR] = "repair",
	[WF_STORE_OP_REMOVE] = "remove",
};

enum wf_status
journal_format(struct buf *lines, enum wf_store_op op, const char *id,
	       const char *name, const char *version)
{
	enum wf_status st = buf_printf(lines, "%s\t%s\t", op_names[op], id);
	if (st == WF_OK) {
		st = tsv_append(lines, name);
	}
	if (st == WF_OK) {
		st = buf_printf(lines, "\t%s\n", version);
	}
	return st;
}

static bool
write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, data, len);
		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w <= 0) {
			return false;
		}
		data += w;
		len -= (size_t)w;
	}
	return true;
}

/* Read the header's generation; false if the file has no valid header. */
static bool
read_generation(int fd, char gen[17])
{
	char head[HEADER_LEN];
	if (pread(fd, head, HEADER_LEN, 0) != (ssize_t)HEADER_LEN ||
	    memcmp(head, JOURNAL_MAGIC, sizeof(JOURNAL_MAGIC) - 1) != 0 ||
	    head[HEADER_LEN - 1] != '\n') {
		return false;
	}
	memcpy(gen, head + sizeof(JOURNAL_MAGIC) - 1, 16);
	gen[16] = '\0';
	return true;
}

/* Cut a torn last line off; returns the new size or -1. */
static off_t
cut_torn_tail(int fd, off_t size)
{
	off_t end = size;
	char chunk[4096];
	while (end > (off_t)HEADER_LEN) {
		off_t from = end - (off_t)sizeof(chunk);
		if (from < (off_t)HEADER_LEN) {
			from = (off_t)HEADER_LEN;
		}
		ssize_t got = pread(fd, chunk, (size_t)(end - from), from);
		if (got != end - from) {
			return -1;
		}
		for (ssize_t i = got - 1; i >= 0; i--) {
			if (chunk[i] == '\n') {
				off_t keep = from + i + 1;
				if (keep != size && ftruncate(fd, keep) != 0) {
					return -1;
				}
				return keep;
			}
		}
		end = from;
	}
	if (size != (off_t)HEADER_LEN && ftruncate(fd, (off_t)HEADER_LEN) != 0) {
		return -1;
	}
	return (off_t)HEADER_LEN;
}

enum wf_status
journal_append(const char *path, const struct buf *lines,
	       struct wf_diag *diag)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		wf_diag_set(diag, path, 0, 0, "cannot open the journal: %s",
			    strerror(errno));
		return WF_ERR_IO;
	}
	enum wf_status st = WF_OK;
	struct stat sb;
	char gen[17];
	off_t size = -1;
	if (fstat(fd, &sb) == 0) {
		size = sb.st_size;
	}
	if (size >= 0 && !read_generation(fd, gen)) {
		/* new (or unusable): start a new generation; cursors into the
		 * old one are then unknown */
		char *seed = wf_article_new_id();
		hash64_hex(seed, strlen(seed), gen);
		free(seed);
		char head[HEADER_LEN + 1];
		snprintf(head, sizeof(head), JOURNAL_MAGIC "%s\n", gen);
		size = (ftruncate(fd, 0) == 0 &&
			pwrite(fd, head, HEADER_LEN, 0) == (ssize_t)HEADER_LEN)
			       ? (off_t)HEADER_LEN
			       : -1;
	} else if (size >= 0) {
		size = cut_torn_tail(fd, size);
	}
	if (size < 0 || lseek(fd, size, SEEK_SET) < 0 ||
	    !write_all(fd, lines->data ? lines->data : "", lines->len) ||
	    fsync(fd) != 0) {
		wf_diag_set(diag, path, 0, 0, "cannot write the journal: %s",
			    strerror(errno));
		st = WF_ERR_IO;
	}
	close(fd);
	return st;
}

static enum wf_store_op
parse_op(const char *s, bool *ok)
{
	for (size_t i = 0; i < sizeof(op_names) / sizeof(*op_names); i++) {
		if (strcmp(s, op_names[i]) == 0) {
			*ok = true;
			return (enum wf_store_op)i;
		}
	}
	*ok = false;
	return WF_STORE_OP_REPAIR;
}

enum wf_status
journal_read(const char *path, const char *since,
	     struct wf_store_changes *out, struct wf_diag *diag)
{
	memset(out, 0, sizeof(*out));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char gen[17];
	if (fd < 0 || !read_generation(fd, gen)) {
		if (fd < 0 && errno != ENOENT) {
			wf_diag_set(diag, path, 0, 0, "cannot read the journal: %s",
				    strerror(errno));
			return WF_ERR_IO;
		}
		if (fd >= 0) {
			close(fd);
		}
		/* no journal yet: nothing has been written through the store */
		out->complete = !since || !*since;
		snprintf(out->next, sizeof(out->next), "%s", "");
		return WF_OK;
	}
	off_t from = (off_t)HEADER_LEN;
	out->complete = true;
	if (since && *since) {
		unsigned long long off = 0;
		char *end = NULL;
		if (strlen(since) > 17 && since[16] == ':' &&
		    strncmp(since, gen, 16) == 0) {
			off = strtoull(since + 17, &end, 10);
		}
		if (!end || *end || off < HEADER_LEN) {
			out->complete = false; /* another generation */
		} else {
			from = (off_t)off;
		}
	}
	struct stat sb;
	if (fstat(fd, &sb) != 0) {
		close(fd);
		wf_diag_set(diag, path, 0, 0, "cannot read the journal: %s",
			    strerror(errno));
		return WF_ERR_IO;
	}
	if (sb.st_size < from) {
		out->complete = false;
		from = sb.st_size;
	}
	size_t len = (size_t)(sb.st_size - from);
	if (len > JOURNAL_READ_MAX_BYTES) {
		out->complete = false;
		from = sb.st_size;
		len = 0;
	}
	char *text = xmalloc(len + 1);
	ssize_t got = len ? pread(fd, text, len, from) : 0;
	close(fd);
	if (got < 0) {
		free(text);
		wf_diag_set(diag, path, 0, 0, "cannot read the journal: %s",
			    strerror(errno));
		return WF_ERR_IO;
	}
	text[got] = '\0';
	/* whole lines only: a torn tail is not a change */
	char *last_nl = strrchr(text, '\n');
	size_t used = last_nl ? (size_t)(last_nl - text) + 1 : 0;
	text[used] = '\0';
	size_t cap = 0;
	for (char *line = text; *line;) {
		char *nl = strchr(line, '\n');
		*nl = '\0';
		char *f[5];
		int n = tsv_split(line, f, 5);
		bool ok = false;
		enum wf_store_op op = n == 4 ? parse_op(f[0], &ok) : WF_STORE_OP_REPAIR;
		if (ok && tsv_unescape(f[2]) && strlen(f[3]) < WF_STORE_VERSION_MAX) {
			if (out->n == cap) {
				cap = cap ? cap * 2 : 16;
				out->items = xreallocarray(out->items, cap,
							   sizeof(*out->items));
			}
			struct wf_store_change *c = &out->items[out->n++];
			c->op = op;
			c->id = xstrdup(f[1]);
			c->location = xstrdup(f[2]);
			snprintf(c->version, sizeof(c->version), "%s", f[3]);
		} else {
			/* a line we cannot read: the reader must look at all */
			out->complete = false;
		}
		line = nl + 1;
	}
	free(text);
	snprintf(out->next, sizeof(out->next), "%s:%lld", gen,
		 (long long)(from + (off_t)used));
	return WF_OK;
}

enum wf_status
journal_end(const char *path, char *cursor, struct wf_diag *diag)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char gen[17];
	if (fd < 0 || !read_generation(fd, gen)) {
		if (fd >= 0) {
			close(fd);
		} else if (errno != ENOENT) {
			wf_diag_set(diag, path, 0, 0, "cannot read the journal: %s",
				    strerror(errno));
			return WF_ERR_IO;
		}
		cursor[0] = '\0';
		return WF_OK;
	}
	struct stat sb;
	int rc = fstat(fd, &sb);
	close(fd);
	if (rc != 0) {
		wf_diag_set(diag, path, 0, 0, "cannot read the journal: %s",
			    strerror(errno));
		return WF_ERR_IO;
	}
	snprintf(cursor, WF_STORE_CURSOR_MAX, "%s:%lld", gen,
		 (long long)sb.st_size);
	return WF_OK;
}
