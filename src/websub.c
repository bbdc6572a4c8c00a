/* SPDX-License-Identifier: MIT */
/* WebSub publish pings over libcurl, one worker thread per hub. */
#include "websub.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "buf.h"
#include "dynlib.h"
#include "log.h"
#include "mem.h"

#define DEFAULT_MAX_ATTEMPTS 5
#define DEFAULT_BACKOFF_MS 1000
#define DEFAULT_TIMEOUT_MS 10000
#define DEFAULT_MAX_QUEUED 256
#define MAX_BACKOFF_MS (5 * 60 * 1000)
#define FEED_MAX_BYTES (256u * 1024 * 1024)

struct job {
	char *topic;
	unsigned attempts; /* made so far */
	int64_t due_ms;    /* monotonic */
};

struct hub {
	struct websub *owner;
	char *url;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake; /* a job came, or stop */
	pthread_cond_t idle; /* the queue drained */
	struct job *jobs;
	size_t n_jobs;
	bool busy; /* a ping is in flight */
};

struct known {
	char *path;
	char etag[WF_ETAG_MAX];
};

struct websub {
	struct hub *hubs;
	size_t n_hubs;
	char *base_url;
	unsigned max_attempts, backoff_ms, timeout_ms;
	size_t max_queued;
	atomic_bool stopping;
	atomic_size_t delivered, failed, dropped, attempts;
	struct known *known; /* websub_notify_set()'s memory */
	size_t n_known;
	bool has_known;
};

static int64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- libcurl, opened on first use (dynlib.h: why) ---------------------- */

static struct {
	__typeof__(&curl_global_init) global_init;
	__typeof__(&curl_easy_init) easy_init;
	__typeof__(&curl_easy_escape) easy_escape;
	__typeof__(&curl_free) free;
	__typeof__(&curl_easy_setopt) easy_setopt;
	__typeof__(&curl_easy_perform) easy_perform;
	__typeof__(&curl_easy_getinfo) easy_getinfo;
	__typeof__(&curl_easy_strerror) easy_strerror;
	__typeof__(&curl_easy_cleanup) easy_cleanup;
} lc;
static bool lc_ready;
static char lc_why[256];

static void
libcurl_open(void)
{
	const struct wf_dynlib_symbol symbols[] = {
		{ "curl_global_init", (void **)&lc.global_init },
		{ "curl_easy_init", (void **)&lc.easy_init },
		{ "curl_easy_escape", (void **)&lc.easy_escape },
		{ "curl_free", (void **)&lc.free },
		{ "curl_easy_setopt", (void **)&lc.easy_setopt },
		{ "curl_easy_perform", (void **)&lc.easy_perform },
		{ "curl_easy_getinfo", (void **)&lc.easy_getinfo },
		{ "curl_easy_strerror", (void **)&lc.easy_strerror },
		{ "curl_easy_cleanup", (void **)&lc.easy_cleanup },
	};
	if (!wf_dynlib_open("libcurl.so.4", symbols,
			    sizeof(symbols) / sizeof(symbols[0]), lc_why,
			    sizeof(lc_why))) {
		wf_log_error("websub: cannot load libcurl, hubs will not be pinged: %s",
			     lc_why);
		return;
	}
	/* not thread-safe in libcurl before 7.84: run once */
	if (lc.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(lc_why, sizeof(lc_why), "curl_global_init failed");
		wf_log_error("websub: libcurl failed to initialize");
		return;
	}
	lc_ready = true;
}

/* ---- one ping ---------------------------------------------------------- */

static size_t
discard(char *data, size_t size, size_t n, void *userdata)
{
	(void)data;
	(void)userdata;
	return size * n;
}

static int
abort_if_stopping(void *cls, curl_off_t a, curl_off_t b, curl_off_t c,
		  curl_off_t d)
{
	(void)a;
	(void)b;
	(void)c;
	(void)d;
	const struct websub *n = cls;
	return atomic_load(&n->stopping) ? 1 : 0;
}

/* POST the publish notification; the HTTP status, or 0 with @err filled
 * when there was none. */
