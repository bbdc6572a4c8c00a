/* SPDX-License-Identifier: MIT */
/* The HTTP server over libmicrohttpd.
 *
 * Every response a request can get is built when a feed set is installed
 * (a "version"): per file, the identity and gzip bodies with their headers
 * and the matching 304s. A request only picks one and queues it, so the
 * hot path does no allocation and no formatting, and a response can never
 * mix two versions. Responses hold a reference to their set's bytes, so a
 * swapped-out set lives exactly as long as the last response sending it.
 */
#include "wirefeed/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wirefeed/text.h"
#include "buf.h"
#include "feed_delta.h"
#include "gzip.h"
#include "http_cond.h"
#include "log.h"
#include "mem.h"
#include "mhd.h"

#define MAX_URI_BYTES 2048
#define DEFAULT_MAX_CONNECTIONS 1024
#define DEFAULT_TIMEOUT_S 30
#define CONNECTION_MEMORY_BYTES (32 * 1024) /* headers + request line */
/* Slow clients (slowloris): the idle timeout alone lets a client that
 * sends one byte every few seconds hold a connection forever. */
#define DEFAULT_HEADER_TIMEOUT_S 10
#define PRESSURE_HEADER_TIMEOUT_MS 1000 /* when the table is 90% full */
#define MIN_BODY_BYTES_PER_S 1024
#define MAX_BODY_BYTES (64 * 1024) /* a GET's body is read and dropped */
#define REAPER_PERIOD_MS 200
/* descriptors kept free for everything but connections: the listener,
 * inotify, the log, the files a rebuild reads and writes */
#define RESERVED_FDS 64

/* A gzip body, shared by the versions in which the file did not change:
 * compressed once per feed content, not once per rebuild. */
struct gzip_body {
	atomic_long refs;
	size_t len;
	char *data;
};

static void
gzip_body_release(void *cls)
{
	struct gzip_body *g = cls;
	if (atomic_fetch_sub(&g->refs, 1) == 1) {
		free(g->data);
		free(g);
	}
}

struct served_file {
	const struct wf_rendered_file *file;
	struct gzip_body *gzip; /* NULL if compression failed */
	struct MHD_Response *full;
	struct MHD_Response *full_gzip;
	struct MHD_Response *not_modified;
	struct MHD_Response *not_modified_gzip;
	size_t gzip_len;
	char etag_gzip[80];
	int64_t last_modified; /* seconds: when these bytes were first served */
	/* other bytes were served with this Last-Modified too (changed twice
	 * within that second): If-Modified-Since of exactly that second
	 * cannot tell which a client has, so it is not a match */
	bool date_shared;
	struct feed_deltas *deltas; /* RFC 3229; NULL: never a delta */
};

struct version {
	struct wf_feedset *set;
	struct served_file *files; /* parallel to set->files */
	size_t n_files;
	/* a file's date is shared (above): once this second has passed the
	 * server re-dates it (redate_if_due); -1 if none is */
	int64_t redate_after;
	bool gzip_pending; /* a changed file is not compressed yet */
	atomic_long refs;
};

/* What a connection is waiting for, for the slow-client deadlines. */
enum phase {
	PHASE_HEADER,   /* a request's complete header (or the first one) */
	PHASE_BODY,     /* the rest of a request body */
	PHASE_RESPONSE, /* answered; the idle timeout covers sending */
};

/* Per-connection state (MHD's socket context), in the server's list so
 * the reaper thread can close connections past their deadline. */
struct conn {
	struct conn *prev, *next; /* under conns_lock */
	int fd;
	/* written by the connection's thread, read by the reaper: atomics,
	 * so the request path takes no lock */
	atomic_int phase;          /* enum phase */
	atomic_llong since_ms;     /* when the phase began (monotonic) */
	atomic_size_t body_bytes;
};

/* Fixed error responses, shared by every version. */
enum error_kind { E400, E400_CLOSE, E404, E405, E414, E_OPTIONS, E_COUNT };

struct wf_server {
	struct MHD_Daemon *daemon;
	int listen_fd;
	uint16_t port;
	unsigned max_age;
	FILE *access_log;
	char *out_dir; /* the published copy, for Last-Modified; NULL: none */
	pthread_mutex_t lock; /* guards current */
	struct version *current;
	pthread_mutex_t swap_lock; /* one swap at a time: rebuild or re-date */
	struct MHD_Response *errors[E_COUNT];
	atomic_long in_flight;
	bool quiesced;

	/* slow clients: every connection, and the thread that cuts those
	 * past their deadline */
	pthread_mutex_t conns_lock;
	struct conn conns; /* list head */
	size_t n_conns;
	unsigned max_connections;
	int64_t header_timeout_ms;
	pthread_t reaper;
	pthread_cond_t reaper_wake;
	bool reaper_stop; /* under conns_lock */

	char *base_url; /* WebSub links; NULL: no self link */
	char **hubs;
	size_t n_hubs;
	struct feed_history *history; /* NULL: deltas off */
};

/* Per-request state: created when the request line has arrived (the URI
 * log callback), freed when the request completes. */
struct request {
	struct conn *conn;
	bool started; /* the handler has seen the complete header */
	unsigned status;
	size_t bytes;
	bool head;
	char *line; /* "METHOD target VERSION", only with an access log */
	const char *target_end; /* where the target's C string ends in MHD's
				   buffer, to find bytes a NUL hid */
};

static int64_t
monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- slow clients ------------------------------------------------------ */

