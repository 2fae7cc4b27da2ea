/* links.c - connections out to the platforms and their state; see links.h. */
#include "links.h"

#include <inttypes.h>
#include <string.h>

#include "banned.h"

struct link *links_add(struct links *ls, const char *name)
{
	int n = atomic_load(&ls->n);
	struct link *l;
	size_t i;

	if (n >= LINKS_MAX)
		return NULL;
	l = &ls->slot[n];
	for (i = 0; name[i] && i < LINK_MAX_NAME; i++) {
		char c = name[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
		l->name[i] = ok ? c : '-';
	}
	l->name[i] = '\0';
	atomic_store(&l->state, LINK_CONNECTING);
	atomic_store(&l->was_up, 0);
	atomic_store(&l->reconnects, 0);
	atomic_store(&l->events, 0);
	atomic_store(&ls->n, n + 1);     /* published after the slot is filled */
	return l;
}

void link_set(struct link *l, enum link_state s)
{
	if (!l)
		return;
	if (s == LINK_UP && atomic_load(&l->state) != LINK_UP && atomic_exchange(&l->was_up, 1))
		atomic_fetch_add(&l->reconnects, 1);
	atomic_store(&l->state, (int)s);
}

long link_backoff_ms(int attempt, unsigned rnd)
{
	long d = LINK_BACKOFF_BASE_MS;

	for (int i = 0; i < attempt && d < LINK_BACKOFF_MAX_MS; i++)
		d *= 2;
	if (d > LINK_BACKOFF_MAX_MS)
		d = LINK_BACKOFF_MAX_MS;
	return d / 2 + (long)(rnd % (unsigned)(d / 2 + 1));
}

void link_event(struct link *l)
{
	if (l)
		atomic_fetch_add(&l->events, 1);
}

const char *link_state_name(enum link_state s)
{
	switch (s) {
	case LINK_CONNECTING: return "connecting";
	case LINK_UP: return "up";
	case LINK_DOWN: return "down";
	case LINK_FAILED: return "failed";
	}
	return "unknown";
}

void links_render_health(const struct links *ls, struct buf *out)
{
	int n = atomic_load(&ls->n);

	for (int i = 0; i < n; i++) {
		const struct link *l = &ls->slot[i];
		buf_printf(out, "link %s %s reconnects=%" PRIuFAST64 "\n", l->name,
			   link_state_name((enum link_state)atomic_load(&l->state)), (uint_fast64_t)atomic_load(&l->reconnects));
	}
}

void links_render_metrics(const struct links *ls, struct buf *out)
{
	int n = atomic_load(&ls->n);

	if (n == 0)
		return;
	buf_adds(out, "# HELP studybot_link_up 1 when the connection out to the platform is up.\n"
		      "# TYPE studybot_link_up gauge\n");
	for (int i = 0; i < n; i++)
		buf_printf(out, "studybot_link_up{link=\"%s\"} %d\n", ls->slot[i].name,
			   atomic_load(&ls->slot[i].state) == LINK_UP);
	buf_adds(out, "# HELP studybot_link_reconnects_total Reconnections of each connection out.\n"
		      "# TYPE studybot_link_reconnects_total counter\n");
	for (int i = 0; i < n; i++)
		buf_printf(out, "studybot_link_reconnects_total{link=\"%s\"} %" PRIuFAST64 "\n", ls->slot[i].name,
			   (uint_fast64_t)atomic_load(&ls->slot[i].reconnects));
	buf_adds(out, "# HELP studybot_link_events_total Events received over each connection out.\n"
		      "# TYPE studybot_link_events_total counter\n");
	for (int i = 0; i < n; i++)
		buf_printf(out, "studybot_link_events_total{link=\"%s\"} %" PRIuFAST64 "\n", ls->slot[i].name,
			   (uint_fast64_t)atomic_load(&ls->slot[i].events));
}

int links_all_up(const struct links *ls)
{
	int n = atomic_load(&ls->n);

	for (int i = 0; i < n; i++)
		if (atomic_load(&ls->slot[i].state) != LINK_UP)
			return 0;
	return 1;
}
