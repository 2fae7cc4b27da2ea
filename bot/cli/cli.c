/* cli.c - the console commands ask, chat, check, explain; see cli.h. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "answer.h"
#include "config.h"
#include "context.h"
#include "knowledge.h"
#include "line_in.h"
#include "caps.h"
#include "log.h"
#include "banned.h"

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* DIR/../share/studybot/NAME next to the running binary, if it exists */
static int beside_binary(char *buf, size_t cap, const char *name)
{
	char exe[2048];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return 0;
	exe[n] = '\0';
	if (!(slash = strrchr(exe, '/')))
		return 0;
	*slash = '\0';
	snprintf(buf, cap, "%s/../share/studybot/%s", exe, name);
	return is_dir(buf);
}

/* the knowledge dir: as given, else ./NAME, else the installed copy beside the
 * binary, else the one of the configured install prefix */
static void pick(const char **out, char *buf, size_t cap, const char *local)
{
	if (*out)
		return;
	if (is_dir(local)) {
		*out = local;
		return;
	}
	if (beside_binary(buf, cap, local)) {
		*out = buf;
		return;
	}
	snprintf(buf, cap, "%s/%s", STUDYBOT_DATADIR, local);
	*out = is_dir(buf) ? buf : local;
}

extern char **environ;

static int load_config(struct cli *c)
{
	struct buf errors;
	enum log_level level;

	if (c->cfg)
		return 0;
	buf_init(&errors, 1 << 16);
	c->cfg = config_new();
	if (!c->cfg || (c->config && config_load_file(c->cfg, c->config, &errors) < 0) ||
	    config_apply_env(c->cfg, environ, &errors) < 0) {
		fprintf(stderr, "%sstudybot: bad configuration\n", errors.ptr ? errors.ptr : "");
		buf_release(&errors);
		return 1;
	}
	buf_release(&errors);
	if (log_level_parse(config_str(c->cfg, "server", "log_level"), &level) == 0)
		log_set_level(level);
	return 0;
}

int cli_paths(struct cli *c)
{
	if (load_config(c))
		return 1;
	if (!c->kb && config_origin(c->cfg, "bot", "kb") != 0)
		c->kb = config_str(c->cfg, "bot", "kb");
	if (!c->intents && config_origin(c->cfg, "bot", "intents") != 0)
		c->intents = config_str(c->cfg, "bot", "intents");
	pick(&c->kb, c->kb_buf, sizeof(c->kb_buf), "data");
	pick(&c->intents, c->intents_buf, sizeof(c->intents_buf), "intents");
	return 0;
}

void cli_release(struct cli *c)
{
	config_free(c->cfg);
	c->cfg = NULL;
}

struct knowledge *cli_load(struct cli *c)
{
	struct diag d;
	struct knowledge *k;

	if (cli_paths(c))
		return NULL;
	diag_init(&d);
	k = knowledge_load(c->kb, c->intents, &d);
	if (!k)
		fprintf(stderr, "%sstudybot: cannot load the knowledge (run `studybot check`)\n",
			d.text.ptr ? d.text.ptr : "");
	diag_release(&d);
	return k;
}

/* answers q and prints one line: the reply (newlines folded) or the JSON object */
enum line_mode { LINE_TEXT, LINE_JSON, LINE_EXPLAIN };

/* what answering a line after line reuses: no allocation per question */
struct asker {
	struct knowledge *k;
	struct matcher_scratch *s;
	struct match_result *res;
	struct answer a;
	struct buf out;
};

static int asker_init(struct asker *ak, struct knowledge *k, struct matcher_scratch *s)
{
	ak->k = k;
	ak->s = s;
	ak->res = malloc(sizeof(*ak->res));
	answer_init(&ak->a);
	buf_init(&ak->out, 1 << 16);
	return s && ak->res ? 0 : -1;
}

static void asker_release(struct asker *ak)
{
	buf_release(&ak->out);
	answer_release(&ak->a);
	free(ak->res);
}