static void
conn_enter(struct wf_server *s, struct conn *k, enum phase phase)
{
	(void)s;
	if (!k) {
		return;
	}
	atomic_store(&k->body_bytes, 0);
	atomic_store(&k->since_ms, monotonic_ms());
	atomic_store(&k->phase, (int)phase);
}

static void
notify_connection(void *cls, struct MHD_Connection *c, void **socket_context,
		  enum MHD_ConnectionNotificationCode toe)
{
	struct wf_server *s = cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			wf_mhd.get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		struct conn *k = xzalloc(sizeof(*k));
		k->fd = ci ? ci->connect_fd : -1;
		atomic_init(&k->phase, PHASE_HEADER);
		atomic_init(&k->since_ms, monotonic_ms());
		atomic_init(&k->body_bytes, 0);
		pthread_mutex_lock(&s->conns_lock);
		k->next = s->conns.next;
		k->prev = &s->conns;
		s->conns.next->prev = k;
		s->conns.next = k;
		s->n_conns++;
		pthread_mutex_unlock(&s->conns_lock);
		*socket_context = k;
		return;
	}
	/* closed: MHD closes the descriptor only after this returns, so the
	 * reaper (which holds the lock while it shuts one down) never
	 * touches a descriptor that was closed and reused */
	struct conn *k = *socket_context;
	if (!k) {
		return;
	}
	pthread_mutex_lock(&s->conns_lock);
	k->prev->next = k->next;
	k->next->prev = k->prev;
	s->n_conns--;
	pthread_mutex_unlock(&s->conns_lock);
	free(k);
	*socket_context = NULL;
}

/* Whether @k has had longer than allowed for what it is sending: its
 * whole header within the header timeout (1 s while the table is 90%
 * full, so slow clients cannot crowd out quick ones), its body at
 * MIN_BODY_BYTES_PER_S after a header timeout's grace. */
static bool
past_deadline(const struct wf_server *s, const struct conn *k, int64_t now,
	      bool pressure)
{
	int64_t age = now - atomic_load(&k->since_ms);
	switch ((enum phase)atomic_load(&k->phase)) {
	case PHASE_HEADER:
		return age > (pressure ? PRESSURE_HEADER_TIMEOUT_MS
				       : s->header_timeout_ms);
	case PHASE_BODY:
		return age > s->header_timeout_ms +
				     (int64_t)(atomic_load(&k->body_bytes) *
					       1000 / MIN_BODY_BYTES_PER_S);
	case PHASE_RESPONSE:
		break;
	}
	return false;
}

static void
redate_if_due(struct wf_server *s);

/* Cut connections past their deadline: shutdown() makes MHD see the end
 * of the stream and close the connection in its own thread. */
static void *
reaper_main(void *cls)
{
	struct wf_server *s = cls;
	pthread_mutex_lock(&s->conns_lock);
	while (!s->reaper_stop) {
		int64_t now = monotonic_ms();
		bool pressure = s->n_conns * 10 >= (size_t)s->max_connections * 9;
		for (struct conn *k = s->conns.next; k != &s->conns; k = k->next) {
			if (k->fd >= 0 && past_deadline(s, k, now, pressure)) {
				shutdown(k->fd, SHUT_RDWR);
				atomic_store(&k->phase, PHASE_RESPONSE); /* once */
			}
		}
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += REAPER_PERIOD_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->reaper_wake, &s->conns_lock, &until);
		if (!s->reaper_stop) {
			pthread_mutex_unlock(&s->conns_lock);
			redate_if_due(s);
			pthread_mutex_lock(&s->conns_lock);
		}
	}
	pthread_mutex_unlock(&s->conns_lock);
	return NULL;
}

/* At most as many connections as there are descriptors to spare: raise
 * the soft RLIMIT_NOFILE to the hard one, then cap @wanted by it. Past
 * the limit accept() fails with EMFILE and nobody is served. */
static unsigned
cap_by_nofile(unsigned wanted)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
		return wanted;
	}
	if (rl.rlim_cur < rl.rlim_max) {
		struct rlimit raised = { rl.rlim_max, rl.rlim_max };
		if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
			rl.rlim_cur = rl.rlim_max;
		}
	}
	if (rl.rlim_cur == RLIM_INFINITY) {
		return wanted;
	}
	rlim_t spare = rl.rlim_cur > 2 * RESERVED_FDS ? rl.rlim_cur - RESERVED_FDS
						       : rl.rlim_cur / 2;
	if ((rlim_t)wanted > spare) {
		wf_log_warn("%u connections exceed what the open-file limit (%llu) allows: serving at most %llu",
			    wanted, (unsigned long long)rl.rlim_cur,
			    (unsigned long long)spare);
		return (unsigned)spare;
	}
	return wanted;
}

/* ---- versions ---------------------------------------------------------- */

static void
release_set(void *cls)
{
	wf_feedset_unref(cls);
}

/* WebSub §4: Link rel="hub" per hub and rel="self" on feed responses
 * with a body (200, 226), rel quoted (Flask-WebSub's hub ignores the
 * unquoted form), as one field (RFC 8288 §3 allows a list). Not on 304s:
 * a 304 freshens the stored response, which keeps its Link field
 * (RFC 9111 §4.3.4), and the field measurably cost the 304 path. */
