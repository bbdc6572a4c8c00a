/* SPDX-License-Identifier: MIT */
/* The file backend of the record store: one record per story in
 * <root>/articles/NAME.xml (hand-editable, as always), and beside them, in
 * <root>/.wirefeed-store/, the id index (store_ids.c), the change journal
 * (store_journal.c) and the directory state the store last left. See
 * docs/store.md. */

/* syncfs(2): one flush per batch of an import instead of one fsync per
 * file. Linux-only, hence the feature macro in this file alone. */
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wirefeed/atomic_file.h"
#include "wirefeed/record.h"
#include "wirefeed/text.h"
#include "buf.h"
#include "hash64.h"
#include "mem.h"
#include "store_ids.h"
#include "store_journal.h"
#include "store_private.h"

#define STATE_MAGIC "wirefeed-store 1\n"
#define IMPORT_TMP_PREFIX ".wf-import-"
/* records renamed into place between two directory syncs */
#define IMPORT_BATCH 1000

struct file_store {
	struct wf_store base;
	char *root;
	char *articles;     /* <root>/articles */
	char *meta;         /* <root>/.wirefeed-store */
	char *journal_path; /* <meta>/journal */
	char *state_path;   /* <meta>/state */
	char *plan_path;    /* <meta>/import-plan */
	int lock_fd;        /* held: >= 0 */
	struct ids ids;
};

static struct file_store *
fs_of(struct wf_store *s)
{
	return (struct file_store *)s;
}

static bool
is_record_name(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && name[0] != '.' && strcmp(name + n - 4, ".xml") == 0;
}

static struct ids_stamp
stamp_of(const struct stat *st)
{
	return (struct ids_stamp){
		.size = st->st_size,
		.mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 +
			    st->st_mtim.tv_nsec,
		.inode = (uint64_t)st->st_ino,
	};
}

static bool
stamp_equal(struct ids_stamp a, struct ids_stamp b)
{
	return a.size == b.size && a.mtime_ns == b.mtime_ns &&
	       a.inode == b.inode;
}

/* ---- the lock ------------------------------------------------------------ */

static enum wf_status
lock(struct file_store *fs, struct wf_diag *diag)
{
	if (fs->lock_fd >= 0) {
		return WF_OK; /* nested: already ours */
	}
	char *path = xasprintf("%s/.lock", fs->articles);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || flock(fd, LOCK_EX) != 0) {
		wf_diag_set(diag, path, 0, 0, "cannot lock: %s", strerror(errno));
		if (fd >= 0) {
			close(fd);
		}
		free(path);
		return WF_ERR_IO;
	}
	free(path);
	fs->lock_fd = fd;
	/* what others wrote before we got the lock */
	ids_forget(&fs->ids);
	return WF_OK;
}

static void
unlock(struct file_store *fs)
{
	if (fs->lock_fd >= 0) {
		flock(fs->lock_fd, LOCK_UN);
		close(fs->lock_fd);
		fs->lock_fd = -1;
	}
}

/* ---- directory state ----------------------------------------------------- */

static bool
dir_stamp(const struct file_store *fs, struct ids_stamp *out)
{
	struct stat st;
	if (stat(fs->articles, &st) != 0) {
		return false;
	}
	*out = stamp_of(&st);
	return true;
}

/* The articles directory as the store last left it; false if unknown. */
static bool
read_state(const struct file_store *fs, struct ids_stamp *out)
{
	FILE *f = fopen(fs->state_path, "re");
	if (!f) {
		return false;
	}
	char magic[64];
	long long size, mtime, inode;
	bool ok = fgets(magic, sizeof(magic), f) &&
		  strcmp(magic, STATE_MAGIC) == 0 &&
		  fscanf(f, "articles %lld %lld %lld\n", &size, &mtime,
			 &inode) == 3;
	fclose(f);
	if (ok) {
		*out = (struct ids_stamp){ size, mtime, (uint64_t)inode };
	}
	return ok;
}

/* Record the directory as it is now (after our own writes). The journal
 * was fsynced before, so the state never claims more than it holds. */
static enum wf_status
write_state(struct file_store *fs, struct wf_diag *diag)
{
	struct ids_stamp now;
	if (!dir_stamp(fs, &now)) {
		wf_diag_set(diag, fs->articles, 0, 0, "cannot stat: %s",
			    strerror(errno));
		return WF_ERR_IO;
	}
	char text[256];
	int len = snprintf(text, sizeof(text), STATE_MAGIC "articles %lld %lld %lld\n",
			   (long long)now.size, (long long)now.mtime_ns,
			   (long long)now.inode);
	return ids_replace_file(fs->state_path, text, (size_t)len, diag);
}

/* ---- reading records ---------------------------------------------------- */

/* Read and parse articles/@name; the version and stamp of what was read. */
static enum wf_status
read_record(const struct file_store *fs, const char *name,
	    struct wf_article **out, char *version, struct ids_stamp *stamp,
	    struct wf_diag *diag)
{
	char *path = xasprintf("%s/%s", fs->articles, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		enum wf_status e = errno == ENOENT ? WF_ERR_NOT_FOUND : WF_ERR_IO;
		wf_diag_set(diag, path, 0, 0, "cannot read: %s", strerror(errno));
		if (fd >= 0) {
			close(fd);
		}
		free(path);
		return e;
	}
	close(fd);
	struct buf b;
	buf_init(&b, WF_RECORD_MAX_BYTES);
	enum wf_status st_ = buf_read_file(&b, path, diag);
	struct wf_article *a = NULL;
	if (st_ == WF_OK) {
		st_ = wf_record_parse_memory(b.data ? b.data : "", b.len, path,
					     &a, diag);
	}
	if (st_ == WF_OK) {
		if (version) {
			store_version_of(b.data ? b.data : "", b.len, version);
		}
		if (stamp) {
			*stamp = stamp_of(&st);
		}
		*out = a;
	}
	buf_finish(&b);
	free(path);
	return st_;
}

