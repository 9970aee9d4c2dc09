/* kouan: one binary, several commands. This file only picks the command;
 * each command parses its own options (see its --help). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"serve", cli_serve, "run the web platform (JSON API under /api/v1 and the pages)"},
	{"user", cli_user, "manage accounts: user add NAME --role ROLE [--org ORG] (password on stdin)"},
	{"recognize", cli_recognize, "read an export declaration PDF and print its fields as JSON"},
	{"ocr", cli_ocr, "read a page image as a scanned declaration page and print its text"},
	{"vins", cli_vins, "read the VIN list of a spreadsheet (.xlsx, .xls, .csv) as JSON"},
	{"vin-template", cli_vin_template, "write the VIN import template (.xlsx)"},
	{"verify", cli_verify, "check a release code: verify TOKEN [--db URL | --key BASE64URL]"},
	{"backup", cli_backup, "copy a SQLite database while the server runs: backup [--db URL] FILE"},
	{"xls-reader", cli_xls_reader, "(internal) read one .xls apart from the caller, for vins"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: kouan COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-14s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'kouan COMMAND --help' lists a command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "kouan: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
