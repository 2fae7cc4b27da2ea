/*
 * doctor.c - `studybot doctor [--config FILE]`: checks a setup from this machine and
 * says, in plain words with the fix, what would keep the bot silent:
 *
 *   config     the file and the STUDYBOT_* variables load, every value well formed
 *   platforms  for each platform that is on: the settings it needs are there, and
 *              where it has an API, the platform accepts them (doctor_platforms.c)
 *   listen     server.listen can be bound (or a studybot already answers there)
 *   knowledge  data/ and intents/ pass `studybot check`
 *
 * Exit status: 0 when nothing failed (warnings allowed), 1 when something did, 2 bad
 * usage. Every line goes through report(), which blanks out secret values.
 * Deliberately not here: reachability from the internet (only the platform can
 * see that: Telegram's getWebhookInfo tells it, the others' consoles do).
 */
#include "doctor.h"
#include "doctor_int.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "diag.h"
#include "knowledge.h"
#include "net.h"
#include "service.h"
#include "banned.h"

extern char **environ;

#define SECRET_MIN 4     /* shorter values would blank out ordinary words */

/* line with every secret value replaced by "[secret]", into out */
static void redact(const struct doctor *d, const char *line, char *out, size_t n)
{
	size_t o = 0;

	while (*line && o + 1 < n) {
		size_t i, len = 0;
		for (i = 0; i < d->nsecrets && !len; i++)
			if (strncmp(line, d->secrets[i], strlen(d->secrets[i])) == 0)
				len = strlen(d->secrets[i]);
		if (len) {
			o += (size_t)snprintf(out + o, n - o, "[secret]");
			o = o < n ? o : n - 1;
			line += len;
		} else {
			out[o++] = *line++;
		}
	}
	out[o] = '\0';
}

static void report(struct doctor *d, const char *tag, const char *what, const char *fix,
		   const char *fmt, va_list ap)
{
	char msg[DOCTOR_LINE], line[DOCTOR_LINE + 64], out[2 * DOCTOR_LINE];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	snprintf(line, sizeof(line), "%-4s  %s: %s", tag, what, msg);
	redact(d, line, out, sizeof(out));
	puts(out);
	if (fix) {
		snprintf(line, sizeof(line), "      fix: %s", fix);
		redact(d, line, out, sizeof(out));
		puts(out);
	}
}

void doctor_ok(struct doctor *d, const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(d, "ok", what, NULL, fmt, ap);
	va_end(ap);
}

void doctor_warn(struct doctor *d, const char *what, const char *fix, const char *fmt, ...)
{
	va_list ap;

	d->warns++;
	va_start(ap, fmt);
	report(d, "warn", what, fix, fmt, ap);
	va_end(ap);
}

void doctor_fail(struct doctor *d, const char *what, const char *fix, const char *fmt, ...)
{
	va_list ap;

	d->fails++;
	va_start(ap, fmt);
	report(d, "FAIL", what, fix, fmt, ap);
	va_end(ap);
}

/* "scheme://host[:port]" of url, never its path (Telegram's holds the token) */
static void url_origin(const char *url, char *out, size_t n)
{
	const char *p = strstr(url, "://");
	size_t len = p ? (size_t)(p + 3 - url) + strcspn(p + 3, "/?#") : strcspn(url, "/?#");

	snprintf(out, n, "%.*s", (int)(len < n ? len : n - 1), url);
}

int doctor_call(struct doctor *d, const char *what, const char *method, const struct outbound *o,
		const char *fix_key, struct api_answer *a)
{
	char origin[160], fix[400];

	if (api_call(method, o, a) == 0)
		return 0;
	url_origin(o->url, origin, sizeof(origin));
	snprintf(fix, sizeof(fix), "check this machine's network, DNS and outgoing firewall or proxy; "
		 "if %s is set, check that it points at the platform's API", fix_key);
	doctor_fail(d, what, fix, "cannot reach %s: %s", origin, a->failure);
	return -1;
}

/* ---- the config ---- */

static void note_secrets(struct doctor *d)
{
	size_t n;
	const struct config_entry *e = config_entries(&n);

	for (size_t i = 0; i < n && d->nsecrets < DOCTOR_MAX_SECRETS; i++) {
		const char *v = e[i].secret ? config_str(d->cfg, e[i].section, e[i].key) : NULL;
		if (v && strlen(v) >= SECRET_MIN)
			d->secrets[d->nsecrets++] = v;
	}
}

