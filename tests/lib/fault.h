/*
 * A fault-injecting allocator for tests (dqlite test/lib/heap.c, SQLite's
 * oom faultsim). Test executables linked with
 * -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc route every malloc, calloc
 * and realloc made by their own objects and static libraries (tvproto,
 * tvtest) through it; shared libraries (libc, utf8proc, jansson) keep
 * theirs. By default nothing fails.
 */
#ifndef TVAERS_TESTS_FAULT_H
#define TVAERS_TESTS_FAULT_H

/*
 * Lets the next n allocations succeed and makes every later one fail
 * (return NULL); n = -1 never fails. Also resets fault_count() to 0.
 */
void fault_fail_after(long n);
/* Returns the number of allocation calls since the last fault_fail_after(). */
long fault_count(void);

#endif
