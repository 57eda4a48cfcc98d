/*
 * The daemon's log vocabulary, after OpenSMTPD's log.h. Messages go to
 * stderr, one line each, prefixed with the level; under systemd (when
 * JOURNAL_STREAM is set) the prefix is the journal's <N> priority instead,
 * and the journal adds the time. errno is preserved across every call.
 * Each message starts with the subsystem: "store: migrated to version 2".
 */
#ifndef TVAERS_DAEMON_LOG_H
#define TVAERS_DAEMON_LOG_H

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN = 1,
	LOG_LEVEL_INFO = 2,
	LOG_LEVEL_DEBUG = 3,
};

/* Sets the level and the program name used in messages. */
void log_init(enum log_level level, const char *progname);
/* Changes the level at run time (SIGHUP, `tvaers log verbose`). */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Parses "error", "warn", "info", "debug"; returns 0 or -1. */
int log_level_parse(const char *s, enum log_level *out);
/* Returns the name of a level. */
const char *log_level_name(enum log_level level);

/* Warning with ": strerror(errno)" appended. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Warning without errno. */
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Logs an error with strerror(errno) and exits 1; only before the loop runs. */
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
/* Logs an error and exits 1; only before the loop runs. */
void fatalx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#endif
