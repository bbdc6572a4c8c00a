/* SPDX-License-Identifier: MIT */
/* WebSub publishing and RFC 3229 deltas.
 *
 * The notifier against a loopback hub stub written here (libmicrohttpd on
 * 127.0.0.1, port 0): pings per changed feed, retry after a 500, giving
 * up, a hub that accepts the connection and never answers, a full queue.
 * Then end to end with the real binary: `wirefeed serve` and `wirefeed
 * build --notify` pinging the stub after edits and a withdrawal (made with
 * `wirefeed update/correct/withdraw` on a copy of feeds/), and deltas:
 * fetch, edit two stories, fetch with A-IM: feed, get only those two. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <microhttpd.h>

#include "wirefeed/feedset.h"
#include "helpers.h"
#include "websub.h"

static int64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(int ms)
{
	nanosleep(&(struct timespec){ ms / 1000, (ms % 1000) * 1000000L }, NULL);
}

/* ---- a hub stub -------------------------------------------------------- */

#define STUB_MAX 64

struct hub_stub {
	struct MHD_Daemon *daemon;
	unsigned port;
	char url[64];
	pthread_mutex_t lock;
	int fail_first; /* answer 500 to this many pings first */
	int n;          /* pings received */
	char bodies[STUB_MAX][1024];
	int64_t at_ms[STUB_MAX];
};

struct upload {
	char body[1024];
	size_t len;
};

static enum MHD_Result
stub_handle(void *cls, struct MHD_Connection *c, const char *url,
	    const char *method, const char *version, const char *data,
	    size_t *size, void **con_cls)
{
	struct hub_stub *h = cls;
	(void)url;
	(void)method;
	(void)version;
	struct upload *u = *con_cls;
	if (!u) {
		*con_cls = calloc(1, sizeof(*u));
		return MHD_YES;
	}
	if (*size > 0) {
		size_t room = sizeof(u->body) - 1 - u->len;
		size_t take = *size < room ? *size : room;
		memcpy(u->body + u->len, data, take);
		u->len += take;
		*size = 0;
		return MHD_YES;
	}
	pthread_mutex_lock(&h->lock);
	unsigned status = h->n < h->fail_first ? 500 : 202;
	if (h->n < STUB_MAX) {
		snprintf(h->bodies[h->n], sizeof(h->bodies[0]), "%s", u->body);
		h->at_ms[h->n] = now_ms();
	}
	h->n++;
	pthread_mutex_unlock(&h->lock);
	struct MHD_Response *r = MHD_create_response_from_buffer(
		0, (void *)(uintptr_t)"", MHD_RESPMEM_PERSISTENT);
	enum MHD_Result rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static void
stub_completed(void *cls, struct MHD_Connection *c, void **con_cls,
	       enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	free(*con_cls);
	*con_cls = NULL;
}

static void
stub_start(struct hub_stub *h, int fail_first)
{
	memset(h, 0, sizeof(*h));
	pthread_mutex_init(&h->lock, NULL);
	h->fail_first = fail_first;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	h->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL,
				     NULL, stub_handle, h, MHD_OPTION_SOCK_ADDR,
				     &sa, MHD_OPTION_NOTIFY_COMPLETED,
				     stub_completed, NULL, MHD_OPTION_END);
	ck_assert_ptr_nonnull(h->daemon);
	const union MHD_DaemonInfo *info =
		MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
	h->port = info->port;
	snprintf(h->url, sizeof(h->url), "http://127.0.0.1:%u/hub", h->port);
}

static void
stub_stop(struct hub_stub *h)
{
	MHD_stop_daemon(h->daemon);
	pthread_mutex_destroy(&h->lock);
}

static int
stub_count(struct hub_stub *h)
{
	pthread_mutex_lock(&h->lock);
	int n = h->n;
	pthread_mutex_unlock(&h->lock);
	return n;
}

/* Wait until the stub has at least @n pings; whether it got there. */
static bool
stub_wait(struct hub_stub *h, int n, int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 20) {
		if (stub_count(h) >= n) {
			return true;
		}
		sleep_ms(20);
	}
	return false;
}

