/*
 * loop.c - the event loop of loop.h: epoll + one timerfd + one signalfd.
 *
 *   fd table      indexed by fd; each slot has a generation carried in the epoll
 *                 event data, so an event for a deleted (or deleted and re-added)
 *                 fd that is still in the current batch is dropped, not misrouted
 *   timers        a binary min-heap ordered by (due, seq) plus a small hash id ->
 *                 timer; the single timerfd is armed (absolute, monotonic) at the
 *                 earliest due time before each sleep. A timer deleted while it
 *                 runs is only marked and freed once its callback has returned.
 *                 Timers added or re-armed while timers run wait for the next
 *                 round, so a 0 ms timer cannot starve the loop.
 *   signals       one signalfd whose mask grows with loop_add_signal(); the
 *                 signals stay blocked in the thread after loop_free()
 *   wake-up       an eventfd, so loop_stop() may be called from another thread
 *
 * Not here: HTTP, sockets, anything about the bot.
 */
#include "loop.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include "log.h"
#include "banned.h"

#define MAX_EVENTS 128
#define NSIG_MAX 65
#define TIMER_BUCKETS 256

struct fd_slot {
	loop_fd_fn *fn;
	void *ud;
	unsigned events;
	uint32_t gen;
	int active;
};

struct timer {
	long long id;
	int64_t due;
	uint64_t seq;
	loop_timer_fn *fn;
	void *ud;
	size_t heap_idx;         /* index in the heap, or SIZE_MAX when not there */
	int dead;
	struct timer *hnext;     /* hash chain */
};

struct loop {
	int epfd, tfd, sfd, efd;
	struct fd_slot *fds;
	size_t nfds;
	struct timer **heap;
	size_t nheap, aheap;
	struct timer *hash[TIMER_BUCKETS];
	long long next_id;
	uint64_t next_seq;
	sigset_t sigmask;
	loop_signal_fn *sig_fn[NSIG_MAX];
	void *sig_ud[NSIG_MAX];
	loop_hook_fn *hook;
	void *hook_ud;
	atomic_int stop;
};

/* internal fds are tagged in the high bits of the epoll data */
#define TAG_TIMER  (1ull << 62)
#define TAG_SIGNAL (2ull << 62)
#define TAG_WAKE   (3ull << 62)
#define TAG_MASK   (3ull << 62)

int64_t loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int add_internal(struct loop *l, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	return epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev);
}

struct loop *loop_new(void)
{
	struct loop *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->sfd = -1;
	l->next_id = 1;
	sigemptyset(&l->sigmask);
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	l->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	l->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (l->epfd < 0 || l->tfd < 0 || l->efd < 0 ||
	    add_internal(l, l->tfd, TAG_TIMER) < 0 ||
	    add_internal(l, l->efd, TAG_WAKE) < 0) {
		loop_free(l);
		return NULL;
	}
	return l;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < TIMER_BUCKETS; i++) {
		struct timer *t = l->hash[i], *next;
		for (; t; t = next) {
			next = t->hnext;
			free(t);
		}
	}
	free(l->heap);
	free(l->fds);
	if (l->epfd >= 0)
		close(l->epfd);
	if (l->tfd >= 0)
		close(l->tfd);
	if (l->efd >= 0)
		close(l->efd);
	if (l->sfd >= 0)
		close(l->sfd);
	free(l);
}

/* ---- file descriptors ---- */

static uint32_t to_epoll(unsigned events)
{
	return (events & LOOP_READ ? EPOLLIN | EPOLLRDHUP : 0) |
	       (events & LOOP_WRITE ? EPOLLOUT : 0);
}

static int ensure_slot(struct loop *l, int fd)
{
	size_t n = l->nfds ? l->nfds : 64;
	struct fd_slot *p;

	if ((size_t)fd < l->nfds)
		return 0;
	while (n <= (size_t)fd)
		n *= 2;
	p = realloc(l->fds, n * sizeof(*p));
	if (!p)
		return -1;
	memset(p + l->nfds, 0, (n - l->nfds) * sizeof(*p));
	l->fds = p;
	l->nfds = n;
	return 0;
}

static int epoll_set(struct loop *l, int op, int fd)
{
	struct fd_slot *s = &l->fds[fd];
	struct epoll_event ev = {
		.events = to_epoll(s->events),
		.data.u64 = (uint64_t)(uint32_t)fd | ((uint64_t)s->gen << 32),
	};

	return epoll_ctl(l->epfd, op, fd, &ev);
}

