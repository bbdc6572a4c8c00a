/* SPDX-License-Identifier: MIT */
/* What an operator gets besides the feeds: `wirefeed --version` names the
 * libraries it runs with; the man pages are lint-clean and document every
 * option --help prints. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <microhttpd.h>

#include "helpers.h"

/* The versions this test process loaded are the ones the binary loads:
 * both link the same shared libraries. */
START_TEST(version_names_runtime_libraries)
{
	char *out = NULL;
	int rc = helpers_runf(&out, "'%s' --version", helpers_binary());
	ck_assert_int_eq(rc, 0);

	long v = strtol(xmlParserVersion, NULL, 10);
	char want[256];
	snprintf(want, sizeof(want), "wirefeed %s\nlibxml2 %ld.%ld.%ld (built with ",
		 WF_VERSION, v / 10000, v / 100 % 100, v % 100);
	ck_assert_msg(strncmp(out, want, strlen(want)) == 0,
		      "got:\n%s\nwanted it to start with:\n%s", out, want);
	snprintf(want, sizeof(want), "\nlibmicrohttpd %s (built with ",
		 MHD_get_version());
	ck_assert_msg(strstr(out, want) != NULL, "no '%s' in:\n%s", want, out);
	/* three lines, nothing else */
	size_t lines = 0;
	for (const char *p = out; *p; p++) {
		lines += *p == '\n';
	}
	ck_assert_uint_eq(lines, 3);
	free(out);
}
END_TEST

START_TEST(version_aliases_agree)
{
	char *a = NULL, *b = NULL, *c = NULL;
	ck_assert_int_eq(helpers_runf(&a, "'%s' --version", helpers_binary()), 0);
	ck_assert_int_eq(helpers_runf(&b, "'%s' -V", helpers_binary()), 0);
	ck_assert_int_eq(helpers_runf(&c, "'%s' version", helpers_binary()), 0);
	ck_assert_str_eq(a, b);
	ck_assert_str_eq(a, c);
	free(a);
	free(b);
	free(c);
}
END_TEST

static const char *const man_pages[] = {
	"wirefeed.1", "wirefeed.conf.5", "wirefeed-record.5",
};

static char *
man_path(const char *page)
{
	const char *build = getenv("WF_BUILD_ROOT");
	ck_assert_msg(build != NULL, "WF_BUILD_ROOT is not set");
	size_t n = strlen(build) + strlen(page) + 8;
	char *path = malloc(n);
	snprintf(path, n, "%s/doc/%s", build, page);
	return path;
}

/* Both formatters Debian uses: mandoc's linter (warnings and worse; its
 * STYLE notes are advice) and groff through man-db, as lintian runs it. */
START_TEST(man_pages_are_lint_clean)
{
	for (size_t i = 0; i < sizeof(man_pages) / sizeof(man_pages[0]); i++) {
		char *path = man_path(man_pages[i]);
		char *out = NULL;
		int rc = helpers_runf(&out, "mandoc -T lint -W warning '%s'", path);
		ck_assert_msg(rc == 0 && out[0] == '\0', "%s: mandoc rc %d:\n%s",
			      man_pages[i], rc, out);
		free(out);
		rc = helpers_runf(&out, "LC_ALL=C.UTF-8 MANROFFSEQ='' man --warnings -E UTF-8 -l -Tutf8 -Z '%s' 2>&1 >/dev/null",
				  path);
		ck_assert_msg(rc == 0 && out[0] == '\0', "%s: man --warnings rc %d:\n%s",
			      man_pages[i], rc, out);
		free(out);
		free(path);
	}
}
END_TEST

/* The page as a reader sees it: mandoc's text output without overstrike. */
static char *
render(const char *page)
{
	char *path = man_path(page);
	char *out = NULL;
	int rc = helpers_runf(&out, "mandoc -T ascii -O width=400 '%s'", path);
	ck_assert_msg(rc == 0, "mandoc %s: %s", path, out);
	free(path);
	char *w = out;
	for (const char *r = out; *r; r++) {
		if (r[0] != '\b' && r[1] == '\b') {
			continue; /* "x\bx" bold, "_\bx" underline */
		}
		if (*r != '\b') {
			*w++ = *r;
		}
	}
	*w = '\0';
	return out;
}