/* The topics pinged (hub.url values, decoded), sorted, one per line. */
static void
stub_topics(struct hub_stub *h, int from, char *out, size_t size)
{
	char *lines[STUB_MAX];
	int k = 0;
	pthread_mutex_lock(&h->lock);
	for (int i = from; i < h->n && i < STUB_MAX; i++) {
		const char *body = h->bodies[i];
		ck_assert_msg(strstr(body, "hub.mode=publish"), "%s", body);
		const char *u = strstr(body, "hub.url=");
		const char *t = strstr(body, "hub.topic=");
		ck_assert_msg(u && t, "%s", body);
		u += strlen("hub.url=");
		size_t n = strcspn(u, "&");
		char *dec = curl_easy_unescape(NULL, u, (int)n, NULL);
		/* hub.topic carries the same URL */
		ck_assert_int_eq(strncmp(t + strlen("hub.topic="), u, n), 0);
		lines[k++] = strdup(dec);
		curl_free(dec);
	}
	pthread_mutex_unlock(&h->lock);
	for (int i = 1; i < k; i++) { /* insertion sort: a few lines */
		for (int j = i; j > 0 && strcmp(lines[j - 1], lines[j]) > 0; j--) {
			char *tmp = lines[j];
			lines[j] = lines[j - 1];
			lines[j - 1] = tmp;
		}
	}
	out[0] = '\0';
	for (int i = 0; i < k; i++) {
		size_t used = strlen(out);
		snprintf(out + used, size - used, "%s\n", lines[i]);
		free(lines[i]);
	}
}

/* A hub that accepts connections and never answers. */
static int
hanging_hub(char url[64])
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(fd, 64), 0);
	socklen_t len = sizeof(sa);
	getsockname(fd, (struct sockaddr *)&sa, &len);
	snprintf(url, 64, "http://127.0.0.1:%u/hub", ntohs(sa.sin_port));
	return fd;
}

/* ---- the notifier ------------------------------------------------------- */

static struct wf_feedset *
feed_set(const char *atom, const char *rss, const char *html)
{
	struct wf_feedset *set = wf_feedset_create();
	struct wf_time t = { 0 };
	wf_feedset_add(set, "atom.xml", WF_FILE_ATOM, strdup(atom),
		       strlen(atom), t, "t", 0);
	wf_feedset_add(set, "rss.xml", WF_FILE_RSS, strdup(rss), strlen(rss),
		       t, "t", 0);
	wf_feedset_add(set, "index.html", WF_FILE_HTML, strdup(html),
		       strlen(html), t, "t", 0);
	return set;
}

START_TEST(pings_every_hub_once_per_changed_feed)
{
	struct hub_stub a, b;
	stub_start(&a, 0);
	stub_start(&b, 0);
	const char *hubs[] = { a.url, b.url };
	struct websub_options o = { .hubs = hubs, .n_hubs = 2,
				    .base_url = "http://feeds.example/" };
	struct websub *n = websub_create(&o);
	struct wf_feedset *v1 = feed_set("<feed>1</feed>", "<rss>1</rss>", "1");
	struct wf_feedset *v2 = feed_set("<feed>2</feed>", "<rss>1</rss>", "2");
	/* the first set is what is live: nothing to tell */
	ck_assert_uint_eq(websub_notify_set(n, v1), 0);
	/* the Atom feed changed; the RSS did not; HTML is no topic */
	ck_assert_uint_eq(websub_notify_set(n, v2), 1);
	ck_assert(websub_flush(n, 5000));
	char topics[1024];
	stub_topics(&a, 0, topics, sizeof(topics));
	ck_assert_str_eq(topics, "http://feeds.example/atom.xml\n");
	stub_topics(&b, 0, topics, sizeof(topics));
	ck_assert_str_eq(topics, "http://feeds.example/atom.xml\n");
	/* the same set again: no change, no ping */
	ck_assert_uint_eq(websub_notify_set(n, v2), 0);
	struct websub_stats st = websub_stats(n);
	ck_assert_uint_eq(st.delivered, 2);
	ck_assert_uint_eq(st.attempts, 2);
	websub_destroy(n);
	ck_assert_int_eq(stub_count(&a), 1);
	wf_feedset_unref(v1);
	wf_feedset_unref(v2);
	stub_stop(&a);
	stub_stop(&b);
}
END_TEST

START_TEST(retries_after_a_500_with_backoff)
{
	struct hub_stub h;
	stub_start(&h, 1);
	const char *hubs[] = { h.url };
	struct websub_options o = { .hubs = hubs, .n_hubs = 1,
				    .backoff_ms = 200 };
	struct websub *n = websub_create(&o);
	websub_notify(n, "http://feeds.example/atom.xml");
	ck_assert(websub_flush(n, 5000));
	ck_assert_int_eq(stub_count(&h), 2);
	ck_assert_int_ge(h.at_ms[1] - h.at_ms[0], 200);
	struct websub_stats st = websub_stats(n);
	ck_assert_uint_eq(st.delivered, 1);
	ck_assert_uint_eq(st.failed, 0);
	websub_destroy(n);
	stub_stop(&h);
}
END_TEST

