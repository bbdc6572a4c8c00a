/* SPDX-License-Identifier: MIT */
/* `wirefeed serve` end to end: the real binary on a loopback port it picks
 * (--listen 127.0.0.1:0, announced on stderr), a copy of the sample
 * newswire, libcurl and python3-feedparser as clients. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <libxml/parser.h>

#include "http_cond.h"
#include "sha256.h"
#include "helpers.h"

struct served {
	char *tmp;
	char root[4096];
	char out[4096];
	char log[4096];
	char base[64];
	pid_t pid;
};

/* A copy of the sample newswire in a fresh temporary directory. */
static void
serve_prepare(struct served *s)
{
	s->tmp = helpers_make_tempdir();
	snprintf(s->root, sizeof(s->root), "%s/wire", s->tmp);
	snprintf(s->out, sizeof(s->out), "%s/public", s->tmp);
	snprintf(s->log, sizeof(s->log), "%s/serve.log", s->tmp);
	ck_assert_int_eq(helpers_copy_sample_wire(s->root), 0);
}

/* Start the server on the prepared copy and learn its port. */
static void
serve_launch2(struct served *s, const char *extra_arg, const char *extra_arg2)
{
	const char *argv[] = {
		helpers_binary(), "serve", "--root", s->root, "--out",
		s->out, "--listen", "127.0.0.1:0", "--scan-interval", "1",
		"--grace", "5", extra_arg, extra_arg2, NULL,
	};
	s->pid = helpers_spawn(argv, s->log);
	char *text = helpers_wait_for_text(s->log, "serving", 10000);
	ck_assert_msg(text != NULL, "server did not start");
	const char *p = strstr(text, "http://127.0.0.1:");
	ck_assert_ptr_nonnull(p);
	unsigned port = (unsigned)atoi(p + strlen("http://127.0.0.1:"));
	ck_assert_uint_gt(port, 0);
	snprintf(s->base, sizeof(s->base), "http://127.0.0.1:%u", port);
	free(text);
}

static void
serve_launch(struct served *s, const char *extra_arg)
{
	serve_launch2(s, extra_arg, NULL);
}

static void
serve_start(struct served *s, const char *extra_arg)
{
	serve_prepare(s);
	serve_launch(s, extra_arg);
}

static void
serve_stop(struct served *s)
{
	kill(s->pid, SIGTERM);
	int rc = helpers_wait_exit(s->pid, 15000);
	ck_assert_msg(rc == 0, "serve exited with %d", rc);
	helpers_rmtree(s->tmp);
	free(s->tmp);
}

struct reply {
	long status;
	char etag[128];
	char last_modified[64];
	char *body;
	size_t len;
	CURLcode rc;
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
	if (n * size > 6 && strncasecmp(data, "etag: ", 6) == 0) {
		snprintf(r->etag, sizeof(r->etag), "%.*s",
			 (int)strcspn(data + 6, "\r\n"), data + 6);
	}
	if (n * size > 15 && strncasecmp(data, "last-modified: ", 15) == 0) {
		snprintf(r->last_modified, sizeof(r->last_modified), "%.*s",
			 (int)strcspn(data + 15, "\r\n"), data + 15);
	}
	return size * n;
}

static void
fetch(CURL *c, const char *url, struct reply *r)
{
	memset(r, 0, sizeof(*r));
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	r->rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
}

static void
get(const struct served *s, const char *path, struct reply *r)
{
	CURL *c = curl_easy_init();
	char url[4200];
	snprintf(url, sizeof(url), "%s%s", s->base, path);
	fetch(c, url, r);
	curl_easy_cleanup(c);
	ck_assert_msg(r->rc == CURLE_OK, "%s: %s", path, curl_easy_strerror(r->rc));
}

/* The ETag wirefeed derives from bytes: first 128 bits of SHA-256. */
static void
etag_of(const char *data, size_t len, char out[40])
{
	char hex[65];
	sha256_hex(data, len, hex);
	snprintf(out, 40, "\"%.32s\"", hex);
}

/* Rewrite a record the way editors do: new file, rename over the old. */
static void
edit_record(const struct served *s, const char *name, const char *from,
	    const char *to)
{
	char path[4200], tmp[4300];
	snprintf(path, sizeof(path), "%s/articles/%s", s->root, name);
	snprintf(tmp, sizeof(tmp), "%s/articles/.%s.new", s->root, name);
	char *text = helpers_read_file(path, NULL);
	ck_assert_ptr_nonnull(text);
	char *at = strstr(text, from);
	ck_assert_msg(at != NULL, "%s not in %s", from, name);
	size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
	char *edited = malloc(n);
	snprintf(edited, n, "%.*s%s%s", (int)(at - text), text, to,
		 at + strlen(from));
	helpers_write_file(tmp, edited, strlen(edited));
	ck_assert_int_eq(rename(tmp, path), 0);
	free(text);
	free(edited);
}

