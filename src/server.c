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
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "wirefeed/text.h"
#include "gzip.h"
#include "http_cond.h"
#include "log.h"
#include "mem.h"

#define MAX_URI_BYTES 2048
#define DEFAULT_MAX_CONNECTIONS 1024
#define DEFAULT_TIMEOUT_S 30
#define CONNECTION_MEMORY_BYTES (32 * 1024) /* headers + request line */

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
	int64_t last_modified; /* seconds, for If-Modified-Since */
};

struct version {
	struct wf_feedset *set;
	struct served_file *files; /* parallel to set->files */
	size_t n_files;
	atomic_long refs;
};

/* Fixed error responses, shared by every version. */
enum error_kind { E400, E404, E405, E414, E_OPTIONS, E_COUNT };

struct wf_server {
	struct MHD_Daemon *daemon;
	int listen_fd;
	uint16_t port;
	unsigned max_age;
	FILE *access_log;
	pthread_mutex_t lock; /* guards current */
	struct version *current;
	struct MHD_Response *errors[E_COUNT];
	atomic_long in_flight;
};

/* Per-request state: only what the access log needs. */
struct request {
	unsigned status;
	size_t bytes;
	bool head;
	char *line; /* "METHOD target VERSION", only with an access log */
};

/* ---- versions ---------------------------------------------------------- */

static void
release_set(void *cls)
{
	wf_feedset_unref(cls);
}

static void
add_common_headers(struct wf_server *s, struct MHD_Response *r,
		   const struct wf_rendered_file *f, const char *etag)
{
	char cache[64], date[40];
	snprintf(cache, sizeof(cache), "public, max-age=%u", s->max_age);
	if (f->immutable) { /* a closed RFC 5005 archive never changes */
		snprintf(cache, sizeof(cache), "public, max-age=31536000, immutable");
	}
	wf_time_format_http(f->updated, date, sizeof(date));
	MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
	MHD_add_response_header(r, MHD_HTTP_HEADER_LAST_MODIFIED, date);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
	MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
}

static struct MHD_Response *
empty_response(void)
{
	return MHD_create_response_from_buffer(0, (void *)(uintptr_t)"",
					       MHD_RESPMEM_PERSISTENT);
}

/* @f's gzip body: @previous's if it served the same bytes, else new. */
static struct gzip_body *
gzip_body_for(const struct wf_rendered_file *f, const struct version *previous)
{
	const struct wf_rendered_file *old =
		previous ? wf_feedset_find(previous->set, f->path) : NULL;
	if (old) {
		struct gzip_body *g = previous->files[old - previous->set->files].gzip;
		if (g && strcmp(old->etag, f->etag) == 0) {
			atomic_fetch_add(&g->refs, 1);
			return g;
		}
	}
	char *gz = NULL;
	size_t gz_len = 0;
	if (gzip_compress(f->data, f->len, &gz, &gz_len) != WF_OK) {
		return NULL;
	}
	struct gzip_body *g = xzalloc(sizeof(*g));
	atomic_init(&g->refs, 1);
	g->len = gz_len;
	g->data = gz;
	return g;
}