/* stdout held in a 64 KiB buffer when it is not a terminal: written when full,
 * before a read of the next question waits (line_in.c), and at exit */
static void hold_stdout(void)
{
	static char held[1 << 16];          /* glibc ignores the size without a buffer */

	if (!isatty(1))
		setvbuf(stdout, held, _IOFBF, sizeof(held));
}

static void answer_line(struct asker *ak, const char *q, struct match_context *ctx, enum line_mode mode)
{
	struct match_context next;
	struct buf *out = &ak->out;

	buf_reset(out);
	{                                   /* a fresh answer, its text buffer kept */
		struct buf text = ak->a.text;
		buf_reset(&text);
		memset(&ak->a, 0, sizeof(ak->a));
		ak->a.text = text;
	}
	matcher_match(&ak->k->matcher, ak->s, q, strlen(q), ctx, ak->res);
	answer_compose(ak->k, ak->res, &ak->a);
	if (mode == LINE_EXPLAIN) {
		buf_printf(out, "> %s\n", q);
		answer_explain(ak->k, ak->res, &ak->a, out);
	}
	if (ctx) {
		matcher_next_context(ak->res, ctx, &next);
		*ctx = next;
	}
	if (mode == LINE_JSON) {
		answer_json(&ak->a, out);
	} else if (mode == LINE_TEXT) {
		buf_adds(out, ak->a.text.ptr ? ak->a.text.ptr : "");
		for (char *p = out->ptr; p && *p; p++)
			if (*p == '\n')
				*p = ' ';
	}
	if (out->len)
		fwrite(out->ptr, 1, out->len, stdout);
	putchar('\n');
}

static int join_args(int argc, char **argv, char *q, size_t cap)
{
	struct buf b;

	buf_init(&b, cap - 1);
	for (int i = 0; i < argc; i++)
		if ((i && buf_addc(&b, ' ') < 0) || buf_adds(&b, argv[i]) < 0)
			break;
	snprintf(q, cap, "%s", b.ptr ? b.ptr : "");
	buf_release(&b);
	return 0;
}

int cmd_ask(struct cli *c, int argc, char **argv)
{
	char q[SB_MAX_QUESTION + 1];
	struct knowledge *k = cli_load(c);
	struct line_in *in = NULL;
	struct asker ak;
	enum line_mode mode = c->json ? LINE_JSON : LINE_TEXT;
	int rc = 0;

	if (!k)
		return 1;
	if (asker_init(&ak, k, matcher_scratch_new()) < 0) {
		rc = error("out of memory");
	} else if (argc > 0) {
		join_args(argc, argv, q, sizeof(q));
		answer_line(&ak, q, NULL, mode);
	} else if ((in = line_in_new(0, stdout))) {
		hold_stdout();
		while (line_in_read(in, q, sizeof(q)) >= 0)
			answer_line(&ak, q, NULL, mode);
	} else {
		rc = error("out of memory");
	}
	free(in);
	asker_release(&ak);
	matcher_scratch_free(ak.s);
	knowledge_unref(k);
	return rc ? 1 : 0;
}

/* the line "/new" (blanks around it allowed) */
static int new_conversation(const char *q)
{
	while (*q == ' ' || *q == '\t')
		q++;
	if (strncmp(q, "/new", 4))
		return 0;
	for (q += 4; *q == ' ' || *q == '\t' || *q == '\r'; q++)
		;
	return *q == '\0';
}

/* one conversation on stdin (the line "/new" starts another): every line answered
 * with the context of the earlier ones; takes k's reference and s */