/* Poll @path until its body contains @needle (or lacks it, @present false). */
static bool
wait_for_body(const struct served *s, const char *path, const char *needle,
	      bool present, int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 50) {
		struct reply r;
		get(s, path, &r);
		bool has = r.body && strstr(r.body, needle);
		free(r.body);
		if (has == present) {
			return true;
		}
		nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
	}
	return false;
}

/* serve over the output of an earlier build: a server holds its set for
 * hours, so it never maps the files in --out (a deploy that rewrites one
 * in place would kill it with SIGBUS); it renders or reads its own. */
START_TEST(serve_maps_no_file_of_its_output_directory)
{
	struct served s;
	serve_prepare(&s);
	char *out = NULL;
	ck_assert_msg(helpers_runf(&out, "'%s' build --quiet --root '%s' --out '%s'",
				   helpers_binary(), s.root, s.out) == 0, "%s", out);
	free(out);
	serve_launch(&s, NULL);
	struct reply r;
	get(&s, "/atom.xml", &r);
	ck_assert_int_eq(r.status, 200);
	free(r.body);
	char maps_path[64];
	snprintf(maps_path, sizeof(maps_path), "/proc/%ld/maps", (long)s.pid);
	char *maps = helpers_read_file(maps_path, NULL);
	ck_assert_ptr_nonnull(maps);
	ck_assert_msg(strstr(maps, s.out) == NULL, "mapped from %s:\n%s", s.out, maps);
	free(maps);
	serve_stop(&s);
}
END_TEST

