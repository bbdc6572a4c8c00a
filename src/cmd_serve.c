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
#include <sys/inotify.h>
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

#define DEBOUNCE_MS 150
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
		"  --access-log FILE     combined log format to FILE; '-' is stderr (the\n"
		"                        default), 'off' disables it\n"
		"  --scan-interval SECS  also rescan the records this often, in case a\n"
		"                        change escapes inotify (default: 30; 0: never)\n"
		"  --grace SECONDS       on SIGTERM/SIGINT, let requests in flight finish\n"
		"                        for up to this long (default: 10)\n"
		"  --quiet               log errors only\n"
		"\n"
		"Signals: SIGHUP rebuilds now; SIGTERM and SIGINT stop gracefully (exit 0).\n"
		"A rebuild that finds an invalid record keeps serving the last good feeds\n"
		"and logs why. Exit status: 0 after a clean shutdown; 2 when it cannot\n"
		"start (bad option, unusable newswire, address in use).\n");
}

struct serve_options {
	struct cli_build_options build;
	struct wf_server_options server;
	unsigned scan_interval_s;
	unsigned grace_s;
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

/* What changed since the last rebuild. */
struct pending {
	char **names; /* record files inotify named */
	size_t n, cap;
	bool everything; /* config changed, events lost, SIGHUP: open afresh */
	int articles_wd; /* the watch on articles/ */
};

static void
pending_add(struct pending *p, const char *name)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		char **grown = realloc(p->names, p->cap * sizeof(*grown));
		if (!grown) {
			p->everything = true; /* cannot remember: rescan all */
			return;
		}
		p->names = grown;
	}
	char *copy = strdup(name);
	if (!copy) {
		p->everything = true;
		return;
	}
	p->names[p->n++] = copy;
}

static void
pending_clear(struct pending *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->names[i]);
	}
	p->n = 0;
	p->everything = false;
}

static int
watch_newswire(const char *root, int *articles_wd)
{
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0) {
		wf_log_warn("inotify unavailable (%s); relying on the periodic scan",
			    strerror(errno));
		return -1;
	}
	const uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM |
			      IN_DELETE | IN_CREATE | IN_ATTRIB;
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/articles", root);
	if (inotify_add_watch(fd, root, mask) < 0 ||
	    (*articles_wd = inotify_add_watch(fd, path, mask)) < 0) {
		wf_log_warn("cannot watch %s (%s); relying on the periodic scan",
			    root, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Drain inotify into @changes; whether any event concerns a record or the
 * config. */
static bool
drain_events(int fd, struct pending *changes)
{
	bool relevant = false;
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0) {
			break;
		}
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const void *)p;
			if (ev->mask & IN_Q_OVERFLOW) {
				relevant = changes->everything = true;
			} else if (ev->len == 0) {
				/* the directory itself */
			} else if (ev->wd == changes->articles_wd) {
				if (wf_newswire_is_record_name(ev->name)) {
					pending_add(changes, ev->name);
					relevant = true;
				}
			} else if (strcmp(ev->name, "wirefeed.conf") == 0) {
				relevant = changes->everything = true;
			}
			p += sizeof(*ev) + ev->len;
		}
	}
	return relevant;
}

static int64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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

/* Open the newswire afresh (with its index: only changed records are
 * parsed). NULL on failure, logged. */
static struct wf_newswire *
reopen(const struct serve_options *o, const struct wf_load_options *lo,
       struct wf_load_stats *stats)
{
	struct wf_newswire *nw = NULL;
	struct wf_diag diag = { 0 };
	if (wf_newswire_open(o->build.root, lo, &nw, stats, &diag) != WF_OK) {
		char line[2048];
		wf_log_error("%s", wf_diag_format(&diag, line, sizeof(line)));
		wf_log_error("rebuild failed; still serving the previous feeds");
		return NULL;
	}
	return nw;
}

/* Bring *warm (the newswire in memory; NULL: none usable) up to date with
 * what @p says changed (@p NULL: stat every record to find out), then
 * render, publish and swap. Only the records that changed are read: the
 * others stay in memory between rebuilds. Returns whether it swapped. */