static void
add_links(struct wf_server *s, struct MHD_Response *r,
	  const struct wf_rendered_file *f)
{
	if (f->kind == WF_FILE_HTML || (!s->n_hubs && !s->base_url)) {
		return;
	}
	struct buf b;
	buf_init(&b, SIZE_MAX); /* config-sized: no limit to hit */
	enum wf_status st = WF_OK;
	for (size_t i = 0; i < s->n_hubs && st == WF_OK; i++) {
		st = buf_printf(&b, "%s<%s>; rel=\"hub\"", i ? ", " : "",
				s->hubs[i]);
	}
	if (s->base_url && st == WF_OK) {
		st = buf_printf(&b, "%s<%s%s>; rel=\"self\"",
				s->n_hubs ? ", " : "", s->base_url, f->path);
	}
	char *links = buf_take(&b, NULL);
	wf_mhd.add_response_header(r, "Link", links);
	free(links);
}

static void
add_common_headers(struct wf_server *s, struct MHD_Response *r,
		   const struct served_file *sf, const char *etag)
{
	char cache[64], date[40];
	snprintf(cache, sizeof(cache), "public, max-age=%u", s->max_age);
	if (sf->file->immutable) { /* a closed RFC 5005 archive never changes */
		snprintf(cache, sizeof(cache), "public, max-age=31536000, immutable");
	}
	wf_time_format_http((struct wf_time){ .utc = sf->last_modified }, date,
			    sizeof(date));
	wf_mhd.add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
	wf_mhd.add_response_header(r, MHD_HTTP_HEADER_LAST_MODIFIED, date);
	wf_mhd.add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
	wf_mhd.add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
}

static struct MHD_Response *
empty_response(void)
{
	return wf_mhd.create_response_from_buffer(0, (void *)(uintptr_t)"",
					       MHD_RESPMEM_PERSISTENT);
}

/* What @previous served at @f's path, or NULL; *@same: the same bytes. */
static const struct served_file *
served_at_path(const struct wf_rendered_file *f, const struct version *previous,
	       bool *same)
{
	const struct wf_rendered_file *old =
		previous ? wf_feedset_find(previous->set, f->path) : NULL;
	*same = old && strcmp(old->etag, f->etag) == 0;
	return old ? &previous->files[old - previous->set->files] : NULL;
}

/* @f's gzip body: @before's (the same bytes served before, or NULL), else
 * new, or (!@compress) NULL for now. */
static struct gzip_body *
gzip_body_for(const struct wf_rendered_file *f, const struct served_file *before,
	      bool compress)
{
	if (before && before->gzip) {
		atomic_fetch_add(&before->gzip->refs, 1);
		return before->gzip;
	}
	char *gz = NULL;
	size_t gz_len = 0;
	if (!compress || gzip_compress(f->data, f->len, &gz, &gz_len) != WF_OK) {
		return NULL;
	}
	struct gzip_body *g = xzalloc(sizeof(*g));
	atomic_init(&g->refs, 1);
	g->len = gz_len;
	g->data = gz;
	return g;
}

/* The mtime of @f's published copy under s->out_dir if that file holds
 * exactly @f's bytes, else -1. wf_publish() leaves a file alone when its
 * bytes do not change, so this is when the bytes were first published,
 * and it survives restarts. */
static int64_t
published_mtime(const struct wf_server *s, const struct wf_rendered_file *f)
{
	if (!s->out_dir) {
		return -1;
	}
	char *path = xasprintf("%s/%s", s->out_dir, f->path);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	free(path);
	struct stat st;
	if (fd < 0) {
		return -1;
	}
	int64_t mtime = -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size == f->len) {
		char chunk[65536];
		size_t at = 0;
		ssize_t n;
		while (at < f->len && (n = read(fd, chunk, sizeof(chunk))) > 0 &&
		       (size_t)n <= f->len - at &&
		       memcmp(chunk, f->data + at, (size_t)n) == 0) {
			at += (size_t)n;
		}
		if (at == f->len) {
			mtime = (int64_t)st.st_mtim.tv_sec;
		}
	}
	close(fd);
	return mtime;
}

/* Last-Modified (RFC 9110 §8.8.2) must change whenever the bytes change
 * and never go backwards, or a client revalidating with If-Modified-Since
 * alone keeps content that changed. So it is when these bytes were first
 * served, not the feed's updated (which goes back when the newest story
 * is withdrawn, and does not move on a minor edit): unchanged bytes keep
 * the previous version's date; changed bytes get the time of their
 * publication, and always at least one second more than before (two
 * changes within one second must not share a date; settled_now() makes
 * that second come before the swap, so the date is never in the future,
 * §8.8.2.1). */
/* @before: what was served at @f's path (NULL: nothing), @same: with
 * these bytes. */
static int64_t
last_modified_for(const struct wf_server *s, const struct wf_rendered_file *f,
		  const struct served_file *before, bool same, int64_t now,
		  bool *shared)
{
	*shared = false;
	if (same && !(before->date_shared && now > before->last_modified)) {
		*shared = before->date_shared;
		return before->last_modified;
	}
	/* new bytes, or bytes whose shared second has passed: re-dated, as
	 * new bytes are, to a date of their own (their published file's,
	 * when it holds them: at start-up, or re-dating; bytes new to a
	 * running server are swapped in before they are written, so the
	 * file still holds the old ones and is not read) */
	int64_t published = before && !same ? -1 : published_mtime(s, f);
	int64_t t = published < 0 || published > now ? now : published;
	if (before && t <= before->last_modified) {
		t = before->last_modified + 1;
	}
	if (t > now) {
		/* changed again within the second these bytes' predecessor
		 * was dated: the next second would be a date in the future
		 * (RFC 9110 §8.8.2.1), so share this one, without 304s on
		 * it, until it has passed. No wait before serving. */
		t = now;
		*shared = true;
	}
	if (published >= 0 && t != published) {
		/* so that a restart reads back the date we serve */
		char *path = xasprintf("%s/%s", s->out_dir, f->path);
		struct timespec times[2] = { { 0, UTIME_OMIT }, { (time_t)t, 0 } };
		if (utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW) != 0) {
			wf_log_warn("%s: cannot set the mtime: %s", path,
				    strerror(errno));
		}
		free(path);
	}
	return t;
}

