/*
 * log.h - levelled key=value log lines on stderr.
 *
 *   log_info("request", "platform=%s status=%d", "slack", 200);
 *   -> ts=2026-11-22T06:30:00Z level=info event=request platform=slack status=200
 *
 * error() prints "studybot: <message>" and returns -1, so `return error(...)` reads
 * as what failed. Never pass a secret, token or signature to any of these.
 */
#ifndef STUDYBOT_LOG_H
#define STUDYBOT_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_OFF };

void log_set_level(enum log_level level);
int log_level_parse(const char *name, enum log_level *out);
int log_enabled(enum log_level level);
void log_kv(enum log_level level, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define log_debug(ev, ...) log_kv(LOG_DEBUG, ev, __VA_ARGS__)
#define log_info(ev, ...)  log_kv(LOG_INFO, ev, __VA_ARGS__)
#define log_warn(ev, ...)  log_kv(LOG_WARN, ev, __VA_ARGS__)
#define log_err(ev, ...)   log_kv(LOG_ERROR, ev, __VA_ARGS__)

#endif
