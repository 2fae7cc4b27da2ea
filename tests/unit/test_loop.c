/*
 * test_loop.c - the event loop: fd readiness, timer order and re-arming, deleting
 * timers and fds from inside callbacks, signals through signalfd, the before-sleep
 * hook, loop_stop() from another thread.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "loop.h"

struct rec {
	char order[64];
	size_t n;
	int count;
	long long other;   /* a timer id for a callback to delete */
	int fds[2];
};

static void note(struct rec *r, char c)
{
	if (r->n + 1 < sizeof(r->order))
		r->order[r->n++] = c;
}

static long stop_timer(struct loop *l, long long id, void *ud)
{
	loop_stop(l);
	return -1;
}

/* each timer's ud is a (struct rec *) and the letter comes from its delay */
struct lettered { struct rec *r; char c; };

static long letter_timer(struct loop *l, long long id, void *ud)
{
	struct lettered *x = ud;
	note(x->r, x->c);
	return -1;
}

static void timers_run_in_due_order(void **state)
{
	struct loop *l = loop_new();
	struct rec r = { 0 };
	struct lettered a = { &r, 'a' }, b = { &r, 'b' }, c = { &r, 'c' }, z = { &r, 'z' };

	assert_non_null(l);
	/* 100 ms apart: adding them must not take longer than a gap, even under
	 * valgrind on a busy machine */
	assert_true(loop_add_timer(l, 300, letter_timer, &c) > 0);
	assert_true(loop_add_timer(l, 100, letter_timer, &a) > 0);
	assert_true(loop_add_timer(l, 200, letter_timer, &b) > 0);
	assert_true(loop_add_timer(l, 0, letter_timer, &z) > 0);
	assert_true(loop_add_timer(l, 400, stop_timer, NULL) > 0);
	int64_t t0 = loop_now_ms();
	assert_int_equal(loop_run(l), 0);
	assert_true(loop_now_ms() - t0 >= 395);
	assert_string_equal(r.order, "zabc");
	loop_free(l);
}

static long rearm_timer(struct loop *l, long long id, void *ud)
{
	struct rec *r = ud;
	if (++r->count == 5) {
		loop_stop(l);
		return -1;
	}
	return 5;
}

static void timer_rearms_until_minus_one(void **state)
{
	struct loop *l = loop_new();
	struct rec r = { 0 };

	assert_true(loop_add_timer(l, 1, rearm_timer, &r) > 0);
	int64_t t0 = loop_now_ms();
	loop_run(l);
	assert_int_equal(r.count, 5);
	assert_true(loop_now_ms() - t0 >= 20);
	loop_free(l);
}

static long self_deleting(struct loop *l, long long id, void *ud)
{
	struct rec *r = ud;
	r->count++;
	loop_del_timer(l, id);      /* deleted inside its own callback */
	loop_del_timer(l, r->other); /* and another that is due later */
	return 1;                   /* would re-arm, but it was deleted */
}

static long must_not_run(struct loop *l, long long id, void *ud)
{
	fail_msg("a deleted timer ran");
	return -1;
}

static void timer_deleted_inside_callback(void **state)
{
	struct loop *l = loop_new();
	struct rec r = { 0 };

	r.other = loop_add_timer(l, 15, must_not_run, NULL);
	assert_true(loop_add_timer(l, 5, self_deleting, &r) > 0);
	assert_true(loop_add_timer(l, 40, stop_timer, NULL) > 0);
	loop_run(l);
	assert_int_equal(r.count, 1);
	loop_del_timer(l, 12345);   /* unknown id: ignored */
	loop_free(l);
}

static long zero_forever(struct loop *l, long long id, void *ud)
{
	((struct rec *)ud)->count++;
	return 0;
}

static void zero_delay_timer_does_not_starve_the_loop(void **state)
{
	struct loop *l = loop_new();
	struct rec r = { 0 };

	assert_true(loop_add_timer(l, 0, zero_forever, &r) > 0);
	assert_true(loop_add_timer(l, 20, stop_timer, NULL) > 0);
	loop_run(l);
	assert_true(r.count > 1);
	loop_free(l);   /* frees the still-armed timer */
}

static void on_readable(struct loop *l, int fd, unsigned ev, void *ud)
{
	struct rec *r = ud;
	char buf[16];
	ssize_t n;

	assert_true(ev & LOOP_READ);
	n = read(fd, buf, sizeof(buf));
	if (n > 0)
		note(r, buf[0]);
	if (++r->count == 2) {
		loop_del_fd(l, fd);
		loop_stop(l);
	}
}

static long write_later(struct loop *l, long long id, void *ud)
{
	struct rec *r = ud;
	char c = (char)('p' + r->n);
	assert_int_equal(write(r->fds[1], &c, 1), 1);
	return r->n < 1 ? 5 : -1;
}