static void
build_file(struct wf_server *s, struct wf_feedset *set, size_t i,
	   const struct version *previous, int64_t now, bool compress,
	   struct served_file *sf)
{
	const struct wf_rendered_file *f = &set->files[i];
	sf->file = f;
	bool same = false;
	const struct served_file *prior = served_at_path(f, previous, &same);
	sf->last_modified = last_modified_for(s, f, prior, same, now,
					      &sf->date_shared);

	/* identity: the set's own bytes, kept alive by a set reference */
	sf->full = wf_mhd.create_response_from_buffer_with_free_callback_cls(
		f->len, f->data, release_set, wf_feedset_ref(set));
	wf_mhd.add_response_header(sf->full, MHD_HTTP_HEADER_CONTENT_TYPE,
				f->content_type);
	add_common_headers(s, sf->full, sf, f->etag);
	add_links(s, sf->full, f);

	/* gzip: its own strong ETag (the identity tag + "-gzip") */
	snprintf(sf->etag_gzip, sizeof(sf->etag_gzip), "%.*s-gzip\"",
		 (int)strlen(f->etag) - 1, f->etag);
	const struct served_file *before = same ? prior : NULL;
	sf->gzip = gzip_body_for(f, before, compress);
	if (sf->gzip) {
		/* the response owns one reference to the body */
		sf->gzip_len = sf->gzip->len;
		sf->full_gzip = wf_mhd.create_response_from_buffer_with_free_callback_cls(
			sf->gzip->len, sf->gzip->data, gzip_body_release,
			sf->gzip);
		wf_mhd.add_response_header(sf->full_gzip,
					MHD_HTTP_HEADER_CONTENT_TYPE,
					f->content_type);
		wf_mhd.add_response_header(sf->full_gzip,
					MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
		add_common_headers(s, sf->full_gzip, sf, sf->etag_gzip);
		add_links(s, sf->full_gzip, f);
		sf->not_modified_gzip = empty_response();
		add_common_headers(s, sf->not_modified_gzip, sf, sf->etag_gzip);
	}
	sf->not_modified = empty_response();
	add_common_headers(s, sf->not_modified, sf, f->etag);
	sf->deltas = s->history
			     ? feed_history_add(s->history, f,
						before ? before->deltas : NULL)
			     : NULL;
}

/* Every response for @set; @previous (may be NULL) lends the gzip bodies
 * and Last-Modified dates of files that did not change. Without
 * @compress, changed files have no gzip body yet (v->gzip_pending). */
static struct version *
version_create(struct wf_server *s, struct wf_feedset *set,
	       const struct version *previous, bool compress)
{
	struct version *v = xzalloc(sizeof(*v));
	v->set = wf_feedset_ref(set);
	v->n_files = set->n_files;
	v->files = xcalloc(set->n_files ? set->n_files : 1, sizeof(*v->files));
	int64_t now = wf_time_now().utc;
	v->redate_after = -1;
	for (size_t i = 0; i < set->n_files; i++) {
		build_file(s, set, i, previous, now, compress, &v->files[i]);
		if (v->files[i].date_shared) {
			v->redate_after = now;
		}
		v->gzip_pending = v->gzip_pending || !v->files[i].gzip;
	}
	atomic_init(&v->refs, 1);
	return v;
}

static void
version_unref(struct version *v)
{
	if (!v || atomic_fetch_sub(&v->refs, 1) != 1) {
		return;
	}
	/* MHD frees each response once the last connection using it is done */
	for (size_t i = 0; i < v->n_files; i++) {
		struct served_file *sf = &v->files[i];
		wf_mhd.destroy_response(sf->full);
		if (sf->full_gzip) {
			wf_mhd.destroy_response(sf->full_gzip);
			wf_mhd.destroy_response(sf->not_modified_gzip);
		}
		wf_mhd.destroy_response(sf->not_modified);
		feed_deltas_destroy(sf->deltas);
	}
	free(v->files);
	wf_feedset_unref(v->set);
	free(v);
}

static struct version *
version_acquire(struct wf_server *s)
{
	pthread_mutex_lock(&s->lock);
	struct version *v = s->current;
	atomic_fetch_add(&v->refs, 1);
	pthread_mutex_unlock(&s->lock);
	return v;
}

/* Caller holds swap_lock. */
static void
swap_locked(struct wf_server *s, struct wf_feedset *set, bool compress)
{
	struct version *previous = version_acquire(s);
	struct version *next = version_create(s, set, previous, compress);
	version_unref(previous);
	pthread_mutex_lock(&s->lock);
	struct version *old = s->current;
	s->current = next;
	pthread_mutex_unlock(&s->lock);
	version_unref(old);
}

void
wf_server_swap(struct wf_server *s, struct wf_feedset *set)
{
	pthread_mutex_lock(&s->swap_lock);
	/* the new bytes first, uncompressed where they changed (gzip of a
	 * changed feed costs more than the rest of a rebuild); then the
	 * same files with gzip bodies: a client is sent identity meanwhile,
	 * which Accept-Encoding allows */
	swap_locked(s, set, false);
	if (s->current->gzip_pending) {
		swap_locked(s, set, true);
	}
	pthread_mutex_unlock(&s->swap_lock);
}

/* The same bytes again, with dates of their own once the shared second
 * has passed (last_modified_for), so If-Modified-Since matches again. */
static void
redate_if_due(struct wf_server *s)
{
	pthread_mutex_lock(&s->swap_lock);
	struct version *v = version_acquire(s);
	if (v->redate_after >= 0 && wf_time_now().utc > v->redate_after) {
		swap_locked(s, v->set, true);
	}
	version_unref(v);
	pthread_mutex_unlock(&s->swap_lock);
}

static const struct served_file *
find_file(const struct version *v, const char *path)
{
	const struct wf_rendered_file *f = wf_feedset_find(v->set, path);
	return f ? &v->files[f - v->set->files] : NULL;
}

static enum MHD_Result
queue(struct wf_server *s, struct MHD_Connection *c, struct request *req,
      unsigned status, struct MHD_Response *r, size_t body_len)
{
	if (req) {
		req->status = status;
		req->bytes = req->head ? 0 : body_len;
		conn_enter(s, req->conn, PHASE_RESPONSE);
	}
	return wf_mhd.queue_response(c, status, r);
}

static enum MHD_Result
queue_error(struct wf_server *s, struct MHD_Connection *c,
	    struct request *req, enum error_kind kind)
{
	static const unsigned codes[E_COUNT] = {
		MHD_HTTP_BAD_REQUEST, MHD_HTTP_BAD_REQUEST, MHD_HTTP_NOT_FOUND,
		MHD_HTTP_METHOD_NOT_ALLOWED, MHD_HTTP_URI_TOO_LONG,
		MHD_HTTP_NO_CONTENT,
	};
	return queue(s, c, req, codes[kind], s->errors[kind], 0);
}

/* RFC 3229: 226 IM Used with only the entries changed since the version
 * If-None-Match names, when the client asked (A-IM: feed) and the delta
 * is smaller. It is for this client only: no-store keeps caches that do
 * not know IM from serving it to others (RFC 3229 §10.6). */
static bool
serve_delta(struct wf_server *s, struct MHD_Connection *c,
	    struct request *req, const struct served_file *sf,
	    const char *inm, bool gzip, enum MHD_Result *rc)
{
	const char *aim = wf_mhd.lookup_connection_value(c, MHD_HEADER_KIND, "A-IM");
	struct feed_delta_body *b = NULL;
	if (!feed_delta_is_requested(aim) ||
	    !feed_deltas_answer(sf->deltas, inm, gzip,
				gzip ? sf->gzip_len : sf->file->len, &b)) {
		return false;
	}
	const struct wf_rendered_file *f = sf->file;
	char date[40];
	wf_time_format_http((struct wf_time){ .utc = sf->last_modified }, date,
			    sizeof(date));
	struct MHD_Response *r = wf_mhd.create_response_from_buffer_with_free_callback_cls(
		b->len, b->data, feed_delta_body_release, b);
	wf_mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, f->content_type);
	if (gzip) {
		wf_mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	}
	wf_mhd.add_response_header(r, "IM", "feed");
	wf_mhd.add_response_header(r, MHD_HTTP_HEADER_ETAG,
				gzip ? sf->etag_gzip : f->etag);
	wf_mhd.add_response_header(r, MHD_HTTP_HEADER_LAST_MODIFIED, date);
	wf_mhd.add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	wf_mhd.add_response_header(r, MHD_HTTP_HEADER_VARY,
				"Accept-Encoding, A-IM, If-None-Match");
	add_links(s, r, f);
	*rc = queue(s, c, req, MHD_HTTP_IM_USED, r, b->len);
	wf_mhd.destroy_response(r);
	return true;
}

