/*
 * log.h - levelled key=value log lines on stderr.
 *
 *   log_info("request", "platform=%s status=%d", "slack", 200);
 *   -> ts=2026-11-22T06:30:00Z level=info event=request platform=slack status=200
 *
 * The level is checked before anything is formatted (the macros test it inline, so
 * a line below the level costs a compare). A line is at most SB_LOG_LINE_MAX bytes:
 * a longer one is cut on a UTF-8 boundary and ends in "...".
 *
 * Buffering: a thread that runs an event loop holds its lines in its own buffer
 * (log_buffer_start) and the loop writes them once per turn (log_flush), or sooner
 * when the buffer is full or its oldest line is SB_LOG_FLUSH_MS old; an error line,
 * error(), log_buffer_stop() and exit() write what is held at once. Other threads
 * write each line as it comes, in one write(2).
 *
 * error() prints "studybot: <message>" and returns -1, so `return error(...)` reads
 * as what failed. Never pass a secret, token or signature to any of these.
 */
#ifndef STUDYBOT_LOG_H
#define STUDYBOT_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_OFF };

extern enum log_level log_threshold;    /* set by log_set_level */

void log_set_level(enum log_level level);
int log_level_parse(const char *name, enum log_level *out);
static inline int log_enabled(enum log_level level)
{
	return level >= log_threshold && log_threshold != LOG_OFF;
}
void log_kv(enum log_level level, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* where lines go (default 2, stderr); buffers started later write there */
void log_set_output(int fd);
/* this thread's lines are held from now on (nested calls count); -1 when out of
 * memory, and lines then go straight out */
int log_buffer_start(void);
/* writes this thread's held lines (nothing to do: no system call) */
void log_flush(void);
/* writes what is held and ends the holding started by the matching start */
void log_buffer_stop(void);

#define log_at_(lv, ev, ...) do { if (log_enabled(lv)) log_kv(lv, ev, __VA_ARGS__); } while (0)
#define log_debug(ev, ...) log_at_(LOG_DEBUG, ev, __VA_ARGS__)
#define log_info(ev, ...)  log_at_(LOG_INFO, ev, __VA_ARGS__)
#define log_warn(ev, ...)  log_at_(LOG_WARN, ev, __VA_ARGS__)
#define log_err(ev, ...)   log_at_(LOG_ERROR, ev, __VA_ARGS__)

#endif