static void
build_file(struct wf_server *s, struct wf_feedset *set, size_t i,
	   const struct version *previous, struct served_file *sf)
{
	const struct wf_rendered_file *f = &set->files[i];
	sf->file = f;
	sf->last_modified = f->updated.utc;

	/* identity: the set's own bytes, kept alive by a set reference */
	sf->full = MHD_create_response_from_buffer_with_free_callback_cls(
		f->len, f->data, release_set, wf_feedset_ref(set));
	MHD_add_response_header(sf->full, MHD_HTTP_HEADER_CONTENT_TYPE,
				f->content_type);
	add_common_headers(s, sf->full, f, f->etag);

	/* gzip: its own strong ETag (the identity tag + "-gzip") */
	snprintf(sf->etag_gzip, sizeof(sf->etag_gzip), "%.*s-gzip\"",
		 (int)strlen(f->etag) - 1, f->etag);
	sf->gzip = gzip_body_for(f, previous);
	if (sf->gzip) {
		/* the response owns one reference to the body */
		sf->gzip_len = sf->gzip->len;
		sf->full_gzip = MHD_create_response_from_buffer_with_free_callback_cls(
			sf->gzip->len, sf->gzip->data, gzip_body_release,
			sf->gzip);
		MHD_add_response_header(sf->full_gzip,
					MHD_HTTP_HEADER_CONTENT_TYPE,
					f->content_type);
		MHD_add_response_header(sf->full_gzip,
					MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
		add_common_headers(s, sf->full_gzip, f, sf->etag_gzip);
		sf->not_modified_gzip = empty_response();
		add_common_headers(s, sf->not_modified_gzip, f, sf->etag_gzip);
	}
	sf->not_modified = empty_response();
	add_common_headers(s, sf->not_modified, f, f->etag);
}

/* Every response for @set; @previous (may be NULL) lends the gzip bodies
 * of files that did not change. */
static struct version *
version_create(struct wf_server *s, struct wf_feedset *set,
	       const struct version *previous)
{
	struct version *v = xzalloc(sizeof(*v));
	v->set = wf_feedset_ref(set);
	v->n_files = set->n_files;
	v->files = xcalloc(set->n_files ? set->n_files : 1, sizeof(*v->files));
	for (size_t i = 0; i < set->n_files; i++) {
		build_file(s, set, i, previous, &v->files[i]);
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
		MHD_destroy_response(sf->full);
		if (sf->full_gzip) {
			MHD_destroy_response(sf->full_gzip);
			MHD_destroy_response(sf->not_modified_gzip);
		}
		MHD_destroy_response(sf->not_modified);
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

void
wf_server_swap(struct wf_server *s, struct wf_feedset *set)
{
	struct version *previous = version_acquire(s);
	struct version *next = version_create(s, set, previous);
	version_unref(previous);
	pthread_mutex_lock(&s->lock);
	struct version *old = s->current;
	s->current = next;
	pthread_mutex_unlock(&s->lock);
	version_unref(old);
}

/* ---- requests ---------------------------------------------------------- */

static const struct served_file *
find_file(const struct version *v, const char *path)
{
	const struct wf_rendered_file *f = wf_feedset_find(v->set, path);
	return f ? &v->files[f - v->set->files] : NULL;
}

static enum MHD_Result
queue(struct MHD_Connection *c, struct request *req, unsigned status,
      struct MHD_Response *r, size_t body_len)
{
	if (req) {
		req->status = status;
		req->bytes = req->head ? 0 : body_len;
	}
	return MHD_queue_response(c, status, r);
}

static enum MHD_Result
queue_error(struct wf_server *s, struct MHD_Connection *c,
	    struct request *req, enum error_kind kind)
{
	static const unsigned codes[E_COUNT] = {
		MHD_HTTP_BAD_REQUEST, MHD_HTTP_NOT_FOUND,
		MHD_HTTP_METHOD_NOT_ALLOWED, MHD_HTTP_URI_TOO_LONG,
		MHD_HTTP_NO_CONTENT,
	};
	return queue(c, req, codes[kind], s->errors[kind], 0);
}

/* Choose the representation and whether the client already has it. */
static enum MHD_Result
serve_file(struct MHD_Connection *c, struct request *req,
	   const struct served_file *sf)
{
	const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						      MHD_HTTP_HEADER_IF_NONE_MATCH);
	const char *ims = MHD_lookup_connection_value(
		c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
	const char *ae = MHD_lookup_connection_value(
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
			sf->last_modified <= since;
	}
	if (fresh) {
		return queue(c, req, MHD_HTTP_NOT_MODIFIED,
			     gzip ? sf->not_modified_gzip : sf->not_modified, 0);
	}
	if (gzip) {
		return queue(c, req, MHD_HTTP_OK, sf->full_gzip, sf->gzip_len);
	}
	return queue(c, req, MHD_HTTP_OK, sf->full, sf->file->len);
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
       const char *method, const char *http_version, const char *upload_data,
       size_t *upload_size, void **con_cls)
{
	struct wf_server *s = cls;
	(void)upload_data;
	struct request *req = *con_cls;
	if (!req) {
		req = xzalloc(sizeof(*req));
		req->head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
		if (s->access_log) {
			req->line = xasprintf("%.16s %.4096s %.16s", method,
					      url, http_version);
		}
		*con_cls = req;
		atomic_fetch_add(&s->in_flight, 1);
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
		*upload_size = 0; /* a body on a GET: read and dropped */
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
	enum MHD_Result rc = sf ? serve_file(c, req, sf)
				: queue_error(s, c, req, E404);
	version_unref(v);
	return rc;
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
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
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
	const char *referer = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							  MHD_HTTP_HEADER_REFERER);
	const char *agent = MHD_lookup_connection_value(
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
	free(req->line);
	free(req);
	*con_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
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
	struct MHD_Response *r = MHD_create_response_from_buffer(
		strlen(body), (void *)(uintptr_t)body, MHD_RESPMEM_PERSISTENT);
	if (*body) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
					"text/plain; charset=utf-8");
	}
	if (allow) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	}
	return r;
}

enum wf_status
wf_server_start(const struct wf_server_options *o, struct wf_feedset *set,
		struct wf_server **out, struct wf_diag *diag)
{
	struct wf_server *s = xzalloc(sizeof(*s));
	s->listen_fd = open_listener(o->address, o->port, &s->port, diag);
	if (s->listen_fd < 0) {
		free(s);
		return WF_ERR_IO;
	}
	s->max_age = o->cache_max_age_s;
	s->access_log = o->access_log;
	pthread_mutex_init(&s->lock, NULL);
	atomic_init(&s->in_flight, 0);
	s->errors[E400] = text_response("400 Bad Request\n", NULL);
	s->errors[E404] = text_response("404 Not Found\n", NULL);
	s->errors[E405] = text_response("405 Method Not Allowed\n",
					"GET, HEAD, OPTIONS");
	s->errors[E414] = text_response("414 URI Too Long\n", NULL);
	s->errors[E_OPTIONS] = text_response("", "GET, HEAD, OPTIONS");
	s->current = version_create(s, set, NULL);

	unsigned threads = o->threads;
	if (threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 1;
	}
	s->daemon = MHD_start_daemon(
		MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG,
		0, NULL, NULL, handle, s,
		MHD_OPTION_LISTEN_SOCKET, (MHD_socket)s->listen_fd,
		MHD_OPTION_THREAD_POOL_SIZE, threads,
		MHD_OPTION_CONNECTION_LIMIT,
		o->max_connections ? o->max_connections : DEFAULT_MAX_CONNECTIONS,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->max_per_client,
		MHD_OPTION_CONNECTION_TIMEOUT,
		o->timeout_s ? o->timeout_s : DEFAULT_TIMEOUT_S,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY_BYTES,
		MHD_OPTION_NOTIFY_COMPLETED, completed, s,
		MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_END);
	if (!s->daemon) {
		wf_diag_set(diag, NULL, 0, 0,
			    "cannot start the HTTP server on %s:%u", o->address,
			    s->port);
		version_unref(s->current);
		for (int i = 0; i < E_COUNT; i++) {
			MHD_destroy_response(s->errors[i]);
		}
		close(s->listen_fd);
		pthread_mutex_destroy(&s->lock);
		free(s);
		return WF_ERR_IO;
	}
	*out = s;
	return WF_OK;
}

uint16_t
wf_server_port(const struct wf_server *s)
{
	return s->port;
}

void
wf_server_stop(struct wf_server *s, unsigned grace_ms)
{
	if (!s) {
		return;
	}
	MHD_quiesce_daemon(s->daemon); /* no new connections */
	for (unsigned waited = 0;
	     atomic_load(&s->in_flight) > 0 && waited < grace_ms; waited += 10) {
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	}
	MHD_stop_daemon(s->daemon);
	close(s->listen_fd);
	version_unref(s->current);
	for (int i = 0; i < E_COUNT; i++) {
		MHD_destroy_response(s->errors[i]);
	}
	pthread_mutex_destroy(&s->lock);
	free(s);
}
