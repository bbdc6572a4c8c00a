/* SPDX-License-Identifier: MIT */
/* wirefeed build: records in, static feeds out. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirefeed/build.h"
#include "cli.h"
#include "log.h"

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: wirefeed build [--root DIR] [--out DIR] [--keep-going] [--full]\n"
		"                      [--journal] [--notify] [--at TIME] [--quiet]\n"
		"\n"
		"Read the newswire in DIR (wirefeed.conf and articles/*.xml) and write\n"
		"its feeds under the output directory: atom.xml, rss.xml,\n"
		"sections/<slug>/{atom,rss}.xml and index.html. Files whose bytes did\n"
		"not change are left alone; changed files are replaced atomically.\n"
		"Records unchanged since the last build (size, mtime, inode, per\n"
		"DIR/.wirefeed-index) are not parsed again unless a feed shows them;\n"
		"after a few changes only the stories near the top of the feeds are\n"
		"opened, and with nothing changed nothing is rendered (docs/store.md,\n"
		"\"The feed state\").\n"
		"\n"
		"  --root DIR     the newswire (default: feeds)\n"
		"  --out DIR      where to write (default: public)\n"
		"  --keep-going   publish the valid records even if some are invalid\n"
		"                 (still exits 1)\n"
		"  --full         ignore DIR/.wirefeed-index (what the last build saw)\n"
		"                 and the feed state, and parse every record\n"
		"  --journal      look only at the records written through wirefeed\n"
		"                 since the last build (the store's journal), without\n"
		"                 a stat of every record; files edited in place by hand\n"
		"                 are then missed (docs/store.md). With nothing new\n"
		"                 since the last build into DIR, nothing is rendered.\n"
		"  --notify       after writing, ping each 'hub' of wirefeed.conf\n"
		"                 (WebSub) for every feed whose bytes changed\n"
		"  --at TIME      build the feeds as they are at TIME (RFC 3339), not\n"
		"                 now: embargoes, expiry and tombstones follow that\n"
		"                 clock (docs/lifecycle.md)\n"
		"  --quiet        print errors only\n"
		"\n"
		"Exit status: 0 built; 1 an invalid record (nothing written unless\n"
		"--keep-going); 2 usage error, unusable config or I/O error.\n");
}

int
cmd_build(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "full", no_argument, NULL, 'f' },
		{ "journal", no_argument, NULL, 'j' },
		{ "notify", no_argument, NULL, 'n' },
		{ "at", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_build_options opts = {
		.root = "feeds", .out = "public", .keep_going = false,
		.quiet = false,
	};
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":r:o:kqh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': opts.root = optarg; break;
		case 'o': opts.out = optarg; break;
		case 'k': opts.keep_going = true; break;
		case 'q': opts.quiet = true; break;
		case 'f': opts.full = true; break;
		case 'j': opts.journal = true; break;
		case 'n': opts.notify = true; break;
		case 'T': {
			struct wf_time t;
			if (!cli_parse_time("build", "at", optarg, &t)) {
				return 2;
			}
			opts.now = t.utc;
			break;
		}
		case 'h': usage(stdout); return 0;
		default:
			cli_bad_option(argv, c);
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "wirefeed build: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return 2;
	}
	if (opts.quiet) {
		log_set_level(LOG_LEVEL_ERROR); /* --notify's per-ping lines */
	}
	struct wf_feedset *set = NULL;
	int rc = cli_build(&opts, &set, NULL);
	wf_feedset_unref(set);
	return rc;
}
