/* SPDX-License-Identifier: MIT */
/* docs/deploy.md's nginx recipe, proven: real nginx (Debian's) on a
 * loopback port the test picks, with the server block read from
 * docs/deploy.md and its own main config in a temp dir, serving the static
 * output that `wirefeed serve` keeps current. A story is edited; curl and
 * python3-feedparser see the new version with a 200, then a 304. Exits 77
 * (skipped) only when nginx is not installed. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

#define NGINX "/usr/sbin/nginx"
/* the photo story of the sample newswire */
#define STORY_ID "urn:uuid:e8d1017f-fed7-4659-b56e-bfb788a3d1f7"

struct deploy {
	char *tmp;
	char root[4096], out[4096];
	pid_t serve_pid, nginx_pid;
	char base[64];
};

struct response {
	int status;
	char *headers; /* lower-cased */
	char *body;
	size_t body_len;
};

static void
response_free(struct response *r)
{
	free(r->headers);
	free(r->body);
}

/* The value of header @name (lower case) in @r, or "" (heap). */
static char *
header(const struct response *r, const char *name)
{
	char key[128];
	snprintf(key, sizeof(key), "\n%s: ", name);
	const char *p = strstr(r->headers, key);
	if (!p) {
		return strdup("");
	}
	p += strlen(key);
	return strndup(p, strcspn(p, "\r\n"));
}

/* GET @path from nginx with curl (no decoding), extra header lines @h1,
 * @h2 (NULL: none). Values keep their case; names are lower-cased. */
static struct response
get(const struct deploy *d, const char *path, const char *h1, const char *h2)
{
	struct response r = { 0 };
	char *out = NULL;
	int rc = helpers_runf(&out, "rm -f '%s/resp.body'; curl -sS -o '%s/resp.body' -D '%s/resp.headers' -w '%%{http_code}' %s%s%s %s%s%s '%s%s'",
			      d->tmp, d->tmp, d->tmp, h1 ? "-H '" : "", h1 ? h1 : "",
			      h1 ? "'" : "", h2 ? "-H '" : "", h2 ? h2 : "",
			      h2 ? "'" : "", d->base, path);
	ck_assert_msg(rc == 0, "curl %s: %s", path, out);
	r.status = atoi(out);
	free(out);
	char p[8192];
	snprintf(p, sizeof(p), "%s/resp.headers", d->tmp);
	char *raw = helpers_read_file(p, NULL);
	ck_assert_ptr_nonnull(raw);
	/* lower-case the names only */
	bool in_name = true;
	for (char *c = raw; *c; c++) {
		if (*c == '\n') {
			in_name = true;
		} else if (*c == ':') {
			in_name = false;
		} else if (in_name && *c >= 'A' && *c <= 'Z') {
			*c = (char)(*c - 'A' + 'a');
		}
	}
	size_t n = strlen(raw) + 2;
	r.headers = malloc(n);
	snprintf(r.headers, n, "\n%s", raw);
	free(raw);
	snprintf(p, sizeof(p), "%s/resp.body", d->tmp);
	r.body = helpers_read_file(p, &r.body_len);
	if (!r.body) {
		r.body = strdup("");
		r.body_len = 0;
	}
	return r;
}

#define ASSERT_HEADER(r, name, want) do { \
	char *v_ = header(r, name); \
	ck_assert_msg(strcmp(v_, want) == 0, "%s: '%s', want '%s'", name, v_, want); \
	free(v_); \
} while (0)

/* A free loopback port: bind port 0, read it back, release it. nginx binds
 * it a moment later; start_nginx() retries if someone took it meanwhile. */
