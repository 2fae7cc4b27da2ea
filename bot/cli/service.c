/* service.c - shared state and one event -> one reply; see service.h. */
#include "service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "config.h"
#include "kbedit.h"
#include "unanswered_writer.h"
#include "web_moderators.h"
#include "verify.h"
#include "log.h"
#include "strmap.h"
#include "banned.h"

#define SEEN_MAX      20000                /* per platform */
#define SB_MAX_EXPLAIN (1 << 14)           /* bytes of "explain" in a JSON answer */
#define WEB_RATE_SLOTS 1024                /* client addresses a public chat tells apart */
#define LOGIN_PER_MINUTE 6                  /* /moderate sign-ins an address may try a minute, */
#define LOGIN_BURST 5                       /* after this many at once */
#define SEEN_TTL_MS   (60LL * 60 * 1000)   /* platforms retry within minutes */

static const char *opt(const struct config *cfg, const char *section, const char *key)
{
	const char *v = config_str(cfg, section, key);

	return v && *v ? v : NULL;
}

void service_platform_config(const struct config *cfg, struct platform_config *p)
{
	memset(p, 0, sizeof(*p));
	p->bot_name = opt(cfg, "bot", "name");
	p->answer_channels = opt(cfg, "bot", "answer_channels");
	for (size_t i = 0; platform_all[i]; i++)
		for (const struct platform_key *k = platform_all[i]->keys; k->key; k++)
			if (platform_setting_set(p, platform_all[i]->name, k->key,
						 opt(cfg, platform_all[i]->name, k->key)) < 0)
				log_err("config", "error=\"too many platform settings\" key=%s.%s",
					platform_all[i]->name, k->key);
}

/* a platform that is on but cannot verify or answer anything is worth a warning */
static void warn_unconfigured(const struct config *cfg, const struct platform_config *p)
{
	for (size_t i = 0; platform_all[i]; i++) {
		const char *name = platform_all[i]->name, *mode = platform_setting(p, name, "mode");
		if (!config_section_on(cfg, name))
			continue;
		for (const struct platform_key *k = platform_all[i]->keys; k->key; k++)
			if (k->without && !platform_setting(p, name, k->key) &&
			    (!k->mode || (mode && strcmp(mode, k->mode) == 0)))
				log_warn("config", "platform=%s missing=%s.%s effect=\"%s\"", name, name, k->key,
					 k->without);
	}
}

/* an edit a crash interrupted (journal written, files not yet) is finished before
 * the knowledge is loaded, so the bot never starts from half an edit */
static void recover_edits(struct service *svc)
{
	struct kbedit_env e = { svc->kbdir, svc->intentsdir, svc->history, svc->state_dir, "start" };
	struct buf msg;

	buf_init(&msg, 4096);
	if (kbedit_recover(&e, &msg) < 0)
		log_warn("recover", "result=failed reason=\"%.300s\"", msg.ptr ? msg.ptr : "");
	buf_release(&msg);
}

/* one store of delivery ids per platform: a flood on one (any Telegram user can
 * DM the bot) never pushes another's ids out. An id is kept at least twice the
 * platform's replay window: a request signed at t is accepted from t - window
 * (its first delivery, at the earliest) to t + window (its last replay). */
static int new_seen(struct service *svc)
{
	for (size_t i = 0; platform_all[i]; i++) {
		int64_t keep_ms = 2000LL * platform_all[i]->replay_window_s;
		if (i >= METRICS_MAX_PLATFORMS ||
		    !(svc->seen[i] = seen_new(SEEN_MAX, SEEN_TTL_MS, keep_ms < SEEN_TTL_MS ? keep_ms : SEEN_TTL_MS)))
			return -1;
	}
	return 0;
}

static int new_contexts(struct service *svc)
{
	for (size_t i = 0; i < SERVICE_CONTEXT_SHARDS; i++)
		if (!(svc->contexts[i] = context_store_new(SB_MAX_CONTEXTS / SERVICE_CONTEXT_SHARDS,
							   SB_CONTEXT_TTL_S * 1000LL)))
			return -1;
	return 0;
}

/* the shard of a conversation key: the same for every worker */
static struct context_store *contexts_of(struct service *svc, const char *key)
{
	return svc->contexts[strmap_hash(key, strlen(key)) % SERVICE_CONTEXT_SHARDS];
}