static long
post_ping(struct websub *n, const char *hub, const char *topic,
	  char err[CURL_ERROR_SIZE])
{
	if (!lc_ready) {
		snprintf(err, CURL_ERROR_SIZE, "libcurl is not available: %.200s",
			 lc_why);
		return 0;
	}
	CURL *c = lc.easy_init();
	if (!c) {
		snprintf(err, CURL_ERROR_SIZE, "cannot create a libcurl handle");
		return 0;
	}
	char *escaped = lc.easy_escape(c, topic, 0);
	char *body = xasprintf("hub.mode=publish&hub.url=%s&hub.topic=%s",
			       escaped, escaped);
	lc.free(escaped);
	err[0] = '\0';
	lc.easy_setopt(c, CURLOPT_URL, hub);
	lc.easy_setopt(c, CURLOPT_POSTFIELDS, body);
	lc.easy_setopt(c, CURLOPT_USERAGENT, "wirefeed/" WF_VERSION);
	lc.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	lc.easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)n->timeout_ms);
	lc.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)n->timeout_ms);
	lc.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	lc.easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	lc.easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	lc.easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	lc.easy_setopt(c, CURLOPT_XFERINFOFUNCTION, abort_if_stopping);
	lc.easy_setopt(c, CURLOPT_XFERINFODATA, n);
	CURLcode rc = lc.easy_perform(c);
	long status = 0;
	if (rc == CURLE_OK) {
		lc.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	} else if (!err[0]) {
		snprintf(err, CURL_ERROR_SIZE, "%s", lc.easy_strerror(rc));
	}
	lc.easy_cleanup(c);
	free(body);
	return status;
}

/* ---- the queue --------------------------------------------------------- */

/* The job due first, or -1. Caller holds the lock. */
static long
next_job(const struct hub *h)
{
	long best = -1;
	for (size_t i = 0; i < h->n_jobs; i++) {
		if (best < 0 || h->jobs[i].due_ms < h->jobs[best].due_ms) {
			best = (long)i;
		}
	}
	return best;
}

static bool
has_topic(const struct hub *h, const char *topic)
{
	for (size_t i = 0; i < h->n_jobs; i++) {
		if (strcmp(h->jobs[i].topic, topic) == 0) {
			return true;
		}
	}
	return false;
}

/* Caller holds the lock. Takes @topic. */
static void
enqueue(struct hub *h, char *topic, unsigned attempts, int64_t due_ms)
{
	struct websub *n = h->owner;
	for (size_t i = 0; i < h->n_jobs; i++) {
		if (strcmp(h->jobs[i].topic, topic) == 0) {
			/* already waiting: one ping covers both changes */
			if (attempts == 0) {
				h->jobs[i].attempts = 0;
				h->jobs[i].due_ms = due_ms;
			}
			free(topic);
			pthread_cond_signal(&h->wake);
			return;
		}
	}
	if (h->n_jobs == n->max_queued) {
		atomic_fetch_add(&n->dropped, 1);
		wf_log_warn("websub: %s: %zu pings queued already; dropping the one for %s",
			    h->url, h->n_jobs, topic);
		free(topic);
		return;
	}
	h->jobs = xreallocarray(h->jobs, h->n_jobs + 1, sizeof(*h->jobs));
	h->jobs[h->n_jobs++] = (struct job){ topic, attempts, due_ms };
	pthread_cond_signal(&h->wake);
}