static unsigned
free_port(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(s, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	socklen_t len = sizeof(a);
	ck_assert_int_eq(getsockname(s, (struct sockaddr *)&a, &len), 0);
	close(s);
	return ntohs(a.sin_port);
}

/* Replace the one occurrence of @from in *@text with @to. */
static void
replace(char **text, const char *from, const char *to)
{
	char *p = strstr(*text, from);
	ck_assert_msg(p != NULL, "docs/deploy.md's server block lost '%s'", from);
	size_t n = strlen(*text) - strlen(from) + strlen(to) + 1;
	char *s = malloc(n);
	snprintf(s, n, "%.*s%s%s", (int)(p - *text), *text, to, p + strlen(from));
	free(*text);
	*text = s;
}

/* The ```nginx block of docs/deploy.md, with the test's port and paths. */
static char *
recipe(const struct deploy *d, unsigned port)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/docs/deploy.md", helpers_source_root());
	char *doc = helpers_read_file(path, NULL);
	ck_assert_ptr_nonnull(doc);
	const char *start = strstr(doc, "\n```nginx\n");
	ck_assert_msg(start != NULL, "no ```nginx block in docs/deploy.md");
	start += strlen("\n```nginx\n");
	const char *end = strstr(start, "\n```\n");
	ck_assert_ptr_nonnull(end);
	char *block = strndup(start, (size_t)(end - start + 1));
	free(doc);
	char listen[64];
	snprintf(listen, sizeof(listen), "listen 127.0.0.1:%u;", port);
	replace(&block, "listen 80;", listen);
	replace(&block, "listen [::]:80;", "# (IPv6 listen left out: loopback test)");
	char root[4200];
	snprintf(root, sizeof(root), "root %s;", d->out);
	replace(&block, "root /var/lib/wirefeed/public;", root);
	return block;
}