/* Whether @text holds the option @opt as a whole word. */
static bool
has_option(const char *text, const char *opt)
{
	size_t n = strlen(opt);
	for (const char *p = strstr(text, opt); p; p = strstr(p + 1, opt)) {
		bool starts = p == text || !(isalnum((unsigned char)p[-1]) ||
					     p[-1] == '-');
		bool ends = !(isalnum((unsigned char)p[n]) || p[n] == '-');
		if (starts && ends) {
			return true;
		}
	}
	return false;
}

/* The subsection "wirefeed CMD" of the rendered page, up to the next
 * subsection or section; heap, or NULL. */
static char *
subsection(const char *page, const char *cmd)
{
	char head[128];
	snprintf(head, sizeof(head), "\n   wirefeed %s\n", cmd);
	const char *start = strstr(page, head);
	if (!start) {
		return NULL;
	}
	start += strlen(head);
	const char *end = start;
	while (*end) {
		const char *nl = strchr(end, '\n');
		if (!nl) {
			end += strlen(end);
			break;
		}
		const char *line = nl + 1;
		if ((line[0] != ' ' && line[0] != '\n' && line[0] != '\0') ||
		    (strncmp(line, "   ", 3) == 0 && line[3] != ' ')) {
			end = nl;
			break;
		}
		end = line;
	}
	return strndup(start, (size_t)(end - start));
}

/* Every "--option" in @help appears in @section; returns the missing ones
 * (heap, empty when none). */
static char *
missing_options(const char *help, const char *section)
{
	char *missing = calloc(1, 4096);
	for (const char *p = strstr(help, "--"); p; p = strstr(p, "--")) {
		bool starts = p == help || !(isalnum((unsigned char)p[-1]) ||
					     p[-1] == '-');
		size_t n = 2;
		while (isalnum((unsigned char)p[n]) || p[n] == '-') {
			n++;
		}
		if (starts && n > 2 && isalpha((unsigned char)p[2])) {
			char opt[64];
			snprintf(opt, sizeof(opt), "%.*s", (int)n, p);
			if (!has_option(section, opt) && !has_option(missing, opt) &&
			    strlen(missing) + n + 2 < 4096) {
				strcat(missing, " ");
				strcat(missing, opt);
			}
		}
		p += n;
	}
	return missing;
}

START_TEST(man_page_documents_every_command_and_option)
{
	char *page = render("wirefeed.1");
	char *help = NULL;
	ck_assert_int_eq(helpers_runf(&help, "'%s' --help", helpers_binary()), 0);
	/* "commands:" then one "  NAME  summary" line per command */
	const char *list = strstr(help, "commands:\n");
	ck_assert_ptr_nonnull(list);
	size_t n_commands = 0;
	for (const char *line = strchr(list, '\n') + 1;
	     strncmp(line, "  ", 2) == 0; line = strchr(line, '\n') + 1) {
		char cmd[32];
		ck_assert_int_eq(sscanf(line, " %31s", cmd), 1);
		n_commands++;
		char *section = subsection(page, cmd);
		ck_assert_msg(section != NULL, "wirefeed(1) has no subsection 'wirefeed %s'",
			      cmd);
		char *cmd_help = NULL;
		ck_assert_int_eq(helpers_runf(&cmd_help, "'%s' %s --help",
					      helpers_binary(), cmd), 0);
		char *missing = missing_options(cmd_help, section);
		ck_assert_msg(missing[0] == '\0',
			      "wirefeed(1), 'wirefeed %s' does not document:%s",
			      cmd, missing);
		/* and the synopsis names the command */
		char synopsis[64];
		snprintf(synopsis, sizeof(synopsis), "\n     wirefeed %s ", cmd);
		ck_assert_msg(strstr(page, synopsis) != NULL,
			      "SYNOPSIS lacks 'wirefeed %s'", cmd);
		free(missing);
		free(cmd_help);
		free(section);
	}
	ck_assert_uint_ge(n_commands, 10);
	/* the options of wirefeed itself */
	char *missing = missing_options(help, page);
	ck_assert_msg(missing[0] == '\0', "wirefeed(1) does not document:%s", missing);
	free(missing);
	ck_assert(has_option(page, "--version"));
	for (const char *s = "EXIT STATUS\0FILES\0EXAMPLES\0SEE ALSO\0"; *s;
	     s += strlen(s) + 1) {
		char head[64];
		snprintf(head, sizeof(head), "\n%s\n", s);
		ck_assert_msg(strstr(page, head) != NULL, "no %s section", s);
	}
	free(help);
	free(page);
}
END_TEST