/* ---- repairing the index by a scan -------------------------------------- */

static int
compare_entry_names(const void *a, const void *b)
{
	return strcmp(((const struct ids_entry *)a)->name,
		      ((const struct ids_entry *)b)->name);
}

static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted record names of articles/; NULL on failure. */
static char **
list_names(const struct file_store *fs, size_t *count, struct wf_diag *diag)
{
	DIR *d = opendir(fs->articles);
	if (!d) {
		wf_diag_set(diag, fs->articles, 0, 0, "cannot open: %s",
			    strerror(errno));
		return NULL;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (!is_record_name(de->d_name)) {
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = xreallocarray(names, cap, sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 1) {
		qsort(names, n, sizeof(*names), compare_strings);
	}
	*count = n;
	return names ? names : xcalloc(1, sizeof(*names));
}

/* Finish an import that a crash interrupted after its plan was written
 * (roll forward: every planned rename happens), and remove temporaries of
 * imports that died before (they were never renamed, so never records).
 * Under the lock, so no live import owns them. */
static void
recover_imports(struct file_store *fs)
{
	FILE *plan = fopen(fs->plan_path, "re");
	if (plan) {
		char line[8192];
		while (fgets(line, sizeof(line), plan)) {
			char *tab = strchr(line, '\t');
			char *nl = strchr(line, '\n');
			if (!tab || !nl) {
				continue; /* torn: the plan was complete
					     before any rename */
			}
			*tab = *nl = '\0';
			char *from = xasprintf("%s/%s", fs->articles, line);
			char *to = xasprintf("%s/%s", fs->articles, tab + 1);
			if (access(from, F_OK) == 0 && rename(from, to) != 0) {
				/* left for the scan: the old record stays */
			}
			free(from);
			free(to);
		}
		fclose(plan);
		int dfd = open(fs->articles, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
		unlink(fs->plan_path);
	}
	DIR *d = opendir(fs->articles);
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, IMPORT_TMP_PREFIX,
			    strlen(IMPORT_TMP_PREFIX)) == 0) {
			unlinkat(dirfd(d), de->d_name, 0);
		}
	}
	if (d) {
		closedir(d);
	}
}

/*
 * Rebuild the index from the files (under the lock): entries whose file
 * kept its size, mtime and inode are kept, every other file is parsed.
 * Differences go to the journal (repair, remove) and are reported; so are
 * duplicate ids and files that are not valid records.
 */
static enum wf_status
full_scan(struct file_store *fs, const char *why, struct wf_diag *diag)
{
	/* the temporaries of killed writers (issue 17.8): a scan lists the
	 * directories anyway, and a killed edit moved articles/' stamp, so
	 * it brings one about; writes themselves do not sweep */
	int64_t now = wf_time_now().utc;
	wf_atomic_file_sweep(fs->articles, now);
	wf_atomic_file_sweep(fs->meta, now);
	wf_atomic_file_sweep(fs->ids.dir, now);
	size_t n_names = 0;
	char **names = list_names(fs, &n_names, diag);
	if (!names) {
		return WF_ERR_IO;
	}
	/* what the index said, by name */
	bool had_index = ids_load_all(&fs->ids) == WF_OK;
	size_t n_old = 0;
	for (size_t b = 0; had_index && b < IDS_BUCKETS; b++) {
		n_old += fs->ids.b[b].n;
	}
	struct ids_entry *old = xcalloc(n_old ? n_old : 1, sizeof(*old));
	size_t k = 0;
	for (size_t b = 0; had_index && b < IDS_BUCKETS; b++) {
		for (size_t i = 0; i < fs->ids.b[b].n; i++) {
			const struct ids_entry *e = &fs->ids.b[b].entries[i];
			old[k] = *e;
			old[k].id = xstrdup(e->id);
			old[k].name = xstrdup(e->name);
			k++;
		}
	}
	qsort(old, n_old, sizeof(*old), compare_entry_names);
	ids_reset(&fs->ids);
	struct buf journal;
	buf_init(&journal, SIZE_MAX);
	enum wf_status st = WF_OK;
	size_t changed = 0, removed = 0, invalid = 0;
	bool *seen = xcalloc(n_old ? n_old : 1, sizeof(*seen));
	for (size_t i = 0; st == WF_OK && i < n_names; i++) {
		struct ids_entry probe = { .name = names[i] };
		struct ids_entry *was = bsearch(&probe, old, n_old, sizeof(*old),
						compare_entry_names);
		char *path = xasprintf("%s/%s", fs->articles, names[i]);
		struct stat sb;
		bool is_file = stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
		free(path);
		if (!is_file) {
			continue;
		}
		if (was) {
			seen[was - old] = true;
			if (stamp_equal(was->stamp, stamp_of(&sb))) {
				st = ids_put(&fs->ids, was);
				continue;
			}
		}
		struct wf_article *a = NULL;
		struct ids_entry e = { .name = names[i] };
		struct wf_diag d = { 0 };
		if (read_record(fs, names[i], &a, e.version, &e.stamp, &d) != WF_OK) {
			invalid++;
			char line[2048];
			struct wf_diag r;
			wf_diag_set(&r, NULL, 0, 0, "%s (not a valid record: left out of the id index)",
				    wf_diag_format(&d, line, sizeof(line)));
			store_report(&fs->base, &r);
			continue;
		}
		e.id = a->id;
		store_match_key(a, e.key);
		st = ids_put(&fs->ids, &e);
		if (st == WF_OK) {
			st = journal_format(&journal, WF_STORE_OP_REPAIR, a->id,
					    names[i], e.version);
		}
		changed++;
		wf_article_destroy(a);
	}
	for (size_t i = 0; st == WF_OK && i < n_old; i++) {
		if (!seen[i]) {
			removed++;
			/* ids_reset emptied it: put it back to remove it, so
			 * the id is remembered as gone */
			st = ids_put(&fs->ids, &old[i]);
			if (st == WF_OK) {
				st = ids_remove(&fs->ids, old[i].id, old[i].name);
			}
			if (st == WF_OK) {
				st = journal_format(&journal, WF_STORE_OP_REMOVE,
						    old[i].id, old[i].name,
						    old[i].version);
			}
		}
	}
	/* duplicate ids: both files are reported, get() refuses the id */
	for (size_t b = 0; st == WF_OK && b < IDS_BUCKETS; b++) {
		const struct ids_bucket *bk = &fs->ids.b[b];
		for (size_t i = 0; i < bk->n; i++) {
			for (size_t j = i + 1; j < bk->n; j++) {
				if (strcmp(bk->entries[i].id, bk->entries[j].id) == 0) {
					struct wf_diag r;
					wf_diag_set(&r, fs->articles, 0, 0,
						    "duplicate id %s in %s and %s: neither is used until one is fixed",
						    bk->entries[i].id,
						    bk->entries[i].name,
						    bk->entries[j].name);
					store_report(&fs->base, &r);
				}
			}
		}
	}
	if (st == WF_OK && journal.len) {
		st = journal_append(fs->journal_path, &journal, diag);
	}
	if (st == WF_OK) {
		st = ids_save(&fs->ids, diag);
	}
	if (st == WF_OK) {
		st = write_state(fs, diag);
	}
	if (st == WF_OK && (changed || removed || !had_index)) {
		struct wf_diag r;
		wf_diag_set(&r, fs->articles, 0, 0,
			    "id index %s (%s): scanned %zu files, %zu read, %zu gone, %zu invalid",
			    had_index ? "repaired" : "built", why, n_names, changed,
			    removed, invalid);
		store_report(&fs->base, &r);
	}
	buf_finish(&journal);
	free(seen);
	for (size_t i = 0; i < n_old; i++) {
		free(old[i].id);
		free(old[i].name);
	}
	free(old);
	for (size_t i = 0; i < n_names; i++) {
		free(names[i]);
	}
	free(names);
	return st;
}

