/* SPDX-License-Identifier: MIT */
#ifndef WIREFEED_SERVER_H
#define WIREFEED_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "wirefeed/feedset.h"
#include "wirefeed/status.h"

/*
 * The HTTP server: serves a feed set from memory with libmicrohttpd and
 * the caching semantics of RFC 9110/9111 (strong ETags, Last-Modified,
 * 304s, gzip with its own ETag, Cache-Control). Last-Modified is when a
 * file's bytes were first served or published, so it moves forward
 * exactly when they change. The served set can be
 * swapped at any time; each response is built from one set only.
 */
struct wf_server_options {
	const char *address;      /* numeric IPv4 or IPv6 address */
	uint16_t port;            /* 0: the kernel picks; see wf_server_port() */
	unsigned threads;         /* worker threads; 0: one per CPU */
	unsigned max_connections; /* total; 0: default 1024; capped by
				     RLIMIT_NOFILE (raised to its hard limit) */
	unsigned max_per_client;  /* per client address; 0: unlimited */
	unsigned timeout_s;       /* idle connection timeout; 0: default 30 */
	unsigned header_timeout_s; /* a request's whole header must arrive
				      within this (1 s while 90% of the
				      connections are in use); 0: default 10 */
	unsigned cache_max_age_s; /* Cache-Control: max-age */
	FILE *access_log;         /* combined log format; NULL: none */
	const char *out_dir;      /* where the served sets are published
				     (wf_publish); their mtimes carry
				     Last-Modified across restarts. NULL:
				     none (copied) */
	/* WebSub (W3C WebSub §4): feed responses carry Link rel="hub" per
	 * hub and rel="self" (@base_url + path; NULL: none). Copied. */
	const char *base_url;
	const char *const *hubs;
	size_t n_hubs;
	/* RFC 3229 A-IM: feed deltas against this many earlier versions
	 * of each feed; 0: never a delta */
	size_t delta_history;
};

struct wf_server;

/**
 * Listen and start serving @set (a reference is taken). Failures to
 * listen (address in use, bad address) return WF_ERR_IO with a one-line
 * cause in @diag.
 */
WF_MUST_CHECK enum wf_status
wf_server_start(const struct wf_server_options *options,
		struct wf_feedset *set, struct wf_server **out,
		struct wf_diag *diag);

/** The port actually listened on. */
uint16_t
wf_server_port(const struct wf_server *server);

/** The connection limit in effect: max_connections, or less when
 * RLIMIT_NOFILE does not leave descriptors for that many. */
unsigned
wf_server_max_connections(const struct wf_server *server);

/**
 * Serve @set from now on (a reference is taken). Requests already being
 * answered finish with the set they started with. Thread-safe with
 * respect to requests; call it from one thread at a time (it records
 * each feed's version for deltas).
 */
void
wf_server_swap(struct wf_server *server, struct wf_feedset *set);

/**
 * Stop listening now: new connections are refused (not queued), while
 * connections already accepted are still served. Idempotent; the main
 * thread calls it as soon as it decides to stop.
 */
void
wf_server_quiesce(struct wf_server *server);

/**
 * Stop accepting connections, let requests in flight finish (up to
 * @grace_ms), then close everything and free the server.
 */
void
wf_server_stop(struct wf_server *server, unsigned grace_ms);

#endif
