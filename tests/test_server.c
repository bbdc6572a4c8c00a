/* SPDX-License-Identifier: MIT */
/* The HTTP server in process, on a loopback port the kernel picks, checked
 * with libcurl: headers, conditional GET, gzip, HEAD, errors, path escapes,
 * swapping sets under concurrent load. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <pthread.h>
#include <errno.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <zlib.h>

#include "wirefeed/server.h"
#include "helpers.h"
#include "http_cond.h"

static const char atom_a[] = "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">version A</feed>\n";
static const char atom_b[] = "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">version B, longer than A</feed>\n";

static struct wf_feedset *
make_set(const char *atom_text, int64_t updated)
{
	struct wf_feedset *set = wf_feedset_create();
	struct wf_time t = { updated, 0, -5 * 3600 };
	wf_feedset_add(set, "atom.xml", WF_FILE_ATOM, strdup(atom_text),
		       strlen(atom_text), t, "Wire", 1);
	/* a bigger RSS file, so gzip has something to do */
	size_t n = 20000;
	char *rss = malloc(n + 1);
	memset(rss, 'x', n);
	memcpy(rss, "<rss version=\"2.0\">", 19);
	memcpy(rss + n - 6, "</rss>", 6);
	rss[n] = '\0';
	wf_feedset_add(set, "sections/politics/rss.xml", WF_FILE_RSS, rss, n, t,
		       "Politics", 0);
	const char *html = "<!DOCTYPE html><title>feeds</title>";
	wf_feedset_add(set, "index.html", WF_FILE_HTML, strdup(html),
		       strlen(html), t, "Wire", 1);
	return set;
}

static struct wf_server *server;
static struct wf_feedset *set_a, *set_b;
static char base[64];
static int64_t started_utc; /* just before the server started */

static void
setup(void)
{
	set_a = make_set(atom_a, 1640887920); /* Thu, 30 Dec 2021 18:12:00 GMT */
	set_b = make_set(atom_b, 1640890800);
	struct wf_server_options o = {
		.address = "127.0.0.1", .port = 0, .threads = 2,
		.cache_max_age_s = 120, .timeout_s = 5,
	};
	struct wf_diag d = { 0 };
	started_utc = (int64_t)time(NULL);
	ck_assert_int_eq(wf_server_start(&o, set_a, &server, &d), WF_OK);
	snprintf(base, sizeof(base), "http://127.0.0.1:%u", wf_server_port(server));
}

static void
teardown(void)
{
	wf_server_stop(server, 1000);
	wf_feedset_unref(set_a);
	wf_feedset_unref(set_b);
}

/* One exchange: status, headers (lowercased names), body. */
struct reply {
	long status;
	char headers[8192];
	char *body;
	size_t len;
};

static size_t
on_body(char *data, size_t size, size_t n, void *userdata)
{
	struct reply *r = userdata;
	r->body = realloc(r->body, r->len + size * n + 1);
	memcpy(r->body + r->len, data, size * n);
	r->len += size * n;
	r->body[r->len] = '\0';
	return size * n;
}

static size_t
on_header(char *data, size_t size, size_t n, void *userdata)
{
	struct reply *r = userdata;
	size_t have = strlen(r->headers);
	size_t add = size * n;
	if (have + add + 1 < sizeof(r->headers)) {
		for (size_t i = 0; i < add; i++) {
			char c = data[i];
			/* lowercase the field name only */
			bool in_name = memchr(data, ':', i) == NULL;
			r->headers[have + i] = in_name && c >= 'A' && c <= 'Z'
						       ? (char)(c - 'A' + 'a')
						       : c;
		}
		r->headers[have + add] = '\0';
	}
	return add;
}