/* the config of c, or NULL after a FAIL for each of its problems */
static struct config *load_config(struct doctor *d, struct cli *c)
{
	struct config *cfg = config_new();
	struct buf errors;
	int bad;

	buf_init(&errors, 1 << 16);
	bad = !cfg || (c->config && config_load_file(cfg, c->config, &errors) < 0);
	bad |= cfg && config_apply_env(cfg, environ, &errors) < 0;
	if (bad) {
		const char *p = errors.ptr ? errors.ptr : "out of memory\n";
		while (*p) {
			size_t len = strcspn(p, "\n");
			doctor_fail(d, "config", "correct it: config.example.ini shows every key with its form and default",
				    "%.*s", (int)len, p);
			p += len + (p[len] == '\n');
		}
		config_free(cfg);
		cfg = NULL;
	} else {
		doctor_ok(d, "config", "%s read; every value is well formed",
			  c->config ? c->config : "no --config file (defaults and STUDYBOT_* variables)");
	}
	buf_release(&errors);
	return cfg;
}

/* the keys ops needs, as its adapter declares them (platform.h): missing ones FAIL */
static void check_keys(struct doctor *d, const struct platform_ops *ops)
{
	const char *mode = config_find(ops->name, "mode") ? config_str(d->cfg, ops->name, "mode") : NULL;
	char fix[300], env[96];
	int missing = 0;

	for (const struct platform_key *k = ops->keys; k->key; k++) {
		size_t i, n = (size_t)snprintf(env, sizeof(env), "STUDYBOT_%s_%s", ops->name, k->key);
		if (!k->without || (k->mode && (!mode || strcmp(mode, k->mode) != 0)) ||
		    platform_setting(&d->pcfg, ops->name, k->key))
			continue;
		for (i = 0; i < n && i < sizeof(env); i++)
			env[i] = (char)(env[i] >= 'a' && env[i] <= 'z' ? env[i] - 32 : env[i]);
		snprintf(fix, sizeof(fix), "set %s in [%s], or the environment variable %s (docs/platforms/%s.md)",
			 k->key, ops->name, env, ops->name);
		doctor_fail(d, ops->name, fix, "%s.%s is not set: %s", ops->name, k->key, k->without);
		missing++;
	}
	if (!missing)
		doctor_ok(d, ops->name, "on; the settings it needs are set");
}

static void check_platforms(struct doctor *d)
{
	int on = 0;

	for (const struct platform_ops *const *p = platform_all; *p; p++) {
		const char *name = (*p)->name;
		if (!config_section_on(d->cfg, name))
			continue;
		on++;
		check_keys(d, *p);
		if (strcmp(name, "slack") == 0)
			doctor_slack(d);
		if (strcmp(name, "slack") == 0 && strcmp(config_str(d->cfg, "slack", "mode"), "socket") == 0)
			doctor_slack_socket(d);
		else if (strcmp(name, "telegram") == 0)
			doctor_telegram(d);
		else if (strcmp(name, "discord") == 0)
			doctor_discord(d);
		else if (strcmp(name, "matrix") == 0)
			doctor_matrix(d);
		else if (strcmp(name, "zulip") == 0 && strcmp(config_str(d->cfg, "zulip", "mode"), "events") == 0)
			doctor_zulip_events(d);
		else if (strcmp(name, "mattermost") == 0 && strcmp(config_str(d->cfg, "mattermost", "mode"), "websocket") == 0)
			doctor_mattermost_ws(d);
		else if (strcmp(name, "generic") != 0)
			doctor_ok(d, name, "has no API to ask from here: send the bot a test message "
				  "(docs/platforms/%s.md, \"Test with curl\")", name);
	}
	if (!on)
		doctor_warn(d, "platforms", "add the [section] of a platform to the config (config.example.ini, "
			    "docs/platforms/README.md)", "no platform is on: serve would answer only /healthz and /metrics");
}

/* ---- the listen address ---- */

/* 0 when spec can be bound, else the errno (EINVAL: not an address) */
static int try_bind(const char *spec)
{
	char host[256], portstr[8];
	struct addrinfo hints, *res = NULL;
	int port, err = EADDRNOTAVAIL, fd, one = 1;

	if (net_parse_addr(spec, host, sizeof(host), &port) < 0)
		return EINVAL;
	snprintf(portstr, sizeof(portstr), "%d", port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if (getaddrinfo(host[0] ? host : NULL, portstr, &hints, &res) != 0)
		return EADDRNOTAVAIL;
	for (struct addrinfo *ai = res; ai && err; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol)) < 0) {
			err = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		err = bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 ? 0 : errno;
		close(fd);
	}
	freeaddrinfo(res);
	return err;
}