static int load_web_moderators(struct service *svc)
{
	struct buf err;
	int rc;

	buf_init(&err, 1 << 16);
	rc = web_moderators_load(config_str(svc->cfg, "web", "moderators_file"), &svc->web_moderators, &err);
	if (rc < 0)
		fprintf(stderr, "%sstudybot: cannot start: [web] moderators_file has problems (see above)\n",
			err.ptr ? err.ptr : "");
	buf_release(&err);
	return rc;
}

int service_init(struct service *svc, struct cli *c)
{
	struct diag d;
	struct knowledge *k;

	memset(svc, 0, sizeof(*svc));
	web_sessions_init(&svc->web_sessions);
	svc->cfg = c->cfg;
	svc->kbdir = c->kb;
	svc->intentsdir = c->intents;
	svc->prefix = config_str(c->cfg, "bot", "command_prefix");
	svc->history = config_str(c->cfg, "bot", "history");
	svc->unanswered = config_str(c->cfg, "bot", "unanswered_log");
	service_platform_config(c->cfg, &svc->pcfg);
	warn_unconfigured(c->cfg, &svc->pcfg);
	moderation_check_config(c->cfg);
	moderation_env_from_config(&svc->moderation, c->cfg, c->kb, c->intents, &svc->holder, svc->state_dir,
				   sizeof(svc->state_dir));
	if (load_web_moderators(svc) < 0)
		return -1;
	recover_edits(svc);
	diag_init(&d);
	k = knowledge_load(c->kb, c->intents, &d);
	if (k && knowledge_check(k, &d) < 0) {
		knowledge_unref(k);
		k = NULL;
	}
	if (!k) {
		fprintf(stderr, "%sstudybot: cannot start: the knowledge base has problems (see above)\n",
			d.text.ptr ? d.text.ptr : "");
		diag_release(&d);
		return -1;
	}
	diag_release(&d);
	knowledge_holder_init(&svc->holder, k);
	if (new_contexts(svc) < 0 || new_seen(svc) < 0)
		return error("out of memory");
	svc->unanswered_writer = unanswered_writer_new(svc->unanswered, &svc->holder);
	svc->reload_env = (struct kbedit_env){ svc->kbdir, svc->intentsdir, svc->history, svc->state_dir, "reload" };
	svc->reloader = reloader_new(&svc->reload_env, &svc->holder);
	svc->moderation.reloader = svc->reloader;
	svc->moderation.reload_in_background = 1;
	svc->moderation_worker = moderation_worker_new(&svc->moderation);
	svc->web_rate = ratelimit_new(WEB_RATE_SLOTS, (double)config_int(c->cfg, "web", "rate_per_minute"),
				      (double)config_int(c->cfg, "web", "rate_per_minute"));
	svc->login_rate = ratelimit_new(WEB_RATE_SLOTS, LOGIN_PER_MINUTE, LOGIN_BURST);
	return svc->unanswered_writer && svc->reloader && svc->moderation_worker && svc->web_rate &&
	       svc->login_rate
		       ? 0
		       : error("out of memory");
}

void service_stop_commands(struct service *svc)
{
	moderation_worker_free(svc->moderation_worker);  /* joins: its edit finishes first */
	svc->moderation_worker = NULL;
}

void service_release(struct service *svc)
{
	service_stop_commands(svc);
	reloader_free(svc->reloader);                   /* joins: no reload outlives svc */
	unanswered_writer_free(svc->unanswered_writer);            /* before the holder: it may hold a snapshot */
	knowledge_holder_release(&svc->holder);
	for (size_t i = 0; i < SERVICE_CONTEXT_SHARDS; i++)
		context_store_free(svc->contexts[i]);
	ratelimit_free(svc->web_rate);
	ratelimit_free(svc->login_rate);
	web_sessions_release(&svc->web_sessions);
	free(svc->web_moderators);
	for (size_t i = 0; i < METRICS_MAX_PLATFORMS; i++)
		seen_free(svc->seen[i]);
}

int service_platform_on(const struct service *svc, const char *platform)
{
	return config_section_on(svc->cfg, platform);
}

/* "platform|<SHA-256 hex of channel, thread and user>": every byte of each id
 * counts (two long ids sharing a prefix never share a context; a length before
 * each part keeps "ab"+"c" apart from "a"+"bc") and the key stays short. 0 or -1 */
