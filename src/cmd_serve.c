/* SPDX-License-Identifier: MIT */
/* wirefeed serve: build, write the static files, serve them over HTTP, and
 * rebuild when records change (inotify, a periodic scan, SIGHUP). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wirefeed/archive.h"
#include "wirefeed/build.h"
#include "wirefeed/server.h"
#include "cli.h"
#include "log.h"
#include "sha256.h"
#include "watch.h"
#include "websub.h"

/* A write in place may not be finished: wait this long for quiet, but
 * never more than MAX_WAIT_MS (issue 17.6). Renames act at once. */
#define DEBOUNCE_MS 150
#define MAX_WAIT_MS 1000
/* The index (a cache for the next start) is written once edits pause,
 * not after every rebuild: it is as big as the newswire. */
#define INDEX_SAVE_DELAY_MS 2000

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: wirefeed serve [--root DIR] [--out DIR] [--listen ADDR:PORT] [options]\n"
		"\n"
		"Build the newswire's feeds, write them as static files, serve them over\n"
		"HTTP, and rebuild whenever a record or wirefeed.conf changes.\n"
		"\n"
		"  --root DIR            the newswire (default: feeds)\n"
		"  --out DIR             where the static files go (default: public);\n"
		"                        --out none serves from memory only\n"
		"  --listen ADDR:PORT    numeric address and port (default: 127.0.0.1:8080;\n"
		"                        IPv6 as [::1]:8080; port 0 picks a free one)\n"
		"  --threads N           worker threads (default: one per CPU)\n"
		"  --max-connections N   open connections in all (default: 1024)\n"
		"  --max-per-client N    open connections per client address\n"
		"                        (default: 256; 0: no limit)\n"
		"  --timeout SECONDS     close idle or too-slow connections (default: 30)\n"
		"  --header-timeout SECONDS\n"
		"                        a request's whole header must arrive within this\n"
		"                        (default: 10; 1 while 90%% of connections are used)\n"
		"  --access-log FILE     combined log format to FILE; '-' is stderr (the\n"
		"                        default), 'off' disables it\n"
		"  --scan-interval SECS  also rescan the records this often, in case a\n"
		"                        change escapes inotify (default: 30; 0: never)\n"
		"  --grace SECONDS       on SIGTERM/SIGINT, let requests in flight finish\n"
		"                        for up to this long (default: 10)\n"
		"  --quiet               log errors only\n"
		"\n"
		"Signals: SIGHUP rebuilds now; SIGTERM and SIGINT stop gracefully (exit 0).\n"
		"WebSub: with 'hub' lines in wirefeed.conf, each hub gets a publish ping\n"
		"for every feed a rebuild changed. RFC 3229: 'A-IM: feed' requests naming\n"
		"a recent version get 226 with only the changed entries (delta_history).\n"
		"A rebuild that finds an invalid record keeps serving the last good feeds\n"
		"and logs why. Exit status: 0 after a clean shutdown; 2 when it cannot\n"
		"start (bad option, unusable newswire, address in use).\n");
}

struct serve_options {
	struct cli_build_options build;
	struct wf_server_options server;
	unsigned scan_interval_s;
	unsigned grace_s;
	struct websub *notifier; /* WebSub pings; NULL: no hub configured */
};

static bool
parse_unsigned(const char *s, unsigned max, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max || s[0] == '-') {
		return false;
	}
	*out = (unsigned)v;
	return true;
}

/* "127.0.0.1:8080", "[::1]:8080" */
static bool
parse_listen(char *spec, const char **address, uint16_t *port)
{
	char *colon = strrchr(spec, ':');
	if (!colon) {
		return false;
	}
	*colon = '\0';
	unsigned p;
	if (!parse_unsigned(colon + 1, 65535, &p)) {
		return false;
	}
	*port = (uint16_t)p;
	if (spec[0] == '[') {
		size_t n = strlen(spec);
		if (n < 3 || spec[n - 1] != ']') {
			return false;
		}
		spec[n - 1] = '\0';
		spec++;
	}
	*address = spec;
	return **address != '\0';
}

/* ---- change detection -------------------------------------------------- */