/* The checker itself: a page without an option is caught. */
START_TEST(missing_option_is_reported)
{
	char *m = missing_options("  --root DIR  x\n  --keep-going  y\n",
				  "--root\n--keep-goingX\n");
	ck_assert_str_eq(m, " --keep-going");
	free(m);
	m = missing_options("--a-b and --c", "x --a-b, --c.");
	ck_assert_str_eq(m, "");
	free(m);
}
END_TEST

/* wirefeed.conf(5) names every key the sample configuration uses. */
START_TEST(config_page_documents_every_key)
{
	char *page = render("wirefeed.conf.5");
	char path[4096];
	snprintf(path, sizeof(path), "%s/feeds/wirefeed.conf", helpers_source_root());
	char *conf = helpers_read_file(path, NULL);
	ck_assert_ptr_nonnull(conf);
	size_t keys = 0;
	for (char *line = strtok(conf, "\n"); line; line = strtok(NULL, "\n")) {
		char key[64];
		if (line[0] == '#' || sscanf(line, " %63[a-z_] =", key) != 1) {
			continue;
		}
		char head[80];
		snprintf(head, sizeof(head), "\n     %s", key);
		ck_assert_msg(strstr(page, head) != NULL,
			      "wirefeed.conf(5) has no entry for '%s'", key);
		keys++;
	}
	ck_assert_uint_ge(keys, 10);
	free(conf);
	/* and every key of the reference table in docs/config-format.md,
	 * which also lists the ones the sample leaves commented out */
	snprintf(path, sizeof(path), "%s/docs/config-format.md", helpers_source_root());
	char *md = helpers_read_file(path, NULL);
	ck_assert_ptr_nonnull(md);
	size_t rows = 0;
	for (const char *row = strstr(md, "\n| `"); row; row = strstr(row + 1, "\n| `")) {
		char key[64];
		if (sscanf(row, "\n| `%63[a-z_]` |", key) != 1) {
			continue;
		}
		char head[80];
		snprintf(head, sizeof(head), "\n     %s", key);
		ck_assert_msg(strstr(page, head) != NULL,
			      "wirefeed.conf(5) has no entry for '%s' (docs/config-format.md)", key);
		rows++;
	}
	ck_assert_uint_ge(rows, 14);
	free(md);
	free(page);
}
END_TEST

/* `meson install --destdir` of this build tree into a fresh temp dir;
 * returns the temp dir (caller removes) and the install prefix in it. */
static char *
install_tree(char *prefix, size_t size)
{
	char *tmp = helpers_make_tempdir();
	char *out = NULL;
	int rc = helpers_runf(&out, "meson install -C '%s' --no-rebuild --destdir '%s/dest' 2>&1",
			      getenv("WF_BUILD_ROOT"), tmp);
	ck_assert_msg(rc == 0, "meson install: %s", out);
	free(out);
	/* the prefix is where bin/wirefeed landed */
	rc = helpers_runf(&out, "cd '%s/dest' && find . -path '*/bin/wirefeed' -type f", tmp);
	ck_assert_int_eq(rc, 0);
	char *nl = strstr(out, "/bin/wirefeed\n");
	ck_assert_msg(nl != NULL, "no bin/wirefeed installed:\n%s", out);
	*nl = '\0';
	snprintf(prefix, size, "%s/dest%s", tmp, out + 1);
	free(out);
	return tmp;
}

/* One install for the TCase (an unchecked fixture: set up once, in the
 * parent process); tests only read it. */
static char *inst_tmp;
static char inst_prefix[4096];

static void
install_setup(void)
{
	inst_tmp = install_tree(inst_prefix, sizeof(inst_prefix));
	/* the unit's user (or nobody) must reach the tree */
	ck_assert_int_eq(chmod(inst_tmp, 0755), 0);
}

static void
install_teardown(void)
{
	helpers_rmtree(inst_tmp);
	free(inst_tmp);
	inst_tmp = NULL;
}

/* Where @suffix was installed below the install tree (heap), or NULL;
 * -Dsystemdsystemunitdir= and friends may put files outside the prefix. */
static char *
installed(const char *suffix)
{
	char *out = NULL;
	int rc = helpers_runf(&out, "find '%s/dest' -path '*/%s' -type f", inst_tmp, suffix);
	ck_assert_int_eq(rc, 0);
	char *nl = strchr(out, '\n');
	if (!nl) {
		free(out);
		return NULL;
	}
	*nl = '\0';
	return out;
}