static bool
rebuild(const struct serve_options *o, struct wf_server *server,
	struct wf_newswire **warm, const struct pending *p, const char *why)
{
	int64_t t0 = now_ms();
	char *index_path = wf_newswire_index_path(o->build.root);
	struct wf_load_options lo = { .index_path = index_path,
				      .error = log_record_error,
				      .warning = log_record_warning };
	struct wf_load_stats stats = { 0 };
	enum wf_refresh how = WF_REFRESH_REOPEN;
	if (*warm && !(p && p->everything)) {
		how = wf_newswire_refresh(*warm,
					  p ? (const char *const *)p->names
					    : NULL,
					  p ? p->n : 0, &lo, &stats);
	}
	if (how == WF_REFRESH_UNCHANGED) {
		free(index_path);
		return false;
	}
	if (how == WF_REFRESH_REOPEN) {
		wf_newswire_destroy(*warm);
		*warm = reopen(o, &lo, &stats);
		if (!*warm) {
			free(index_path);
			return false;
		}
	}
	struct wf_newswire *nw = *warm;
	size_t invalid = stats.invalid;
	if (invalid == 0) {
		invalid += wf_newswire_prepare(nw, log_record_error, NULL);
		invalid += wf_archive_prepare(nw, log_record_error, NULL);
	}
	if (invalid > 0) {
		wf_log_error("rebuild failed: %zu invalid record%s; still serving the previous feeds",
			     invalid, invalid == 1 ? "" : "s");
		free(index_path);
		return false;
	}
	struct wf_feedset *set = wf_render(nw);
	struct wf_publish_stats ps = { 0 };
	struct wf_diag diag = { 0 };
	struct wf_archive_stats as = { 0 };
	if (o->build.out &&
	    (wf_archive_publish(nw, o->build.out, &as, &diag) != WF_OK ||
	     wf_publish(set, o->build.out, &ps, &diag) != WF_OK)) {
		char line[2048];
		wf_log_error("%s", wf_diag_format(&diag, line, sizeof(line)));
		wf_log_error("could not write the static files; serving the new feeds from memory");
	}
	ps.written += as.written;
	if (wf_archive_add_to_set(set, nw, o->build.out, &diag) != WF_OK) {
		char line[2048];
		wf_log_error("%s", wf_diag_format(&diag, line, sizeof(line)));
	}
	free(index_path);
	wf_server_swap(server, set);
	wf_feedset_unref(set);
	wf_log_info("rebuilt (%s): %zu records (%zu read), %zu files changed, in %lld ms",
		    why, nw->n_records, stats.parsed, ps.written,
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
	wf_feedset_unref(set);

	struct pending pending = { .articles_wd = -1 };
	int watch_fd = watch_newswire(o.build.root, &pending.articles_wd);
	int64_t pending_at = -1; /* when to rebuild after inotify events */
	int64_t index_at = -1;   /* when to save the index */
	int64_t next_scan = o.scan_interval_s
				    ? now_ms() + (int64_t)o.scan_interval_s * 1000
				    : -1;
	bool running = true;
	while (running) {
		int64_t now = now_ms();
		int64_t wake = -1;
		if (pending_at >= 0) {
			wake = pending_at;
		}
		if (next_scan >= 0 && (wake < 0 || next_scan < wake)) {
			wake = next_scan;
		}
		if (index_at >= 0 && (wake < 0 || index_at < wake)) {
			wake = index_at;
		}
		int timeout = wake < 0 ? -1 : (int)(wake > now ? wake - now : 0);
		struct pollfd fds[2] = {
			{ .fd = sig_fd, .events = POLLIN },
			{ .fd = watch_fd, .events = POLLIN },
		};
		int n = poll(fds, watch_fd >= 0 ? 2 : 1, timeout);
		if (n < 0 && errno != EINTR) {
			wf_log_error("poll: %s", strerror(errno));
			break;
		}
		bool rebuild_now = false;
		const char *why = "inotify"; /* for the log */
		if (n > 0 && (fds[0].revents & POLLIN)) {
			struct signalfd_siginfo si;
			while (read(sig_fd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGHUP) {
					wf_log_info("SIGHUP: rebuilding");
					rebuild_now = pending.everything = true;
					why = "SIGHUP";
				} else {
					wf_log_info("%s: finishing requests in flight, then stopping",
						    si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
					running = false;
				}
			}
		}
		if (n > 0 && watch_fd >= 0 && (fds[1].revents & POLLIN) &&
		    drain_events(watch_fd, &pending)) {
			pending_at = now_ms() + DEBOUNCE_MS; /* let writes settle */
		}
		now = now_ms();
		if (pending_at >= 0 && now >= pending_at) {
			pending_at = -1;
			rebuild_now = true;
		}
		if (index_at >= 0 && now >= index_at) {
			index_at = -1;
			save_index(&o, warm);
		}
		bool scan_now = false;
		if (next_scan >= 0 && now >= next_scan) {
			next_scan = now + (int64_t)o.scan_interval_s * 1000;
			scan_now = true;
		}
		if (!rebuild_now) {
			why = "scan";
		}
		if (running && !warm && (rebuild_now || scan_now)) {
			/* nothing in memory to refresh: open again, but on a
			 * scan only if the files moved since the last failure.
			 * The signature first: a change during the rebuild
			 * must trigger another one. */
			char current[65];
			newswire_signature(o.build.root, current);
			if (rebuild_now || strcmp(current, signature) != 0) {
				memcpy(signature, current, sizeof(signature));
				pending.everything = true;
				if (rebuild(&o, server, &warm, &pending, why)) {
					index_at = now_ms() + INDEX_SAVE_DELAY_MS;
				}
				pending_clear(&pending);
			}
		} else if (running && (rebuild_now || scan_now)) {
			/* inotify's names, or (scan) a stat of every record */
			if (rebuild(&o, server, &warm,
				    rebuild_now ? &pending : NULL, why)) {
				index_at = now_ms() + INDEX_SAVE_DELAY_MS;
			}
			if (rebuild_now) {
				pending_clear(&pending);
			}
			if (!warm) {
				newswire_signature(o.build.root, signature);
			}
		}
	}
	pending_clear(&pending);
	free(pending.names);
	if (index_at >= 0) {
		save_index(&o, warm);
	}
	wf_newswire_destroy(warm);
	wf_server_stop(server, o.grace_s * 1000);
	if (watch_fd >= 0) {
		close(watch_fd);
	}
	close(sig_fd);
	if (log_file) {
		fclose(log_file);
	}
	wf_log_info("stopped");
	return 0;
}
