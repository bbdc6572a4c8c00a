/* SPDX-License-Identifier: MIT */
#ifndef WEBSUB_H
#define WEBSUB_H

#include <stdbool.h>
#include <stddef.h>

#include "wirefeed/feedset.h"

/*
 * WebSub publisher (W3C WebSub §4 and §7): tells hubs that a feed changed
 * with POST hub.mode=publish&hub.url=URL&hub.topic=URL (hub.url is the
 * PubSubHubbub form most hubs read, hub.topic what Flask-WebSub reads).
 *
 * Each hub has its own thread and a bounded queue, so a hub that is down
 * or hangs delays nothing but its own pings: websub_notify*() only queue
 * and never block on the network. A failed ping (transport error, or a
 * status other than 2xx) is retried with exponential backoff, up to
 * max_attempts; every outcome is logged. Pings queued for the same topic
 * while one is waiting are merged.
 */

struct websub_options {
	const char *const *hubs; /* hub URLs; copied */
	size_t n_hubs;
	const char *base_url;    /* topic = base_url + file path; copied */
	unsigned max_attempts;   /* per ping; 0: 5 */
	unsigned backoff_ms;     /* first retry after this, then doubled;
				    0: 1000 */
	unsigned timeout_ms;     /* per attempt, connect included; 0: 10000 */
	size_t max_queued;       /* per hub; beyond it pings are dropped
				    (and logged); 0: 256 */
};

struct websub_stats {
	size_t delivered; /* pings a hub acknowledged with 2xx */
	size_t failed;    /* pings given up after max_attempts */
	size_t dropped;   /* pings refused because a queue was full */
	size_t attempts;  /* HTTP requests made, retries included */
};

struct websub;

/** Start the notifier (one thread per hub). Never NULL. */
struct websub *
websub_create(const struct websub_options *options);

/** Stop: abandon queued pings, abort transfers in flight, join the
 * threads, free. NULL-safe. */
void
websub_destroy(struct websub *notifier);

/** Queue a ping for @topic_url to every hub. Never blocks on the
 * network. Thread-safe. */
void
websub_notify(struct websub *notifier, const char *topic_url);

/**
 * Remember the ETags of @set's feed files (Atom, RSS: not HTML) and queue
 * a ping for each one whose bytes differ from the set passed last time
 * (a file that is new since then counts as changed). The first call only
 * remembers. Returns how many topics were queued. Call from one thread.
 */
size_t
websub_notify_set(struct websub *notifier, const struct wf_feedset *set);

/**
 * Wait until every queued ping is delivered or given up, or @timeout_ms
 * passed. Returns whether the queues are empty.
 */
bool
websub_flush(struct websub *notifier, unsigned timeout_ms);

/** Counts so far. Thread-safe. */
struct websub_stats
websub_stats(struct websub *notifier);

/**
 * The self URLs (@base_url + path) of the feed files (Atom, RSS: not
 * HTML) of @set among @paths (a build's changed paths, as its `changed`
 * callback reports them). NULL-terminated heap array of heap strings;
 * free with websub_topics_free(). Never NULL.
 */
char **
websub_changed_topics(const struct wf_feedset *set, const char *const *paths,
		      size_t n_paths, const char *base_url);

void
websub_topics_free(char **topics);

#endif
