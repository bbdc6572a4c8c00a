/* SPDX-License-Identifier: MIT */
#include "store_ids.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "hash64.h"
#include "mem.h"
#include "tsv.h"

#define IDS_MAGIC "wirefeed-ids 1\n"
/* a bucket holds n / IDS_BUCKETS entries; this allows 100 million */
#define BUCKET_MAX_BYTES (64u * 1024 * 1024)

void
ids_init(struct ids *ix, const char *dir)
{
	memset(ix, 0, sizeof(*ix));
	ix->dir = xstrdup(dir);
}

static void
bucket_clear(struct ids_bucket *b, bool keep_gone)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->entries[i].id);
		free(b->entries[i].name);
	}
	b->n = 0;
	for (size_t i = 0; i < b->n_keys; i++) {
		free(b->keys[i].id);
	}
	b->n_keys = 0;
	if (!keep_gone) {
		for (size_t i = 0; i < b->n_gone; i++) {
			free(b->gone[i]);
		}
		b->n_gone = 0;
	}
}

static void
bucket_free(struct ids_bucket *b)
{
	bucket_clear(b, false);
	free(b->entries);
	free(b->keys);
	free(b->gone);
	memset(b, 0, sizeof(*b));
}

void
ids_forget(struct ids *ix)
{
	for (size_t i = 0; i < IDS_BUCKETS; i++) {
		bucket_free(&ix->b[i]);
	}
}

void
ids_finish(struct ids *ix)
{
	ids_forget(ix);
	free(ix->dir);
	ix->dir = NULL;
}

static size_t
bucket_of_id(const char *id)
{
	return (size_t)(hash64(id, strlen(id)) % IDS_BUCKETS);
}

static size_t
bucket_of_key(const char *key)
{
	return (size_t)(strtoull(key + 10, NULL, 16) % IDS_BUCKETS);
}

static void
add_entry(struct ids_bucket *b, const struct ids_entry *e)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 8;
		b->entries = xreallocarray(b->entries, b->cap, sizeof(*b->entries));
	}
	struct ids_entry *d = &b->entries[b->n++];
	*d = *e;
	d->id = xstrdup(e->id);
	d->name = xstrdup(e->name);
}

static void
add_key(struct ids_bucket *b, const char *key, const char *id)
{
	if (b->n_keys == b->cap_keys) {
		b->cap_keys = b->cap_keys ? b->cap_keys * 2 : 8;
		b->keys = xreallocarray(b->keys, b->cap_keys, sizeof(*b->keys));
	}
	struct ids_key *k = &b->keys[b->n_keys++];
	memcpy(k->key, key, 17);
	k->id = xstrdup(id);
}

static void
add_gone(struct ids_bucket *b, const char *id)
{
	for (size_t i = 0; i < b->n_gone; i++) {
		if (strcmp(b->gone[i], id) == 0) {
			return;
		}
	}
	if (b->n_gone == b->cap_gone) {
		b->cap_gone = b->cap_gone ? b->cap_gone * 2 : 4;
		b->gone = xreallocarray(b->gone, b->cap_gone, sizeof(*b->gone));
	}
	b->gone[b->n_gone++] = xstrdup(id);
}

static bool
is_hex16(const char *s)
{
	if (strlen(s) != 16) {
		return false;
	}
	for (int i = 0; i < 16; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
			return false;
		}
	}
	return true;
}

static bool
parse_int64(const char *s, int64_t *v)
{
	char *end;
	errno = 0;
	long long x = strtoll(s, &end, 10);
	if (errno || end == s || *end) {
		return false;
	}
	*v = x;
	return true;
}