static void
wait_until(pthread_cond_t *cond, pthread_mutex_t *lock, int64_t due_ms)
{
	/* condition variables time out on CLOCK_REALTIME by default */
	int64_t delta = due_ms - now_ms();
	if (delta <= 0) {
		return;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t ns = ts.tv_nsec + (delta % 1000) * 1000000;
	ts.tv_sec += (time_t)(delta / 1000 + ns / 1000000000);
	ts.tv_nsec = (long)(ns % 1000000000);
	pthread_cond_timedwait(cond, lock, &ts);
}

static void *
hub_thread(void *arg)
{
	struct hub *h = arg;
	struct websub *n = h->owner;
	pthread_mutex_lock(&h->lock);
	while (!atomic_load(&n->stopping)) {
		long i = next_job(h);
		if (i < 0) {
			pthread_cond_broadcast(&h->idle);
			pthread_cond_wait(&h->wake, &h->lock);
			continue;
		}
		if (h->jobs[i].due_ms > now_ms()) {
			wait_until(&h->wake, &h->lock, h->jobs[i].due_ms);
			continue;
		}
		struct job job = h->jobs[i];
		h->jobs[i] = h->jobs[--h->n_jobs];
		h->busy = true;
		pthread_mutex_unlock(&h->lock);

		char err[CURL_ERROR_SIZE];
		atomic_fetch_add(&n->attempts, 1);
		long status = post_ping(n, h->url, job.topic, err);
		job.attempts++;
		bool ok = status >= 200 && status < 300;
		if (ok) {
			atomic_fetch_add(&n->delivered, 1);
			wf_log_info("websub: %s accepted the ping for %s (HTTP %ld)",
				    h->url, job.topic, status);
		}
		char why[CURL_ERROR_SIZE + 32];
		if (status) {
			snprintf(why, sizeof(why), "HTTP %ld", status);
		} else {
			snprintf(why, sizeof(why), "%s", err);
		}

		pthread_mutex_lock(&h->lock);
		h->busy = false;
		if (ok || atomic_load(&n->stopping)) {
			free(job.topic);
		} else if (job.attempts >= n->max_attempts) {
			atomic_fetch_add(&n->failed, 1);
			wf_log_warn("websub: giving up on the ping to %s for %s after %u attempts (%s)",
				    h->url, job.topic, job.attempts, why);
			free(job.topic);
		} else if (has_topic(h, job.topic)) {
			free(job.topic); /* a newer ping for it is waiting */
		} else {
			/* backoff, 2 x backoff, 4 x backoff, ... */
			unsigned shift = job.attempts - 1 < 20 ? job.attempts - 1 : 20;
			uint64_t delay = (uint64_t)n->backoff_ms << shift;
			if (delay > MAX_BACKOFF_MS) {
				delay = MAX_BACKOFF_MS;
			}
			wf_log_warn("websub: ping to %s for %s failed (%s); retrying in %llu ms",
				    h->url, job.topic, why,
				    (unsigned long long)delay);
			enqueue(h, job.topic, job.attempts,
				now_ms() + (int64_t)delay);
		}
	}
	pthread_cond_broadcast(&h->idle);
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

/* ---- the notifier ------------------------------------------------------ */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

struct websub *
websub_create(const struct websub_options *o)
{
	pthread_once(&curl_once, libcurl_open);
	struct websub *n = xzalloc(sizeof(*n));
	n->base_url = xstrdup(o->base_url ? o->base_url : "");
	n->max_attempts = o->max_attempts ? o->max_attempts : DEFAULT_MAX_ATTEMPTS;
	n->backoff_ms = o->backoff_ms ? o->backoff_ms : DEFAULT_BACKOFF_MS;
	n->timeout_ms = o->timeout_ms ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
	n->max_queued = o->max_queued ? o->max_queued : DEFAULT_MAX_QUEUED;
	atomic_init(&n->stopping, false);
	atomic_init(&n->delivered, 0);
	atomic_init(&n->failed, 0);
	atomic_init(&n->dropped, 0);
	atomic_init(&n->attempts, 0);
	n->hubs = xcalloc(o->n_hubs ? o->n_hubs : 1, sizeof(*n->hubs));
	for (size_t i = 0; i < o->n_hubs; i++) {
		/* dense: a hub whose thread failed leaves no hole */
		struct hub *h = &n->hubs[n->n_hubs];
		h->owner = n;
		h->url = xstrdup(o->hubs[i]);
		pthread_mutex_init(&h->lock, NULL);
		pthread_cond_init(&h->wake, NULL);
		pthread_cond_init(&h->idle, NULL);
		int rc = pthread_create(&h->thread, NULL, hub_thread, h);
		if (rc != 0) {
			wf_log_error("websub: cannot start a thread for %s: %s",
				     h->url, strerror(rc));
			pthread_cond_destroy(&h->wake);
			pthread_cond_destroy(&h->idle);
			pthread_mutex_destroy(&h->lock);
			free(h->url);
			continue;
		}
		n->n_hubs++;
	}
	return n;
}

void
websub_destroy(struct websub *n)
{
	if (!n) {
		return;
	}
	atomic_store(&n->stopping, true);
	for (size_t i = 0; i < n->n_hubs; i++) {
		struct hub *h = &n->hubs[i];
		pthread_mutex_lock(&h->lock);
		pthread_cond_broadcast(&h->wake);
		pthread_mutex_unlock(&h->lock);
	}
	for (size_t i = 0; i < n->n_hubs; i++) {
		struct hub *h = &n->hubs[i];
		pthread_join(h->thread, NULL);
		for (size_t k = 0; k < h->n_jobs; k++) {
			free(h->jobs[k].topic);
		}
		free(h->jobs);
		free(h->url);
		pthread_cond_destroy(&h->wake);
		pthread_cond_destroy(&h->idle);
		pthread_mutex_destroy(&h->lock);
	}
	for (size_t i = 0; i < n->n_known; i++) {
		free(n->known[i].path);
	}
	free(n->known);
	free(n->hubs);
	free(n->base_url);
	free(n);
}

void
websub_notify(struct websub *n, const char *topic)
{
	int64_t now = now_ms();
	for (size_t i = 0; i < n->n_hubs; i++) {
		struct hub *h = &n->hubs[i];
		pthread_mutex_lock(&h->lock);
		enqueue(h, xstrdup(topic), 0, now);
		pthread_mutex_unlock(&h->lock);
	}
}

static bool
is_feed(const struct wf_rendered_file *f)
{
	return f->kind != WF_FILE_HTML;
}

size_t
websub_notify_set(struct websub *n, const struct wf_feedset *set)
{
	size_t queued = 0;
	struct known *next = xcalloc(set->n_files ? set->n_files : 1,
				     sizeof(*next));
	size_t n_next = 0;
	for (size_t i = 0; i < set->n_files; i++) {
		const struct wf_rendered_file *f = &set->files[i];
		if (!is_feed(f)) {
			continue;
		}
		const struct known *was = NULL;
		for (size_t k = 0; k < n->n_known; k++) {
			if (strcmp(n->known[k].path, f->path) == 0) {
				was = &n->known[k];
			}
		}
		if (n->has_known && (!was || strcmp(was->etag, f->etag) != 0)) {
			char *topic = xasprintf("%s%s", n->base_url, f->path);
			websub_notify(n, topic);
			free(topic);
			queued++;
		}
		next[n_next].path = xstrdup(f->path);
		snprintf(next[n_next].etag, sizeof(next[n_next].etag), "%s",
			 f->etag);
		n_next++;
	}
	for (size_t k = 0; k < n->n_known; k++) {
		free(n->known[k].path);
	}
	free(n->known);
	n->known = next;
	n->n_known = n_next;
	n->has_known = true;
	if (queued > 0) {
		wf_log_info("websub: %zu feed%s changed; pinging %zu hub%s",
			    queued, queued == 1 ? "" : "s", n->n_hubs,
			    n->n_hubs == 1 ? "" : "s");
	}
	return queued;
}

bool
websub_flush(struct websub *n, unsigned timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;
	bool empty = true;
	for (size_t i = 0; i < n->n_hubs; i++) {
		struct hub *h = &n->hubs[i];
		pthread_mutex_lock(&h->lock);
		while ((h->n_jobs > 0 || h->busy) && now_ms() < deadline) {
			wait_until(&h->idle, &h->lock, deadline);
		}
		empty = empty && h->n_jobs == 0 && !h->busy;
		pthread_mutex_unlock(&h->lock);
	}
	return empty;
}

struct websub_stats
websub_stats(struct websub *n)
{
	return (struct websub_stats){
		.delivered = atomic_load(&n->delivered),
		.failed = atomic_load(&n->failed),
		.dropped = atomic_load(&n->dropped),
		.attempts = atomic_load(&n->attempts),
	};
}

char **
websub_changed_topics(const struct wf_feedset *set, const char *const *paths,
		      size_t n_paths, const char *base_url)
{
	char **topics = xcalloc(n_paths + 1, sizeof(*topics));
	size_t n = 0;
	for (size_t i = 0; i < n_paths; i++) {
		const struct wf_rendered_file *f = wf_feedset_find(set, paths[i]);
		if (f && is_feed(f)) {
			topics[n++] = xasprintf("%s%s", base_url, f->path);
		}
	}
	return topics;
}

void
websub_topics_free(char **topics)
{
	if (!topics) {
		return;
	}
	for (char **t = topics; *t; t++) {
		free(*t);
	}
	free(topics);
}
