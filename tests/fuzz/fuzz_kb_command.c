/*
 * fuzz_kb_command.c - the moderators' command parser ("!kb ..." in chat) and the
 * commands behind it, on hostile messages: the prefix check, the word split (the
 * `|` tail, free text, the argument caps), the table's usage checks and each
 * handler. Runs against a copy of tests/fixtures/kb-mini in a temp folder under
 * $TMPDIR (journal and unanswered log there too); byte 0 bit 0 makes the sender a
 * moderator. After a change (the journal grew) the copy, the journal and the live
 * knowledge are put back as they were, so every input starts from the same state.
 * A reply is never empty and never over the reply cap.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "kbedit.h"
#include "knowledge.h"
#include "moderation.h"
#include "reload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char base[300], kbdir[512], intents[512], state[512], history[560], unanswered[560];
static struct kbedit_env KE;
static struct knowledge_holder H;
static struct moderation_env E;

static void teardown(void)
{
	reloader_free(E.reloader);
	knowledge_holder_release(&H);
}

static void setup(void)
{
	const char *t = fuzz_tmp();
	char cmd[2048];
	struct diag d;

	snprintf(base, sizeof(base), "%s", t);
	snprintf(cmd, sizeof(cmd), "cp -r '%s' '%s/pristine' && cp -r '%s/pristine' '%s/kb' && mkdir '%s/kb/state'",
		 fuzz_src("tests/fixtures/kb-mini"), t, t, t, t);
	fuzz_sh(cmd);
	snprintf(kbdir, sizeof(kbdir), "%s/kb/data", t);
	snprintf(intents, sizeof(intents), "%s/kb/intents", t);
	snprintf(state, sizeof(state), "%s/kb/state", t);
	snprintf(history, sizeof(history), "%s/history.jsonl", state);
	snprintf(unanswered, sizeof(unanswered), "%s/unanswered.jsonl", state);
	KE = (struct kbedit_env){ kbdir, intents, history, state, "fuzz:moderator" };
	diag_init(&d);
	knowledge_holder_init(&H, knowledge_load(kbdir, intents, &d));
	diag_release(&d);
	E = (struct moderation_env){ .holder = &H, .kbdir = kbdir, .intentsdir = intents,
				     .history_path = history, .unanswered_path = unanswered,
				     .state_dir = state, .prefix = "!kb" };
	E.reloader = reloader_new(&KE, &H);
	if (!H.live || !E.reloader)
		abort();
	atexit(teardown);
}

static long journal_size(void)
{
	FILE *f = fopen(history, "rb");
	long n = 0;

	if (f && fseek(f, 0, SEEK_END) == 0)
		n = ftell(f);
	if (f)
		fclose(f);
	return n;
}

/* the copy, the journal and the live knowledge as they were before any change */
static void restore(void)
{
	char cmd[2048];
	struct diag d;
	struct knowledge *k;

	snprintf(cmd, sizeof(cmd), "cd '%s' && rm -rf kb/data kb/intents kb/state && "
		 "cp -r pristine/data pristine/intents kb/ && mkdir kb/state", base);
	fuzz_sh(cmd);
	diag_init(&d);
	k = knowledge_load(kbdir, intents, &d);
	diag_release(&d);
	if (!k)
		abort();
	knowledge_swap(&H, k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int moderator = size && (data[0] & 1);
	const char *rest = NULL;
	struct buf reply;
	char *text;
	long before;
	int rc;

	if (!kbdir[0])
		setup();
	before = journal_size();
	if (size)
		data++, size--;
	text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	if (moderation_is_command("!kb", text, &rest) && (!rest || rest < text || rest > text + size))
		abort();
	buf_init(&reply, 1 << 16);
	rc = moderation_exec(&E, "fuzz:moderator", moderator, rest ? rest : text, &reply);
	if (rc < 0 || rc > 2 || reply.len == 0 || reply.len > MODERATION_REPLY_MAX)
		abort();
	if (journal_size() != before)
		restore();
	buf_release(&reply);
	free(text);
	return 0;
}