START_TEST(meson_install_puts_every_file)
{
	static const char *const files[] = {
		"bin/wirefeed",
		"share/man/man1/wirefeed.1",
		"share/man/man5/wirefeed.conf.5",
		"share/man/man5/wirefeed-record.5",
		"bash-completion/completions/wirefeed",
		"share/doc/wirefeed/examples/wirefeed.conf",
		"systemd/system/wirefeed.service",
		"lib/sysusers.d/wirefeed.conf",
	};
	const char *prefix = inst_prefix, *tmp = inst_tmp;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *path = installed(files[i]);
		ck_assert_msg(path != NULL, "not installed: %s", files[i]);
		free(path);
	}
	char *out = NULL;
	ck_assert_int_eq(helpers_runf(&out, "'%s/bin/wirefeed' --version", prefix), 0);
	ck_assert_ptr_nonnull(strstr(out, "wirefeed " WF_VERSION "\n"));
	free(out);
	/* the installed unit runs the installed binary */
	char *unit = installed("systemd/system/wirefeed.service");
	char *text = helpers_read_file(unit, NULL);
	char want[8192];
	snprintf(want, sizeof(want), "\nExecStart=%s/bin/wirefeed serve ",
		 prefix + strlen(tmp) + strlen("/dest"));
	ck_assert_msg(strstr(text, want) != NULL, "no '%s' in the unit", want + 1);
	free(text);
	free(unit);
}
END_TEST

/* systemd's own checker, offline (no systemd needs to run): syntax, the
 * ExecStart/ExecReload programs and the Documentation= man pages, looked up
 * in the install tree; and its sandbox score. */
START_TEST(unit_passes_systemd_analyze_verify)
{
	const char *prefix = inst_prefix;
	const char *dest_prefix = prefix + strlen(inst_tmp) + strlen("/dest");
	char *tmp = helpers_make_tempdir();
	char *out = NULL;
	/* the unit names the installed path; point it into the tree */
	char *unit = installed("systemd/system/wirefeed.service");
	ck_assert_ptr_nonnull(unit);
	int rc = helpers_runf(&out, "mkdir '%s/units' && sed 's|=%s/bin/wirefeed |=%s/bin/wirefeed |' "
				    "'%s' > '%s/units/wirefeed.service'",
			      tmp, dest_prefix, prefix, unit, tmp);
	free(unit);
	ck_assert_msg(rc == 0, "%s", out);
	free(out);
	rc = helpers_runf(&out, "MANPATH='%s/share/man' systemd-analyze verify '%s/units/wirefeed.service' 2>&1",
			  prefix, tmp);
	ck_assert_msg(rc == 0 && out[0] == '\0', "systemd-analyze verify (rc %d):\n%s", rc, out);
	free(out);
	/* exposure 0 (best) to 10; fail above 2.0 */
	rc = helpers_runf(&out, "systemd-analyze security --offline=yes --threshold=20 '%s/units/wirefeed.service' 2>&1",
			  tmp);
	ck_assert_msg(rc == 0, "systemd-analyze security (rc %d):\n%s", rc, out);
	free(out);
	helpers_rmtree(tmp);
	free(tmp);
}
END_TEST

/* No systemd runs here (CI containers): tests/e2e/unit_exec.py does what
 * systemd would with the installed unit (its Environment, StateDirectory,
 * user, ExecStart, ExecReload, KillSignal) under a private prefix, and
 * checks what it wrote and where. */
START_TEST(unit_exec_start_serves_with_its_paths)
{
	const char *prefix = inst_prefix;
	char *tmp = helpers_make_tempdir();
	/* the unit's user (or nobody) must reach the prefix inside */
	ck_assert_int_eq(chmod(tmp, 0755), 0);
	char *out = NULL;
	char *unit = installed("systemd/system/wirefeed.service");
	ck_assert_ptr_nonnull(unit);
	int rc = helpers_runf(&out, "/usr/bin/python3 '%s/tests/e2e/unit_exec.py' '%s' "
				    "--prefix '%s/root' --binary '%s/bin/wirefeed' --newswire-from '%s/feeds' "
				    "--set WIREFEED_LISTEN=127.0.0.1:0 --set 'WIREFEED_OPTIONS=--threads 2 --access-log off' "
				    "--user-fallback nobody 2>&1",
			      helpers_source_root(), unit, tmp, prefix,
			      helpers_source_root());
	free(unit);
	ck_assert_msg(rc == 0, "unit_exec.py (rc %d):\n%s", rc, out);
	ck_assert_ptr_nonnull(strstr(out, "\nok: "));
	free(out);
	helpers_rmtree(tmp);
	free(tmp);
}
END_TEST