/* Under the lock: make the index agree with the directory. Anything
 * changed in articles/ by others (names added, removed or renamed: the
 * directory's own stamp moves) or an unreadable index means a scan. */
static enum wf_status
sync_locked(struct file_store *fs, struct wf_diag *diag)
{
	struct ids_stamp want, now;
	bool plan = access(fs->plan_path, F_OK) == 0;
	if (plan) {
		recover_imports(fs);
	}
	bool known = read_state(fs, &want);
	if (!dir_stamp(fs, &now)) {
		wf_diag_set(diag, fs->articles, 0, 0, "cannot stat: %s",
			    strerror(errno));
		return WF_ERR_IO;
	}
	if (!known) {
		recover_imports(fs);
		return full_scan(fs, "no index yet", diag);
	}
	if (plan) {
		return full_scan(fs, "an interrupted import was completed", diag);
	}
	if (!stamp_equal(want, now)) {
		return full_scan(fs, "files were added, removed or renamed outside wirefeed", diag);
	}
	return WF_OK;
}

/* Check without the lock; take it and repair only if needed. */
static enum wf_status
sync_open(struct file_store *fs, struct wf_diag *diag)
{
	struct ids_stamp want, now;
	if (read_state(fs, &want) && dir_stamp(fs, &now) &&
	    stamp_equal(want, now) && access(fs->plan_path, F_OK) != 0) {
		return WF_OK;
	}
	enum wf_status st = lock(fs, diag);
	if (st == WF_OK) {
		st = sync_locked(fs, diag);
		unlock(fs);
	}
	return st;
}

/* ---- finding a record ---------------------------------------------------- */

/*
 * The record @id: read, parsed and checked against its index entry. A
 * stale entry (a hand edit in place) is repaired when the lock is held;
 * without it, WF_ERR_CONFLICT says "take the lock and try again".
 */