static bool
parse_line(struct ids_bucket *b, char *line)
{
	char *f[9];
	int n = tsv_split(line, f, 9);
	if (n == 8 && strcmp(f[0], "i") == 0) {
		struct ids_entry e = { 0 };
		int64_t inode;
		if (!tsv_unescape(f[2]) || !parse_int64(f[3], &e.stamp.size) ||
		    !parse_int64(f[4], &e.stamp.mtime_ns) ||
		    !parse_int64(f[5], &inode) || !is_hex16(f[6]) ||
		    !is_hex16(f[7]) || !*f[1] || !*f[2]) {
			return false;
		}
		e.stamp.inode = (uint64_t)inode;
		e.id = f[1];
		e.name = f[2];
		memcpy(e.version, f[6], 17);
		memcpy(e.key, f[7], 17);
		add_entry(b, &e);
		return true;
	}
	if (n == 3 && strcmp(f[0], "k") == 0 && is_hex16(f[1]) && *f[2]) {
		add_key(b, f[1], f[2]);
		return true;
	}
	if (n == 2 && strcmp(f[0], "g") == 0 && *f[1]) {
		add_gone(b, f[1]);
		return true;
	}
	return false;
}

static char *
bucket_path(const struct ids *ix, size_t no)
{
	return xasprintf("%s/%03zx", ix->dir, no);
}

/* Load bucket @no; a missing file is an empty bucket. */
static enum wf_status
load(struct ids *ix, size_t no)
{
	struct ids_bucket *b = &ix->b[no];
	if (b->loaded) {
		return WF_OK;
	}
	char *path = bucket_path(ix, no);
	struct buf text;
	buf_init(&text, BUCKET_MAX_BYTES);
	struct wf_diag d = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	enum wf_status st = WF_OK;
	if (fd < 0) {
		st = errno == ENOENT ? WF_OK : WF_ERR_IO;
		free(path);
		buf_finish(&text);
		b->loaded = st == WF_OK;
		return st;
	}
	close(fd);
	st = buf_read_file(&text, path, &d);
	free(path);
	if (st != WF_OK) {
		buf_finish(&text);
		return st;
	}
	/* "end <hash64 of the text before>\n" closes a whole bucket */
	size_t magic_len = strlen(IDS_MAGIC);
	if (text.len < magic_len + 21 || !text.data ||
	    memcmp(text.data, IDS_MAGIC, magic_len) != 0 ||
	    text.data[text.len - 1] != '\n' ||
	    memcmp(text.data + text.len - 21, "end ", 4) != 0) {
		buf_finish(&text);
		return WF_ERR_PARSE;
	}
	char digest[17];
	hash64_hex(text.data, text.len - 21, digest);
	if (memcmp(digest, text.data + text.len - 17, 16) != 0) {
		buf_finish(&text);
		return WF_ERR_PARSE;
	}
	text.data[text.len - 21] = '\0';
	bool ok = true;
	for (char *line = text.data + magic_len; ok && *line;) {
		char *nl = strchr(line, '\n');
		if (!nl) {
			ok = false;
			break;
		}
		*nl = '\0';
		ok = parse_line(b, line);
		line = nl + 1;
	}
	buf_finish(&text);
	if (!ok) {
		bucket_clear(b, false);
		return WF_ERR_PARSE;
	}
	b->loaded = true;
	return WF_OK;
}

enum wf_status
ids_find(struct ids *ix, const char *id, struct ids_entry **first,
	 size_t *count)
{
	size_t no = bucket_of_id(id);
	enum wf_status st = load(ix, no);
	if (st != WF_OK) {
		return st;
	}
	struct ids_bucket *b = &ix->b[no];
	*first = NULL;
	*count = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (strcmp(b->entries[i].id, id) == 0) {
			if (!*first) {
				*first = &b->entries[i];
			}
			(*count)++;
		}
	}
	return WF_OK;
}

enum wf_status
ids_is_used(struct ids *ix, const char *id, bool *used)
{
	struct ids_entry *e;
	size_t n;
	enum wf_status st = ids_find(ix, id, &e, &n);
	if (st != WF_OK) {
		return st;
	}
	*used = n > 0;
	const struct ids_bucket *b = &ix->b[bucket_of_id(id)];
	for (size_t i = 0; !*used && i < b->n_gone; i++) {
		*used = strcmp(b->gone[i], id) == 0;
	}
	return WF_OK;
}