/* Request @path with @method and extra header lines (NULL-terminated). */
static void
request(struct reply *r, const char *method, const char *path,
	const char *const *headers)
{
	memset(r, 0, sizeof(*r));
	CURL *c = curl_easy_init();
	char url[8192];
	snprintf(url, sizeof(url), "%s%s", base, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	struct curl_slist *list = NULL;
	for (size_t i = 0; headers && headers[i]; i++) {
		list = curl_slist_append(list, headers[i]);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
	CURLcode rc = curl_easy_perform(c);
	ck_assert_msg(rc == CURLE_OK, "%s %s: %s", method, path,
		      curl_easy_strerror(rc));
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(list);
	curl_easy_cleanup(c);
}

static void
reply_free(struct reply *r)
{
	free(r->body);
}

/* Value of header @name (lowercase) into @out, or false. */
static bool
header(const struct reply *r, const char *name, char *out, size_t size)
{
	char key[128];
	snprintf(key, sizeof(key), "\n%s: ", name);
	char all[8200];
	snprintf(all, sizeof(all), "\n%s", r->headers);
	const char *p = strstr(all, key);
	if (!p) {
		return false;
	}
	p += strlen(key);
	size_t n = strcspn(p, "\r\n");
	snprintf(out, size, "%.*s", (int)n, p);
	return true;
}

#define ASSERT_HEADER(r, name, want) do { \
	char v_[1024]; \
	ck_assert_msg(header(r, name, v_, sizeof(v_)), "no %s in %s", name, (r)->headers); \
	ck_assert_str_eq(v_, want); \
} while (0)

/* Last-Modified of @r, in seconds. */
static int64_t
last_modified(const struct reply *r)
{
	char v[128];
	ck_assert_msg(header(r, "last-modified", v, sizeof(v)), "%s", r->headers);
	int64_t t;
	ck_assert_msg(http_parse_date(v, &t), "%s", v);
	return t;
}

static int64_t
last_modified_of(const char *path)
{
	struct reply r;
	request(&r, "GET", path, NULL);
	ck_assert_int_eq(r.status, 200);
	int64_t t = last_modified(&r);
	reply_free(&r);
	return t;
}

static void
format_http_date(int64_t t, char *out, size_t size)
{
	wf_time_format_http((struct wf_time){ .utc = t }, out, size);
}

START_TEST(serves_feeds_with_caching_headers)
{
	struct reply r;
	request(&r, "GET", "/atom.xml", NULL);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(r.len, strlen(atom_a));
	ck_assert_str_eq(r.body, atom_a);
	ASSERT_HEADER(&r, "content-type", "application/atom+xml; charset=utf-8");
	ASSERT_HEADER(&r, "etag", wf_feedset_find(set_a, "atom.xml")->etag);
	/* when the server first served these bytes (it had no published
	 * copy to learn an earlier date from), not the feed's updated */
	ck_assert_int_ge(last_modified(&r), started_utc);
	ck_assert_int_le(last_modified(&r), (int64_t)time(NULL));
	ASSERT_HEADER(&r, "cache-control", "public, max-age=120");
	ASSERT_HEADER(&r, "vary", "Accept-Encoding");
	reply_free(&r);
	request(&r, "GET", "/sections/politics/rss.xml", NULL);
	ck_assert_int_eq(r.status, 200);
	ASSERT_HEADER(&r, "content-type", "application/rss+xml; charset=utf-8");
	ck_assert_uint_eq(r.len, 20000);
	reply_free(&r);
	request(&r, "GET", "/", NULL);
	ck_assert_int_eq(r.status, 200);
	ASSERT_HEADER(&r, "content-type", "text/html; charset=utf-8");
	reply_free(&r);
}
END_TEST

START_TEST(etag_is_strong_and_derived_from_bytes)
{
	const char *etag = wf_feedset_find(set_a, "atom.xml")->etag;
	ck_assert_int_eq(etag[0], '"'); /* no W/ */
	/* an identical set built separately has the identical ETag */
	struct wf_feedset *again = make_set(atom_a, 1640887920);
	ck_assert_str_eq(wf_feedset_find(again, "atom.xml")->etag, etag);
	wf_feedset_unref(again);
	ck_assert_str_ne(wf_feedset_find(set_b, "atom.xml")->etag, etag);
}
END_TEST

START_TEST(conditional_get)
{
	const char *etag = wf_feedset_find(set_a, "atom.xml")->etag;
	char inm[256], list[512], weak[256];
	snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
	snprintf(list, sizeof(list), "If-None-Match: \"old\", %s", etag);
	snprintf(weak, sizeof(weak), "If-None-Match: W/%s", etag);
	int64_t lm = last_modified_of("/atom.xml");
	char date[64], at[128], later[128], earlier[128];
	format_http_date(lm, date, sizeof(date));
	snprintf(at, sizeof(at), "If-Modified-Since: %s", date);
	format_http_date(lm + 3600, date, sizeof(date));
	snprintf(later, sizeof(later), "If-Modified-Since: %s", date);
	format_http_date(lm - 1, date, sizeof(date));
	snprintf(earlier, sizeof(earlier), "If-Modified-Since: %s", date);
	const char *const fresh[][3] = {
		{ inm, NULL, NULL },
		{ list, NULL, NULL },
		{ weak, NULL, NULL },
		{ "If-None-Match: *", NULL, NULL },
		{ at, NULL, NULL },
		{ later, NULL, NULL },
		/* If-None-Match wins over a stale If-Modified-Since */
		{ inm, "If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT", NULL },
	};
	for (size_t i = 0; i < sizeof(fresh) / sizeof(fresh[0]); i++) {
		struct reply r;
		request(&r, "GET", "/atom.xml", fresh[i]);
		ck_assert_msg(r.status == 304, "%s: %ld", fresh[i][0], r.status);
		ck_assert_uint_eq(r.len, 0);
		ASSERT_HEADER(&r, "etag", etag);
		ASSERT_HEADER(&r, "cache-control", "public, max-age=120");
		reply_free(&r);
	}
	const char *const stale[][3] = {
		{ "If-None-Match: \"something-else\"", NULL, NULL },
		{ earlier, NULL, NULL },
		{ "If-Modified-Since: not a date", NULL, NULL },
		/* a stale ETag wins over a current If-Modified-Since */
		{ "If-None-Match: \"old\"", later, NULL },
	};
	for (size_t i = 0; i < sizeof(stale) / sizeof(stale[0]); i++) {
		struct reply r;
		request(&r, "GET", "/atom.xml", stale[i]);
		ck_assert_msg(r.status == 200, "%s: %ld", stale[i][0], r.status);
		ck_assert_str_eq(r.body, atom_a);
		reply_free(&r);
	}
}
END_TEST

START_TEST(head_has_headers_and_no_body)
{
	struct reply r;
	request(&r, "HEAD", "/atom.xml", NULL);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(r.len, 0);
	char len[32];
	snprintf(len, sizeof(len), "%zu", strlen(atom_a));
	ASSERT_HEADER(&r, "content-length", len);
	ASSERT_HEADER(&r, "etag", wf_feedset_find(set_a, "atom.xml")->etag);
	reply_free(&r);
}
END_TEST

static char *
gunzip(const char *data, size_t len, size_t *out_len)
{
	size_t cap = 1 << 20;
	char *out = malloc(cap);
	z_stream z = { 0 };
	ck_assert_int_eq(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(inflate(&z, Z_FINISH), Z_STREAM_END);
	*out_len = z.total_out;
	inflateEnd(&z);
	return out;
}

START_TEST(gzip_round_trip_with_own_etag)
{
	const char *const ae[] = { "Accept-Encoding: gzip, deflate", NULL };
	struct reply r;
	request(&r, "GET", "/sections/politics/rss.xml", ae);
	ck_assert_int_eq(r.status, 200);
	ASSERT_HEADER(&r, "content-encoding", "gzip");
	ASSERT_HEADER(&r, "vary", "Accept-Encoding");
	ck_assert_uint_lt(r.len, 1000); /* 20000 bytes of 'x' compress well */
	size_t n;
	char *plain = gunzip(r.body, r.len, &n);
	const struct wf_rendered_file *f = wf_feedset_find(set_a, "sections/politics/rss.xml");
	ck_assert_uint_eq(n, f->len);
	ck_assert_mem_eq(plain, f->data, n);
	free(plain);
	char etag[256];
	ck_assert(header(&r, "etag", etag, sizeof(etag)));
	ck_assert_str_ne(etag, f->etag);
	reply_free(&r);
	/* the gzip ETag revalidates the gzip representation */
	char inm[300];
	snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
	const char *const both[] = { "Accept-Encoding: gzip", inm, NULL };
	request(&r, "GET", "/sections/politics/rss.xml", both);
	ck_assert_int_eq(r.status, 304);
	reply_free(&r);
	/* the same bytes every time (compressed once per version) */
	request(&r, "GET", "/sections/politics/rss.xml", ae);
	char etag2[256];
	ck_assert(header(&r, "etag", etag2, sizeof(etag2)));
	ck_assert_str_eq(etag, etag2);
	reply_free(&r);
	/* q=0 and no Accept-Encoding: identity */
	const char *const refused[] = { "Accept-Encoding: gzip;q=0", NULL };
	request(&r, "GET", "/sections/politics/rss.xml", refused);
	ck_assert(!header(&r, "content-encoding", etag2, sizeof(etag2)));
	ck_assert_uint_eq(r.len, 20000);
	reply_free(&r);
}
END_TEST

START_TEST(errors_and_methods)
{
	struct reply r;
	request(&r, "GET", "/nope.xml", NULL);
	ck_assert_int_eq(r.status, 404);
	reply_free(&r);
	const char *methods[] = { "POST", "PUT", "DELETE", "PATCH" };
	for (size_t i = 0; i < 4; i++) {
		request(&r, methods[i], "/atom.xml", NULL);
		ck_assert_int_eq(r.status, 405);
		ASSERT_HEADER(&r, "allow", "GET, HEAD, OPTIONS");
		reply_free(&r);
	}
	request(&r, "OPTIONS", "/atom.xml", NULL);
	ck_assert_int_eq(r.status, 204);
	ASSERT_HEADER(&r, "allow", "GET, HEAD, OPTIONS");
	reply_free(&r);
	/* an overlong target: ours (414), and beyond MHD's buffer */
	char *path = malloc(40000);
	path[0] = '/';
	memset(path + 1, 'a', 3000);
	path[3001] = '\0';
	request(&r, "GET", path, NULL);
	ck_assert_int_eq(r.status, 414);
	reply_free(&r);
	memset(path + 1, 'a', 39000);
	path[39001] = '\0';
	request(&r, "GET", path, NULL);
	ck_assert_int_ge(r.status, 400);
	ck_assert_int_lt(r.status, 500);
	reply_free(&r);
	free(path);
}
END_TEST

START_TEST(no_path_escapes_the_feed_set)
{
	const char *paths[] = {
		"/../etc/passwd", "/%2e%2e/etc/passwd", "/%2E%2E%2Fetc%2Fpasswd",
		"/sections/..%2f..%2fetc/passwd", "/atom.xml%00.html",
		"/sections%2fpolitics%2frss.xml", "//etc/passwd", "/./atom.xml",
		"/%zz",
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct reply r;
		request(&r, "GET", paths[i], NULL);
		ck_assert_msg(r.status == 400, "%s: %ld", paths[i], r.status);
		reply_free(&r);
	}
	/* a legitimately escaped name still works */
	struct reply r;
	request(&r, "GET", "/%61tom.xml", NULL);
	ck_assert_int_eq(r.status, 200);
	reply_free(&r);
	request(&r, "GET", "/atom.xml?utm_source=x", NULL);
	ck_assert_int_eq(r.status, 200);
	reply_free(&r);
}
END_TEST

START_TEST(swap_serves_the_new_set)
{
	struct reply r;
	int64_t before = last_modified_of("/atom.xml");
	wf_server_swap(server, set_b);
	request(&r, "GET", "/atom.xml", NULL);
	ck_assert_str_eq(r.body, atom_b);
	ASSERT_HEADER(&r, "etag", wf_feedset_find(set_b, "atom.xml")->etag);
	/* later, or (changed within the second the old set was dated in)
	 * that second shared: the test that follows checks what that means */
	ck_assert_int_ge(last_modified(&r), before);
	reply_free(&r);
	/* the old ETag is now stale */
	char inm[256];
	snprintf(inm, sizeof(inm), "If-None-Match: %s",
		 wf_feedset_find(set_a, "atom.xml")->etag);
	const char *const h[] = { inm, NULL };
	request(&r, "GET", "/atom.xml", h);
	ck_assert_int_eq(r.status, 200);
	reply_free(&r);
	/* gzip bodies: the changed file's is new, the unchanged file's is
	 * carried over (same bytes, same ETag) across swaps both ways */
	const char *const ae[] = { "Accept-Encoding: gzip", NULL };
	for (int round = 0; round < 3; round++) {
		struct wf_feedset *now = round % 2 ? set_a : set_b;
		if (round > 0) {
			wf_server_swap(server, now);
		}
		const char *paths[] = { "/atom.xml", "/sections/politics/rss.xml" };
		for (int k = 0; k < 2; k++) {
			request(&r, "GET", paths[k], ae);
			ck_assert_int_eq(r.status, 200);
			ASSERT_HEADER(&r, "content-encoding", "gzip");
			size_t n;
			char *plain = gunzip(r.body, r.len, &n);
			const struct wf_rendered_file *f =
				wf_feedset_find(now, paths[k] + 1);
			ck_assert_uint_eq(n, f->len);
			ck_assert_mem_eq(plain, f->data, n);
			free(plain);
			reply_free(&r);
		}
	}
}
END_TEST

/* Clients hammer the server while the main thread swaps sets: every
 * response must be exactly one version, with that version's ETag. */
static atomic_int stop_load;
static atomic_int bad_responses;
static atomic_int good_responses;

static void *
load_thread(void *arg)
{
	(void)arg;
	CURL *c = curl_easy_init();
	char url[128];
	snprintf(url, sizeof(url), "%s/atom.xml", base);
	const char *etag_a = wf_feedset_find(set_a, "atom.xml")->etag;
	const char *etag_b = wf_feedset_find(set_b, "atom.xml")->etag;
	while (!atomic_load(&stop_load)) {
		struct reply r;
		memset(&r, 0, sizeof(r));
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
		curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
		CURLcode rc = curl_easy_perform(c);
		char etag[128] = "";
		header(&r, "etag", etag, sizeof(etag));
		bool ok = rc == CURLE_OK && r.body &&
			  ((strcmp(r.body, atom_a) == 0 && strcmp(etag, etag_a) == 0) ||
			   (strcmp(r.body, atom_b) == 0 && strcmp(etag, etag_b) == 0));
		atomic_fetch_add(ok ? &good_responses : &bad_responses, 1);
		free(r.body);
	}
	curl_easy_cleanup(c);
	return NULL;
}

START_TEST(swap_under_load_never_mixes_versions)
{
	atomic_store(&stop_load, 0);
	pthread_t t[4];
	for (int i = 0; i < 4; i++) {
		pthread_create(&t[i], NULL, load_thread, NULL);
	}
	/* a swap every millisecond (versions within one second share their
	 * date: no swap waits), until the clients have made 200 requests */
	for (int i = 0; i < 5000 && atomic_load(&good_responses) < 200; i++) {
		wf_server_swap(server, i % 2 ? set_a : set_b);
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
	atomic_store(&stop_load, 1);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
	}
	ck_assert_int_eq(atomic_load(&bad_responses), 0);
	ck_assert_int_ge(atomic_load(&good_responses), 200);
}
END_TEST

START_TEST(port_in_use_is_a_clear_error)
{
	struct wf_server_options o = { .address = "127.0.0.1",
				       .port = wf_server_port(server) };
	struct wf_server *second = NULL;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_server_start(&o, set_a, &second, &d), WF_ERR_IO);
	ck_assert_ptr_nonnull(strstr(d.message, "Address already in use"));
	o.address = "localhost"; /* numeric only */
	ck_assert_int_eq(wf_server_start(&o, set_a, &second, &d), WF_ERR_IO);
	ck_assert_ptr_nonnull(strstr(d.message, "numeric"));
}
END_TEST

/* A raw TCP connection to the server under test. */
static int
connect_raw(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	struct timeval tv = { 5, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* Send @raw on a fresh connection and read until the server closes it
 * (or 3 s pass); the whole answer, NUL-terminated. */
static char *
exchange_raw(uint16_t port, const char *raw, size_t len)
{
	int fd = connect_raw(port);
	struct timeval tv = { 3, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ck_assert_int_eq(write(fd, raw, len), (ssize_t)len);
	size_t cap = 1 << 16, have = 0;
	char *out = malloc(cap + 1);
	for (;;) {
		ssize_t n = read(fd, out + have, cap - have);
		if (n <= 0) {
			break;
		}
		have += (size_t)n;
		if (have == cap) {
			break;
		}
	}
	out[have] = '\0';
	close(fd);
	return out;
}

static unsigned
count_responses(const char *answer)
{
	unsigned n = 0;
	for (const char *p = answer; (p = strstr(p, "HTTP/1.1 ")) != NULL; p++) {
		n++;
	}
	return n;
}

/* issue 17.11: what RFC 9112 requires a server to refuse, so that a proxy
 * in front and wirefeed never split a byte stream differently. Each is
 * followed by a pipelined request that must not be answered: the
 * connection closes after the 400. */
START_TEST(refuses_ambiguous_framing)
{
	static const struct {
		const char *name;
		const char *head; /* up to the blank line */
		size_t len;
	} bad[] = {
#define RAW(name, text) { name, text, sizeof(text) - 1 }
		RAW("conflicting Content-Length",
		    "GET /atom.xml HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nb"),
		RAW("Content-Length with Transfer-Encoding",
		    "GET /atom.xml HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
		RAW("raw NUL in the target",
		    "GET /atom.xml\0x HTTP/1.1\r\nHost: x\r\n\r\n"),
		RAW("raw space in the target",
		    "GET /atom.xml x HTTP/1.1\r\nHost: x\r\n\r\n"),
		RAW("HTTP/1.1 without Host",
		    "GET /atom.xml HTTP/1.1\r\nAccept: */*\r\n\r\n"),
		RAW("two Host fields",
		    "GET /atom.xml HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
		RAW("space before the colon",
		    "GET /atom.xml HTTP/1.1\r\nHost: x\r\nContent-Length : 1\r\n\r\n"),
		RAW("tab before the colon",
		    "GET /atom.xml HTTP/1.1\r\nHost: x\r\nAccept\t: */*\r\n\r\n"),
#undef RAW
	};
	const char next[] = "GET /rss.xml HTTP/1.1\r\nHost: x\r\n\r\n";
	uint16_t port = wf_server_port(server);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = bad[i].len + sizeof(next) - 1;
		char *raw = malloc(len);
		memcpy(raw, bad[i].head, bad[i].len);
		memcpy(raw + bad[i].len, next, sizeof(next) - 1);
		char *answer = exchange_raw(port, raw, len);
		ck_assert_msg(strncmp(answer, "HTTP/1.1 400 ", 13) == 0,
			      "%s: %.40s", bad[i].name, answer);
		ck_assert_msg(count_responses(answer) == 1,
			      "%s: the pipelined request was answered",
			      bad[i].name);
		free(answer);
		free(raw);
	}
	/* what stays legal: HTTP/1.0 without Host, a repeated identical
	 * Content-Length (RFC 9110 §8.6), two requests pipelined */
	static const char *const good[] = {
		"GET /atom.xml HTTP/1.0\r\n\r\n",
		"GET /atom.xml HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\nConnection: close\r\n\r\nb",
		"GET /atom.xml HTTP/1.1\r\nHost: x\r\n\r\nGET /atom.xml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	};
	static const unsigned responses[] = { 1, 1, 2 };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char *answer = exchange_raw(port, good[i], strlen(good[i]));
		ck_assert_msg(strncmp(answer, "HTTP/1.", 7) == 0 &&
				      strncmp(answer + 8, " 200 ", 5) == 0,
			      "%s: %.40s", good[i], answer);
		ck_assert_uint_eq(count_responses(answer) +
					  (strncmp(answer, "HTTP/1.0", 8) == 0),
				  responses[i]);
		free(answer);
	}
}
END_TEST

/* issue 17.2: Last-Modified moves forward exactly when the bytes change,
 * whatever the feed's own updated does: a withdrawn newest story takes
 * updated back, a minor edit leaves it alone. */
START_TEST(last_modified_moves_exactly_when_bytes_change)
{
	int64_t lm0 = last_modified_of("/atom.xml");
	int64_t other0 = last_modified_of("/sections/politics/rss.xml");
	/* no change: the same bytes rendered again keep their date */
	struct wf_feedset *same = make_set(atom_a, 1640887920);
	wf_server_swap(server, same);
	wf_feedset_unref(same);
	ck_assert_int_eq(last_modified_of("/atom.xml"), lm0);
	/* the newest story withdrawn: new bytes, an older feed updated */
	const char withdrawn[] = "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">newest withdrawn</feed>\n";
	struct wf_feedset *older = make_set(withdrawn, 1500000000);
	wf_server_swap(server, older);
	wf_feedset_unref(older);
	int64_t lm1 = last_modified_of("/atom.xml");
	/* later, or the same second shared (served at once, no wait) */
	ck_assert_int_ge(lm1, lm0);
	/* a client that revalidates by date alone gets the new bytes, even
	 * when the date is shared */
	char date[64], ims[128];
	format_http_date(lm0, date, sizeof(date));
	snprintf(ims, sizeof(ims), "If-Modified-Since: %s", date);
	const char *const h[] = { ims, NULL };
	struct reply r;
	request(&r, "GET", "/atom.xml", h);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, withdrawn);
	reply_free(&r);
	/* a minor edit with the same feed updated */
	const char edited[] = "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">newest withdrawn, typo fixed</feed>\n";
	struct wf_feedset *minor = make_set(edited, 1500000000);
	wf_server_swap(server, minor);
	wf_feedset_unref(minor);
	int64_t lm2 = last_modified_of("/atom.xml");
	ck_assert_int_ge(lm2, lm1);
	format_http_date(lm1, date, sizeof(date));
	snprintf(ims, sizeof(ims), "If-Modified-Since: %s", date);
	request(&r, "GET", "/atom.xml", h);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, edited);
	reply_free(&r);
	/* reverting to earlier bytes is a change too */
	wf_server_swap(server, set_a);
	int64_t lm3 = last_modified_of("/atom.xml");
	ck_assert_int_ge(lm3, lm2);
	format_http_date(lm2, date, sizeof(date));
	snprintf(ims, sizeof(ims), "If-Modified-Since: %s", date);
	request(&r, "GET", "/atom.xml", h);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, atom_a);
	reply_free(&r);
	/* the file that never changed kept its date throughout */
	ck_assert_int_eq(last_modified_of("/sections/politics/rss.xml"), other0);
}
END_TEST

/* Two versions within one second: the second is served at once, sharing
 * the first one's date; that date validates nothing, and once the second
 * has passed the server re-dates the file so that it validates again. */
START_TEST(a_shared_date_is_served_at_once_and_redated)
{
	/* start just after a second boundary so that both swaps fall
	 * within one second */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct timespec nap = { 0, 1000000000L - ts.tv_nsec + 20000000L };
	if (nap.tv_nsec >= 1000000000L) {
		nap.tv_sec++;
		nap.tv_nsec -= 1000000000L;
	}
	nanosleep(&nap, NULL);
	const char one[] = "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">one</feed>\n";
	const char two[] = "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">two</feed>\n";
	struct wf_feedset *s1 = make_set(one, 1500000000);
	struct wf_feedset *s2 = make_set(two, 1500000000);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	wf_server_swap(server, s1);
	int64_t lm1 = last_modified_of("/atom.xml");
	wf_server_swap(server, s2);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	int64_t lm2 = last_modified_of("/atom.xml");
	wf_feedset_unref(s1);
	wf_feedset_unref(s2);
	/* no wait for the next second */
	int64_t swap_ms = (t1.tv_sec - t0.tv_sec) * 1000 +
			  (t1.tv_nsec - t0.tv_nsec) / 1000000;
	ck_assert_msg(swap_ms < 500, "two swaps took %lld ms", (long long)swap_ms);
	ck_assert_int_eq(lm2, lm1); /* shared */
	char date[64], ims[128];
	format_http_date(lm2, date, sizeof(date));
	snprintf(ims, sizeof(ims), "If-Modified-Since: %s", date);
	const char *const h[] = { ims, NULL };
	struct reply r;
	request(&r, "GET", "/atom.xml", h);
	ck_assert_int_eq(r.status, 200); /* a shared date is no validator */
	ck_assert_str_eq(r.body, two);
	reply_free(&r);
	/* re-dated once the second has passed: a date of its own */
	int64_t lm = lm2;
	for (int i = 0; i < 300 && lm == lm2; i++) {
		struct timespec tick = { 0, 10000000L };
		nanosleep(&tick, NULL);
		lm = last_modified_of("/atom.xml");
	}
	ck_assert_int_gt(lm, lm2);
	format_http_date(lm, date, sizeof(date));
	snprintf(ims, sizeof(ims), "If-Modified-Since: %s", date);
	request(&r, "GET", "/atom.xml", h);
	ck_assert_int_eq(r.status, 304);
	reply_free(&r);
	/* the bytes did not change: the ETag did not either */
	wf_server_swap(server, set_a);
}
END_TEST

/* With the published copy given, Last-Modified is that file's mtime when
 * it holds the same bytes: a restart does not change it. */
START_TEST(last_modified_survives_restart_through_published_files)
{
	char *dir = helpers_make_tempdir();
	char path[4200];
	snprintf(path, sizeof(path), "%s/atom.xml", dir);
	helpers_write_file(path, atom_a, strlen(atom_a));
	const int64_t then = 1640887920; /* Thu, 30 Dec 2021 18:12:00 GMT */
	struct timespec times[2] = { { then, 0 }, { then, 0 } };
	ck_assert_int_eq(utimensat(AT_FDCWD, path, times, 0), 0);
	/* index.html published with other bytes: its mtime means nothing */
	snprintf(path, sizeof(path), "%s/index.html", dir);
	helpers_write_file(path, "old page", 8);
	ck_assert_int_eq(utimensat(AT_FDCWD, path, times, 0), 0);
	struct wf_server_options o = { .address = "127.0.0.1", .threads = 1,
				       .out_dir = dir };
	struct wf_server *again = NULL;
	struct wf_diag d = { 0 };
	int64_t t0 = (int64_t)time(NULL);
	ck_assert_int_eq(wf_server_start(&o, set_a, &again, &d), WF_OK);
	snprintf(base, sizeof(base), "http://127.0.0.1:%u", wf_server_port(again));
	struct reply r;
	request(&r, "GET", "/atom.xml", NULL);
	ASSERT_HEADER(&r, "last-modified", "Thu, 30 Dec 2021 18:12:00 GMT");
	reply_free(&r);
	ck_assert_int_ge(last_modified_of("/"), t0);
	ck_assert_int_ge(last_modified_of("/sections/politics/rss.xml"), t0);
	wf_server_stop(again, 1000);
	helpers_rmtree(dir);
	free(dir);
}
END_TEST

/* Seconds (monotonic) until the server closes @fd, sending @drip one
 * byte every 300 ms meanwhile; -1 if still open after @limit_s. */
static double
seconds_until_closed(int fd, const char *drip, int limit_s)
{
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t i = 0;; i++) {
		char buf[512];
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		clock_gettime(CLOCK_MONOTONIC, &now);
		double elapsed = (double)(now.tv_sec - t0.tv_sec) +
				 (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
			return elapsed;
		}
		if (elapsed > limit_s) {
			return -1;
		}
		if (send(fd, drip + i % strlen(drip), 1, MSG_NOSIGNAL) != 1) {
			return elapsed;
		}
		nanosleep(&(struct timespec){ 0, 300 * 1000 * 1000 }, NULL);
	}
}

/* issue 17.4: sending a header byte now and then no longer keeps a
 * connection: the whole header is due within the header timeout, and a
 * body must keep a minimum rate. */
START_TEST(slow_headers_and_bodies_are_cut)
{
	struct wf_server_options o = {
		.address = "127.0.0.1", .threads = 1, .timeout_s = 30,
		.header_timeout_s = 1,
	};
	struct wf_server *strict = NULL;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_server_start(&o, set_a, &strict, &d), WF_OK);
	uint16_t port = wf_server_port(strict);
	/* a header dripped byte by byte: cut after ~1 s, not 30 */
	int fd = connect_raw(port);
	double t = seconds_until_closed(fd, "GET /atom.xml HTTP/1.1\r\nX-A: aaaaaaaaaaaaaaaaaaaaaaaaa", 10);
	close(fd);
	ck_assert_msg(t >= 0.9 && t < 3, "header cut after %.1f s", t);
	/* an idle keep-alive connection counts as waiting for its header */
	fd = connect_raw(port);
	const char req[] = "GET /atom.xml HTTP/1.1\r\nHost: x\r\n\r\n";
	ck_assert_int_eq(write(fd, req, sizeof(req) - 1), (ssize_t)sizeof(req) - 1);
	char buf[4096];
	ck_assert_int_gt(read(fd, buf, sizeof(buf)), 12);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (read(fd, buf, sizeof(buf)) > 0) {
		/* the rest of the response */
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_int_lt(t1.tv_sec - t0.tv_sec, 4);
	close(fd);
	/* a body trickling at 3 bytes a second: cut after the grace */
	fd = connect_raw(port);
	const char head[] = "GET /atom.xml HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n";
	ck_assert_int_eq(write(fd, head, sizeof(head) - 1), (ssize_t)sizeof(head) - 1);
	t = seconds_until_closed(fd, "b", 10);
	close(fd);
	ck_assert_msg(t >= 0.9 && t < 3, "body cut after %.1f s", t);
	/* a body over the limit, however fast: closed */
	fd = connect_raw(port);
	const char big[] = "GET /atom.xml HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n";
	ck_assert_int_eq(write(fd, big, sizeof(big) - 1), (ssize_t)sizeof(big) - 1);
	char *chunk = calloc(1, 1 << 16);
	size_t sent = 0;
	ssize_t n;
	while (sent < 1000000 &&
	       (n = send(fd, chunk, 1000000 - sent < (1 << 16) ? 1000000 - sent : (1 << 16),
			 MSG_NOSIGNAL)) > 0) {
		sent += (size_t)n;
	}
	free(chunk);
	n = read(fd, buf, sizeof(buf) - 1); /* closed, never answered */
	ck_assert_int_le(n, 0);
	close(fd);
	/* and a quick client is still served */
	fd = connect_raw(port);
	const char full[] = "GET /atom.xml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	ck_assert_int_eq(write(fd, full, sizeof(full) - 1), (ssize_t)sizeof(full) - 1);
	n = read(fd, buf, sizeof(buf) - 1);
	ck_assert_int_gt(n, 12);
	buf[n] = '\0';
	ck_assert_ptr_nonnull(strstr(buf, "HTTP/1.1 200"));
	close(fd);
	wf_server_stop(strict, 1000);
}
END_TEST

/* issue 17.4: never more connections than descriptors to hold them */
START_TEST(connections_are_capped_by_the_open_file_limit)
{
	/* Check runs each test in its own process: the lower limit stays here */
	struct rlimit rl = { 300, 300 };
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	struct wf_server_options o = { .address = "127.0.0.1", .threads = 1,
				       .max_connections = 5000 };
	struct wf_server *capped = NULL;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_server_start(&o, set_a, &capped, &d), WF_OK);
	ck_assert_uint_le(wf_server_max_connections(capped), 300 - 64);
	ck_assert_uint_gt(wf_server_max_connections(capped), 100);
	wf_server_stop(capped, 1000);
	o.max_connections = 50; /* below the limit: as asked */
	ck_assert_int_eq(wf_server_start(&o, set_a, &capped, &d), WF_OK);
	ck_assert_uint_eq(wf_server_max_connections(capped), 50);
	wf_server_stop(capped, 1000);
}
END_TEST