START_TEST(gives_up_after_max_attempts)
{
	struct hub_stub h;
	stub_start(&h, 1000);
	const char *hubs[] = { h.url };
	struct websub_options o = { .hubs = hubs, .n_hubs = 1,
				    .backoff_ms = 10, .max_attempts = 3 };
	struct websub *n = websub_create(&o);
	websub_notify(n, "http://feeds.example/atom.xml");
	ck_assert(websub_flush(n, 5000));
	ck_assert_int_eq(stub_count(&h), 3);
	struct websub_stats st = websub_stats(n);
	ck_assert_uint_eq(st.delivered, 0);
	ck_assert_uint_eq(st.failed, 1);
	websub_destroy(n);
	stub_stop(&h);
}
END_TEST

START_TEST(hanging_hub_blocks_neither_caller_nor_other_hubs)
{
	char hang_url[64];
	int hang_fd = hanging_hub(hang_url);
	struct hub_stub good;
	stub_start(&good, 0);
	const char *hubs[] = { hang_url, good.url };
	struct websub_options o = { .hubs = hubs, .n_hubs = 2,
				    .timeout_ms = 60000 };
	struct websub *n = websub_create(&o);
	int64_t t0 = now_ms();
	for (int i = 0; i < 20; i++) {
		websub_notify(n, "http://feeds.example/atom.xml");
	}
	ck_assert_int_lt(now_ms() - t0, 100);
	/* the other hub is told at once */
	ck_assert(stub_wait(&good, 1, 2000));
	/* the hanging one keeps its queue busy: flush says so */
	ck_assert(!websub_flush(n, 200));
	/* and stopping aborts its transfer instead of waiting 60 s */
	t0 = now_ms();
	websub_destroy(n);
	ck_assert_int_lt(now_ms() - t0, 3000);
	/* twenty pings of one topic were merged: the one in flight when the
	 * others came, and at most one more after it */
	ck_assert_int_ge(stub_count(&good), 1);
	ck_assert_int_le(stub_count(&good), 2);
	close(hang_fd);
	stub_stop(&good);
}
END_TEST

START_TEST(full_queue_drops_pings)
{
	char hang_url[64];
	int hang_fd = hanging_hub(hang_url);
	const char *hubs[] = { hang_url };
	struct websub_options o = { .hubs = hubs, .n_hubs = 1,
				    .timeout_ms = 60000, .max_queued = 2 };
	struct websub *n = websub_create(&o);
	websub_notify(n, "http://feeds.example/1.xml");
	sleep_ms(300); /* the first is in flight, hanging */
	websub_notify(n, "http://feeds.example/2.xml");
	websub_notify(n, "http://feeds.example/3.xml");
	websub_notify(n, "http://feeds.example/4.xml");
	websub_notify(n, "http://feeds.example/5.xml");
	ck_assert_uint_eq(websub_stats(n).dropped, 2);
	websub_destroy(n);
	close(hang_fd);
}
END_TEST

START_TEST(changed_topics_are_the_changed_feed_files)
{
	struct wf_feedset *set = feed_set("<feed>1</feed>", "<rss>1</rss>", "x");
	wf_feedset_add(set, "sections/a/atom.xml", WF_FILE_ATOM,
		       strdup("<feed/>"), 7, (struct wf_time){ 0 }, "t", 0);
	/* what a build reports: an HTML page (no topic), a feed, a
	 * section feed, and a path the set does not hold */
	const char *paths[] = { "index.html", "rss.xml", "sections/a/atom.xml",
				"gone.xml" };
	char **t = websub_changed_topics(set, paths, 4, "https://w.example/");
	ck_assert_str_eq(t[0], "https://w.example/rss.xml");
	ck_assert_str_eq(t[1], "https://w.example/sections/a/atom.xml");
	ck_assert_ptr_null(t[2]);
	websub_topics_free(t);
	wf_feedset_unref(set);
}
END_TEST

/* ---- end to end: the real binary ---------------------------------------- */

struct served {
	char *tmp;
	char root[4096];
	char out[4096];
	char log[4096];
	char base[64];
	pid_t pid;
};