enum wf_status
ids_for_key(struct ids *ix, const char *key, const char ***ids,
	    size_t *count)
{
	size_t no = bucket_of_key(key);
	enum wf_status st = load(ix, no);
	if (st != WF_OK) {
		return st;
	}
	const struct ids_bucket *b = &ix->b[no];
	const char **out = NULL;
	size_t n = 0;
	for (size_t i = 0; i < b->n_keys; i++) {
		if (memcmp(b->keys[i].key, key, 16) == 0) {
			out = xreallocarray(out, n + 1, sizeof(*out));
			out[n++] = b->keys[i].id;
		}
	}
	*ids = out;
	*count = n;
	return WF_OK;
}

/* Remove the key -> @id mapping of @key, if present. */
static enum wf_status
drop_key(struct ids *ix, const char *key, const char *id)
{
	size_t no = bucket_of_key(key);
	enum wf_status st = load(ix, no);
	if (st != WF_OK) {
		return st;
	}
	struct ids_bucket *b = &ix->b[no];
	for (size_t i = 0; i < b->n_keys; i++) {
		if (memcmp(b->keys[i].key, key, 16) == 0 &&
		    strcmp(b->keys[i].id, id) == 0) {
			free(b->keys[i].id);
			b->keys[i] = b->keys[--b->n_keys];
			b->dirty = true;
			break;
		}
	}
	return WF_OK;
}

static enum wf_status
map_key(struct ids *ix, const struct ids_entry *e)
{
	size_t no = bucket_of_key(e->key);
	enum wf_status st = load(ix, no);
	if (st == WF_OK) {
		add_key(&ix->b[no], e->key, e->id);
		ix->b[no].dirty = true;
	}
	return st;
}

enum wf_status
ids_put(struct ids *ix, const struct ids_entry *e)
{
	size_t no = bucket_of_id(e->id);
	enum wf_status st = load(ix, no);
	if (st != WF_OK) {
		return st;
	}
	struct ids_bucket *b = &ix->b[no];
	b->dirty = true;
	for (size_t i = 0; i < b->n; i++) {
		struct ids_entry *d = &b->entries[i];
		if (strcmp(d->id, e->id) != 0 || strcmp(d->name, e->name) != 0) {
			continue;
		}
		char old_key[17];
		memcpy(old_key, d->key, 17);
		d->stamp = e->stamp;
		memcpy(d->version, e->version, 17);
		memcpy(d->key, e->key, 17);
		if (memcmp(old_key, e->key, 16) == 0) {
			return WF_OK;
		}
		st = drop_key(ix, old_key, e->id);
		return st == WF_OK ? map_key(ix, e) : st;
	}
	add_entry(b, e);
	return map_key(ix, e);
}

enum wf_status
ids_remove(struct ids *ix, const char *id, const char *name)
{
	size_t no = bucket_of_id(id);
	enum wf_status st = load(ix, no);
	if (st != WF_OK) {
		return st;
	}
	struct ids_bucket *b = &ix->b[no];
	for (size_t i = 0; i < b->n; i++) {
		struct ids_entry *d = &b->entries[i];
		if (strcmp(d->id, id) == 0 && strcmp(d->name, name) == 0) {
			char key[17];
			memcpy(key, d->key, 17);
			free(d->id);
			free(d->name);
			b->entries[i] = b->entries[--b->n];
			b->dirty = true;
			add_gone(b, id);
			return drop_key(ix, key, id);
		}
	}
	return WF_OK;
}

enum wf_status
ids_load_all(struct ids *ix)
{
	for (size_t i = 0; i < IDS_BUCKETS; i++) {
		enum wf_status st = load(ix, i);
		if (st != WF_OK) {
			return st;
		}
	}
	return WF_OK;
}