/* A digest of what a rebuild depends on: wirefeed.conf and every record's
 * name, size, mtime and inode. Cheap (stat only), so the periodic scan
 * can run often on a large newswire. */
static void
newswire_signature(const char *root, char out[65])
{
	struct sha256 h;
	sha256_init(&h);
	char path[PATH_MAX];
	struct stat st;
	snprintf(path, sizeof(path), "%s/wirefeed.conf", root);
	if (stat(path, &st) == 0) {
		sha256_update(&h, &st.st_size, sizeof(st.st_size));
		sha256_update(&h, &st.st_mtim, sizeof(st.st_mtim));
		sha256_update(&h, &st.st_ino, sizeof(st.st_ino));
	}
	snprintf(path, sizeof(path), "%s/articles", root);
	DIR *d = opendir(path);
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL) {
		if (!wf_newswire_is_record_name(de->d_name)) {
			continue;
		}
		if (fstatat(dirfd(d), de->d_name, &st, 0) != 0) {
			continue;
		}
		/* readdir order is stable while the directory is unchanged */
		sha256_update(&h, de->d_name, strlen(de->d_name) + 1);
		sha256_update(&h, &st.st_size, sizeof(st.st_size));
		sha256_update(&h, &st.st_mtim, sizeof(st.st_mtim));
		sha256_update(&h, &st.st_ino, sizeof(st.st_ino));
	}
	if (d) {
		closedir(d);
	}
	unsigned char digest[32];
	sha256_final(&h, digest);
	for (int i = 0; i < 32; i++) {
		snprintf(out + 2 * i, 3, "%02x", digest[i]);
	}
}

static int64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds of the monotonic clock until the wall clock reaches
 * @utc_s (UTC seconds): how long to sleep until an embargo lifts. */
static int64_t
ms_until_utc(int64_t utc_s)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t wall_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (utc_s > (INT64_MAX - 1000) / 1000) {
		return INT64_MAX / 2;
	}
	int64_t d = utc_s * 1000 - wall_ms;
	return d < 0 ? 0 : d;
}

/* ---- rebuilding -------------------------------------------------------- */

static void
log_record_error(void *ctx, const struct wf_diag *d)
{
	(void)ctx;
	char line[2048];
	wf_diag_format(d, line, sizeof(line));
	wf_log_error("%s", line);
}

static void
log_record_warning(void *ctx, const struct wf_diag *d)
{
	(void)ctx;
	char line[2048];
	wf_diag_format(d, line, sizeof(line));
	wf_log_warn("%s", line);
}

static void
log_record_note(void *ctx, const struct wf_diag *d)
{
	(void)ctx;
	char line[2048];
	wf_diag_format(d, line, sizeof(line));
	wf_log_info("%s", line);
}

/* The new set, whole, before its files are written: served at once (the
 * publish after it may wait for a new second: docs/deploy.md). @ctx: the
 * server. */
static void
swap_now(void *ctx, struct wf_feedset *set)
{
	wf_server_swap(ctx, set);
}

/* After a rebuild swapped in a new feed set: the feed paths whose bytes
 * changed (the place for anything that tells subscribers, e.g. WebSub). */
static void
feeds_changed(void *ctx, const char *const *paths, size_t n)
{
	(void)ctx;
	for (size_t i = 0; i < n; i++) {
		wf_log_debug("changed: %s", paths[i]);
	}
}

/* Bring *warm (the newswire in memory; NULL: none usable) up to date with
 * what @b says changed (@b NULL: stat every record to find out), then
 * render, publish and swap: the one build pipeline (build.c), with the
 * server's policy. Returns whether it swapped. */
