// SPDX-License-Identifier: GPL-2.0
/*
 * podvolctl: manage podvol pools and volumes.
 *
 *   podvolctl [-j [-p]] [-o COLS] [--noheadings] [--raw|--pairs] OBJECT VERB [ARGS]
 *
 * Grammar as in ip(8): options first, then the object, then its verb.
 */
#include <string.h>
#include <stdlib.h>

#include "podvolctl.h"

struct opts opts;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: podvolctl [OPTIONS] OBJECT COMMAND [ARGS]\n"
		"\n"
		"Options (before OBJECT):\n"
		"  -j, --json      JSON output (all but probe and metrics)\n"
		"  -p, --pretty    indent JSON output\n"
		"  -v, --verbose   say what pool create, extend and destroy do, step by step\n"
		"  -o, --output COLS  table columns, comma separated, any case; +COLS\n"
		"                  adds to the default ones (volume list: POOL,NAME,SIZE,\n"
		"                  DISK,WIDTH,EXTENTS,OPEN,UUID; pool show's member table:\n"
		"                  INDEX,DEVICE,MAJ:MIN,SIZE,FREE,UUID)\n"
		"      --noheadings   tables without their heading line\n"
		"      --raw       tables unaligned, one blank between columns\n"
		"      --pairs     tables as NAME=\"value\" pairs, one row a line\n"
		"  -h, --help      this text\n"
		"  -V, --version   print the version\n"
		"\n"
		"Objects and commands:\n"
		"  pool create NAME [--chunk SIZE] [--force] [--dry-run] DISK...\n"
		"  pool add DISK\n"
		"  pool extend NAME [--force] [--dry-run] DISK\n"
		"  pool stop NAME\n"
		"  pool destroy [--force] NAME\n"
		"  pool show [NAME]\n"
		"  volume create POOL/NAME SIZE\n"
		"  volume delete POOL/NAME\n"
		"  volume resize POOL/NAME SIZE\n"
		"  volume list [POOL]\n"
		"  probe DISK\n"
		"  check DISK...\n"
		"  metrics                 pools and volumes, Prometheus text format\n"
		"  monitor                 print pool and volume changes as they happen\n"
		"\n"
		"SIZE is a number of bytes with an optional K, M, G, T or P suffix\n"
		"(powers of 1024).  See podvolctl(8).\n");
}

/* Unique prefixes of object names are accepted, as in ip(8). */
static bool matches(const char *arg, const char *word)
{
	size_t n = strlen(arg);

	return n && n <= strlen(word) && !strncmp(arg, word, n);
}

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "-j") || !strcmp(a, "-json") || !strcmp(a, "--json")) {
			opts.json = true;
		} else if (!strcmp(a, "-p") || !strcmp(a, "--pretty")) {
			opts.pretty = true;
		} else if (!strcmp(a, "-jp") || !strcmp(a, "-pj")) {
			opts.json = opts.pretty = true;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			opts.verbose = true;
		} else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			if (i + 1 >= argc || !*argv[i + 1] || !strcmp(argv[i + 1], "+")) {
				pv_err("%s: no column given", a);
				return EXIT_USAGE;
			}
			table_opts.columns = argv[++i];
		} else if (!strcmp(a, "--noheadings")) {
			table_opts.noheadings = true;
		} else if (!strcmp(a, "--raw")) {
			table_opts.mode = TABLE_RAW;
		} else if (!strcmp(a, "--pairs")) {
			table_opts.mode = TABLE_PAIRS;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("podvolctl " PODVOLCTL_VERSION "\n");
			return 0;
		} else {
			pv_err("unknown option \"%s\"; try \"podvolctl --help\"", a);
			return EXIT_USAGE;
		}
	}
	if (table_opts_check(opts.json)) {
		pv_err("--output, --noheadings, --raw and --pairs shape tables; they do not apply to -j");
		return EXIT_USAGE;
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	argc -= i;
	argv += i;

	if (!strcmp(argv[0], "help")) {
		usage(stdout);
		return 0;
	}
	if (matches(argv[0], "pool"))
		return cmd_pool(argc - 1, argv + 1);
	if (matches(argv[0], "volume") || !strcmp(argv[0], "vol"))
		return cmd_volume(argc - 1, argv + 1);
	if (!strcmp(argv[0], "probe"))
		return cmd_probe(argc - 1, argv + 1);
	if (!strcmp(argv[0], "check"))
		return cmd_check(argc - 1, argv + 1);
	if (!strcmp(argv[0], "metrics"))
		return cmd_metrics(argc - 1, argv + 1);
	if (!strcmp(argv[0], "monitor"))
		return cmd_monitor(argc - 1, argv + 1);
	pv_err("unknown object \"%s\"; expected pool, volume, probe, check, metrics or monitor",
	       argv[0]);
	return EXIT_USAGE;
}