int loop_add_fd(struct loop *l, int fd, unsigned events, loop_fd_fn *fn, void *ud)
{
	struct fd_slot *s;

	if (fd < 0 || !fn || ensure_slot(l, fd) < 0)
		return -1;
	s = &l->fds[fd];
	if (s->active)
		return -1;
	s->gen = (s->gen + 1) & 0x3fffffffu;
	s->fn = fn;
	s->ud = ud;
	s->events = events;
	if (epoll_set(l, EPOLL_CTL_ADD, fd) < 0)
		return -1;
	s->active = 1;
	return 0;
}

int loop_mod_fd(struct loop *l, int fd, unsigned events)
{
	if (fd < 0 || (size_t)fd >= l->nfds || !l->fds[fd].active)
		return -1;
	if (l->fds[fd].events == events)
		return 0;
	l->fds[fd].events = events;
	return epoll_set(l, EPOLL_CTL_MOD, fd);
}

void loop_del_fd(struct loop *l, int fd)
{
	if (fd < 0 || (size_t)fd >= l->nfds || !l->fds[fd].active)
		return;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	l->fds[fd].active = 0;
	l->fds[fd].fn = NULL;
	l->fds[fd].ud = NULL;
	l->fds[fd].gen = (l->fds[fd].gen + 1) & 0x3fffffffu;
}

static void dispatch_fd(struct loop *l, const struct epoll_event *ev)
{
	int fd = (int)(uint32_t)ev->data.u64;
	uint32_t gen = (uint32_t)(ev->data.u64 >> 32);
	unsigned what = 0;
	struct fd_slot *s;

	if ((size_t)fd >= l->nfds)
		return;
	s = &l->fds[fd];
	if (!s->active || s->gen != gen)
		return;          /* deleted earlier in this batch */
	if (ev->events & (EPOLLIN | EPOLLRDHUP))
		what |= LOOP_READ;
	if (ev->events & EPOLLOUT)
		what |= LOOP_WRITE;
	if (ev->events & (EPOLLERR | EPOLLHUP))
		what |= LOOP_READ | LOOP_WRITE;
	s->fn(l, fd, what, s->ud);
}

/* ---- timers: heap ordered by (due, seq) ---- */