void
ids_reset(struct ids *ix)
{
	for (size_t i = 0; i < IDS_BUCKETS; i++) {
		struct ids_bucket *b = &ix->b[i];
		if (!b->loaded && load(ix, i) != WF_OK) {
			bucket_free(b);
		}
		bucket_clear(b, true);
		b->loaded = b->dirty = true;
	}
}

enum wf_status
ids_replace_file(const char *path, const char *text, size_t len,
	     struct wf_diag *diag)
{
	char *tmp = xasprintf("%s.tmp-XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		wf_diag_set(diag, path, 0, 0, "cannot write: %s", strerror(errno));
		free(tmp);
		return WF_ERR_IO;
	}
	size_t done = 0;
	while (done < len) {
		ssize_t w = write(fd, text + done, len - done);
		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w <= 0) {
			break;
		}
		done += (size_t)w;
	}
	int saved = errno;
	if (close(fd) != 0 || done != len || rename(tmp, path) != 0) {
		wf_diag_set(diag, path, 0, 0, "cannot write: %s",
			    strerror(done != len ? saved : errno));
		unlink(tmp);
		free(tmp);
		return WF_ERR_IO;
	}
	free(tmp);
	return WF_OK;
}

static enum wf_status
save_bucket(struct ids *ix, size_t no, struct wf_diag *diag)
{
	struct ids_bucket *b = &ix->b[no];
	char *path = bucket_path(ix, no);
	if (b->n == 0 && b->n_keys == 0 && b->n_gone == 0) {
		/* an empty bucket is a missing file */
		if (unlink(path) != 0 && errno != ENOENT) {
			wf_diag_set(diag, path, 0, 0, "cannot remove: %s",
				    strerror(errno));
			free(path);
			return WF_ERR_IO;
		}
		free(path);
		b->dirty = false;
		return WF_OK;
	}
	struct buf text;
	buf_init(&text, BUCKET_MAX_BYTES);
	enum wf_status st = buf_append_str(&text, IDS_MAGIC);
	for (size_t i = 0; st == WF_OK && i < b->n; i++) {
		const struct ids_entry *e = &b->entries[i];
		st = buf_printf(&text, "i\t%s\t", e->id);
		if (st == WF_OK) {
			st = tsv_append(&text, e->name);
		}
		if (st == WF_OK) {
			st = buf_printf(&text, "\t%lld\t%lld\t%lld\t%s\t%s\n",
					(long long)e->stamp.size,
					(long long)e->stamp.mtime_ns,
					(long long)e->stamp.inode, e->version,
					e->key);
		}
	}
	for (size_t i = 0; st == WF_OK && i < b->n_keys; i++) {
		st = buf_printf(&text, "k\t%s\t%s\n", b->keys[i].key,
				b->keys[i].id);
	}
	for (size_t i = 0; st == WF_OK && i < b->n_gone; i++) {
		st = buf_printf(&text, "g\t%s\n", b->gone[i]);
	}
	if (st == WF_OK) {
		char digest[17];
		hash64_hex(text.data, text.len, digest);
		st = buf_printf(&text, "end %s\n", digest);
	}
	if (st == WF_OK) {
		st = ids_replace_file(path, text.data, text.len, diag);
	} else {
		wf_diag_set(diag, path, 0, 0, "id index bucket too large");
	}
	buf_finish(&text);
	free(path);
	if (st == WF_OK) {
		b->dirty = false;
	}
	return st;
}

enum wf_status
ids_save(struct ids *ix, struct wf_diag *diag)
{
	for (size_t i = 0; i < IDS_BUCKETS; i++) {
		if (ix->b[i].dirty) {
			enum wf_status st = save_bucket(ix, i, diag);
			if (st != WF_OK) {
				return st;
			}
		}
	}
	return WF_OK;
}