/* The runner is a check, not a launcher: a unit whose output directory is
 * not writable under its sandbox fails it. */
START_TEST(unit_exec_rejects_output_outside_read_write_paths)
{
	char *unit = installed("systemd/system/wirefeed.service");
	ck_assert_ptr_nonnull(unit);
	char *tmp = helpers_make_tempdir();
	ck_assert_int_eq(chmod(tmp, 0755), 0);
	char *out = NULL;
	int rc = helpers_runf(&out, "sed 's|^ReadWritePaths=.*|ReadWritePaths=/var/lib/wirefeed/newswire|' '%s' > '%s/narrow.service' && "
				    "/usr/bin/python3 '%s/tests/e2e/unit_exec.py' '%s/narrow.service' "
				    "--prefix '%s/root' --binary '%s/bin/wirefeed' --newswire-from '%s/feeds' "
				    "--set WIREFEED_LISTEN=127.0.0.1:0 --user-fallback nobody 2>&1",
			      unit, tmp, helpers_source_root(), tmp, tmp,
			      inst_prefix, helpers_source_root());
	ck_assert_msg(rc == 1, "unit_exec.py rc %d:\n%s", rc, out);
	ck_assert_msg(strstr(out, "/var/lib/wirefeed/public is not in ReadWritePaths") != NULL,
		      "%s", out);
	ck_assert_msg(strstr(out, "outside ReadWritePaths") != NULL, "%s", out);
	free(out);
	free(unit);
	helpers_rmtree(tmp);
	free(tmp);
}
END_TEST

/* The example configuration is one wirefeed accepts as it is. */
START_TEST(example_config_builds_valid_feeds)
{
	const char *prefix = inst_prefix;
	char *tmp = helpers_make_tempdir();
	char *out = NULL;
	int rc = helpers_runf(&out, "mkdir -p '%s/wire/articles' && cp '%s/share/doc/wirefeed/examples/wirefeed.conf' '%s/wire/' && "
				    "'%s' build --quiet --root '%s/wire' --out '%s/out' && "
				    "'%s' validate --strict '%s/out/atom.xml' '%s/out/rss.xml' 2>&1",
			      tmp, prefix, tmp, helpers_binary(), tmp, tmp,
			      helpers_binary(), tmp, tmp);
	ck_assert_msg(rc == 0, "%s", out);
	free(out);
	helpers_rmtree(tmp);
	free(tmp);
}
END_TEST

/* The line of dist/wirefeed.bash that lists a command's options. */
static char *
completion_options(const char *completion, const char *cmd)
{
	char head[64];
	snprintf(head, sizeof(head), "\n        %s) opts='", cmd);
	const char *p = strstr(completion, head);
	if (!p) {
		return NULL;
	}
	p += strlen(head);
	return strndup(p, strcspn(p, "'"));
}

START_TEST(completion_offers_every_option_of_help)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/dist/wirefeed.bash", helpers_source_root());
	char *completion = helpers_read_file(path, NULL);
	ck_assert_ptr_nonnull(completion);
	char *help = NULL;
	ck_assert_int_eq(helpers_runf(&help, "'%s' --help", helpers_binary()), 0);
	const char *list = strchr(strstr(help, "commands:\n"), '\n') + 1;
	for (const char *line = list; strncmp(line, "  ", 2) == 0;
	     line = strchr(line, '\n') + 1) {
		char cmd[32];
		ck_assert_int_eq(sscanf(line, " %31s", cmd), 1);
		char *opts = completion_options(completion, cmd);
		ck_assert_msg(opts != NULL, "completion has no options for %s", cmd);
		char *cmd_help = NULL;
		ck_assert_int_eq(helpers_runf(&cmd_help, "'%s' %s --help",
					      helpers_binary(), cmd), 0);
		char *missing = missing_options(cmd_help, opts);
		ck_assert_msg(missing[0] == '\0', "completion of %s lacks:%s", cmd,
			      missing);
		free(missing);
		free(cmd_help);
		free(opts);
	}
	free(help);
	free(completion);
}
END_TEST