static int timer_less(const struct timer *a, const struct timer *b)
{
	return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void heap_place(struct loop *l, size_t i, struct timer *t)
{
	l->heap[i] = t;
	t->heap_idx = i;
}

static void sift_up(struct loop *l, size_t i)
{
	struct timer *t = l->heap[i];

	while (i > 0 && timer_less(t, l->heap[(i - 1) / 2])) {
		heap_place(l, i, l->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_place(l, i, t);
}

static void sift_down(struct loop *l, size_t i)
{
	struct timer *t = l->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= l->nheap)
			break;
		if (c + 1 < l->nheap && timer_less(l->heap[c + 1], l->heap[c]))
			c++;
		if (!timer_less(l->heap[c], t))
			break;
		heap_place(l, i, l->heap[c]);
		i = c;
	}
	heap_place(l, i, t);
}

static int heap_push(struct loop *l, struct timer *t)
{
	if (l->nheap == l->aheap) {
		size_t n = l->aheap ? l->aheap * 2 : 16;
		struct timer **p = realloc(l->heap, n * sizeof(*p));
		if (!p)
			return -1;
		l->heap = p;
		l->aheap = n;
	}
	heap_place(l, l->nheap++, t);
	sift_up(l, l->nheap - 1);
	return 0;
}

static void heap_remove(struct loop *l, struct timer *t)
{
	size_t i = t->heap_idx;
	struct timer *last;

	if (i == SIZE_MAX)
		return;
	t->heap_idx = SIZE_MAX;
	last = l->heap[--l->nheap];
	if (last == t)
		return;
	heap_place(l, i, last);
	sift_up(l, i);
	sift_down(l, last->heap_idx);
}

static struct timer **hash_slot(struct loop *l, long long id)
{
	struct timer **pp = &l->hash[(unsigned long long)id % TIMER_BUCKETS];

	while (*pp && (*pp)->id != id)
		pp = &(*pp)->hnext;
	return pp;
}

static void timer_destroy(struct loop *l, struct timer *t)
{
	struct timer **pp = hash_slot(l, t->id);

	if (*pp)
		*pp = t->hnext;
	heap_remove(l, t);
	free(t);
}

static int timer_arm(struct loop *l, struct timer *t, long delay_ms)
{
	if (delay_ms < 0)
		delay_ms = 0;
	t->due = loop_now_ms() + delay_ms;
	t->seq = l->next_seq++;
	return heap_push(l, t);
}

long long loop_add_timer(struct loop *l, long delay_ms, loop_timer_fn *fn, void *ud)
{
	struct timer *t;
	struct timer **pp;

	if (!fn || !(t = calloc(1, sizeof(*t))))
		return -1;
	t->id = l->next_id++;
	t->fn = fn;
	t->ud = ud;
	t->heap_idx = SIZE_MAX;
	if (timer_arm(l, t, delay_ms) < 0) {
		free(t);
		return -1;
	}
	pp = &l->hash[(unsigned long long)t->id % TIMER_BUCKETS];
	t->hnext = *pp;
	*pp = t;
	return t->id;
}

void loop_del_timer(struct loop *l, long long id)
{
	struct timer *t = *hash_slot(l, id);

	if (!t || t->dead)
		return;
	if (t->heap_idx == SIZE_MAX)
		t->dead = 1;       /* running now: run_timers frees it afterwards */
	else
		timer_destroy(l, t);
}

/* runs every timer due now that was armed before this round began */
static void run_timers(struct loop *l)
{
	int64_t now = loop_now_ms();
	uint64_t round = l->next_seq;

	while (l->nheap && l->heap[0]->due <= now && l->heap[0]->seq < round) {
		struct timer *t = l->heap[0];
		long next;

		heap_remove(l, t);
		next = t->fn(l, t->id, t->ud);
		if (t->dead || next < 0 || timer_arm(l, t, next) < 0)
			timer_destroy(l, t);
	}
}

static void arm_timerfd(struct loop *l)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	if (l->nheap) {
		int64_t due = l->heap[0]->due;
		its.it_value.tv_sec = due / 1000;
		its.it_value.tv_nsec = (long)(due % 1000) * 1000000L;
		if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
			its.it_value.tv_nsec = 1;   /* all-zero would disarm */
	}
	timerfd_settime(l->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* ---- signals ---- */

int loop_add_signal(struct loop *l, int signo, loop_signal_fn *fn, void *ud)
{
	sigset_t one;
	int fd;

	if (signo <= 0 || signo >= NSIG_MAX || !fn)
		return -1;
	sigemptyset(&one);
	sigaddset(&one, signo);
	if (pthread_sigmask(SIG_BLOCK, &one, NULL) != 0)
		return -1;
	sigaddset(&l->sigmask, signo);
	fd = signalfd(l->sfd, &l->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (l->sfd < 0) {
		l->sfd = fd;
		if (add_internal(l, fd, TAG_SIGNAL) < 0)
			return -1;
	}
	l->sig_fn[signo] = fn;
	l->sig_ud[signo] = ud;
	return 0;
}

static void read_signals(struct loop *l)
{
	struct signalfd_siginfo si;

	while (read(l->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		int signo = (int)si.ssi_signo;
		if (signo > 0 && signo < NSIG_MAX && l->sig_fn[signo])
			l->sig_fn[signo](l, signo, l->sig_ud[signo]);
	}
}

/* ---- running ---- */

void loop_set_before_sleep(struct loop *l, loop_hook_fn *fn, void *ud)
{
	l->hook = fn;
	l->hook_ud = ud;
}

void loop_stop(struct loop *l)
{
	uint64_t one = 1;

	atomic_store(&l->stop, 1);
	if (write(l->efd, &one, sizeof(one)) < 0) {
		/* counter full: a wake-up is already pending */
	}
}

static void drain_fd(int fd)
{
	uint64_t v;

	while (read(fd, &v, sizeof(v)) > 0)
		;
}

static void dispatch(struct loop *l, const struct epoll_event *ev)
{
	switch (ev->data.u64 & TAG_MASK) {
	case TAG_TIMER:
		drain_fd(l->tfd);
		break;
	case TAG_SIGNAL:
		read_signals(l);
		break;
	case TAG_WAKE:
		drain_fd(l->efd);
		break;
	default:
		dispatch_fd(l, ev);
	}
}

int loop_run(struct loop *l)
{
	struct epoll_event evs[MAX_EVENTS];
	int rc = 0;

	log_buffer_start();            /* this thread's log lines: one write per turn */
	while (!atomic_load(&l->stop)) {
		int n;

		if (l->hook)
			l->hook(l, l->hook_ud);
		if (atomic_load(&l->stop))
			break;
		arm_timerfd(l);
		log_flush();
		n = epoll_wait(l->epfd, evs, MAX_EVENTS, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -1;
			break;
		}
		for (int i = 0; i < n && !atomic_load(&l->stop); i++)
			dispatch(l, &evs[i]);
		run_timers(l);
	}
	log_buffer_stop();
	if (rc == 0)
		atomic_store(&l->stop, 0);
	return rc;
}