static int conversation_key(const struct sb_event *ev, char *key, size_t cap)
{
	const char *v[3] = { ev->channel, ev->thread, ev->user };
	char lens[3][24], hex[2 * VERIFY_SHA256_LEN + 1];
	struct verify_part parts[6];

	for (int i = 0; i < 3; i++) {
		size_t n = strlen(v[i]);
		snprintf(lens[i], sizeof(lens[i]), "%zu:", n);
		parts[2 * i] = (struct verify_part){ lens[i], strlen(lens[i]) };
		parts[2 * i + 1] = (struct verify_part){ v[i], n };
	}
	if (verify_sha256_hex(parts, 6, hex) < 0)
		return -1;
	return (size_t)snprintf(key, cap, "%s|%s", ev->platform, hex) < cap ? 0 : -1;
}

/* the dedupe key of a delivery id: "platform:<SHA-256 hex of the id>", whole ids
 * of any length in a fixed size (a cut would make two deliveries one). 0 or -1 */
/* the key a delivery id is remembered by in its platform's store: a SHA-256 of
 * the whole id (ids are up to SB_EVENT_ID bytes; a cut one could merge two) */
static int delivery_key(const struct sb_event *ev, char key[2 * VERIFY_SHA256_LEN + 1])
{
	struct verify_part part = { ev->id, strlen(ev->id) };

	return verify_sha256_hex(&part, 1, key);
}

void service_learn_telegram(struct service *svc, const char *username)
{
	if (atomic_load_explicit(&svc->telegram_learned, memory_order_acquire) ||
	    strlen(username) >= sizeof(svc->telegram_username))
		return;
	memcpy(svc->telegram_username, username, strlen(username) + 1);
	atomic_store_explicit(&svc->telegram_learned, 1, memory_order_release);
}

int service_telegram_known(struct service *svc)
{
	return platform_setting(&svc->pcfg, "telegram", "bot_username") != NULL ||
	       atomic_load_explicit(&svc->telegram_learned, memory_order_acquire);
}

const struct platform_config *service_parse_config(struct service *svc, struct platform_config *tmp)
{
	if (platform_setting(&svc->pcfg, "telegram", "bot_username") ||
	    !atomic_load_explicit(&svc->telegram_learned, memory_order_acquire))
		return &svc->pcfg;                      /* configured (an override), or not learned */
	*tmp = svc->pcfg;
	if (platform_setting_set(tmp, "telegram", "bot_username", svc->telegram_username) < 0)
		return &svc->pcfg;
	return tmp;
}

/* the answer as its platform takes it: the text, or the --json object (and,
 * when the asker wants it, how the question was read as "explain") */
static void render(const struct knowledge *k, const struct match_result *res, const struct answer *a,
		   const struct sb_event *ev, struct buf *reply)
{
	const struct platform_ops *ops = platform_find(ev->platform);
	struct buf how;

	if (!ops || !ops->json_answer) {
		buf_adds(reply, a->text.ptr ? a->text.ptr : "");
		return;
	}
	answer_json(a, reply);
	if (!ev->explain || buf_failed(reply) || reply->len == 0)
		return;
	buf_init(&how, SB_MAX_EXPLAIN);
	answer_explain(k, res, a, &how);
	reply->len--;                                   /* the object's '}' */
	buf_adds(reply, ", \"explain\": \"");
	buf_add_json_str(reply, how.ptr ? how.ptr : "");
	buf_adds(reply, "\"}");
	buf_release(&how);
}

struct service_scratch *service_scratch_new(void)
{
	struct service_scratch *s = calloc(1, sizeof(*s));

	if (!s || !(s->matcher = matcher_scratch_new())) {
		free(s);
		return NULL;
	}
	answer_init(&s->answer);
	buf_init(&s->reply, 1 << 16);
	return s;
}

void service_scratch_free(struct service_scratch *s)
{
	if (!s)
		return;
	matcher_scratch_free(s->matcher);
	answer_release(&s->answer);
	buf_release(&s->reply);
	free(s);
}

/* a's fields cleared as answer_init does, its text buffer kept (emptied) */
static struct answer *fresh_answer(struct answer *a)
{
	struct buf text = a->text;

	buf_reset(&text);
	memset(a, 0, sizeof(*a));
	a->text = text;
	return a;
}