START_TEST(serves_the_sample_newswire)
{
	struct served s;
	serve_start(&s, NULL);
	struct reply r;
	get(&s, "/", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_nonnull(strstr(r.body, "<link rel=\"alternate\" type=\"application/atom+xml\""));
	ck_assert_ptr_nonnull(strstr(r.body, "Harbor City Wire"));
	free(r.body);
	get(&s, "/atom.xml", &r);
	ck_assert_int_eq(r.status, 200);
	/* the same bytes as the static file it wrote, and the ETag of them */
	char path[4200];
	snprintf(path, sizeof(path), "%s/atom.xml", s.out);
	size_t len;
	char *disk = helpers_read_file(path, &len);
	ck_assert_uint_eq(len, r.len);
	ck_assert_mem_eq(disk, r.body, len);
	char etag[40];
	etag_of(disk, len, etag);
	ck_assert_str_eq(r.etag, etag);
	free(disk);
	free(r.body);
	/* a real client reads both formats over HTTP */
	const char *feeds[] = { "/atom.xml", "/rss.xml", "/sections/local/atom.xml" };
	for (int i = 0; i < 3; i++) {
		char cmd[9000];
		snprintf(cmd, sizeof(cmd),
			 "/usr/bin/python3 '%s/tests/e2e/feedparser_check.py' '%s' '%s%s' %s",
			 helpers_source_root(), s.root, s.base, feeds[i],
			 i == 2 ? "local" : "");
		char *out = NULL;
		ck_assert_msg(helpers_run(cmd, &out) == 0, "%s", out);
		free(out);
	}
	/* and so does newsboat, which keeps items in its cache by guid */
	const char *nb_feeds[] = { "/atom.xml", "/rss.xml" };
	for (int i = 0; i < 2; i++) {
		char cmd[9000];
		snprintf(cmd, sizeof(cmd),
			 "/usr/bin/python3 '%s/tests/e2e/newsboat_check.py' '%s' '%s%s'",
			 helpers_source_root(), s.root, s.base, nb_feeds[i]);
		char *out = NULL;
		ck_assert_msg(helpers_run(cmd, &out) == 0, "%s", out);
		free(out);
	}
	/* combined log format on stderr */
	char *log = helpers_read_file(s.log, NULL);
	ck_assert_msg(strstr(log, "127.0.0.1 - - [") &&
			      strstr(log, "] \"GET /atom.xml HTTP/1.1\" 200 "),
		      "%s", log);
	free(log);
	serve_stop(&s);
}
END_TEST

/* Cache-Control's max-age is the config's cache_max_age. */
START_TEST(max_age_comes_from_the_config)
{
	struct served s;
	serve_prepare(&s);
	char *out = NULL;
	ck_assert_int_eq(helpers_runf(&out, "sed -i 's/^cache_max_age = .*/cache_max_age = 120/' '%s/wirefeed.conf'",
				      s.root), 0);
	free(out);
	serve_launch(&s, NULL);
	ck_assert_int_eq(helpers_runf(&out, "curl -sfI '%s/atom.xml'", s.base), 0);
	for (char *c = out; *c; c++) {
		*c = (char)tolower((unsigned char)*c); /* field names' case */
	}
	ck_assert_msg(strstr(out, "cache-control: public, max-age=120\r\n"),
		      "%s", out);
	free(out);
	serve_stop(&s);
}
END_TEST

START_TEST(an_edit_shows_up_without_restart)
{
	struct served s;
	serve_start(&s, NULL);
	struct reply before;
	get(&s, "/atom.xml", &before);
	edit_record(&s, "2026-11-02-whale-songs.xml",
		    "<updated>2026-11-02T08:30:00-05:00</updated>",
		    "<updated>2026-11-03T09:00:00-05:00</updated>");
	edit_record(&s, "2026-11-02-whale-songs.xml", "by their songs off",
		    "by their songs, and now their calls, off");
	ck_assert(wait_for_body(&s, "/atom.xml", "and now their calls", true, 8000));
	struct reply after;
	get(&s, "/atom.xml", &after);
	ck_assert_str_ne(after.etag, before.etag);
	ck_assert_ptr_nonnull(strstr(after.body, "<updated>2026-11-03T09:00:00-05:00</updated>"));
	/* the static file follows (written just after the swap) */
	char path[4200];
	snprintf(path, sizeof(path), "%s/atom.xml", s.out);
	char *disk = NULL;
	for (int waited = 0;; waited += 20) {
		disk = helpers_read_file(path, NULL);
		if (disk && strcmp(disk, after.body) == 0) {
			break;
		}
		free(disk);
		ck_assert_int_lt(waited, 3000);
		nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
	}
	free(disk);
	free(before.body);
	free(after.body);
	serve_stop(&s);
}
END_TEST

/* Wait for the server's "rebuilt (WHY): ..." line and check that it says
 * @what (e.g. how many records it read). */
static void
expect_rebuilt(const struct served *s, const char *why, const char *what)
{
	char needle[64];
	snprintf(needle, sizeof(needle), "rebuilt (%s):", why);
	char *log = helpers_wait_for_text(s->log, needle, 8000);
	const char *at = log ? strstr(log, needle) : NULL;
	ck_assert_msg(at != NULL, "no '%s' in the log: %s", needle,
		      log ? log : "(none)");
	char line[512];
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(at, "\n"), at);
	ck_assert_msg(strstr(line, what) != NULL, "%s", line);
	free(log);
}

START_TEST(an_edit_reads_only_that_record)
{
	struct served s;
	serve_start(&s, "--scan-interval=0");
	edit_record(&s, "2026-11-02-whale-songs.xml",
		    "<updated>2026-11-02T08:30:00-05:00</updated>",
		    "<updated>2026-11-03T09:00:00-05:00</updated>");
	/* the other 13 stay in memory between rebuilds */
	expect_rebuilt(&s, "inotify", "14 records (1 read)");
	ck_assert(wait_for_body(&s, "/atom.xml", "2026-11-03T09:00:00-05:00", true, 8000));
	serve_stop(&s);
}
END_TEST

static int64_t
mtime_of(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		return -1;
	}
	return (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
}

/* The index is saved once edits pause (and at exit), so a later
 * `wirefeed build` has nothing to read. */