static void fd_callbacks_see_data(void **state)
{
	struct loop *l = loop_new();
	struct rec r = { 0 };

	assert_int_equal(pipe(r.fds), 0);
	assert_int_equal(loop_add_fd(l, r.fds[0], LOOP_READ, on_readable, &r), 0);
	assert_int_equal(loop_add_fd(l, r.fds[0], LOOP_READ, on_readable, &r), -1);
	assert_true(loop_add_timer(l, 5, write_later, &r) > 0);
	loop_run(l);
	assert_string_equal(r.order, "pq");
	assert_int_equal(loop_mod_fd(l, r.fds[0], LOOP_READ), -1); /* deleted */
	close(r.fds[0]);
	close(r.fds[1]);
	loop_free(l);
}

/* two pipes ready in the same batch: the first callback deletes the second fd */
static void killer(struct loop *l, int fd, unsigned ev, void *ud)
{
	struct rec *r = ud;
	int other = fd == r->fds[0] ? r->fds[1] : r->fds[0];
	r->count++;
	loop_del_fd(l, other);
	loop_stop(l);
}

static void fd_deleted_by_earlier_callback_in_batch(void **state)
{
	struct loop *l = loop_new();
	struct rec r = { 0 };
	int a[2], b[2];

	assert_int_equal(pipe(a), 0);
	assert_int_equal(pipe(b), 0);
	assert_int_equal(write(a[1], "x", 1), 1);
	assert_int_equal(write(b[1], "y", 1), 1);
	r.fds[0] = a[0];
	r.fds[1] = b[0];
	assert_int_equal(loop_add_fd(l, a[0], LOOP_READ, killer, &r), 0);
	assert_int_equal(loop_add_fd(l, b[0], LOOP_READ, killer, &r), 0);
	loop_run(l);
	assert_int_equal(r.count, 1);
	loop_del_fd(l, a[0]);
	close(a[0]); close(a[1]); close(b[0]); close(b[1]);
	loop_free(l);
}

static void on_writable(struct loop *l, int fd, unsigned ev, void *ud)
{
	struct rec *r = ud;
	if (ev & LOOP_WRITE) {
		r->count++;
		loop_mod_fd(l, fd, LOOP_READ);   /* stop asking for writability */
	}
}

static long stop_after(struct loop *l, long long id, void *ud)
{
	loop_stop(l);
	return -1;
}

static void mod_fd_switches_interest(void **state)
{
	struct loop *l = loop_new();
	struct rec r = { 0 };
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(loop_add_fd(l, p[1], LOOP_WRITE, on_writable, &r), 0);
	assert_true(loop_add_timer(l, 20, stop_after, NULL) > 0);
	loop_run(l);
	assert_int_equal(r.count, 1);
	loop_del_fd(l, p[1]);
	close(p[0]); close(p[1]);
	loop_free(l);
}

static void on_signal(struct loop *l, int signo, void *ud)
{
	struct rec *r = ud;
	note(r, signo == SIGUSR1 ? '1' : '2');
	if (++r->count == 2)
		loop_stop(l);
}

static long raise_both(struct loop *l, long long id, void *ud)
{
	raise(SIGUSR1);
	raise(SIGUSR2);
	return -1;
}

static void signals_arrive_through_the_loop(void **state)
{
	struct loop *l = loop_new();
	struct rec r = { 0 };

	assert_int_equal(loop_add_signal(l, SIGUSR1, on_signal, &r), 0);
	assert_int_equal(loop_add_signal(l, SIGUSR2, on_signal, &r), 0);
	assert_int_equal(loop_add_signal(l, 0, on_signal, &r), -1);
	assert_true(loop_add_timer(l, 1, raise_both, NULL) > 0);
	loop_run(l);
	assert_int_equal(r.count, 2);
	assert_string_equal(r.order, "12");
	loop_free(l);
}

static void hook(struct loop *l, void *ud)
{
	struct rec *r = ud;
	if (++r->count == 3)
		loop_stop(l);
}

static long tick(struct loop *l, long long id, void *ud)
{
	return 1;
}

static void before_sleep_hook_runs_each_iteration(void **state)
{
	struct loop *l = loop_new();
	struct rec r = { 0 };

	loop_set_before_sleep(l, hook, &r);
	assert_true(loop_add_timer(l, 1, tick, NULL) > 0);
	loop_run(l);
	assert_int_equal(r.count, 3);
	loop_free(l);
}

static void *stopper(void *arg)
{
	usleep(20000);
	loop_stop(arg);
	return NULL;
}

static void stop_from_another_thread(void **state)
{
	struct loop *l = loop_new();
	pthread_t th;

	assert_int_equal(pthread_create(&th, NULL, stopper, l), 0);
	assert_int_equal(loop_run(l), 0);   /* nothing registered: only the stop wakes it */
	pthread_join(th, NULL);
	loop_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(timers_run_in_due_order),
		cmocka_unit_test(timer_rearms_until_minus_one),
		cmocka_unit_test(timer_deleted_inside_callback),
		cmocka_unit_test(zero_delay_timer_does_not_starve_the_loop),
		cmocka_unit_test(fd_callbacks_see_data),
		cmocka_unit_test(fd_deleted_by_earlier_callback_in_batch),
		cmocka_unit_test(mod_fd_switches_interest),
		cmocka_unit_test(signals_arrive_through_the_loop),
		cmocka_unit_test(before_sleep_hook_runs_each_iteration),
		cmocka_unit_test(stop_from_another_thread),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
