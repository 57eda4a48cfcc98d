/*
 * The wrapped allocators: GNU ld's --wrap=malloc sends every reference to
 * malloc to __wrap_malloc and makes __real_malloc the real one (under ASan,
 * ASan's). Each test runs in its own process, so plain globals are enough.
 */
#include "fault.h"

#include <stddef.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);

static long fault_budget = -1;	/* successes left; -1: unlimited */
static long fault_calls;

void
fault_fail_after(long n)
{
	fault_budget = n;
	fault_calls = 0;
}

long
fault_count(void)
{
	return fault_calls;
}

/* Counts one allocation call; true if it must fail. */
static int
fault_now(void)
{
	fault_calls++;
	if (fault_budget < 0)
		return 0;
	if (fault_budget == 0)
		return 1;
	fault_budget--;
	return 0;
}

void *
__wrap_malloc(size_t size)
{
	return fault_now() ? NULL : __real_malloc(size);
}

void *
__wrap_calloc(size_t n, size_t size)
{
	return fault_now() ? NULL : __real_calloc(n, size);
}

/* A failing realloc leaves p allocated, as the real one does. */
void *
__wrap_realloc(void *p, size_t size)
{
	return fault_now() ? NULL : __real_realloc(p, size);
}