static void answer_question(struct service *svc, struct service_scratch *s, const struct sb_event *ev,
			    int64_t now_ms, struct buf *reply, enum metrics_answer *what)
{
	struct knowledge *k = knowledge_acquire(&svc->holder);
	struct match_result *res = &s->res;
	struct answer *a = fresh_answer(&s->answer);
	struct match_context ctx, next;
	char key[CONTEXT_MAX_KEY];
	const char *kind;

	if (conversation_key(ev, key, sizeof(key)) < 0)
		key[0] = '\0';                          /* no context rather than a shared one */
	if (!key[0] || !context_get(contexts_of(svc, key), key, now_ms, &ctx) || ctx.version != k->version) {
		ctx = (struct match_context)MATCH_CONTEXT_EMPTY;
		ctx.version = k->version;
	}
	matcher_match(&k->matcher, s->matcher, ev->text, strlen(ev->text), &ctx, res);
	answer_compose(k, res, a);
	render(k, res, a, ev, reply);
	*what = a->matched ? MA_MATCHED : MA_DECLINED;
	if ((kind = answer_unanswered_kind(k, res)) != NULL)             /* for `!kb unanswered` */
		unanswered_writer_push_kind(svc->unanswered_writer, ev->text, kind,
					    res->outcome == MATCH_DECLINE ? a->intent : NULL);
	matcher_next_context(res, &ctx, &next);
	next.version = k->version;
	if (key[0])
		context_put(contexts_of(svc, key), key, now_ms, &next);
	knowledge_unref(k);
}

static int replay_window(const struct sb_event *ev)
{
	const struct platform_ops *ops = platform_find(ev->platform);

	return ops ? ops->replay_window_s : 0;
}

/* MA_DUPLICATE, MA_REFUSED (no room to remember it: logged), or MA_IGNORED
 * when the event is new and recorded */
static enum metrics_answer seen_event(struct service *svc, const struct sb_event *ev, int64_t now_ms)
{
	int p = platform_index(platform_find(ev->platform));
	struct seen *store = p >= 0 && p < METRICS_MAX_PLATFORMS ? svc->seen[p] : NULL;
	char key[2 * VERIFY_SHA256_LEN + 1];
	enum seen_result r = store && delivery_key(ev, key) == 0 ? seen_check_and_add(store, key, now_ms)
								   : SEEN_FULL;

	if (r == SEEN_NEW)
		return MA_IGNORED;
	if (r == SEEN_DUPLICATE)
		return MA_DUPLICATE;
	metrics_refused(&svc->metrics, metrics_platform(ev->platform));
	log_warn("dedupe", "platform=%s result=refused reason=\"%d delivery ids younger than the replay "
		 "window are remembered; the platform should retry\"", ev->platform, SEEN_MAX);
	return MA_REFUSED;
}

enum metrics_answer service_handle(struct service *svc, struct service_scratch *scratch,
				   const struct sb_event *ev, int64_t now_ms, struct buf *reply,
				   const char **command)
{
	enum metrics_answer what = MA_IGNORED;
	const char *rest;

	if (ev->from_bot) {
		metrics_answer(&svc->metrics, MA_IGNORED);
		return MA_IGNORED;
	}
	if (ev->id[0] && (what = seen_event(svc, ev, now_ms)) != MA_IGNORED) {
		metrics_answer(&svc->metrics, what);
		return what;
	}
	if (moderation_is_command(svc->prefix, ev->text, &rest) && !ev->id[0] && replay_window(ev)) {
		/* signed, but with no id to refuse its replay by: a captured copy would run again */
		log_warn("kb_refused", "platform=%s reason=\"a command without a delivery id\"", ev->platform);
		buf_adds(reply, "not run: this request carries no delivery id, so a replay of it could not be refused");
		what = MA_COMMAND;
	} else if (moderation_is_command(svc->prefix, ev->text, &rest)) {
		if (command) {
			*command = rest;                /* run by the caller (service_command_job) */
		} else {
			char who[2 * SB_EVENT_ID + 32];
			int mod = moderation_who(svc->cfg, ev->platform, ev->tenant, ev->user, who, sizeof(who));
			moderation_exec(&svc->moderation, who, mod, rest, reply);
		}
		what = MA_COMMAND;
	} else if (!ev->text[0]) {
		buf_adds(reply, "Ask me about EMS, EMR, EMT and paramedic roles, for example \"emt vs emr?\", "
				"\"how long is emr training\" or \"can emrs give narcan\".");
		what = MA_DECLINED;
	} else {
		answer_question(svc, scratch, ev, now_ms, reply, &what);
	}
	metrics_answer(&svc->metrics, what);
	return what;
}

void service_command_job(const struct service *svc, const struct sb_event *ev, const char *command,
			 struct moderation_job *job, void (*done)(struct moderation_job *job))
{
	char who[2 * SB_EVENT_ID + 32];
	int mod = moderation_who(svc->cfg, ev->platform, ev->tenant, ev->user, who, sizeof(who));

	moderation_job_init(job, who, mod, command, done);
}