static enum wf_status
locate(struct file_store *fs, const char *id, struct wf_article **out,
       char *version, char **name_out, struct wf_diag *diag)
{
	struct ids_entry *e = NULL;
	size_t count = 0;
	enum wf_status st = ids_find(&fs->ids, id, &e, &count);
	if (st == WF_ERR_PARSE) {
		if (fs->lock_fd < 0) {
			return WF_ERR_CONFLICT;
		}
		st = full_scan(fs, "the id index was corrupt", diag);
		if (st == WF_OK) {
			st = ids_find(&fs->ids, id, &e, &count);
		}
	}
	if (st != WF_OK) {
		return st;
	}
	if (count == 0) {
		wf_diag_set(diag, fs->articles, 0, 0, "no record has id %s", id);
		return WF_ERR_NOT_FOUND;
	}
	if (count > 1) {
		const struct ids_entry *other = e + 1;
		while (strcmp(other->id, id) != 0) {
			other++;
		}
		wf_diag_set(diag, fs->articles, 0, 0,
			    "two records have id %s (%s and %s): remove or fix one by hand",
			    id, e->name, other->name);
		return WF_ERR_INVALID;
	}
	struct wf_article *a = NULL;
	char v[17];
	struct ids_stamp stamp;
	char *name = xstrdup(e->name);
	struct ids_entry copy = *e;
	st = read_record(fs, name, &a, v, &stamp, diag);
	if (st == WF_OK && strcmp(a->id, id) == 0 &&
	    stamp_equal(stamp, copy.stamp) && strcmp(v, copy.version) == 0) {
		goto found;
	}
	/* the file is not what the index says */
	if (fs->lock_fd < 0) {
		wf_article_destroy(a);
		free(name);
		return WF_ERR_CONFLICT;
	}
	if (st == WF_OK && strcmp(a->id, id) == 0) {
		/* edited in place by hand: same record, new content */
		copy.id = (char *)id;
		copy.name = name;
		copy.stamp = stamp;
		memcpy(copy.version, v, 17);
		store_match_key(a, copy.key);
		struct buf j;
		buf_init(&j, SIZE_MAX);
		st = ids_put(&fs->ids, &copy);
		if (st == WF_OK) {
			st = journal_format(&j, WF_STORE_OP_REPAIR, id, name, v);
		}
		if (st == WF_OK) {
			st = journal_append(fs->journal_path, &j, diag);
		}
		if (st == WF_OK) {
			st = ids_save(&fs->ids, diag);
		}
		buf_finish(&j);
		struct wf_diag r;
		wf_diag_set(&r, fs->articles, 0, 0,
			    "%s changed outside wirefeed; id index updated", name);
		store_report(&fs->base, &r);
		if (st == WF_OK) {
			goto found;
		}
		wf_article_destroy(a);
		free(name);
		return st;
	}
	if (st == WF_ERR_INVALID || st == WF_ERR_XML || st == WF_ERR_PARSE ||
	    st == WF_ERR_TOO_LARGE) {
		/* the record is there but broken: say so, with its line */
		free(name);
		return WF_ERR_INVALID;
	}
	/* gone, or now another record: the index is stale, rescan */
	wf_article_destroy(a);
	free(name);
	st = full_scan(fs, "an index entry pointed to a file that moved", diag);
	if (st != WF_OK) {
		return st;
	}
	st = ids_find(&fs->ids, id, &e, &count);
	if (st == WF_OK && count == 1) {
		name = xstrdup(e->name);
		st = read_record(fs, name, &a, v, &stamp, diag);
		if (st == WF_OK) {
			goto found;
		}
		free(name);
		return st;
	}
	if (st == WF_OK) {
		wf_diag_set(diag, fs->articles, 0, 0, "no record has id %s", id);
		st = count ? WF_ERR_INVALID : WF_ERR_NOT_FOUND;
	}
	return st;
found:
	*out = a;
	if (version) {
		memcpy(version, v, 17);
	}
	if (name_out) {
		*name_out = name;
	} else {
		free(name);
	}
	return WF_OK;
}

static enum wf_status
file_get(struct wf_store *s, const char *id, struct wf_article **out,
	 char *version, char **location, struct wf_diag *diag)
{
	struct file_store *fs = fs_of(s);
	char *name = NULL;
	enum wf_status st = locate(fs, id, out, version, &name, diag);
	if (st == WF_ERR_CONFLICT) {
		/* stale entry: repair under the lock */
		st = lock(fs, diag);
		if (st == WF_OK) {
			st = sync_locked(fs, diag);
		}
		if (st == WF_OK) {
			st = locate(fs, id, out, version, &name, diag);
		}
		unlock(fs);
	}
	if (st == WF_OK && location) {
		*location = xasprintf("%s/%s", fs->articles, name);
	}
	free(name);
	return st;
}

/* ---- writing ------------------------------------------------------------- */

/* After our write of articles/@name: index entry, journal line. */
static enum wf_status
record_write(struct file_store *fs, enum wf_store_op op,
	     const struct wf_article *a, const char *name, const char *version,
	     struct buf *journal, struct wf_diag *diag)
{
	char *path = xasprintf("%s/%s", fs->articles, name);
	struct stat sb;
	int rc = stat(path, &sb);
	free(path);
	if (rc != 0) {
		wf_diag_set(diag, fs->articles, 0, 0, "cannot stat %s: %s", name,
			    strerror(errno));
		return WF_ERR_IO;
	}
	struct ids_entry e = { .id = a->id, .name = (char *)name,
			       .stamp = stamp_of(&sb) };
	memcpy(e.version, version, 17);
	store_match_key(a, e.key);
	enum wf_status st = ids_put(&fs->ids, &e);
	if (st == WF_OK) {
		st = journal_format(journal, op, a->id, name, version);
	}
	return st;
}

/* Journal, index and state after a write (under the lock). */
static enum wf_status
commit(struct file_store *fs, struct buf *journal, struct wf_diag *diag)
{
	enum wf_status st = journal_append(fs->journal_path, journal, diag);
	if (st == WF_OK) {
		st = ids_save(&fs->ids, diag);
	}
	if (st == WF_OK) {
		st = write_state(fs, diag);
	}
	return st;
}

/* A free name <date>-<slug>[-N].xml for @a; @taken (sorted, may be NULL)
 * holds names this call already chose. */
