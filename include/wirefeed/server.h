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
 * 304s, gzip with its own ETag, Cache-Control). The served set can be
 * swapped at any time; each response is built from one set only.
 */
struct wf_server_options {
	const char *address;      /* numeric IPv4 or IPv6 address */
	uint16_t port;            /* 0: the kernel picks; see wf_server_port() */
	unsigned threads;         /* worker threads; 0: one per CPU */
	unsigned max_connections; /* total; 0: default 1024 */
	unsigned max_per_client;  /* per client address; 0: unlimited */
	unsigned timeout_s;       /* idle connection timeout; 0: default 30 */
	unsigned cache_max_age_s; /* Cache-Control: max-age */
	FILE *access_log;         /* combined log format; NULL: none */
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

/**
 * Serve @set from now on (a reference is taken). Requests already being
 * answered finish with the set they started with. Thread-safe with
 * respect to requests; call it from one thread at a time (it records
 * each feed's version for deltas).
 */
void
wf_server_swap(struct wf_server *server, struct wf_feedset *set);

/**
 * Stop accepting connections, let requests in flight finish (up to
 * @grace_ms), then close everything and free the server.
 */
void
wf_server_stop(struct wf_server *server, unsigned grace_ms);

#endif