static int
start_nginx(struct deploy *d)
{
	unsigned port = free_port();
	char *server = recipe(d, port);
	char conf[20000];
	int n = snprintf(conf, sizeof(conf),
			 "%s"
			 "worker_processes 1;\n"
			 "pid %s/nginx.pid;\n"
			 "error_log %s/error.log warn;\n"
			 "events { worker_connections 64; }\n"
			 "http {\n"
			 "include /etc/nginx/mime.types;\n"
			 "default_type application/octet-stream;\n"
			 "access_log %s/access.log;\n"
			 "client_body_temp_path %s/body; proxy_temp_path %s/proxy;\n"
			 "fastcgi_temp_path %s/fastcgi; uwsgi_temp_path %s/uwsgi; scgi_temp_path %s/scgi;\n"
			 "%s}\n",
			 /* as root, workers drop to Debian's web server user */
			 geteuid() == 0 ? "user www-data;\n" : "", d->tmp, d->tmp,
			 d->tmp, d->tmp, d->tmp, d->tmp, d->tmp, d->tmp, server);
	free(server);
	char path[4200];
	snprintf(path, sizeof(path), "%s/nginx.conf", d->tmp);
	helpers_write_file(path, conf, (size_t)n);
	char *out = NULL;
	int rc = helpers_runf(&out, NGINX " -t -q -p '%s' -e '%s/error.log' -c '%s' 2>&1",
			      d->tmp, d->tmp, path);
	ck_assert_msg(rc == 0, "nginx -t:\n%s\n%s", out, conf);
	free(out);

	char prefix[4200], errlog[4200], log[4200];
	snprintf(prefix, sizeof(prefix), "%s", d->tmp);
	snprintf(errlog, sizeof(errlog), "%s/error.log", d->tmp);
	snprintf(log, sizeof(log), "%s/nginx.out", d->tmp);
	const char *argv[] = { NGINX, "-p", prefix, "-e", errlog, "-c", path,
			       "-g", "daemon off;", NULL };
	d->nginx_pid = helpers_spawn(argv, log);
	snprintf(d->base, sizeof(d->base), "http://127.0.0.1:%u", port);
	for (int i = 0; i < 200; i++) {
		out = NULL;
		rc = helpers_runf(&out, "curl -s -o /dev/null -w '%%{http_code}' '%s/atom.xml'",
				  d->base);
		bool up = rc == 0 && strcmp(out, "200") == 0;
		free(out);
		if (up) {
			return 0;
		}
		int status;
		if (waitpid(d->nginx_pid, &status, WNOHANG) == d->nginx_pid) {
			/* exited: e.g. the port was taken meanwhile */
			d->nginx_pid = 0;
			break;
		}
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	char *text = helpers_read_file(errlog, NULL);
	fprintf(stderr, "nginx did not come up on %s:\n%s\n", d->base, text ? text : "");
	free(text);
	if (d->nginx_pid > 0) {
		kill(d->nginx_pid, SIGKILL);
		helpers_wait_exit(d->nginx_pid, 5000);
	}
	return -1;
}

static void
deploy_start(struct deploy *d)
{
	d->tmp = helpers_make_tempdir();
	/* nginx's workers (www-data when we are root) read the output */
	ck_assert_int_eq(chmod(d->tmp, 0755), 0);
	snprintf(d->root, sizeof(d->root), "%s/wire", d->tmp);
	snprintf(d->out, sizeof(d->out), "%s/public", d->tmp);
	ck_assert_int_eq(helpers_copy_sample_wire(d->root), 0);
	/* the production writer: wirefeed serve keeps the files current */
	char log[4200];
	snprintf(log, sizeof(log), "%s/serve.log", d->tmp);
	const char *argv[] = { helpers_binary(), "serve", "--root", d->root,
			       "--out", d->out, "--listen", "127.0.0.1:0",
			       "--scan-interval", "1", "--access-log", "off",
			       NULL };
	d->serve_pid = helpers_spawn(argv, log);
	char *text = helpers_wait_for_text(log, "serving", 15000);
	ck_assert_msg(text != NULL, "wirefeed serve did not start");
	free(text);
	int tries = 0;
	while (start_nginx(d) != 0) {
		ck_assert_msg(++tries < 3, "nginx failed to start three times");
	}
}

static void
deploy_stop(struct deploy *d)
{
	/* SIGQUIT: nginx's graceful shutdown */
	kill(d->nginx_pid, SIGQUIT);
	int rc = helpers_wait_exit(d->nginx_pid, 30000);
	if (rc != 0) {
		char path[4200];
		snprintf(path, sizeof(path), "%s/error.log", d->tmp);
		char *text = helpers_read_file(path, NULL);
		ck_abort_msg("nginx exited with %d (-1: signal or timeout):\n%s", rc,
			     text ? text : "");
	}
	kill(d->serve_pid, SIGTERM);
	rc = helpers_wait_exit(d->serve_pid, 15000);
	ck_assert_msg(rc == 0, "wirefeed serve exited with %d", rc);
	helpers_rmtree(d->tmp);
	free(d->tmp);
}

static void
run_script(const char *script, const char *args)
{
	char *out = NULL;
	int rc = helpers_runf(&out, "/usr/bin/python3 '%s/tests/e2e/%s' %s 2>&1",
			      helpers_source_root(), script, args);
	ck_assert_msg(rc == 0, "%s %s:\n%s", script, args, out);
	free(out);
}

START_TEST(nginx_serves_feeds_with_types_charset_and_caching)
{
	struct deploy d;
	deploy_start(&d);
	static const struct {
		const char *path, *type;
	} types[] = {
		{ "/atom.xml", "application/atom+xml; charset=utf-8" },
		{ "/rss.xml", "application/rss+xml; charset=utf-8" },
		{ "/sections/sports/atom.xml", "application/atom+xml; charset=utf-8" },
		{ "/sections/sports/rss.xml", "application/rss+xml; charset=utf-8" },
		{ "/", "text/html; charset=utf-8" },
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct response r = get(&d, types[i].path, NULL, NULL);
		ck_assert_msg(r.status == 200, "%s: %d", types[i].path, r.status);
		ASSERT_HEADER(&r, "content-type", types[i].type);
		ASSERT_HEADER(&r, "cache-control", "public, max-age=300");
		response_free(&r);
	}
	/* the bytes wirefeed wrote, a strong ETag, Last-Modified */
	struct response r = get(&d, "/atom.xml", NULL, NULL);
	char path[4200];
	snprintf(path, sizeof(path), "%s/atom.xml", d.out);
	size_t len = 0;
	char *file = helpers_read_file(path, &len);
	ck_assert_uint_eq(r.body_len, len);
	ck_assert_mem_eq(r.body, file, len);
	free(file);
	char *etag = header(&r, "etag");
	ck_assert_msg(etag[0] == '"', "ETag '%s' is not strong", etag);
	char *lm = header(&r, "last-modified");
	ck_assert_str_ne(lm, "");
	response_free(&r);

	/* conditional GET: If-None-Match, and If-Modified-Since alone */
	char inm[300], ims[300];
	snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
	snprintf(ims, sizeof(ims), "If-Modified-Since: %s", lm);
	r = get(&d, "/atom.xml", inm, NULL);
	ck_assert_int_eq(r.status, 304);
	ck_assert_uint_eq(r.body_len, 0);
	ASSERT_HEADER(&r, "etag", etag);
	ASSERT_HEADER(&r, "cache-control", "public, max-age=300");
	response_free(&r);
	r = get(&d, "/atom.xml", ims, NULL);
	ck_assert_int_eq(r.status, 304);
	response_free(&r);
	r = get(&d, "/atom.xml", "If-None-Match: \"stale\"", NULL);
	ck_assert_int_eq(r.status, 200);
	response_free(&r);

	/* gzip: encoded, Vary, a weak ETag that still gives 304 */
	r = get(&d, "/atom.xml", "Accept-Encoding: gzip", NULL);
	ck_assert_int_eq(r.status, 200);
	ASSERT_HEADER(&r, "content-encoding", "gzip");
	ASSERT_HEADER(&r, "vary", "Accept-Encoding");
	ck_assert_uint_lt(r.body_len, len / 2);
	ck_assert_msg((unsigned char)r.body[0] == 0x1f &&
			      (unsigned char)r.body[1] == 0x8b,
		      "not a gzip body");
	char *gz_etag = header(&r, "etag");
	ck_assert_msg(strncmp(gz_etag, "W/\"", 3) == 0, "gzip ETag '%s'", gz_etag);
	response_free(&r);
	char gz_inm[300];
	snprintf(gz_inm, sizeof(gz_inm), "If-None-Match: %s", gz_etag);
	r = get(&d, "/atom.xml", gz_inm, "Accept-Encoding: gzip");
	ck_assert_int_eq(r.status, 304);
	response_free(&r);

	/* a rebuild's temporary file is never served */
	snprintf(path, sizeof(path), "%s/atom.xml.tmp-Ab12Cd", d.out);
	helpers_write_file(path, "partial", 7);
	r = get(&d, "/atom.xml.tmp-Ab12Cd", NULL, NULL);
	ck_assert_int_eq(r.status, 404);
	response_free(&r);
	unlink(path);

	free(gz_etag);
	free(etag);
	free(lm);
	deploy_stop(&d);
}
END_TEST

START_TEST(edited_story_reaches_clients_through_nginx_200_then_304)
{
	struct deploy d;
	deploy_start(&d);
	static const char *const feeds[] = { "/atom.xml", "/rss.xml",
					     "/sections/sports/atom.xml" };
	char *etags[3];
	for (int i = 0; i < 3; i++) {
		struct response r = get(&d, feeds[i], NULL, NULL);
		ck_assert_int_eq(r.status, 200);
		etags[i] = header(&r, "etag");
		response_free(&r);
	}
	/* the edit, as an editor makes it; wirefeed serve notices it */
	const char *title = "Harbor Rowing Club eight wins regional title in record time";
	char *out = NULL;
	int rc = helpers_runf(&out, "'%s' update '" STORY_ID "' --root '%s' --title '%s' 2>&1",
			      helpers_binary(), d.root, title);
	ck_assert_msg(rc == 0, "update: %s", out);
	free(out);

	for (int i = 0; i < 3; i++) {
		char inm[300];
		snprintf(inm, sizeof(inm), "If-None-Match: %s", etags[i]);
		/* a client holding the old version polls until it changes */
		struct response r = { 0 };
		for (int tries = 0; tries < 200; tries++) {
			r = get(&d, feeds[i], inm, NULL);
			if (r.status != 304) {
				break;
			}
			response_free(&r);
			struct timespec ts = { 0, 50 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
		ck_assert_msg(r.status == 200, "%s: %d after the edit", feeds[i], r.status);
		ck_assert_msg(strstr(r.body, title) != NULL, "%s lacks the new title", feeds[i]);
		char *etag = header(&r, "etag");
		ck_assert_str_ne(etag, etags[i]);
		response_free(&r);
		/* the same client, now holding the new version */
		snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
		r = get(&d, feeds[i], inm, NULL);
		ck_assert_int_eq(r.status, 304);
		response_free(&r);
		free(etag);
		free(etags[i]);
	}

	/* feedparser through nginx: the records' ids, titles and times, read
	 * cleanly; then a poll with its ETag gets 304 */
	char args[9000];
	for (int i = 0; i < 2; i++) {
		snprintf(args, sizeof(args), "'%s' '%s%s'", d.root, d.base, feeds[i]);
		run_script("feedparser_check.py", args);
		snprintf(args, sizeof(args), "'%s%s' '" STORY_ID "' '%s'", d.base,
			 feeds[i], title);
		run_script("conditional_check.py", args);
	}
	deploy_stop(&d);
}
END_TEST

int
main(void)
{
	if (access(NGINX, X_OK) != 0) {
		printf("SKIP: %s is not installed (Debian: apt install nginx; tools/deps does)\n",
		       NGINX);
		return 77;
	}
	Suite *s = suite_create("deploy");
	TCase *tc = tcase_create("nginx");
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, nginx_serves_feeds_with_types_charset_and_caching);
	tcase_add_test(tc, edited_story_reaches_clients_through_nginx_200_then_304);
	suite_add_tcase(s, tc);
	return helpers_run_suite(s);
}