START_TEST(limits_slow_and_greedy_clients)
{
	struct wf_server_options o = {
		.address = "127.0.0.1", .port = 0, .threads = 1,
		.max_per_client = 2, .timeout_s = 1,
	};
	struct wf_server *limited = NULL;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_server_start(&o, set_a, &limited, &d), WF_OK);
	uint16_t port = wf_server_port(limited);
	/* two connections from one address are fine; the third is closed
	 * at once without an answer */
	int a = connect_raw(port), b = connect_raw(port);
	nanosleep(&(struct timespec){ 0, 200 * 1000 * 1000 }, NULL);
	int c = connect_raw(port);
	char buf[256];
	ssize_t n = read(c, buf, sizeof(buf));
	ck_assert_int_le(n, 0);
	close(c);
	/* a slow client that never finishes its request is dropped after
	 * the timeout */
	const char partial[] = "GET /atom.xml HTTP/1.1\r\nHost: x\r\n";
	ck_assert_int_eq(write(a, partial, sizeof(partial) - 1), (ssize_t)sizeof(partial) - 1);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = read(a, buf, sizeof(buf));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_int_le(n, 0);
	ck_assert_int_lt(t1.tv_sec - t0.tv_sec, 5);
	close(a);
	/* the other one still gets served when it asks */
	const char full[] = "GET /atom.xml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	close(b);
	b = connect_raw(port);
	ck_assert_int_eq(write(b, full, sizeof(full) - 1), (ssize_t)sizeof(full) - 1);
	n = read(b, buf, sizeof(buf) - 1);
	ck_assert_int_gt(n, 12);
	buf[n] = '\0';
	ck_assert_ptr_nonnull(strstr(buf, "HTTP/1.1 200"));
	close(b);
	/* a malformed request line gets a 400 from the server */
	b = connect_raw(port);
	const char junk[] = "NOT A REQUEST\r\n\r\n";
	ck_assert_int_eq(write(b, junk, sizeof(junk) - 1), (ssize_t)sizeof(junk) - 1);
	n = read(b, buf, sizeof(buf) - 1);
	ck_assert_int_gt(n, 12);
	buf[n] = '\0';
	ck_assert_ptr_nonnull(strstr(buf, " 400 "));
	close(b);
	wf_server_stop(limited, 1000);
}
END_TEST