/* Completion as bash runs it, through bash-completion's helpers: commands,
 * options, section slugs from the newswire, story ids with their colons. */
START_TEST(completion_completes_in_bash)
{
	static const struct {
		const char *line;
		const char *want;
	} cases[] = {
		{ "wirefeed se", "serve" },
		{ "wirefeed serve --max-c", "--max-connections" },
		{ "wirefeed list --root {root} --section sp", "sports" },
		{ "wirefeed validate --format j", "junit" },
		{ "wirefeed show --root {root} urn:uuid:e8d1", "urn:uuid:e8d1017f-fed7-4659-b56e-bfb788a3d1f7" },
	};
	char *tmp = helpers_make_tempdir();
	/* a copy: list and show keep the store's id index, and the source
	 * tree is not theirs to write */
	ck_assert_int_eq(helpers_runf(NULL, "mkdir '%s/wire' && cp -R '%s/feeds/wirefeed.conf' '%s/feeds/articles' '%s/wire/'",
				      tmp, helpers_source_root(),
				      helpers_source_root(), tmp), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char line[512];
		const char *root = strstr(cases[i].line, "{root}");
		if (root) {
			snprintf(line, sizeof(line), "%.*s%s/wire%s",
				 (int)(root - cases[i].line), cases[i].line,
				 tmp, root + 6);
		} else {
			snprintf(line, sizeof(line), "%s", cases[i].line);
		}
		char script[4096];
		snprintf(script, sizeof(script), "%s/complete.sh", tmp);
		char body[8192];
		int n = snprintf(body, sizeof(body),
				 "source /usr/share/bash-completion/bash_completion\n"
				 "source '%s/dist/wirefeed.bash'\n"
				 "mkdir -p '%s/bin' && ln -sf '%s' '%s/bin/wirefeed'\n"
				 "PATH='%s/bin':$PATH\n"
				 "COMP_LINE='%s'; COMP_POINT=${#COMP_LINE}\n"
				 "read -ra COMP_WORDS <<< \"$COMP_LINE\"\n"
				 "COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
				 "_wirefeed wirefeed \"${COMP_WORDS[-1]}\" \"${COMP_WORDS[-2]}\"\n"
				 "printf '%%s\\n' \"${COMPREPLY[@]}\"\n",
				 helpers_source_root(), tmp, helpers_binary(), tmp,
				 tmp, line);
		helpers_write_file(script, body, (size_t)n);
		char *out = NULL;
		int rc = helpers_runf(&out, "bash '%s' 2>&1", script);
		/* bash-completion splits words at ':', so the id is offered
		 * as the part after the last colon of the word */
		const char *want = cases[i].want;
		if (strncmp(want, "urn:uuid:", 9) == 0) {
			want += 9;
		}
		char want_line[256];
		snprintf(want_line, sizeof(want_line), "%s\n", want);
		ck_assert_msg(rc == 0 && strstr(out, want_line) != NULL,
			      "'%s' completes to:\n%s(wanted %s)", line, out, want);
		free(out);
	}
	helpers_rmtree(tmp);
	free(tmp);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("package");
	TCase *tc = tcase_create("version");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, version_names_runtime_libraries);
	tcase_add_test(tc, version_aliases_agree);
	suite_add_tcase(s, tc);
	TCase *man = tcase_create("man");
	tcase_set_timeout(man, 60);
	tcase_add_test(man, man_pages_are_lint_clean);
	tcase_add_test(man, man_page_documents_every_command_and_option);
	tcase_add_test(man, missing_option_is_reported);
	tcase_add_test(man, config_page_documents_every_key);
	suite_add_tcase(s, man);
	TCase *inst = tcase_create("install");
	tcase_set_timeout(inst, 120);
	tcase_add_unchecked_fixture(inst, install_setup, install_teardown);
	tcase_add_test(inst, meson_install_puts_every_file);
	tcase_add_test(inst, unit_passes_systemd_analyze_verify);
	tcase_add_test(inst, unit_exec_start_serves_with_its_paths);
	tcase_add_test(inst, unit_exec_rejects_output_outside_read_write_paths);
	tcase_add_test(inst, example_config_builds_valid_feeds);
	tcase_add_test(inst, completion_offers_every_option_of_help);
	tcase_add_test(inst, completion_completes_in_bash);
	suite_add_tcase(s, inst);
	return helpers_run_suite(s);
}