START_TEST(the_index_follows_the_served_newswire)
{
	struct served s;
	serve_start(&s, "--scan-interval=0");
	char index[4200];
	snprintf(index, sizeof(index), "%s/.wirefeed-index", s.root);
	int64_t before = mtime_of(index);
	ck_assert_int_ge(before, 0);
	edit_record(&s, "2026-11-02-whale-songs.xml",
		    "<updated>2026-11-02T08:30:00-05:00</updated>",
		    "<updated>2026-11-03T10:00:00-05:00</updated>");
	expect_rebuilt(&s, "inotify", "(1 read)");
	bool saved = false;
	for (int i = 0; i < 80 && !saved; i++) {
		saved = mtime_of(index) != before;
		if (!saved) {
			nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
		}
	}
	ck_assert_msg(saved, "index not saved after the rebuild");
	/* one more edit, then stop before the delayed save: saved at exit */
	int64_t second = mtime_of(index);
	edit_record(&s, "2026-11-02-shipping-stocks.xml", "Shipping stocks slip",
		    "Shipping stocks wobble");
	ck_assert(wait_for_body(&s, "/rss.xml", "Shipping stocks wobble", true, 8000));
	kill(s.pid, SIGTERM);
	ck_assert_int_eq(helpers_wait_exit(s.pid, 15000), 0);
	ck_assert_int_ne(mtime_of(index), second);
	char *out = NULL;
	ck_assert_int_eq(helpers_runf(&out, "'%s' build --root '%s' --out '%s/again' 2>&1",
				      helpers_binary(), s.root, s.tmp), 0);
	ck_assert_msg(strstr(out, "14 records (0 read, 14 unchanged)"), "%s", out);
	free(out);
	helpers_rmtree(s.tmp);
	free(s.tmp);
}
END_TEST

/* A write through a hard link outside articles/ is invisible to inotify's
 * watch on articles/: the periodic scan (every second here) finds it by
 * its size and mtime, and reads that record alone. */
START_TEST(the_scan_finds_what_inotify_missed)
{
	struct served s;
	serve_start(&s, NULL);
	char path[4200], link_path[4200];
	snprintf(path, sizeof(path), "%s/articles/2026-11-02-shipping-stocks.xml",
		 s.root);
	snprintf(link_path, sizeof(link_path), "%s/elsewhere.xml", s.tmp);
	ck_assert_int_eq(link(path, link_path), 0);
	char *text = helpers_read_file(path, NULL);
	char *at = strstr(text, "Shipping stocks slip");
	ck_assert_ptr_nonnull(at);
	memcpy(at, "Shipping stocks sink", strlen("Shipping stocks sink"));
	helpers_write_file(link_path, text, strlen(text));
	free(text);
	expect_rebuilt(&s, "scan", "(1 read)");
	ck_assert(wait_for_body(&s, "/rss.xml", "Shipping stocks sink", true, 8000));
	serve_stop(&s);
}
END_TEST

START_TEST(a_bad_record_keeps_the_last_good_feeds)
{
	struct served s;
	serve_start(&s, NULL);
	struct reply good;
	get(&s, "/rss.xml", &good);
	char path[4200];
	snprintf(path, sizeof(path), "%s/articles/zz-broken.xml", s.root);
	const char *broken = "<?xml version=\"1.0\"?>\n<entry xmlns=\"http://www.w3.org/2005/Atom\">\n<title>R&D</title>\n";
	helpers_write_file(path, broken, strlen(broken));
	char *log = helpers_wait_for_text(s.log, "still serving the previous feeds", 8000);
	ck_assert_msg(log != NULL, "no rebuild failure logged");
	ck_assert_ptr_nonnull(strstr(log, "zz-broken.xml:3:"));
	free(log);
	struct reply still;
	get(&s, "/rss.xml", &still);
	ck_assert_int_eq(still.status, 200);
	ck_assert_str_eq(still.etag, good.etag);
	free(still.body);
	/* fixed: the next rebuild goes through */
	ck_assert_int_eq(unlink(path), 0);
	edit_record(&s, "2026-11-02-shipping-stocks.xml", "Shipping stocks slip",
		    "Shipping stocks tumble");
	ck_assert(wait_for_body(&s, "/rss.xml", "Shipping stocks tumble", true, 8000));
	free(good.body);
	serve_stop(&s);
}
END_TEST

START_TEST(sighup_rebuilds)
{
	struct served s;
	serve_start(&s, "--scan-interval=0");
	ck_assert_int_eq(kill(s.pid, SIGHUP), 0);
	char *log = helpers_wait_for_text(s.log, "rebuilt (SIGHUP):", 8000);
	ck_assert_msg(log != NULL, "no rebuild after SIGHUP");
	free(log);
	serve_stop(&s);
}
END_TEST

/* Load: threads fetching feeds in a loop. Every 200 must be a complete,
 * well-formed feed whose ETag is the ETag of exactly those bytes. */
struct load {
	const struct served *s;
	atomic_int stop;
	atomic_int ok;
	atomic_int inconsistent;
	atomic_int transport_errors;
};