static char *
choose_name(const struct file_store *fs, const struct wf_article *a,
	    char **taken, size_t n_taken)
{
	char date[WF_TIME_RFC3339_MAX];
	wf_time_format_rfc3339(a->published, date, sizeof(date));
	char *slug = wf_text_slugify(a->title, 60);
	char *name = NULL;
	for (int n = 1; !name; n++) {
		char *candidate = n == 1
			? xasprintf("%.10s-%s.xml", date, *slug ? slug : "story")
			: xasprintf("%.10s-%s-%d.xml", date, *slug ? slug : "story", n);
		char *path = xasprintf("%s/%s", fs->articles, candidate);
		bool free_name = access(path, F_OK) != 0 &&
				 !(taken && bsearch(&candidate, taken, n_taken,
						    sizeof(*taken),
						    compare_strings));
		free(path);
		if (free_name) {
			name = candidate;
		} else {
			free(candidate);
		}
	}
	free(slug);
	return name;
}

static enum wf_status
fresh_or_free_id(struct file_store *fs, struct wf_article *a,
		 struct wf_diag *diag)
{
	if (a->id) {
		bool used = false;
		enum wf_status st = ids_is_used(&fs->ids, a->id, &used);
		if (st == WF_OK && used) {
			wf_diag_set(diag, fs->articles, 0, 0,
				    "id %s is or was used by a record; ids are never reused",
				    a->id);
			st = WF_ERR_CONFLICT;
		}
		return st;
	}
	for (;;) {
		char *id = wf_article_new_id();
		bool used = false;
		enum wf_status st = ids_is_used(&fs->ids, id, &used);
		if (st != WF_OK || !used) {
			a->id = id;
			return st;
		}
		free(id);
	}
}

static enum wf_status
file_create(struct wf_store *s, struct wf_article *a, char *version,
	    char **location, struct wf_diag *diag)
{
	struct file_store *fs = fs_of(s);
	enum wf_status st = lock(fs, diag);
	if (st == WF_OK) {
		st = sync_locked(fs, diag);
	}
	bool had_id = a->id != NULL;
	if (st == WF_OK) {
		st = fresh_or_free_id(fs, a, diag);
	}
	char *text = NULL, *name = NULL;
	size_t len = 0;
	char v[17];
	if (st == WF_OK) {
		st = store_encode(a, &text, &len, v, diag);
	}
	struct buf journal;
	buf_init(&journal, SIZE_MAX);
	if (st == WF_OK) {
		name = choose_name(fs, a, NULL, 0);
		char *path = xasprintf("%s/%s", fs->articles, name);
		st = wf_write_file_atomic(path, text, len, diag);
		free(path);
	}
	if (st == WF_OK) {
		st = record_write(fs, WF_STORE_OP_CREATE, a, name, v, &journal, diag);
	}
	if (st == WF_OK) {
		st = commit(fs, &journal, diag);
	}
	unlock(fs);
	buf_finish(&journal);
	free(text);
	if (st != WF_OK && !had_id) {
		free(a->id);
		a->id = NULL;
	}
	if (st == WF_OK) {
		if (version) {
			memcpy(version, v, 17);
		}
		if (location) {
			*location = xasprintf("%s/%s", fs->articles, name);
		}
	}
	free(name);
	return st;
}

static enum wf_status
file_edit(struct wf_store *s, const char *id, const char *expected,
	  wf_store_edit_fn edit, void *ctx, struct wf_article **result,
	  char *version, struct wf_diag *diag)
{
	struct file_store *fs = fs_of(s);
	enum wf_status st = lock(fs, diag);
	if (st == WF_OK) {
		st = sync_locked(fs, diag);
	}
	struct wf_article *a = NULL, *before = NULL;
	char *name = NULL, *text = NULL;
	char v[17], nv[17];
	size_t len = 0;
	if (st == WF_OK) {
		st = locate(fs, id, &a, v, &name, diag);
	}
	if (st == WF_OK && expected && strcmp(expected, v) != 0) {
		wf_diag_set(diag, fs->articles, 0, 0,
			    "%s changed since version %s (now %s)", id, expected, v);
		st = WF_ERR_CONFLICT;
	}
	if (st == WF_OK) {
		before = wf_article_clone(a);
		st = edit(a, ctx, diag);
	}
	if (st == WF_OK) {
		st = store_check_update(before, a, diag);
	}
	if (st == WF_OK) {
		st = store_encode(a, &text, &len, nv, diag);
	}
	struct buf journal;
	buf_init(&journal, SIZE_MAX);
	if (st == WF_OK) {
		char *path = xasprintf("%s/%s", fs->articles, name);
		st = wf_write_file_atomic(path, text, len, diag);
		free(path);
	}
	if (st == WF_OK) {
		enum wf_store_op op = a->status == WF_ARTICLE_WITHDRAWN &&
						      before->status != WF_ARTICLE_WITHDRAWN
					      ? WF_STORE_OP_WITHDRAW
					      : WF_STORE_OP_REPLACE;
		st = record_write(fs, op, a, name, nv, &journal, diag);
	}
	if (st == WF_OK) {
		st = commit(fs, &journal, diag);
	}
	unlock(fs);
	if (st != WF_OK && diag && !diag->source[0] && name) {
		/* name the record in the message */
		char *path = xasprintf("%s/%s", fs->articles, name);
		snprintf(diag->source, sizeof(diag->source), "%s", path);
		free(path);
	}
	buf_finish(&journal);
	free(text);
	free(name);
	wf_article_destroy(before);
	if (st == WF_OK && version) {
		memcpy(version, nv, 17);
	}
	if (st == WF_OK && result) {
		*result = a;
	} else {
		wf_article_destroy(a);
	}
	return st;
}

/* ---- bulk import --------------------------------------------------------- */

struct pending {
	char *tmp;   /* temporary file name in articles/ */
	char *name;  /* final name */
	char *id;
	char key[17];
	char version[17];
	enum wf_store_op op;
	bool is_new;
};