/* A copy of the sample newswire; @conf_extra appended to its config. */
static void
wire_prepare(struct served *s, const char *conf_extra)
{
	s->tmp = helpers_make_tempdir();
	snprintf(s->root, sizeof(s->root), "%s/wire", s->tmp);
	snprintf(s->out, sizeof(s->out), "%s/public", s->tmp);
	snprintf(s->log, sizeof(s->log), "%s/serve.log", s->tmp);
	ck_assert_int_eq(helpers_copy_sample_wire(s->root),
			 0);
	/* archives off: which feeds an edit changes must not depend on
	 * whether today starts a new archive period (docs/archives.md) */
	ck_assert_int_eq(helpers_runf(NULL, "sed -i 's/^archives = .*/archives = off/' '%s/wirefeed.conf'",
				      s->root),
			 0);
	if (conf_extra) {
		ck_assert_int_eq(helpers_runf(NULL, "printf '%%s\\n' '%s' >> '%s/wirefeed.conf'",
					      conf_extra, s->root),
				 0);
	}
}

static void
serve_launch(struct served *s)
{
	const char *argv[] = {
		helpers_binary(), "serve", "--root", s->root, "--out", s->out,
		"--listen", "127.0.0.1:0", "--scan-interval", "1", "--grace",
		"5", NULL,
	};
	s->pid = helpers_spawn(argv, s->log);
	char *text = helpers_wait_for_text(s->log, "serving", 10000);
	ck_assert_msg(text != NULL, "server did not start");
	const char *p = strstr(text, "http://127.0.0.1:");
	ck_assert_ptr_nonnull(p);
	snprintf(s->base, sizeof(s->base), "http://127.0.0.1:%d",
		 atoi(p + strlen("http://127.0.0.1:")));
	free(text);
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

/* Run a wirefeed command on the copy: "update ID --title T" etc. */
static void
wirefeed(const struct served *s, const char *args)
{
	char *out = NULL;
	int rc = helpers_runf(&out, "'%s' %s --root '%s'", helpers_binary(),
			      args, s->root);
	ck_assert_msg(rc == 0, "wirefeed %s: %s", args, out ? out : "");
	free(out);
}

struct reply {
	long status;
	char etag[128];
	char im[64];
	char cache[128];
	char links[1024];
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

static void
header_value(const char *line, size_t len, const char *name, char *out,
	     size_t size, bool append)
{
	size_t n = strlen(name);
	if (len > n + 1 && strncasecmp(line, name, n) == 0 && line[n] == ':') {
		const char *v = line + n + 1;
		v += strspn(v, " ");
		size_t used = append ? strlen(out) : 0;
		snprintf(out + used, size - used, "%.*s\n",
			 (int)strcspn(v, "\r\n"), v);
	}
}

static size_t
on_header(char *data, size_t size, size_t n, void *userdata)
{
	struct reply *r = userdata;
	size_t len = size * n;
	header_value(data, len, "ETag", r->etag, sizeof(r->etag), false);
	header_value(data, len, "IM", r->im, sizeof(r->im), false);
	header_value(data, len, "Cache-Control", r->cache, sizeof(r->cache), false);
	header_value(data, len, "Link", r->links, sizeof(r->links), true);
	return len;
}

/* GET @path with @headers (NULL-terminated; may be NULL). */
static void
get(const struct served *s, const char *path, const char *const *headers,
    bool gzip, struct reply *r)
{
	memset(r, 0, sizeof(*r));
	CURL *c = curl_easy_init();
	char url[4200];
	snprintf(url, sizeof(url), "%s%s", s->base, path);
	struct curl_slist *list = NULL;
	for (size_t i = 0; headers && headers[i]; i++) {
		list = curl_slist_append(list, headers[i]);
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	if (gzip) {
		curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
	}
	CURLcode rc = curl_easy_perform(c);
	ck_assert_msg(rc == CURLE_OK, "%s: %s", path, curl_easy_strerror(rc));
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(list);
	curl_easy_cleanup(c);
	r->etag[strcspn(r->etag, "\n")] = '\0';
	r->im[strcspn(r->im, "\n")] = '\0';
	r->cache[strcspn(r->cache, "\n")] = '\0';
}

/* GET @path as a client holding the version @etag that asks for a delta
 * (RFC 3229: A-IM: feed). */
static void
get_delta(const struct served *s, const char *path, const char *etag,
	  struct reply *r)
{
	char inm[160];
	snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
	const char *req[] = { "A-IM: feed", inm, NULL };
	get(s, path, req, false, r);
}

/* Poll until @path's ETag is no longer @old (a rebuild swapped it in). */
static bool
wait_for_new_etag(const struct served *s, const char *path, const char *old,
		  int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 50) {
		struct reply r;
		get(s, path, NULL, false, &r);
		bool changed = strcmp(r.etag, old) != 0;
		free(r.body);
		if (changed) {
			return true;
		}
		sleep_ms(50);
	}
	return false;
}

/* Entry ids in a document, in order, space-separated (last 12 digits). */
static void
entry_ids(const char *body, char *out, size_t size)
{
	out[0] = '\0';
	const char *p = body;
	while ((p = strstr(p, "<entry>")) != NULL) {
		const char *id = strstr(p, "<id>urn:uuid:");
		ck_assert_ptr_nonnull(id);
		id += strlen("<id>urn:uuid:");
		size_t used = strlen(out);
		snprintf(out + used, size - used, "%s%.8s", used ? " " : "", id);
		p = id;
	}
}

#define COUNCIL "urn:uuid:fafeacba-5c40-453d-9022-b7a453f0db73" /* politics */
#define MAP "urn:uuid:73e6a7f4-0ff4-44b1-8968-09126e7899a1"     /* science */
#define TIGERS "urn:uuid:d8ad65f4-b063-4a45-8f26-7f7b2c140259"  /* sports */

START_TEST(serve_pings_the_hub_after_edits_and_a_withdrawal)
{
	struct hub_stub h;
	stub_start(&h, 0);
	char conf[128];
	snprintf(conf, sizeof(conf), "hub = %s", h.url);
	struct served s;
	wire_prepare(&s, conf);
	serve_launch(&s);

	/* every feed response and document advertises the hub and itself */
	struct reply r;
	get(&s, "/sections/politics/rss.xml", NULL, false, &r);
	char expect[512];
	snprintf(expect, sizeof(expect),
		 "<%s>; rel=\"hub\", <http://127.0.0.1:8080/sections/politics/rss.xml>; rel=\"self\"\n",
		 h.url);
	ck_assert_str_eq(r.links, expect);
	snprintf(expect, sizeof(expect), "<atom:link href=\"%s\" rel=\"hub\"/>",
		 h.url);
	ck_assert_ptr_nonnull(strstr(r.body, expect));
	free(r.body);
	get(&s, "/atom.xml", NULL, false, &r);
	snprintf(expect, sizeof(expect), "<link rel=\"hub\" href=\"%s\"/>", h.url);
	ck_assert_ptr_nonnull(strstr(r.body, expect));
	free(r.body);
	get(&s, "/", NULL, false, &r);
	ck_assert_str_eq(r.links, ""); /* the index page is no topic */
	free(r.body);
	/* a 304 freshens what the client stored, Link included: none sent */
	get(&s, "/atom.xml", NULL, false, &r);
	char inm[160];
	snprintf(inm, sizeof(inm), "If-None-Match: %s", r.etag);
	free(r.body);
	const char *cond[] = { inm, NULL };
	get(&s, "/atom.xml", cond, false, &r);
	ck_assert_int_eq(r.status, 304);
	ck_assert_str_eq(r.links, "");
	free(r.body);
	ck_assert_int_eq(stub_count(&h), 0);

	/* two edits: the wire feeds and both sections' feeds (Atom, RSS,
	 * JSON Feed each) */
	wirefeed(&s, "update " COUNCIL " --title 'Council approves bridge budget'");
	wirefeed(&s, "correct " MAP " 'The map dates to the 1790s, not the 1780s.'");
	ck_assert(stub_wait(&h, 9, 5000));
	sleep_ms(1500); /* a second rebuild would add pings: none may come */
	char topics[2048];
	stub_topics(&h, 0, topics, sizeof(topics));
	/* whether the edits land in one rebuild or two, each changed feed
	 * is pinged once per rebuild that changed it */
	ck_assert_ptr_nonnull(strstr(topics, "http://127.0.0.1:8080/atom.xml\n"));
	ck_assert_ptr_nonnull(strstr(topics, "http://127.0.0.1:8080/sections/politics/atom.xml\n"));
	ck_assert_ptr_nonnull(strstr(topics, "http://127.0.0.1:8080/sections/politics/rss.xml\n"));
	ck_assert_ptr_nonnull(strstr(topics, "http://127.0.0.1:8080/sections/science/atom.xml\n"));
	ck_assert_ptr_nonnull(strstr(topics, "http://127.0.0.1:8080/sections/science/rss.xml\n"));
	ck_assert_ptr_null(strstr(topics, "sports"));
	ck_assert_ptr_null(strstr(topics, "index.html"));
	int after_edits = stub_count(&h);
	ck_assert_int_le(after_edits, 12); /* 9, or 12 in two rebuilds */

	/* a withdrawal changes the wire feeds and the sports feeds */
	wirefeed(&s, "withdraw " TIGERS " --reason 'Score was wrong'");
	ck_assert(stub_wait(&h, after_edits + 6, 5000));
	sleep_ms(1200);
	stub_topics(&h, after_edits, topics, sizeof(topics));
	ck_assert_str_eq(topics,
			 "http://127.0.0.1:8080/atom.xml\n"
			 "http://127.0.0.1:8080/feed.json\n"
			 "http://127.0.0.1:8080/rss.xml\n"
			 "http://127.0.0.1:8080/sections/sports/atom.xml\n"
			 "http://127.0.0.1:8080/sections/sports/feed.json\n"
			 "http://127.0.0.1:8080/sections/sports/rss.xml\n");
	char *log = helpers_read_file(s.log, NULL);
	ck_assert_ptr_nonnull(strstr(log, "accepted the ping for http://127.0.0.1:8080/sections/sports/rss.xml (HTTP 202)"));
	free(log);
	serve_stop(&s);
	stub_stop(&h);
}
END_TEST

START_TEST(hanging_hub_costs_serve_nothing)
{
	char hang_url[64];
	int hang_fd = hanging_hub(hang_url);
	char conf[128];
	snprintf(conf, sizeof(conf), "hub = %s", hang_url);
	struct served s;
	wire_prepare(&s, conf);
	serve_launch(&s);
	struct reply r;
	get(&s, "/atom.xml", NULL, false, &r);
	char first[128];
	snprintf(first, sizeof(first), "%s", r.etag);
	free(r.body);
	for (int i = 0; i < 3; i++) {
		char args[256];
		snprintf(args, sizeof(args), "update " COUNCIL " --title 'Edit %d'", i);
		wirefeed(&s, args);
		ck_assert(wait_for_new_etag(&s, "/atom.xml", first, 3000));
		get(&s, "/atom.xml", NULL, false, &r);
		snprintf(first, sizeof(first), "%s", r.etag);
		snprintf(args, sizeof(args), "Edit %d", i);
		ck_assert_ptr_nonnull(strstr(r.body, args));
		free(r.body);
	}
	/* SIGTERM: the pings still hanging are abandoned, exit is prompt */
	int64_t t0 = now_ms();
	serve_stop(&s);
	ck_assert_int_lt(now_ms() - t0, 8000);
	close(hang_fd);
}
END_TEST

START_TEST(build_notify_pings_for_changed_feeds_only)
{
	struct hub_stub h;
	stub_start(&h, 0);
	char conf[128];
	snprintf(conf, sizeof(conf), "hub = %s", h.url);
	struct served s;
	wire_prepare(&s, conf);
	char *out = NULL;
	/* first build: every feed file is new */
	ck_assert_int_eq(helpers_runf(&out, "'%s' build --root '%s' --out '%s' --notify",
				      helpers_binary(), s.root, s.out),
			 0);
	ck_assert_msg(strstr(out, "notified 1 hub of 21 changed feeds"), "%s", out);
	free(out);
	ck_assert_int_eq(stub_count(&h), 21);
	/* nothing changed: nobody is told */
	ck_assert_int_eq(helpers_runf(&out, "'%s' build --root '%s' --out '%s' --notify",
				      helpers_binary(), s.root, s.out),
			 0);
	ck_assert_msg(strstr(out, "no feed changed"), "%s", out);
	free(out);
	ck_assert_int_eq(stub_count(&h), 21);
	/* one correction in science */
	wirefeed(&s, "correct " MAP " 'The map dates to the 1790s.'");
	ck_assert_int_eq(helpers_runf(&out, "'%s' build --root '%s' --out '%s' --notify",
				      helpers_binary(), s.root, s.out),
			 0);
	free(out);
	char topics[2048];
	stub_topics(&h, 21, topics, sizeof(topics));
	ck_assert_str_eq(topics,
			 "http://127.0.0.1:8080/atom.xml\n"
			 "http://127.0.0.1:8080/feed.json\n"
			 "http://127.0.0.1:8080/rss.xml\n"
			 "http://127.0.0.1:8080/sections/science/atom.xml\n"
			 "http://127.0.0.1:8080/sections/science/feed.json\n"
			 "http://127.0.0.1:8080/sections/science/rss.xml\n");
	stub_stop(&h);
	/* the hub is gone: the build still succeeds, with a warning */
	wirefeed(&s, "correct " MAP " 'Second correction.'");
	ck_assert_int_eq(helpers_runf(&out, "'%s' build --root '%s' --out '%s' --notify",
				      helpers_binary(), s.root, s.out),
			 0);
	ck_assert_msg(strstr(out, "hub notifications failed"), "%s", out);
	free(out);
	helpers_rmtree(s.tmp);
	free(s.tmp);
}
END_TEST

START_TEST(delta_holds_only_the_two_edited_stories)
{
	struct served s;
	wire_prepare(&s, NULL);
	serve_launch(&s);
	struct reply before;
	get(&s, "/atom.xml", NULL, false, &before);
	ck_assert_int_eq(before.status, 200);
	wirefeed(&s, "update " COUNCIL " --title 'Council approves bridge budget'");
	wirefeed(&s, "correct " MAP " 'The map dates to the 1790s, not the 1780s.'");
	/* both edits live (one rebuild or two) */
	struct reply full;
	for (int waited = 0;; waited += 50) {
		get(&s, "/atom.xml", NULL, false, &full);
		if (strstr(full.body, "bridge budget</title>") &&
		    strstr(full.body, "not the 1780s")) {
			break;
		}
		free(full.body);
		ck_assert_int_lt(waited, 5000);
		sleep_ms(50);
	}
	char inm[160], ids[512];
	snprintf(inm, sizeof(inm), "If-None-Match: %s", before.etag);
	const char *delta_req[] = { "A-IM: feed", inm, NULL };

	struct reply d;
	get(&s, "/atom.xml", delta_req, false, &d);
	ck_assert_int_eq(d.status, 226);
	ck_assert_str_eq(d.im, "feed");
	ck_assert_str_eq(d.cache, "no-store");
	ck_assert_str_eq(d.etag, full.etag); /* the instance it brings you to */
	ck_assert_str_eq(d.links, "<http://127.0.0.1:8080/atom.xml>; rel=\"self\"\n");
	entry_ids(d.body, ids, sizeof(ids));
	ck_assert_str_eq(ids, "73e6a7f4 fafeacba");
	ck_assert_uint_lt(d.len, full.len / 3);
	/* the head is the full feed's */
	size_t head = (size_t)(strstr(full.body, "<entry>") - full.body);
	ck_assert_int_eq(strncmp(d.body, full.body, head - 2), 0);
	free(d.body);

	/* gzip: the same delta, compressed, with the gzip ETag (a changed
	 * feed is compressed just after its identity bytes are served) */
	for (int waited = 0;; waited += 20) {
		get(&s, "/atom.xml", delta_req, true, &d);
		if (strstr(d.etag, "-gzip\"")) {
			break;
		}
		free(d.body);
		ck_assert_int_lt(waited, 5000);
		sleep_ms(20);
	}
	ck_assert_int_eq(d.status, 226);
	entry_ids(d.body, ids, sizeof(ids));
	ck_assert_str_eq(ids, "73e6a7f4 fafeacba");
	ck_assert_ptr_nonnull(strstr(d.etag, "-gzip\""));
	free(d.body);

	/* never a delta unasked: no A-IM, or no If-None-Match */
	const char *no_aim[] = { inm, NULL };
	get(&s, "/atom.xml", no_aim, false, &d);
	ck_assert_int_eq(d.status, 200);
	ck_assert_uint_eq(d.len, full.len);
	ck_assert_str_eq(d.im, "");
	free(d.body);
	const char *aim_only[] = { "A-IM: feed", NULL };
	get(&s, "/atom.xml", aim_only, false, &d);
	ck_assert_int_eq(d.status, 200);
	ck_assert_uint_eq(d.len, full.len);
	free(d.body);
	/* an unknown version: the full feed */
	const char *unknown[] = { "A-IM: feed",
				  "If-None-Match: \"00000000000000000000000000000000\"",
				  NULL };
	get(&s, "/atom.xml", unknown, false, &d);
	ck_assert_int_eq(d.status, 200);
	free(d.body);
	/* the current version: 304 as always */
	char cur[160];
	snprintf(cur, sizeof(cur), "If-None-Match: %s", full.etag);
	const char *current[] = { "A-IM: feed", cur, NULL };
	get(&s, "/atom.xml", current, false, &d);
	ck_assert_int_eq(d.status, 304);
	free(d.body);
	free(before.body);
	free(full.body);
	serve_stop(&s);
}
END_TEST

START_TEST(delta_works_with_a_tombstone_among_the_entries)
{
	/* A story withdrawn before the server starts leaves its tombstone
	 * (RFC 6721) in the feed; an edit after it sorts above the tombstone.
	 * The delta still goes, with the edited story alone. */
	struct served s;
	wire_prepare(&s, NULL);
	/* two minutes ago: the edit below is then surely later */
	char withdraw[256], at[32];
	time_t then = time(NULL) - 120;
	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", gmtime(&then));
	snprintf(withdraw, sizeof(withdraw),
		 "withdraw " TIGERS " --reason 'Pulled for legal review.' --at %s", at);
	wirefeed(&s, withdraw);
	serve_launch(&s);
	struct reply before;
	get(&s, "/atom.xml", NULL, false, &before);
	ck_assert_int_eq(before.status, 200);
	ck_assert_ptr_nonnull(strstr(before.body, "<at:deleted-entry ref=\"" TIGERS "\""));
	wirefeed(&s, "update " COUNCIL " --title 'Council approves bridge budget'");
	ck_assert(wait_for_new_etag(&s, "/atom.xml", before.etag, 5000));
	struct reply full;
	get(&s, "/atom.xml", NULL, false, &full);
	/* the edited entry, then the tombstone, then the rest */
	const char *edited = strstr(full.body, "bridge budget</title>");
	const char *tomb = strstr(full.body, "<at:deleted-entry ");
	ck_assert(edited && tomb && edited < tomb);
	ck_assert_ptr_nonnull(strstr(tomb, "<entry>"));
	struct reply d;
	get_delta(&s, "/atom.xml", before.etag, &d);
	ck_assert_int_eq(d.status, 226);
	ck_assert_str_eq(d.etag, full.etag);
	char ids[512];
	entry_ids(d.body, ids, sizeof(ids));
	ck_assert_str_eq(ids, "fafeacba");
	/* the client has the tombstone already */
	ck_assert_ptr_null(strstr(d.body, "deleted-entry"));
	free(d.body);
	free(before.body);
	free(full.body);
	serve_stop(&s);
}
END_TEST

START_TEST(delta_history_zero_turns_deltas_off)
{
	struct served s;
	wire_prepare(&s, "delta_history = 0");
	serve_launch(&s);
	struct reply before, d;
	get(&s, "/atom.xml", NULL, false, &before);
	wirefeed(&s, "update " COUNCIL " --title 'Council approves bridge budget'");
	ck_assert(wait_for_new_etag(&s, "/atom.xml", before.etag, 5000));
	char inm[160];
	snprintf(inm, sizeof(inm), "If-None-Match: %s", before.etag);
	const char *delta_req[] = { "A-IM: feed", inm, NULL };
	get(&s, "/atom.xml", delta_req, false, &d);
	ck_assert_int_eq(d.status, 200);
	free(d.body);
	free(before.body);
	serve_stop(&s);
}
END_TEST

static Suite *
websub_suite(void)
{
	Suite *s = suite_create("websub");
	TCase *tc = tcase_create("notifier");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, pings_every_hub_once_per_changed_feed);
	tcase_add_test(tc, retries_after_a_500_with_backoff);
	tcase_add_test(tc, gives_up_after_max_attempts);
	tcase_add_test(tc, hanging_hub_blocks_neither_caller_nor_other_hubs);
	tcase_add_test(tc, full_queue_drops_pings);
	tcase_add_test(tc, changed_topics_are_the_changed_feed_files);
	suite_add_tcase(s, tc);
	tc = tcase_create("serve_and_build");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, serve_pings_the_hub_after_edits_and_a_withdrawal);
	tcase_add_test(tc, hanging_hub_costs_serve_nothing);
	tcase_add_test(tc, build_notify_pings_for_changed_feeds_only);
	suite_add_tcase(s, tc);
	tc = tcase_create("deltas");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, delta_holds_only_the_two_edited_stories);
	tcase_add_test(tc, delta_history_zero_turns_deltas_off);
	tcase_add_test(tc, delta_works_with_a_tombstone_among_the_entries);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return helpers_run_suite(websub_suite());
}