/* Choose the representation and whether the client already has it. */
static enum MHD_Result
serve_file(struct wf_server *s, struct MHD_Connection *c, struct request *req,
	   const struct served_file *sf)
{
	const char *inm = wf_mhd.lookup_connection_value(c, MHD_HEADER_KIND,
						      MHD_HTTP_HEADER_IF_NONE_MATCH);
	const char *ims = wf_mhd.lookup_connection_value(
		c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
	const char *ae = wf_mhd.lookup_connection_value(
		c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
	bool gzip = sf->full_gzip && http_accepts_gzip(ae);
	const char *etag = gzip ? sf->etag_gzip : sf->file->etag;

	/* RFC 9110 §13.2.2: If-None-Match wins; If-Modified-Since only
	 * counts when there is no If-None-Match. */
	bool fresh;
	if (inm) {
		fresh = http_if_none_match(inm, etag);
	} else {
		int64_t since;
		fresh = ims && http_parse_date(ims, &since) &&
			(sf->date_shared ? sf->last_modified < since
					 : sf->last_modified <= since);
	}
	if (fresh) {
		return queue(s, c, req, MHD_HTTP_NOT_MODIFIED,
			     gzip ? sf->not_modified_gzip : sf->not_modified, 0);
	}
	enum MHD_Result delta_rc;
	if (inm && sf->deltas &&
	    serve_delta(s, c, req, sf, inm, gzip, &delta_rc)) {
		return delta_rc;
	}
	if (gzip) {
		return queue(s, c, req, MHD_HTTP_OK, sf->full_gzip,
			     sf->gzip_len);
	}
	return queue(s, c, req, MHD_HTTP_OK, sf->full, sf->file->len);
}

/* ---- request framing (RFC 9112) ----------------------------------------- */

struct framing {
	unsigned hosts;
	unsigned lengths;
	bool lengths_differ;
	bool transfer_encoding;
	bool bad_field;
	const char *length;
	size_t length_size;
};

/* RFC 9110 §5.6.2 tchar */
static bool
is_token(const char *s, size_t n)
{
	if (n == 0) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch <= 0x20 || ch >= 0x7f || strchr("\"(),/:;<=>?@[\\]{}", ch)) {
			return false;
		}
	}
	return true;
}