static bool
rebuild(const struct serve_options *o, struct wf_server *server,
	struct wf_newswire **warm, struct wf_feedset **current,
	const struct watch_batch *b, const char *why)
{
	int64_t t0 = now_ms();
	struct wf_build_options bo = {
		.root = o->build.root,
		.out = o->build.out,
		.save_index = false, /* saved once edits pause */
		.changed = b ? (const char *const *)b->names : NULL,
		.n_changed = b ? b->n : 0,
		.changed_known = b != NULL,
		.reopen = !*warm || (b && b->everything),
		.previous = *current,
		.soft_publish = true,
		.serving = true,
	};
	struct wf_build_callbacks cb = { .error = log_record_error,
					 .warning = log_record_warning,
					 .note = log_record_note,
					 .changed = feeds_changed,
					 .ready = swap_now,
					 .ctx = server };
	struct wf_build_stats stats = { 0 };
	struct wf_feedset *set = NULL;
	struct wf_diag diag = { 0 };
	enum wf_status st = wf_build_run(&bo, &cb, warm, &set, &stats, &diag);
	if (st == WF_ERR_INVALID) {
		wf_log_error("rebuild failed: %zu invalid record%s; still serving the previous feeds",
			     stats.invalid, stats.invalid == 1 ? "" : "s");
		return false;
	}
	if (st != WF_OK) {
		char line[2048];
		wf_log_error("%s", wf_diag_format(&diag, line, sizeof(line)));
		wf_log_error("rebuild failed; still serving the previous feeds");
		wf_newswire_destroy(*warm);
		*warm = NULL;
		return false;
	}
	if (!set) {
		return false; /* nothing changed */
	}
	if (o->notifier) {
		websub_notify_set(o->notifier, set); /* pings changed feeds */
	}
	wf_feedset_unref(*current);
	*current = set;
	wf_log_info("rebuilt (%s): %zu records (%zu read), %zu files changed, in %lld ms",
		    why, stats.records, stats.parsed, stats.written,
		    (long long)(now_ms() - t0));
	return true;
}

static void
save_index(const struct serve_options *o, const struct wf_newswire *nw)
{
	char *index_path = wf_newswire_index_path(o->build.root);
	struct wf_diag diag = { 0 };
	if (nw && wf_newswire_save_index(nw, index_path, &diag) != WF_OK) {
		char line[2048];
		wf_log_warn("%s", wf_diag_format(&diag, line, sizeof(line)));
	}
	free(index_path);
}

/* ---- the command ------------------------------------------------------- */

static int
parse_options(int argc, char **argv, struct serve_options *o,
	      char *listen_buf, size_t listen_size, const char **access_log)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "listen", required_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 't' },
		{ "max-connections", required_argument, NULL, 'c' },
		{ "max-per-client", required_argument, NULL, 'p' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "header-timeout", required_argument, NULL, 'H' },
		{ "access-log", required_argument, NULL, 'a' },
		{ "scan-interval", required_argument, NULL, 's' },
		{ "grace", required_argument, NULL, 'g' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":r:o:l:qh", longopts, NULL)) != -1) {
		bool ok = true;
		switch (c) {
		case 'r': o->build.root = optarg; break;
		case 'o':
			o->build.out = strcmp(optarg, "none") == 0 ? NULL : optarg;
			break;
		case 'l':
			snprintf(listen_buf, listen_size, "%s", optarg);
			ok = parse_listen(listen_buf, &o->server.address,
					  &o->server.port);
			break;
		case 't': ok = parse_unsigned(optarg, 1024, &o->server.threads); break;
		case 'c':
			ok = parse_unsigned(optarg, 1000000, &o->server.max_connections) &&
			     o->server.max_connections > 0;
			break;
		case 'p': ok = parse_unsigned(optarg, 1000000, &o->server.max_per_client); break;
		case 'T':
			ok = parse_unsigned(optarg, 86400, &o->server.timeout_s) &&
			     o->server.timeout_s > 0;
			break;
		case 'H':
			ok = parse_unsigned(optarg, 3600, &o->server.header_timeout_s) &&
			     o->server.header_timeout_s > 0;
			break;
		case 'a': *access_log = optarg; break;
		case 's': ok = parse_unsigned(optarg, 86400, &o->scan_interval_s); break;
		case 'g': ok = parse_unsigned(optarg, 3600, &o->grace_s); break;
		case 'q': o->build.quiet = true; break;
		case 'h': usage(stdout); return 0;
		default:
			cli_bad_option(argv, c);
			usage(stderr);
			return 2;
		}
		if (!ok) {
			fprintf(stderr, "wirefeed serve: bad value '%s' for %s\n",
				optarg, argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "wirefeed serve: unexpected argument '%s'\n",
			argv[optind]);
		return 2;
	}
	return -1;
}

