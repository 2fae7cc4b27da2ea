/*
 * links.h - the connections the bot keeps out to a platform (a gateway or socket
 * WebSocket, a long poll) and their state, for GET /healthz and GET /metrics.
 *
 * A link is registered once when its connection is started and keeps its slot for
 * the process's life; its owner reports each change of state. State and counts are
 * atomics: any worker may render them while the owner's loop updates them.
 */
#ifndef STUDYBOT_LINKS_H
#define STUDYBOT_LINKS_H

#include <stdatomic.h>
#include <stdint.h>

#include "buf.h"

#define LINKS_MAX 16
#define LINK_MAX_NAME 47

enum link_state {
	LINK_CONNECTING,   /* starting, or reconnecting after a drop */
	LINK_UP,           /* connected and receiving events */
	LINK_DOWN,         /* dropped; waiting out a backoff before the next try */
	LINK_FAILED,       /* refused for good (a bad token): needs the admin */
};

struct link {
	char name[LINK_MAX_NAME + 1];   /* "discord-gateway", "telegram-poll", ... */
	atomic_int state;               /* enum link_state */
	atomic_int was_up;              /* up at least once: the next LINK_UP is a reconnect */
	atomic_uint_fast64_t reconnects;
	atomic_uint_fast64_t events;    /* events received over it */
};

struct links {
	struct link slot[LINKS_MAX];
	atomic_int n;
};

#define LINK_BACKOFF_BASE_MS 1000
#define LINK_BACKOFF_MAX_MS 60000

/* a new link named name (cut to LINK_MAX_NAME, [a-z0-9-] kept, others '-'), in
 * state LINK_CONNECTING; NULL when LINKS_MAX are taken. Call from one thread at a
 * time (serve's start-up, or worker 0's loop). */
struct link *links_add(struct links *ls, const char *name);
/* the link's state; LINK_UP on a link that was up before counts a reconnect */
void link_set(struct link *l, enum link_state s);
void link_event(struct link *l);
const char *link_state_name(enum link_state s);
/* the delay before reconnect attempt `attempt` (0 = the first): base * 2^attempt
 * capped at LINK_BACKOFF_MAX_MS, then a random 50..100% of it (rnd: any number);
 * every connection out (WebSocket or long poll) backs off by it */
long link_backoff_ms(int attempt, unsigned rnd);

/* "link NAME STATE reconnects=N\n" per link, after the "ok" of /healthz */
void links_render_health(const struct links *ls, struct buf *out);
/* studybot_link_up{link="NAME"} and studybot_link_reconnects_total / _events_total */
void links_render_metrics(const struct links *ls, struct buf *out);
/* 1 when every link is LINK_UP (or there is none) */
int links_all_up(const struct links *ls);

#endif