static enum MHD_Result
count_field(void *cls, enum MHD_ValueKind kind, const char *key,
	    size_t key_size, const char *value, size_t value_size)
{
	struct framing *f = cls;
	(void)kind;
	/* a name that is not a token (e.g. whitespace before the colon,
	 * RFC 9112 §5.1) or a NUL inside a value (RFC 9110 §5.5) */
	if (!is_token(key, key_size) ||
	    (value && memchr(value, '\0', value_size))) {
		f->bad_field = true;
	}
	if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0) {
		f->hosts++;
	} else if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
		if (f->lengths++ > 0 &&
		    (value_size != f->length_size ||
		     memcmp(value, f->length, value_size) != 0)) {
			f->lengths_differ = true;
		}
		f->length = value;
		f->length_size = value_size;
	} else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
		f->transfer_encoding = true;
	}
	return MHD_YES;
}

/* Whether the request's framing is unambiguous, as RFC 9112 requires of
 * a server that may sit behind a proxy: a request that two parsers
 * could split differently is refused (400) and its connection closed.
 * libmicrohttpd 0.9.75 accepts all of these. */
static bool
framing_is_sound(struct MHD_Connection *c, const struct request *req,
		 const char *url, const char *http_version)
{
	/* a raw NUL in the target: MHD's C string stops there, but the
	 * version does not follow right after it in its buffer (0.9.75
	 * parses the request line in place; the tests notice if a later
	 * version stops doing so, as every request would fail); a raw
	 * space: the request line has more than three parts (§3) */
	if ((req->target_end && http_version != req->target_end + 1) ||
	    strchr(url, ' ')) {
		return false;
	}
	struct framing f = { 0 };
	wf_mhd.get_connection_values_n(c, MHD_HEADER_KIND, count_field, &f);
	if (f.bad_field || f.hosts > 1 || f.lengths_differ ||
	    (f.lengths > 0 && f.transfer_encoding)) {
		return false; /* §3.2, §6.1, §6.3 */
	}
	/* §3.2: a client MUST send Host in every HTTP/1.1 request */
	if (f.hosts == 0 && strcmp(http_version, MHD_HTTP_VERSION_1_0) != 0) {
		return false;
	}
	return true;
}

/* ---- requests ---------------------------------------------------------- */

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
       const char *method, const char *http_version, const char *upload_data,
       size_t *upload_size, void **con_cls)
{
	struct wf_server *s = cls;
	(void)upload_data;
	struct request *req = *con_cls;
	if (!req) {
		req = xzalloc(sizeof(*req)); /* no URI log call: not expected */
		*con_cls = req;
	}
	if (!req->started) {
		req->started = true;
		req->head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
		if (s->access_log) {
			req->line = xasprintf("%.16s %.4096s %.16s", method,
					      url, http_version);
		}
		atomic_fetch_add(&s->in_flight, 1);
		conn_enter(s, req->conn, PHASE_BODY); /* if there is one */
		if (!framing_is_sound(c, req, url, http_version)) {
			return queue_error(s, c, req, E400_CLOSE);
		}
		bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;
		if (!get && !req->head) {
			/* answered at once; MHD then closes the connection
			 * rather than read a body we do not want */
			if (strcmp(method, MHD_HTTP_METHOD_OPTIONS) == 0) {
				return queue_error(s, c, req, E_OPTIONS);
			}
			return queue_error(s, c, req, E405);
		}
		/* GET/HEAD: answer on the next call, once the request is
		 * complete; answering now would cost the keep-alive */
		return MHD_YES;
	}
	if (*upload_size > 0) {
		/* a body on a GET: read and dropped, up to a limit */
		struct conn *k = req->conn;
		if (k && atomic_fetch_add(&k->body_bytes, *upload_size) +
					 *upload_size >
				 MAX_BODY_BYTES) {
			return MHD_NO; /* closes the connection */
		}
		*upload_size = 0;
		return MHD_YES;
	}
	size_t url_len = strlen(url);
	if (url_len > MAX_URI_BYTES) {
		return queue_error(s, c, req, E414);
	}
	char path[MAX_URI_BYTES + 1];
	memcpy(path, url, url_len + 1);
	if (!http_decode_path(path)) {
		return queue_error(s, c, req, E400);
	}
	const char *name = strcmp(path, "/") == 0 ? "index.html" : path + 1;
	struct version *v = version_acquire(s);
	const struct served_file *sf = find_file(v, name);
	enum MHD_Result rc = sf ? serve_file(s, c, req, sf)
				: queue_error(s, c, req, E404);
	version_unref(v);
	return rc;
}