int
cmd_serve(int argc, char **argv)
{
	struct serve_options o = {
		.build = { .root = "feeds", .out = "public" },
		.server = { .address = "127.0.0.1", .port = 8080,
			    .max_per_client = 256 },
		.scan_interval_s = 30,
		.grace_s = 10,
	};
	char listen_buf[256];
	const char *access_log = "-";
	int rc = parse_options(argc, argv, &o, listen_buf, sizeof(listen_buf),
			       &access_log);
	if (rc >= 0) {
		return rc;
	}
	if (o.build.quiet) {
		log_set_level(LOG_LEVEL_ERROR);
	}
	FILE *log_file = NULL;
	if (strcmp(access_log, "-") == 0) {
		o.server.access_log = stderr;
	} else if (strcmp(access_log, "off") != 0) {
		log_file = fopen(access_log, "a");
		if (!log_file) {
			fprintf(stderr, "wirefeed serve: cannot open access log %s: %s\n",
				access_log, strerror(errno));
			return 2;
		}
		setvbuf(log_file, NULL, _IOLBF, 0);
		o.server.access_log = log_file;
	}

	/* Signals are taken synchronously by this thread only; block them
	 * before any server thread exists so the threads inherit the mask. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	int sig_fd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);

	/* First build: with no previous version to fall back on, publish the
	 * valid records (as --keep-going) rather than serve nothing. */
	struct cli_build_options first = o.build;
	first.keep_going = true;
	struct wf_feedset *set = NULL;
	struct wf_newswire *warm = NULL; /* kept loaded between rebuilds */
	rc = cli_build(&first, &set, &warm);
	if (!set) {
		wf_newswire_destroy(warm);
		if (log_file) {
			fclose(log_file);
		}
		return 2;
	}
	if (rc != 0) {
		wf_log_error("serving without the invalid records above; fix them and the feeds rebuild");
	}
	/* what the records looked like when the newswire could not be loaded
	 * (warm is NULL): the periodic scan retries when it changes */
	char signature[65] = "";

	/* Cache-Control max-age comes from the config as loaded at start */
	o.server.cache_max_age_s = warm ? warm->config->cache_max_age_s
				       : WF_CONFIG_DEFAULT_MAX_AGE_S;
	/* WebSub links and delta history too (the server copies them) */
	if (warm) {
		o.server.base_url = warm->config->base_url;
		o.server.hubs = (const char *const *)warm->config->hubs;
		o.server.n_hubs = warm->config->n_hubs;
		o.server.delta_history = warm->config->delta_history;
	}

	o.server.out_dir = o.build.out; /* Last-Modified across restarts */
	struct wf_server *server = NULL;
	struct wf_diag diag = { 0 };
	if (wf_server_start(&o.server, set, &server, &diag) != WF_OK) {
		fprintf(stderr, "wirefeed serve: %s\n", diag.message);
		wf_feedset_unref(set);
		wf_newswire_destroy(warm);
		if (log_file) {
			fclose(log_file);
		}
		return 2;
	}
	bool v6 = strchr(o.server.address, ':') != NULL;
	fprintf(stderr, "wirefeed: serving %zu files on http://%s%s%s:%u/ (Ctrl-C stops)\n",
		set->n_files, v6 ? "[" : "", o.server.address, v6 ? "]" : "",
		wf_server_port(server));
	fflush(stderr);
	struct wf_feedset *current = set; /* what is being served */
	if (warm && warm->config->n_hubs > 0) {
		struct websub_options wo = {
			.hubs = (const char *const *)warm->config->hubs,
			.n_hubs = warm->config->n_hubs,
			.base_url = warm->config->base_url,
		};
		o.notifier = websub_create(&wo);
		websub_notify_set(o.notifier, set); /* what is live now */
	}

	struct watch_options wo = {
		.root = o.build.root,
		.debounce_ms = DEBOUNCE_MS,
		.max_wait_ms = MAX_WAIT_MS,
		.scan_interval_ms = o.scan_interval_s * 1000,
	};
	struct watch *watch = watch_create(&wo, now_ms());
	int inotify_fd = watch_fd(watch);
	int64_t index_at = -1; /* when to save the index */
	/* the lifecycle's timer (docs/lifecycle.md): an embargo lifts, a
	 * story expires, a tombstone's window ends, at that second. The
	 * change last tried, so a failed rebuild does not spin. */
	int64_t clock_at = -1, clock_tried = INT64_MIN;
	bool running = true;
	while (running) {
		int64_t now = now_ms();
		int64_t wake = watch_deadline(watch);
		if (index_at >= 0 && (wake < 0 || index_at < wake)) {
			wake = index_at;
		}
		clock_at = -1;
		if (warm && warm->next_change != INT64_MAX &&
		    warm->next_change != clock_tried) {
			int64_t in = ms_until_utc(warm->next_change);
			clock_at = in > INT64_MAX / 4 ? -1 : now + in;
		}
		if (clock_at >= 0 && (wake < 0 || clock_at < wake)) {
			wake = clock_at;
		}
		int64_t wait = wake < 0 ? -1 : wake > now ? wake - now : 0;
		/* a far timer (an embargo next week) is looked at again hourly */
		int timeout = wait > 3600000 ? 3600000 : (int)wait;
		struct pollfd fds[2] = {
			{ .fd = sig_fd, .events = POLLIN },
			{ .fd = inotify_fd, .events = POLLIN },
		};
		int n = poll(fds, inotify_fd >= 0 ? 2 : 1, timeout);
		if (n < 0 && errno != EINTR) {
			wf_log_error("poll: %s", strerror(errno));
			break;
		}
		const char *why = "inotify"; /* for the log */
		if (n > 0 && (fds[0].revents & POLLIN)) {
			struct signalfd_siginfo si;
			while (read(sig_fd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGHUP) {
					wf_log_info("SIGHUP: rebuilding");
					watch_request_all(watch, now_ms());
					why = "SIGHUP";
				} else {
					wf_log_info("%s: finishing requests in flight, then stopping",
						    si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
					running = false;
					wf_server_quiesce(server);
				}
			}
		}
		if (n > 0 && inotify_fd >= 0 && (fds[1].revents & POLLIN)) {
			watch_read(watch, now_ms());
		}
		now = now_ms();
		if (index_at >= 0 && now >= index_at) {
			index_at = -1;
			save_index(&o, warm);
		}
		struct watch_batch batch;
		if (running && clock_at >= 0 && now >= clock_at && warm &&
		    ms_until_utc(warm->next_change) == 0) {
			/* no file changed: the build renders for the clock */
			struct watch_batch none = { 0 };
			clock_tried = warm->next_change;
			if (rebuild(&o, server, &warm, &current, &none, "clock")) {
				index_at = now_ms() + INDEX_SAVE_DELAY_MS;
			}
		}
		if (!running || !watch_take(watch, now, &batch)) {
			continue;
		}
		if (batch.scan) {
			why = "scan";
		}
		if (!warm) {
			/* nothing in memory to refresh: open again, but on a
			 * scan only if the files moved since the last failure.
			 * The signature first: a change during the rebuild
			 * must trigger another one. */
			char sig[65];
			newswire_signature(o.build.root, sig);
			if (!batch.scan || strcmp(sig, signature) != 0) {
				memcpy(signature, sig, sizeof(signature));
				batch.everything = true;
				if (rebuild(&o, server, &warm, &current, &batch, why)) {
					index_at = now_ms() + INDEX_SAVE_DELAY_MS;
				}
			}
		} else if (rebuild(&o, server, &warm, &current,
				   batch.scan ? NULL : &batch, why)) {
			index_at = now_ms() + INDEX_SAVE_DELAY_MS;
		}
		if (!warm) {
			newswire_signature(o.build.root, signature);
		}
		watch_batch_finish(&batch);
	}
	if (index_at >= 0) {
		save_index(&o, warm);
	}
	watch_destroy(watch);
	wf_newswire_destroy(warm);
	wf_server_stop(server, o.grace_s * 1000);
	wf_feedset_unref(current);
	if (o.notifier) {
		websub_flush(o.notifier, 2000); /* pings of the last rebuild */
		websub_destroy(o.notifier);
	}
	close(sig_fd);
	if (log_file) {
		fclose(log_file);
	}
	wf_log_info("stopped");
	return 0;
}