/* 1 when a studybot answers GET /healthz on spec */
static int studybot_there(struct doctor *d, const char *spec)
{
	char host[256];
	int port, yes;
	struct outbound o;
	struct api_answer a;

	if (net_parse_addr(spec, host, sizeof(host), &port) < 0)
		return 0;
	outbound_init(&o);
	snprintf(o.url, sizeof(o.url), strchr(host, ':') ? "http://[%s]:%d/healthz" : "http://%s:%d/healthz",
		 host[0] ? host : "127.0.0.1", port);
	yes = api_call("GET", &o, &a) == 0 && a.status == 200 && a.body.len >= 2 && memcmp(a.body.ptr, "ok", 2) == 0;
	api_answer_release(&a);
	outbound_release(&o);
	return yes;
}

static void check_listen(struct doctor *d)
{
	const char *spec = config_str(d->cfg, "server", "listen");
	int err = try_bind(spec);

	if (err == 0)
		doctor_ok(d, "listen", "%s is free: serve can listen there (the platforms reach it through your "
			  "HTTPS proxy, docs/deploy.md)", spec);
	else if (err == EADDRINUSE && studybot_there(d, spec))
		doctor_ok(d, "listen", "%s is taken by a studybot that answers /healthz (the running one)", spec);
	else if (err == EADDRINUSE)
		doctor_fail(d, "listen", "stop the program that uses it (ss -ltnp shows it) or choose another "
			    "server.listen", "%s is in use by another program", spec);
	else if (err == EACCES)
		doctor_fail(d, "listen", "use a port above 1023 behind the HTTPS proxy (docs/deploy.md)",
			    "%s cannot be bound: a port below 1024 needs root", spec);
	else
		doctor_fail(d, "listen", "set server.listen to an address of this machine, e.g. 127.0.0.1:8080",
			    "%s cannot be bound: %s", spec, strerror(err));
}

/* ---- the knowledge ---- */

static void check_knowledge(struct doctor *d, struct cli *c)
{
	struct diag dg;
	struct knowledge *k;

	diag_init(&dg);
	k = knowledge_load(c->kb, c->intents, &dg);
	if (k)
		knowledge_check_full(k, &dg);
	if (dg.count) {
		const char *first = dg.text.ptr ? dg.text.ptr : "";
		doctor_fail(d, "knowledge", "correct each FILE:LINE that `studybot check` lists, then run it again; "
			    "serve does not start on broken knowledge (a running one keeps the last good one)",
			    "%zu problem%s in %s and %s; the first: %.*s", dg.count, dg.count == 1 ? "" : "s",
			    c->kb, c->intents, (int)strcspn(first, "\n"), first);
	} else {
		doctor_ok(d, "knowledge", "%s and %s are valid: %zu topics, every example reaches its topic",
			  c->kb, c->intents, k->kb.ntopics);
	}
	knowledge_unref(k);
	diag_release(&dg);
}

int cmd_doctor(struct cli *c, int argc, char **argv)
{
	struct doctor d;

	if (argc > 0) {
		fprintf(stderr, "usage: studybot doctor [--config FILE]\n"
				"checks each platform that is on against its API, the listen address and the knowledge\n");
		return 2;
	}
	memset(&d, 0, sizeof(d));
	if (!(c->cfg = load_config(&d, c))) {
		printf("%d problem%s: fix the configuration first\n", d.fails, d.fails == 1 ? "" : "s");
		return 1;
	}
	d.cfg = c->cfg;
	note_secrets(&d);
	service_platform_config(d.cfg, &d.pcfg);
	cli_paths(c);                   /* the config is loaded: only resolves the knowledge paths */
	check_platforms(&d);
	check_listen(&d);
	check_knowledge(&d, c);
	if (d.fails)
		printf("%d problem%s, %d warning%s: fix the FAIL lines, then run studybot doctor again\n", d.fails,
		       d.fails == 1 ? "" : "s", d.warns, d.warns == 1 ? "" : "s");
	else
		printf("all is well%s\n", d.warns ? " (see the warnings)" : "");
	return d.fails ? 1 : 0;
}