static void *
load_loop(void *arg)
{
	struct load *l = arg;
	CURL *c = curl_easy_init();
	const char *paths[] = { "/atom.xml", "/rss.xml", "/sections/science/atom.xml" };
	for (unsigned i = 0; !atomic_load(&l->stop); i++) {
		char url[4200];
		snprintf(url, sizeof(url), "%s%s", l->s->base, paths[i % 3]);
		struct reply r;
		fetch(c, url, &r);
		if (r.rc != CURLE_OK) {
			atomic_fetch_add(&l->transport_errors, 1);
		} else {
			char etag[40];
			etag_of(r.body ? r.body : "", r.len, etag);
			xmlDocPtr d = r.body ? xmlReadMemory(r.body, (int)r.len, "x", NULL,
							      XML_PARSE_NONET | XML_PARSE_NOERROR |
								      XML_PARSE_NOWARNING)
					     : NULL;
			bool good = r.status == 200 && d && strcmp(etag, r.etag) == 0;
			xmlFreeDoc(d);
			atomic_fetch_add(good ? &l->ok : &l->inconsistent, 1);
		}
		free(r.body);
	}
	curl_easy_cleanup(c);
	return NULL;
}

START_TEST(reload_under_load_never_mixes_versions)
{
	struct served s;
	serve_start(&s, "--access-log=off");
	struct load l = { .s = &s };
	pthread_t t[4];
	for (int i = 0; i < 4; i++) {
		pthread_create(&t[i], NULL, load_loop, &l);
	}
	char from[128] = "Researchers identify humpback whales";
	for (int i = 0; i < 5; i++) {
		char to[128];
		snprintf(to, sizeof(to), "Researchers identify humpback whales (rev %d)", i);
		edit_record(&s, "2026-11-02-whale-songs.xml", from, to);
		ck_assert(wait_for_body(&s, "/atom.xml", to, true, 8000));
		snprintf(from, sizeof(from), "%s", to);
	}
	atomic_store(&l.stop, 1);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
	}
	ck_assert_int_eq(atomic_load(&l.inconsistent), 0);
	ck_assert_int_eq(atomic_load(&l.transport_errors), 0);
	ck_assert_int_gt(atomic_load(&l.ok), 50);
	serve_stop(&s);
}
END_TEST

START_TEST(sigterm_under_load_finishes_cleanly)
{
	struct served s;
	serve_start(&s, "--access-log=off");
	struct load l = { .s = &s };
	pthread_t t[4];
	for (int i = 0; i < 4; i++) {
		pthread_create(&t[i], NULL, load_loop, &l);
	}
	nanosleep(&(struct timespec){ 0, 300 * 1000 * 1000 }, NULL);
	kill(s.pid, SIGTERM);
	int rc = helpers_wait_exit(s.pid, 15000);
	atomic_store(&l.stop, 1);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
	}
	ck_assert_int_eq(rc, 0);
	/* refused connections after the stop are expected; a truncated or
	 * inconsistent response never is */
	ck_assert_int_eq(atomic_load(&l.inconsistent), 0);
	ck_assert_int_gt(atomic_load(&l.ok), 10);
	char *log = helpers_read_file(s.log, NULL);
	ck_assert_ptr_nonnull(strstr(log, "SIGTERM"));
	ck_assert_ptr_nonnull(strstr(log, "stopped"));
	free(log);
	helpers_rmtree(s.tmp);
	free(s.tmp);
}
END_TEST

/* SIGTERM while pool threads are busy, again and again: libmicrohttpd
 * 0.9.75 with epoll aborted now and then in MHD_quiesce_daemon ("Failed
 * to remove listen FD from epoll set"); every stop must exit 0. */
START_TEST(sigterm_never_aborts_the_server)
{
	struct served s;
	serve_prepare(&s);
	for (int round = 0; round < 12; round++) {
		unlink(s.log); /* a fresh log: "serving" names this round's port */
		serve_launch(&s, "--access-log=off");
		struct load l = { .s = &s };
		pthread_t t[3];
		for (int i = 0; i < 3; i++) {
			pthread_create(&t[i], NULL, load_loop, &l);
		}
		nanosleep(&(struct timespec){ 0, 80 * 1000 * 1000 }, NULL);
		kill(s.pid, SIGTERM);
		int rc = helpers_wait_exit(s.pid, 15000);
		atomic_store(&l.stop, 1);
		for (int i = 0; i < 3; i++) {
			pthread_join(t[i], NULL);
		}
		if (rc != 0) {
			char *log = helpers_read_file(s.log, NULL);
			ck_abort_msg("round %d: serve exited with %d:\n%s", round, rc,
				     log ? log : "");
		}
		ck_assert_int_eq(atomic_load(&l.inconsistent), 0);
	}
	helpers_rmtree(s.tmp);
	free(s.tmp);
}
END_TEST

