/*
 * loop.h - the event loop: one epoll set driving file descriptors, timers (one
 * timerfd) and signals (one signalfd). Knows nothing of HTTP or of the bot.
 *
 * Callbacks run on the loop's thread. A callback may add or delete any fd or timer,
 * including its own; deleted entries are freed at a safe point, never inside their
 * own callback. One loop per thread; loops share nothing.
 */
#ifndef STUDYBOT_LOOP_H
#define STUDYBOT_LOOP_H

#include <stdint.h>

struct loop;

enum { LOOP_READ = 1, LOOP_WRITE = 2 };

/* events: LOOP_READ / LOOP_WRITE that are ready (errors and hang-ups report as both) */
typedef void loop_fd_fn(struct loop *l, int fd, unsigned events, void *ud);
/* returns the delay in ms until it should run again, or -1 to be removed */
typedef long loop_timer_fn(struct loop *l, long long id, void *ud);
typedef void loop_signal_fn(struct loop *l, int signo, void *ud);
/* runs once per iteration, before the loop sleeps */
typedef void loop_hook_fn(struct loop *l, void *ud);

struct loop *loop_new(void);
void loop_free(struct loop *l);

int loop_add_fd(struct loop *l, int fd, unsigned events, loop_fd_fn *fn, void *ud);
int loop_mod_fd(struct loop *l, int fd, unsigned events);
void loop_del_fd(struct loop *l, int fd);

/* returns a timer id (> 0) or -1 */
long long loop_add_timer(struct loop *l, long delay_ms, loop_timer_fn *fn, void *ud);
void loop_del_timer(struct loop *l, long long id);

/* blocks signo for the calling thread and delivers it through the loop */
int loop_add_signal(struct loop *l, int signo, loop_signal_fn *fn, void *ud);
void loop_set_before_sleep(struct loop *l, loop_hook_fn *fn, void *ud);

/* runs until loop_stop(); returns 0, or -1 on an epoll failure */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);

/* monotonic clock in milliseconds */
int64_t loop_now_ms(void);

#endif
