/*
 * telegram_hook.h - registers telegram.webhook_url with Telegram (setWebhook: the
 * URL, the secret token, allowed_updates ["message"]) once when serve starts in
 * webhook mode, so nobody has to call setWebhook by hand. Runs on worker 0's loop
 * through its libcurl client: start never waits for it. A transport failure, 5xx
 * or 429 is retried with a growing delay (1 s doubling up to 5 min); Telegram's
 * refusal (ok:false) is logged with its description and not retried. Pending
 * updates are kept (a restart must not lose questions); `studybot telegram
 * set-webhook --drop-pending-updates` drops them on demand.
 */
#ifndef STUDYBOT_TELEGRAM_HOOK_H
#define STUDYBOT_TELEGRAM_HOOK_H

#include "worker.h"

struct telegram_hook;

/* starts the registration when Telegram is on in webhook mode with a bot token and
 * a webhook_url (*out stays NULL otherwise); 0 or -1 (out of memory) */
int telegram_hook_start(struct worker *w, struct telegram_hook **out);
void telegram_hook_free(struct telegram_hook *h);

#endif