static int64_t
last_modified_of(const struct served *s, const char *path)
{
	struct reply r;
	get(s, path, &r);
	ck_assert_int_eq(r.status, 200);
	int64_t t;
	ck_assert_msg(http_parse_date(r.last_modified, &t), "'%s'",
		      r.last_modified);
	free(r.body);
	return t;
}

/* The first Last-Modified of @path after @than (within 3 s). */
static int64_t
later_last_modified(const struct served *s, const char *path, int64_t than)
{
	for (int waited = 0;; waited += 50) {
		int64_t t = last_modified_of(s, path);
		if (t > than) {
			return t;
		}
		ck_assert_msg(waited < 3000, "Last-Modified stays %lld", (long long)t);
		nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
	}
}

/* issue 17.2 end to end: withdrawing the newest story takes the feed's
 * updated back, yet Last-Modified moves forward; so does a minor edit;
 * a rebuild with no change and a restart leave it alone. */
START_TEST(last_modified_moves_forward_with_every_change)
{
	struct served s;
	serve_start(&s, "--scan-interval=0");
	int64_t lm0 = last_modified_of(&s, "/atom.xml");
	ck_assert_int_eq(kill(s.pid, SIGHUP), 0);
	expect_rebuilt(&s, "SIGHUP", "files changed");
	ck_assert_int_eq(last_modified_of(&s, "/atom.xml"), lm0);
	char *out = NULL;
	ck_assert_int_eq(helpers_runf(&out, "'%s' withdraw urn:uuid:d8ad65f4-b063-4a45-8f26-7f7b2c140259 --reason 'wrong score' --root '%s' 2>&1",
				      helpers_binary(), s.root), 0);
	free(out);
	ck_assert(wait_for_body(&s, "/atom.xml", "Tigers edge Mariners", false, 8000));
	/* later, or within the same second that second shared and then,
	 * once it has passed, a date of its own */
	int64_t lm1 = later_last_modified(&s, "/atom.xml", lm0);
	edit_record(&s, "2026-11-02-whale-songs.xml", "by their songs off",
		    "by their songs, off");
	ck_assert(wait_for_body(&s, "/atom.xml", "by their songs, off", true, 8000));
	int64_t lm2 = later_last_modified(&s, "/atom.xml", lm1);
	/* and the published file carries that date too (what nginx, or the
	 * next start, serves) */
	char path[4200];
	snprintf(path, sizeof(path), "%s/atom.xml", s.out);
	struct stat st;
	for (int waited = 0;; waited += 20) {
		ck_assert_int_eq(stat(path, &st), 0);
		if ((int64_t)st.st_mtime == lm2) {
			break;
		}
		ck_assert_msg(waited < 3000, "mtime %lld, served %lld",
			      (long long)st.st_mtime, (long long)lm2);
		nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
	}
	/* a restart reads the date back from the published file */
	kill(s.pid, SIGTERM);
	ck_assert_int_eq(helpers_wait_exit(s.pid, 15000), 0);
	snprintf(s.log, sizeof(s.log), "%s/serve-again.log", s.tmp);
	serve_launch(&s, "--scan-interval=0");
	ck_assert_int_eq(last_modified_of(&s, "/atom.xml"), lm2);
	serve_stop(&s);
}
END_TEST

/* ---- slow clients (issue 17.4) ------------------------------------------ */

#define SLOW_SOCKETS 1000
#define SLOW_ADDRESSES 5

struct slowloris {
	uint16_t port;
	atomic_int stop;
	atomic_int open;      /* connected (or queued) slow sockets now */
	atomic_int reconnects; /* how often the server cut one */
};

static int
slow_connect(uint16_t port, int i)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		return -1;
	}
	/* from 127.0.0.2 .. 127.0.0.6: the healthy client is 127.0.0.1 */
	struct sockaddr_in from = { .sin_family = AF_INET };
	from.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 1 + (uint32_t)(i % SLOW_ADDRESSES));
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&from, sizeof(from)) != 0 ||
	    (connect(fd, (struct sockaddr *)&to, sizeof(to)) != 0 &&
	     errno != EINPROGRESS)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* SLOW_SOCKETS connections that each send a header one byte every half
 * second, and reconnect whenever the server closes one, as slowloris
 * tools do. */