/* The request line has arrived: the request's state begins. */
static void *
request_begin(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls;
	struct request *req = xzalloc(sizeof(*req));
	req->target_end = uri + strlen(uri);
	const union MHD_ConnectionInfo *ci =
		wf_mhd.get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	req->conn = ci ? ci->socket_context : NULL;
	return req;
}

/* Keep the target as sent: the handler decodes and checks it itself. */
static size_t
keep_escaped(void *cls, struct MHD_Connection *c, char *uri)
{
	(void)cls;
	(void)c;
	return strlen(uri);
}

/* A "quoted" log field; quotes, backslashes and control bytes escaped
 * as \xHH so a request cannot forge log lines. */
static void
log_quoted(FILE *out, const char *s)
{
	putc_unlocked('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
			fprintf(out, "\\x%02X", c);
		} else {
			putc_unlocked((int)c, out);
		}
	}
	putc_unlocked('"', out);
}

static void
log_access(struct wf_server *s, struct MHD_Connection *c,
	   const struct request *req)
{
	const union MHD_ConnectionInfo *ci =
		wf_mhd.get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char host[INET6_ADDRSTRLEN] = "-";
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET) {
			inet_ntop(AF_INET,
				  &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
				  host, sizeof(host));
		} else if (sa->sa_family == AF_INET6) {
			inet_ntop(AF_INET6,
				  &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
				  host, sizeof(host));
		}
	}
	const char *referer = wf_mhd.lookup_connection_value(c, MHD_HEADER_KIND,
							  MHD_HTTP_HEADER_REFERER);
	const char *agent = wf_mhd.lookup_connection_value(
		c, MHD_HEADER_KIND, MHD_HTTP_HEADER_USER_AGENT);
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	char when[64];
	strftime(when, sizeof(when), "%d/%b/%Y:%H:%M:%S %z", &tm);
	char bytes[32] = "-";
	if (req->bytes > 0) {
		snprintf(bytes, sizeof(bytes), "%zu", req->bytes);
	}
	flockfile(s->access_log);
	fprintf(s->access_log, "%s - - [%s] ", host, when);
	log_quoted(s->access_log, req->line ? req->line : "-");
	fprintf(s->access_log, " %u %s ", req->status, bytes);
	log_quoted(s->access_log, referer ? referer : "-");
	fputc(' ', s->access_log);
	log_quoted(s->access_log, agent ? agent : "-");
	fputc('\n', s->access_log);
	funlockfile(s->access_log);
}

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
	  enum MHD_RequestTerminationCode toe)
{
	struct wf_server *s = cls;
	struct request *req = *con_cls;
	(void)toe;
	if (!req) {
		return;
	}
	if (s->access_log && req->status) {
		log_access(s, c, req);
	}
	if (req->started) {
		atomic_fetch_sub(&s->in_flight, 1);
	}
	/* keep-alive: the next request's header is due from now */
	conn_enter(s, req->conn, PHASE_HEADER);
	free(req->line);
	free(req);
	*con_cls = NULL;
}

/* libmicrohttpd hands us its own format strings */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	wf_log_debug("libmicrohttpd: %s", wf_text_trim(msg));
}
#pragma GCC diagnostic pop

/* ---- start and stop ---------------------------------------------------- */

static int
open_listener(const char *address, uint16_t port, uint16_t *bound,
	      struct wf_diag *diag)
{
	struct addrinfo hints = { 0 }, *ai = NULL;
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	char service[8];
	snprintf(service, sizeof(service), "%u", port);
	int rc = getaddrinfo(address, service, &hints, &ai);
	if (rc != 0) {
		wf_diag_set(diag, NULL, 0, 0,
			    "cannot listen on %s:%u: not a numeric IP address (%s)",
			    address, port, gai_strerror(rc));
		return -1;
	}
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 1024) != 0) {
		wf_diag_set(diag, NULL, 0, 0, "cannot listen on %s:%u: %s",
			    address, port, strerror(errno));
		if (fd >= 0) {
			close(fd);
		}
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &len);
	*bound = ntohs(ss.ss_family == AF_INET6
			       ? ((struct sockaddr_in6 *)&ss)->sin6_port
			       : ((struct sockaddr_in *)&ss)->sin_port);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

static struct MHD_Response *
text_response(const char *body, const char *allow)
{
	struct MHD_Response *r = wf_mhd.create_response_from_buffer(
		strlen(body), (void *)(uintptr_t)body, MHD_RESPMEM_PERSISTENT);
	if (*body) {
		wf_mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
					"text/plain; charset=utf-8");
	}
	if (allow) {
		wf_mhd.add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	}
	return r;
}

static void
server_free(struct wf_server *s)
{
	feed_history_destroy(s->history);
	for (size_t i = 0; i < s->n_hubs; i++) {
		free(s->hubs[i]);
	}
	free(s->hubs);
	free(s->base_url);
	free(s->out_dir);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->swap_lock);
	pthread_mutex_destroy(&s->conns_lock);
	pthread_cond_destroy(&s->reaper_wake);
	free(s);
}