struct import_run {
	struct file_store *fs;
	struct pending *p;
	size_t n, cap;
	char **names; /* final names chosen for new records, sorted */
	size_t n_names;
	/* re-import key -> pending index + 1, for stories that come twice in
	 * one call (open addressing) */
	size_t *slots;
	size_t n_slots;
};

static size_t *
slot_for(struct import_run *r, const char *key)
{
	size_t mask = r->n_slots - 1;
	size_t h = (size_t)strtoull(key + 4, NULL, 16) & mask;
	while (r->slots[h] && strcmp(r->p[r->slots[h] - 1].key, key) != 0) {
		h = (h + 1) & mask;
	}
	return &r->slots[h];
}

/* Write @text to a new temporary file in articles/; its name. */
static char *
write_temp(const struct file_store *fs, const char *text, size_t len,
	   struct wf_diag *diag)
{
	char *path = xasprintf("%s/" IMPORT_TMP_PREFIX "XXXXXX", fs->articles);
	int fd = mkstemp(path);
	if (fd < 0) {
		wf_diag_set(diag, fs->articles, 0, 0, "cannot write: %s",
			    strerror(errno));
		free(path);
		return NULL;
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
	if (done != len || fchmod(fd, 0644) != 0 || close(fd) != 0) {
		wf_diag_set(diag, path, 0, 0, "cannot write: %s", strerror(errno));
		unlink(path);
		free(path);
		return NULL;
	}
	char *name = xstrdup(strrchr(path, '/') + 1);
	free(path);
	return name;
}

static void
pending_free(struct import_run *r, bool unlink_temps)
{
	for (size_t i = 0; i < r->n; i++) {
		if (unlink_temps && r->p[i].tmp) {
			char *path = xasprintf("%s/%s", r->fs->articles, r->p[i].tmp);
			unlink(path);
			free(path);
		}
		free(r->p[i].tmp);
		free(r->p[i].name);
		free(r->p[i].id);
	}
	free(r->p);
	for (size_t i = 0; i < r->n_names; i++) {
		free(r->names[i]);
	}
	free(r->names);
	free(r->slots);
}

static void
add_taken_name(struct import_run *r, const char *name)
{
	size_t lo = 0, hi = r->n_names;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(r->names[mid], name) < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	r->names = xreallocarray(r->names, r->n_names + 1, sizeof(*r->names));
	memmove(&r->names[lo + 1], &r->names[lo],
		(r->n_names - lo) * sizeof(*r->names));
	r->names[lo] = xstrdup(name);
	r->n_names++;
}

/* Find the existing record for @in: update_id, or the same story. */
static enum wf_status
match_existing(struct file_store *fs, const struct wf_store_import_item *it,
	       struct wf_article **existing, char **name, struct wf_diag *diag)
{
	*existing = NULL;
	if (it->update_id) {
		return locate(fs, it->update_id, existing, NULL, name, diag);
	}
	char key[17];
	store_match_key(it->article, key);
	const char **ids = NULL;
	size_t n = 0;
	enum wf_status st = ids_for_key(&fs->ids, key, &ids, &n);
	for (size_t i = 0; st == WF_OK && i < n && !*existing; i++) {
		struct wf_article *a = NULL;
		char *nm = NULL;
		char *id = xstrdup(ids[i]);
		enum wf_status found = locate(fs, id, &a, NULL, &nm, diag);
		free(id);
		if (found == WF_OK && store_same_story(a, it->article)) {
			*existing = a;
			*name = nm;
		} else {
			wf_article_destroy(a);
			free(nm);
		}
		/* ids_for_key's strings may have moved if locate repaired */
		free(ids);
		ids = NULL;
		size_t n2 = 0;
		if (!*existing) {
			st = ids_for_key(&fs->ids, key, &ids, &n2);
			n = n2;
		}
	}
	free(ids);
	wf_diag_clear(diag);
	return st;
}

/* Phase 1 for one item: match, merge or create, encode, write a temp. */
static enum wf_status
stage_item(struct import_run *r, struct wf_store_import_item *it,
	   wf_store_merge_fn merge, void *merge_ctx, struct wf_diag *diag)
{
	struct file_store *fs = r->fs;
	char key[17];
	store_match_key(it->article, key);
	size_t *slot = it->update_id ? NULL : slot_for(r, key);
	struct wf_article *target = NULL;
	char *name = NULL;
	struct pending *again = NULL;
	enum wf_status st = WF_OK;
	if (slot && *slot) {
		/* the same story earlier in this call: merge into what that
		 * staged (read back from its temporary file) */
		again = &r->p[*slot - 1];
		st = read_record(fs, again->tmp, &target, NULL, NULL, diag);
	} else {
		st = match_existing(fs, it, &target, &name, diag);
	}
	if (st != WF_OK) {
		return st;
	}
	if (target && !merge) {
		wf_diag_set(diag, NULL, 0, 0, "%s already has this story",
			    target->id);
		wf_article_destroy(target);
		free(name);
		return WF_ERR_CONFLICT;
	}
	bool is_new = !target;
	char *text = NULL;
	size_t len = 0;
	char v[17];
	if (!is_new) {
		struct wf_article *before = wf_article_clone(target);
		bool changed = false;
		st = merge(target, it->article, &changed, merge_ctx, diag);
		if (st == WF_OK) {
			st = store_check_update(before, target, diag);
		}
		wf_article_destroy(before);
		if (st == WF_OK && !changed) {
			it->outcome = WF_STORE_UNCHANGED;
			it->id = xstrdup(target->id);
			it->location = xasprintf("%s/%s", fs->articles,
						 again ? again->name : name);
			wf_article_destroy(target);
			free(name);
			return WF_OK;
		}
	} else {
		target = wf_article_clone(it->article);
		st = fresh_or_free_id(fs, target, diag);
	}
	if (st == WF_OK) {
		st = store_encode(target, &text, &len, v, diag);
	}
	if (st == WF_OK && is_new) {
		name = choose_name(fs, target, r->names, r->n_names);
		add_taken_name(r, name);
	}
	char *tmp = st == WF_OK ? write_temp(fs, text, len, diag) : NULL;
	free(text);
	if (st == WF_OK && !tmp) {
		st = WF_ERR_IO;
	}
	if (st != WF_OK) {
		wf_article_destroy(target);
		free(name);
		return st;
	}
	it->outcome = is_new ? WF_STORE_CREATED : WF_STORE_UPDATED;
	it->id = xstrdup(target->id);
	wf_article_destroy(target);
	if (again) {
		/* replace the earlier temp: one write per record */
		char *old = xasprintf("%s/%s", fs->articles, again->tmp);
		unlink(old);
		free(old);
		free(again->tmp);
		again->tmp = tmp;
		memcpy(again->version, v, 17);
		it->outcome = WF_STORE_UPDATED;
		it->location = xasprintf("%s/%s", fs->articles, again->name);
		return WF_OK;
	}
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->p = xreallocarray(r->p, r->cap, sizeof(*r->p));
	}
	struct pending *p = &r->p[r->n++];
	*p = (struct pending){ .tmp = tmp, .name = name,
			       .id = xstrdup(it->id), .is_new = is_new };
	memcpy(p->key, key, 17);
	memcpy(p->version, v, 17);
	it->location = xasprintf("%s/%s", fs->articles, name);
	if (slot) {
		*slot = r->n;
	}
	return WF_OK;
}