static void *
slowloris_main(void *arg)
{
	struct slowloris *a = arg;
	static int fds[SLOW_SOCKETS];
	static size_t sent[SLOW_SOCKETS];
	const char header[] = "GET /atom.xml HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	for (int i = 0; i < SLOW_SOCKETS; i++) {
		fds[i] = slow_connect(a->port, i);
		sent[i] = 0;
	}
	while (!atomic_load(&a->stop)) {
		int open = 0;
		for (int i = 0; i < SLOW_SOCKETS; i++) {
			char buf[256];
			if (fds[i] >= 0) {
				ssize_t n = recv(fds[i], buf, sizeof(buf), MSG_DONTWAIT);
				bool closed = n == 0 || (n < 0 && errno != EAGAIN &&
							 errno != EWOULDBLOCK &&
							 errno != ENOTCONN);
				if (!closed && send(fds[i], header + sent[i] % (sizeof(header) - 1), 1,
						    MSG_DONTWAIT | MSG_NOSIGNAL) == 1) {
					sent[i]++;
				} else if (!closed && errno != EAGAIN &&
					   errno != EWOULDBLOCK && errno != ENOTCONN) {
					closed = true;
				}
				if (closed) {
					close(fds[i]);
					fds[i] = -1;
					atomic_fetch_add(&a->reconnects, 1);
				}
			}
			if (fds[i] < 0) {
				fds[i] = slow_connect(a->port, i);
				sent[i] = 0;
			}
			open += fds[i] >= 0;
		}
		atomic_store(&a->open, open);
		nanosleep(&(struct timespec){ 0, 500 * 1000 * 1000 }, NULL);
	}
	for (int i = 0; i < SLOW_SOCKETS; i++) {
		if (fds[i] >= 0) {
			close(fds[i]);
		}
	}
	return NULL;
}

/* issue 17.4: 1,000 slow sockets (more than the connections the server
 * may hold) do not keep healthy clients out: at least 95% of their
 * requests are answered during the attack. */
START_TEST(healthy_clients_are_served_during_slowloris)
{
	struct rlimit rl;
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	ck_assert_msg(rl.rlim_max >= SLOW_SOCKETS + 200,
		      "the open-file hard limit (%llu) is too low for this test",
		      (unsigned long long)rl.rlim_max);
	rl.rlim_cur = rl.rlim_max;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	struct served s;
	serve_prepare(&s);
	serve_launch2(&s, "--access-log=off", "--max-connections=1000");
	struct slowloris a = { .port = (uint16_t)atoi(strrchr(s.base, ':') + 1) };
	pthread_t t;
	pthread_create(&t, NULL, slowloris_main, &a);
	/* let the attack fill the server first */
	for (int i = 0; i < 100 && atomic_load(&a.open) < SLOW_SOCKETS; i++) {
		nanosleep(&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL);
	}
	nanosleep(&(struct timespec){ 2, 0 }, NULL);
	int ok = 0, total = 0, min_open = SLOW_SOCKETS;
	CURL *c = curl_easy_init();
	curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L); /* a new connection each */
	char url[4200];
	snprintf(url, sizeof(url), "%s/atom.xml", s.base);
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		struct reply r;
		fetch(c, url, &r);
		total++;
		ok += r.rc == CURLE_OK && r.status == 200;
		free(r.body);
		int open = atomic_load(&a.open);
		min_open = open < min_open ? open : min_open;
		nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec - t0.tv_sec < 6);
	curl_easy_cleanup(c);
	atomic_store(&a.stop, 1);
	pthread_join(t, NULL);
	fprintf(stderr, "slowloris: %d of %d healthy requests answered (%.1f%%); "
			"slow sockets open: at least %d; cut by the server: %d\n",
		ok, total, 100.0 * ok / total, min_open,
		atomic_load(&a.reconnects));
	ck_assert_int_ge(min_open, SLOW_SOCKETS * 95 / 100);
	ck_assert_msg(ok * 100 >= total * 95, "%d of %d answered", ok, total);
	serve_stop(&s);
}
END_TEST