int
main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	Suite *s = suite_create("server");
	TCase *tc = tcase_create("http");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, serves_feeds_with_caching_headers);
	tcase_add_test(tc, etag_is_strong_and_derived_from_bytes);
	tcase_add_test(tc, conditional_get);
	tcase_add_test(tc, head_has_headers_and_no_body);
	tcase_add_test(tc, gzip_round_trip_with_own_etag);
	tcase_add_test(tc, errors_and_methods);
	tcase_add_test(tc, no_path_escapes_the_feed_set);
	tcase_add_test(tc, swap_serves_the_new_set);
	tcase_add_test(tc, swap_under_load_never_mixes_versions);
	tcase_add_test(tc, port_in_use_is_a_clear_error);
	tcase_add_test(tc, limits_slow_and_greedy_clients);
	tcase_add_test(tc, refuses_ambiguous_framing);
	tcase_add_test(tc, slow_headers_and_bodies_are_cut);
	tcase_add_test(tc, connections_are_capped_by_the_open_file_limit);
	tcase_add_test(tc, last_modified_moves_exactly_when_bytes_change);
	tcase_add_test(tc, a_shared_date_is_served_at_once_and_redated);
	tcase_add_test(tc, last_modified_survives_restart_through_published_files);
	suite_add_tcase(s, tc);
	int rc = helpers_run_suite(s);
	curl_global_cleanup();
	return rc;
}