static int converse(struct knowledge *k, struct matcher_scratch *s, enum line_mode mode, int prompt)
{
	char q[SB_MAX_QUESTION + 1];
	struct match_context ctx = MATCH_CONTEXT_EMPTY;
	struct line_in *in = line_in_new(0, stdout);
	struct asker ak;
	int ok = asker_init(&ak, k, s) == 0 && in;

	if (prompt)
		printf("studybot: ask me about EMS, EMR, EMT and paramedic roles (Ctrl-D to quit)\n> ");
	else
		hold_stdout();
	while (ok && line_in_read(in, q, sizeof(q)) >= 0) {
		if (new_conversation(q)) {          /* "/new": forget the earlier turns */
			ctx = (struct match_context)MATCH_CONTEXT_EMPTY;
			if (mode != LINE_JSON)
				puts("(new conversation)");
		} else {
			answer_line(&ak, q, &ctx, mode);
		}
		if (prompt)
			fputs("> ", stdout);
	}
	fflush(stdout);
	free(in);
	asker_release(&ak);
	matcher_scratch_free(s);
	knowledge_unref(k);
	return ok ? 0 : 1;
}

int cmd_chat(struct cli *c, int argc, char **argv)
{
	struct knowledge *k;

	if (argc > 0) {
		fprintf(stderr, "usage: studybot chat [--json]\n");
		return 2;
	}
	if (!(k = cli_load(c)))
		return 1;
	return converse(k, matcher_scratch_new(), c->json ? LINE_JSON : LINE_TEXT, isatty(0) && isatty(1));
}

int cmd_check(struct cli *c, int argc, char **argv)
{
	struct diag d;
	struct knowledge *k;
	int rc = 0;

	if (argc > 0) {
		fprintf(stderr, "usage: studybot check\n");
		return 2;
	}
	if (cli_paths(c))
		return 1;
	diag_init(&d);
	k = knowledge_load(c->kb, c->intents, &d);
	if (k)
		knowledge_check_full(k, &d);
	if (d.count) {
		fputs(d.text.ptr, stdout);
		fprintf(stderr, "studybot: %zu problem%s in %s and %s\n", d.count, d.count == 1 ? "" : "s",
			c->kb, c->intents);
		rc = 1;
	} else {
		size_t ex = 0, pat = k->matcher.intents.n + k->matcher.entities.n;
		for (size_t t = 0; t < k->kb.ntopics; t++)
			ex += k->kb.topics[t].nexamples;
		printf("ok: %zu topics, %zu roles, %zu intents, %zu patterns, %zu examples all reach their topic\n",
		       k->kb.ntopics, k->kb.nroles, k->lang.nintents, pat, ex);
	}
	knowledge_unref(k);
	diag_release(&d);
	return rc;
}

/* `studybot explain -`: every turn of a conversation on stdin explained, with the
 * context it leaned on */
static int explain_conversation(struct knowledge *k)
{
	struct matcher_scratch *s = matcher_scratch_new();

	if (s)
		s->explain = 1;
	return converse(k, s, LINE_EXPLAIN, 0);
}

int cmd_explain(struct cli *c, int argc, char **argv)
{
	char q[SB_MAX_QUESTION + 1];
	struct knowledge *k;
	struct matcher_scratch *s;
	struct match_result *res;
	struct answer a;
	struct buf out;

	if (argc == 0) {
		fprintf(stderr, "usage: studybot explain QUESTION, or studybot explain - (a conversation on stdin, "
				"one turn a line)\n");
		return 2;
	}
	if (!(k = cli_load(c)))
		return 1;
	if (argc == 1 && strcmp(argv[0], "-") == 0)
		return explain_conversation(k);
	join_args(argc, argv, q, sizeof(q));
	s = matcher_scratch_new();
	if (s)
		s->explain = 1;
	res = malloc(sizeof(*res));
	answer_init(&a);
	buf_init(&out, 1 << 20);
	matcher_match(&k->matcher, s, q, strlen(q), NULL, res);
	answer_compose(k, res, &a);
	answer_explain(k, res, &a, &out);
	fputs(out.ptr, stdout);
	buf_release(&out);
	answer_release(&a);
	free(res);
	matcher_scratch_free(s);
	knowledge_unref(k);
	return 0;
}
