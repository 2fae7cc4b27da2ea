/*
 * config_example.c - config_write_example(): the text of config.example.ini, generated
 * from the option table so the documentation cannot drift from the code (a unit test
 * compares this output with the file in the repository).
 *
 *   write_header()   how the file works: defaults, environment, platform sections
 *   write_kind()     one line describing a key's type, range and environment variable
 *   write_entry()    help, kind, then the key commented out with its default
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "banned.h"

static const char header[] =
	"; studybot configuration: every key, commented out, with its default.\n"
	";\n"
	"; This file is generated from the option table in bot/base/config_table.c by\n"
	"; config_write_example(); a unit test fails when the two differ, so change the\n"
	"; table, not this file. Copy it, uncomment what you need, run:\n"
	";     studybot serve --config FILE\n"
	";\n"
	"; Syntax: [section] headers, 'key = value' lines, comments start with ';' or '#'.\n"
	"; A ';' after a space ends the value (inline comment); one pair of surrounding\n"
	"; double quotes is removed. Lines are at most 4096 bytes. Durations are in\n"
	"; milliseconds or take a unit (500ms, 10s, 2m, 1h); sizes are in bytes or take a\n"
	"; unit (256k, 1M). Unknown sections and keys are errors, reported with their line.\n"
	";\n"
	"; Environment: every key can be set as STUDYBOT_<SECTION>_<KEY>, e.g.\n"
	"; STUDYBOT_SLACK_SIGNING_SECRET, so secrets need not sit in this file. The\n"
	"; environment beats the file; an empty variable counts as unset.\n"
	";\n"
	"; Platforms: a platform is ON when its section header ([slack], [telegram], ...)\n"
	"; is present in the file, even with no keys under it, or when any of its\n"
	"; STUDYBOT_<SECTION>_* variables is set. The platform sections below are\n"
	"; commented out, so a fresh copy of this file turns no platform on: remove the\n"
	"; ';' before a section header (and fill in its keys) to turn that platform on.\n";

static void env_name(FILE *out, const struct config_entry *e)
{
	const char *p;

	fputs("STUDYBOT_", out);
	for (p = e->section; *p; p++)
		fputc(toupper((unsigned char)*p), out);
	fputc('_', out);
	for (p = e->key; *p; p++)
		fputc(toupper((unsigned char)*p), out);
}

static void write_kind(FILE *out, const struct config_entry *e)
{
	size_t i;

	fputs(";   ", out);
	switch (e->type) {
	case CONFIG_STRING:
		fputs(e->secret ? "secret text" : "text", out);
		break;
	case CONFIG_INT:
		fprintf(out, "integer %lld..%lld", e->min, e->max);
		break;
	case CONFIG_BOOL:
		fputs("true or false", out);
		break;
	case CONFIG_CHOICE:
		for (i = 0; e->choices[i]; i++)
			fprintf(out, "%s%s", i ? " | " : "", e->choices[i]);
		break;
	case CONFIG_DURATION:
		fprintf(out, "duration %lldms..%lldms", e->min, e->max);
		break;
	case CONFIG_SIZE:
		fprintf(out, "size %lld..%lld bytes", e->min, e->max);
		break;
	case CONFIG_LIST:
		fputs("comma-separated list", out);
		break;
	}
	fputs("; environment ", out);
	env_name(out, e);
	fputc('\n', out);
}

static void write_entry(FILE *out, const struct config_entry *e)
{
	fprintf(out, "; %s: %s\n", e->key, e->help);
	write_kind(out, e);
	if (e->def[0])
		fprintf(out, ";%s = %s\n", e->key, e->def);
	else
		fprintf(out, ";%s =\n", e->key);
}

int config_write_example(FILE *out)
{
	const struct config_section *sections;
	const struct config_entry *entries;
	size_t ns, ne, s, i;

	sections = config_sections(&ns);
	entries = config_entries(&ne);
	fputs(header, out);
	for (s = 0; s < ns; s++) {
		fprintf(out, "\n; %s\n", sections[s].help);
		if (sections[s].platform)
			fprintf(out, ";[%s]\n", sections[s].name);
		else
			fprintf(out, "[%s]\n", sections[s].name);
		for (i = 0; i < ne; i++) {
			if (strcmp(entries[i].section, sections[s].name) != 0)
				continue;
			fputc('\n', out);
			write_entry(out, &entries[i]);
		}
	}
	return ferror(out) ? -1 : 0;
}