enum wf_status
wf_server_start(const struct wf_server_options *o, struct wf_feedset *set,
		struct wf_server **out, struct wf_diag *diag)
{
	char why[256];
	if (!wf_mhd_open(why, sizeof(why))) {
		wf_diag_set(diag, NULL, 0, 0, "cannot load libmicrohttpd: %s", why);
		return WF_ERR_IO;
	}
	struct wf_server *s = xzalloc(sizeof(*s));
	s->listen_fd = open_listener(o->address, o->port, &s->port, diag);
	if (s->listen_fd < 0) {
		free(s);
		return WF_ERR_IO;
	}
	s->max_age = o->cache_max_age_s;
	s->access_log = o->access_log;
	s->out_dir = o->out_dir ? xstrdup(o->out_dir) : NULL;
	s->base_url = o->base_url ? xstrdup(o->base_url) : NULL;
	s->n_hubs = o->n_hubs;
	s->hubs = xcalloc(o->n_hubs ? o->n_hubs : 1, sizeof(*s->hubs));
	for (size_t i = 0; i < o->n_hubs; i++) {
		s->hubs[i] = xstrdup(o->hubs[i]);
	}
	s->history = o->delta_history ? feed_history_create(o->delta_history)
				      : NULL;
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->swap_lock, NULL);
	atomic_init(&s->in_flight, 0);
	pthread_mutex_init(&s->conns_lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->reaper_wake, &ca);
	pthread_condattr_destroy(&ca);
	s->conns.next = s->conns.prev = &s->conns;
	s->max_connections = cap_by_nofile(
		o->max_connections ? o->max_connections : DEFAULT_MAX_CONNECTIONS);
	s->header_timeout_ms = 1000 * (int64_t)(o->header_timeout_s
							? o->header_timeout_s
							: DEFAULT_HEADER_TIMEOUT_S);
	s->errors[E400] = text_response("400 Bad Request\n", NULL);
	/* for requests whose framing is in doubt: whatever follows on the
	 * connection cannot be trusted to start a request */
	s->errors[E400_CLOSE] = text_response("400 Bad Request\n", NULL);
	wf_mhd.add_response_header(s->errors[E400_CLOSE],
				MHD_HTTP_HEADER_CONNECTION, "close");
	s->errors[E404] = text_response("404 Not Found\n", NULL);
	s->errors[E405] = text_response("405 Method Not Allowed\n",
					"GET, HEAD, OPTIONS");
	s->errors[E414] = text_response("414 URI Too Long\n", NULL);
	s->errors[E_OPTIONS] = text_response("", "GET, HEAD, OPTIONS");
	s->current = version_create(s, set, NULL, true);

	unsigned threads = o->threads;
	if (threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 1;
	}
	/* poll(), not epoll: libmicrohttpd 0.9.75's wf_mhd.quiesce_daemon()
	 * races a pool worker that removes the listening socket from its
	 * own epoll set first, and then aborts the process ("Failed to
	 * remove listen FD from epoll set") on SIGTERM. With poll there is
	 * no such set; a worker polls at most its share of the connection
	 * limit. */
	s->daemon = wf_mhd.start_daemon(
		MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG,
		0, NULL, NULL, handle, s,
		MHD_OPTION_LISTEN_SOCKET, (MHD_socket)s->listen_fd,
		MHD_OPTION_THREAD_POOL_SIZE, threads,
		MHD_OPTION_CONNECTION_LIMIT, s->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->max_per_client,
		MHD_OPTION_CONNECTION_TIMEOUT,
		o->timeout_s ? o->timeout_s : DEFAULT_TIMEOUT_S,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY_BYTES,
		MHD_OPTION_NOTIFY_COMPLETED, completed, s,
		MHD_OPTION_URI_LOG_CALLBACK, request_begin, s,
		MHD_OPTION_NOTIFY_CONNECTION, notify_connection, s,
		MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_END);
	if (!s->daemon) {
		wf_diag_set(diag, NULL, 0, 0,
			    "cannot start the HTTP server on %s:%u", o->address,
			    s->port);
		version_unref(s->current);
		for (int i = 0; i < E_COUNT; i++) {
			wf_mhd.destroy_response(s->errors[i]);
		}
		close(s->listen_fd);
		server_free(s);
		return WF_ERR_IO;
	}
	pthread_create(&s->reaper, NULL, reaper_main, s);
	*out = s;
	return WF_OK;
}

uint16_t
wf_server_port(const struct wf_server *s)
{
	return s->port;
}

unsigned
wf_server_max_connections(const struct wf_server *s)
{
	return s->max_connections;
}

void
wf_server_quiesce(struct wf_server *s)
{
	if (!s || s->quiesced) {
		return;
	}
	s->quiesced = true;
	wf_mhd.quiesce_daemon(s->daemon);
	/* MHD no longer accepts, but the kernel would still complete
	 * handshakes into the backlog, where clients wait for the whole
	 * grace period. Shutting the socket down stops listening at once
	 * (new connections are refused, queued ones reset); the descriptor
	 * itself stays open until MHD_stop_daemon, as MHD requires. */
	shutdown(s->listen_fd, SHUT_RDWR);
}

void
wf_server_stop(struct wf_server *s, unsigned grace_ms)
{
	if (!s) {
		return;
	}
	wf_server_quiesce(s);
	for (unsigned waited = 0;
	     atomic_load(&s->in_flight) > 0 && waited < grace_ms; waited += 10) {
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	}
	pthread_mutex_lock(&s->conns_lock);
	s->reaper_stop = true;
	pthread_cond_signal(&s->reaper_wake);
	pthread_mutex_unlock(&s->conns_lock);
	pthread_join(s->reaper, NULL);
	wf_mhd.stop_daemon(s->daemon);
	close(s->listen_fd);
	version_unref(s->current);
	for (int i = 0; i < E_COUNT; i++) {
		wf_mhd.destroy_response(s->errors[i]);
	}
	server_free(s);
}