static enum wf_status
sync_dir(const char *dir, struct wf_diag *diag)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0) {
		wf_diag_set(diag, dir, 0, 0, "cannot sync: %s", strerror(errno));
		if (fd >= 0) {
			close(fd);
		}
		return WF_ERR_IO;
	}
	close(fd);
	return WF_OK;
}

/* The plan of phase 2, durable before the first rename, so that a crash
 * in the middle is finished by the next open (all or nothing). */
static enum wf_status
write_plan(struct import_run *r, struct wf_diag *diag)
{
	struct buf plan;
	buf_init(&plan, SIZE_MAX);
	enum wf_status st = WF_OK;
	for (size_t i = 0; st == WF_OK && i < r->n; i++) {
		st = buf_printf(&plan, "%s\t%s\n", r->p[i].tmp, r->p[i].name);
	}
	if (st == WF_OK) {
		st = wf_write_file_atomic(r->fs->plan_path,
					  plan.data ? plan.data : "", plan.len,
					  diag);
	}
	buf_finish(&plan);
	return st;
}

static enum wf_status
file_import(struct wf_store *s, struct wf_store_import_item *items, size_t n,
	    wf_store_merge_fn merge, void *merge_ctx,
	    wf_store_progress_fn progress, void *progress_ctx,
	    struct wf_diag *diag)
{
	struct file_store *fs = fs_of(s);
	struct import_run r = { .fs = fs };
	r.n_slots = 16;
	while (r.n_slots < n * 2) {
		r.n_slots *= 2;
	}
	r.slots = xcalloc(r.n_slots, sizeof(*r.slots));
	enum wf_status st = lock(fs, diag);
	if (st == WF_OK) {
		st = sync_locked(fs, diag);
	}
	/* phase 1: everything staged in temporary files, nothing renamed */
	for (size_t i = 0; st == WF_OK && i < n; i++) {
		st = stage_item(&r, &items[i], merge, merge_ctx, diag);
		items[i].refused = st != WF_OK;
		if (progress && st == WF_OK && ((i + 1) % 256 == 0 || i + 1 == n)) {
			progress(progress_ctx, i + 1, n);
		}
	}
	/* the temporaries on disk before the plan that names them */
	int afd = st == WF_OK && r.n ? open(fs->articles, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (afd >= 0) {
		if (syncfs(afd) != 0) {
			wf_diag_set(diag, fs->articles, 0, 0, "cannot sync: %s",
				    strerror(errno));
			st = WF_ERR_IO;
		}
		close(afd);
	}
	if (st == WF_OK && r.n) {
		st = write_plan(&r, diag);
	}
	if (st != WF_OK) {
		pending_free(&r, true);
		for (size_t i = 0; i < n; i++) {
			free(items[i].id);
			free(items[i].location);
			items[i].id = items[i].location = NULL;
		}
		unlock(fs);
		return st;
	}
	/* phase 2: renames in batches, a directory sync and the batch's
	 * journal lines after each */
	struct buf journal;
	buf_init(&journal, SIZE_MAX);
	for (size_t first = 0; st == WF_OK && first < r.n; first += IMPORT_BATCH) {
		size_t end = r.n - first < IMPORT_BATCH ? r.n : first + IMPORT_BATCH;
		for (size_t i = first; st == WF_OK && i < end; i++) {
			char *from = xasprintf("%s/%s", fs->articles, r.p[i].tmp);
			char *to = xasprintf("%s/%s", fs->articles, r.p[i].name);
			if (rename(from, to) != 0) {
				wf_diag_set(diag, to, 0, 0, "cannot rename: %s",
					    strerror(errno));
				st = WF_ERR_IO;
			}
			free(from);
			free(to);
		}
		if (st == WF_OK) {
			st = sync_dir(fs->articles, diag);
		}
		buf_reset(&journal);
		for (size_t i = first; st == WF_OK && i < end; i++) {
			char *path = xasprintf("%s/%s", fs->articles, r.p[i].name);
			struct stat sb;
			if (stat(path, &sb) != 0) {
				wf_diag_set(diag, path, 0, 0, "cannot stat: %s",
					    strerror(errno));
				st = WF_ERR_IO;
			}
			free(path);
			struct ids_entry e = { .id = r.p[i].id, .name = r.p[i].name,
					       .stamp = stamp_of(&sb) };
			memcpy(e.version, r.p[i].version, 17);
			memcpy(e.key, r.p[i].key, 17);
			if (st == WF_OK) {
				st = ids_put(&fs->ids, &e);
			}
			if (st == WF_OK) {
				st = journal_format(&journal,
						    r.p[i].is_new ? WF_STORE_OP_CREATE
								  : WF_STORE_OP_REPLACE,
						    r.p[i].id, r.p[i].name,
						    r.p[i].version);
			}
		}
		if (st == WF_OK) {
			st = journal_append(fs->journal_path, &journal, diag);
		}
	}
	buf_finish(&journal);
	if (st == WF_OK) {
		st = ids_save(&fs->ids, diag);
	}
	if (st == WF_OK) {
		st = write_state(fs, diag);
	}
	if (st == WF_OK) {
		unlink(fs->plan_path);
	}
	/* on a failure past the first rename the plan stays: the next open
	 * finishes it and rescans */
	pending_free(&r, false);
	unlock(fs);
	return st;
}

/* ---- reading many -------------------------------------------------------- */

struct listed {
	struct wf_article *a;
	char version[17];
};

static int
compare_listed(const void *pa, const void *pb)
{
	const struct listed *a = pa, *b = pb;
	int c = wf_time_compare(b->a->updated, a->a->updated);
	return c ? c : strcmp(a->a->id, b->a->id);
}

static enum wf_status
file_iterate(struct wf_store *s, wf_store_each_fn fn, void *ctx,
	     struct wf_diag *diag)
{
	struct file_store *fs = fs_of(s);
	size_t n = 0;
	char **names = list_names(fs, &n, diag);
	if (!names) {
		return WF_ERR_IO;
	}
	struct listed *l = xcalloc(n ? n : 1, sizeof(*l));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		struct wf_diag d = { 0 };
		enum wf_status st = read_record(fs, names[i], &l[k].a, l[k].version,
						NULL, &d);
		if (st == WF_OK) {
			k++;
		} else if (st != WF_ERR_NOT_FOUND) {
			store_report(s, &d);
		}
		free(names[i]);
	}
	free(names);
	qsort(l, k, sizeof(*l), compare_listed);
	enum wf_status st = WF_OK;
	for (size_t i = 0; i < k; i++) {
		if (st == WF_OK) {
			st = fn(ctx, l[i].a, l[i].version);
		}
		wf_article_destroy(l[i].a);
	}
	free(l);
	return st;
}

