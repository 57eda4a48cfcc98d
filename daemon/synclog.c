#include "synclog.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static struct synclog_entry ring[SYNCLOG_MAX];
static size_t ring_next, ring_len;

void
synclog_add(const char *peer, const uint8_t *area, const char *fmt, ...)
{
	struct synclog_entry *e = &ring[ring_next];
	struct timespec ts;
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	memset(e, 0, sizeof(*e));
	e->time_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	snprintf(e->peer, sizeof(e->peer), "%s", peer ? peer : "local");
	if (area != NULL) {
		memcpy(e->area, area, TV_PK_LEN);
		e->has_area = true;
	}
	va_start(ap, fmt);
	vsnprintf(e->event, sizeof(e->event), fmt, ap);
	va_end(ap);
	ring_next = (ring_next + 1) % SYNCLOG_MAX;
	if (ring_len < SYNCLOG_MAX)
		ring_len++;
}

size_t
synclog_count(void)
{
	return ring_len;
}

const struct synclog_entry *
synclog_get(size_t i)
{
	if (i >= ring_len)
		return NULL;
	return &ring[(ring_next + SYNCLOG_MAX - ring_len + i) % SYNCLOG_MAX];
}