/* A raw TCP connection to the served port; -1 with errno if refused. */
static int
connect_raw(const struct served *s)
{
	unsigned port = (unsigned)atoi(strrchr(s->base, ':') + 1);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	struct timeval tv = { 5, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* issue 17.12: during the grace period new connections are refused at
 * once (they used to be queued and hang), while a request in flight is
 * still answered. */
START_TEST(sigterm_refuses_new_connections_at_once)
{
	struct served s;
	serve_start(&s, "--access-log=off");
	/* a request in flight: headers done, body still coming */
	int slow = connect_raw(&s);
	ck_assert_int_ge(slow, 0);
	const char head[] = "GET /atom.xml HTTP/1.1\r\nHost: x\r\n"
			    "Connection: close\r\nContent-Length: 4\r\n\r\nab";
	ck_assert_int_eq(write(slow, head, sizeof(head) - 1),
			 (ssize_t)sizeof(head) - 1);
	nanosleep(&(struct timespec){ 0, 200 * 1000 * 1000 }, NULL);
	kill(s.pid, SIGTERM);
	char *log = helpers_wait_for_text(s.log, "SIGTERM", 5000);
	ck_assert_ptr_nonnull(log);
	free(log);
	nanosleep(&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL);
	int late = connect_raw(&s);
	int err = errno;
	if (late >= 0) {
		close(late);
	}
	ck_assert_msg(late < 0 && err == ECONNREFUSED,
		      "a new connection during the grace period was accepted");
	/* the one in flight finishes */
	ck_assert_int_eq(write(slow, "cd", 2), 2);
	char buf[512];
	ssize_t n = read(slow, buf, sizeof(buf) - 1);
	ck_assert_int_gt(n, 12);
	buf[n] = '\0';
	ck_assert_ptr_nonnull(strstr(buf, "HTTP/1.1 200"));
	close(slow);
	ck_assert_int_eq(helpers_wait_exit(s.pid, 15000), 0);
	helpers_rmtree(s.tmp);
	free(s.tmp);
}
END_TEST

START_TEST(startup_errors_are_one_line_and_exit_2)
{
	struct served s;
	serve_start(&s, NULL);
	const char *port = strrchr(s.base, ':') + 1;
	char cmd[9000];
	char *out = NULL;
	snprintf(cmd, sizeof(cmd), "'%s' serve --quiet --root '%s' --out none --listen 127.0.0.1:%s",
		 helpers_binary(), s.root, port);
	ck_assert_int_eq(helpers_run(cmd, &out), 2);
	ck_assert_msg(strstr(out, "Address already in use") && strchr(out, '\n') == strrchr(out, '\n'),
		      "%s", out);
	free(out);
	snprintf(cmd, sizeof(cmd), "'%s' serve --root /nonexistent --listen 127.0.0.1:0",
		 helpers_binary());
	ck_assert_int_eq(helpers_run(cmd, &out), 2);
	ck_assert_ptr_nonnull(strstr(out, "/nonexistent/wirefeed.conf"));
	free(out);
	snprintf(cmd, sizeof(cmd), "'%s' serve --listen nowhere", helpers_binary());
	ck_assert_int_eq(helpers_run(cmd, &out), 2);
	free(out);
	snprintf(cmd, sizeof(cmd), "'%s' serve --help", helpers_binary());
	ck_assert_int_eq(helpers_run(cmd, &out), 0);
	const char *options[] = { "--root", "--out", "--listen", "--threads",
				  "--max-connections", "--max-per-client",
				  "--timeout", "--header-timeout",
				  "--access-log", "--scan-interval",
				  "--grace", "--quiet" };
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
		ck_assert_msg(strstr(out, options[i]), "--help lacks %s", options[i]);
	}
	free(out);
	serve_stop(&s);
}
END_TEST

int
main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	xmlInitParser();
	Suite *s = suite_create("cli_serve");
	TCase *tc = tcase_create("serve");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, serves_the_sample_newswire);
	tcase_add_test(tc, serve_maps_no_file_of_its_output_directory);
	tcase_add_test(tc, max_age_comes_from_the_config);
	tcase_add_test(tc, an_edit_shows_up_without_restart);
	tcase_add_test(tc, an_edit_reads_only_that_record);
	tcase_add_test(tc, the_scan_finds_what_inotify_missed);
	tcase_add_test(tc, the_index_follows_the_served_newswire);
	tcase_add_test(tc, a_bad_record_keeps_the_last_good_feeds);
	tcase_add_test(tc, sighup_rebuilds);
	tcase_add_test(tc, reload_under_load_never_mixes_versions);
	tcase_add_test(tc, sigterm_under_load_finishes_cleanly);
	tcase_add_test(tc, sigterm_never_aborts_the_server);
	tcase_add_test(tc, sigterm_refuses_new_connections_at_once);
	tcase_add_test(tc, last_modified_moves_forward_with_every_change);
	tcase_add_test(tc, healthy_clients_are_served_during_slowloris);
	tcase_add_test(tc, startup_errors_are_one_line_and_exit_2);
	suite_add_tcase(s, tc);
	int rc = helpers_run_suite(s);
	curl_global_cleanup();
	return rc;
}