static enum wf_status
file_changes_since(struct wf_store *s, const char *since,
		   struct wf_store_changes *out, struct wf_diag *diag)
{
	return journal_read(fs_of(s)->journal_path, since, out, diag);
}

static enum wf_status
file_cursor(struct wf_store *s, char *cursor, struct wf_diag *diag)
{
	return journal_end(fs_of(s)->journal_path, cursor, diag);
}

static void
file_close(struct wf_store *s)
{
	struct file_store *fs = fs_of(s);
	unlock(fs);
	ids_finish(&fs->ids);
	free(fs->root);
	free(fs->articles);
	free(fs->meta);
	free(fs->journal_path);
	free(fs->state_path);
	free(fs->plan_path);
	free(fs);
}

static const struct wf_store_impl file_impl = {
	.name = "file",
	.close = file_close,
	.get = file_get,
	.create = file_create,
	.edit = file_edit,
	.import = file_import,
	.iterate = file_iterate,
	.changes_since = file_changes_since,
	.cursor = file_cursor,
};

static enum wf_status
make_dir(const char *path, struct wf_diag *diag)
{
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		wf_diag_set(diag, path, 0, 0, "cannot create: %s", strerror(errno));
		return WF_ERR_IO;
	}
	return WF_OK;
}

enum wf_status
store_file_open(const char *root, const struct wf_store_options *options,
		struct wf_store **out, struct wf_diag *diag)
{
	struct file_store *fs = xzalloc(sizeof(*fs));
	fs->base.impl = &file_impl;
	if (options) {
		fs->base.options = *options;
	}
	fs->lock_fd = -1;
	fs->root = xstrdup(root);
	fs->articles = xasprintf("%s/articles", root);
	fs->meta = xasprintf("%s/.wirefeed-store", root);
	fs->journal_path = xasprintf("%s/journal", fs->meta);
	fs->state_path = xasprintf("%s/state", fs->meta);
	fs->plan_path = xasprintf("%s/import-plan", fs->meta);
	char *ids_dir = xasprintf("%s/ids", fs->meta);
	ids_init(&fs->ids, ids_dir);
	struct stat sb;
	enum wf_status st = WF_OK;
	if (stat(fs->articles, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		wf_diag_set(diag, fs->articles, 0, 0,
			    "cannot open articles directory: %s",
			    errno ? strerror(errno) : "not a directory");
		st = WF_ERR_IO;
	}
	if (st == WF_OK) {
		st = make_dir(fs->meta, diag);
	}
	if (st == WF_OK) {
		st = make_dir(ids_dir, diag);
	}
	free(ids_dir);
	if (st == WF_OK) {
		st = sync_open(fs, diag);
	}
	if (st != WF_OK) {
		file_close(&fs->base);
		return st;
	}
	*out = &fs->base;
	return WF_OK;
}
