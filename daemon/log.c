/*
 * The daemon's log vocabulary (log.h). One message is one line written to
 * stderr with a single write(2), so lines from different threads never
 * interleave. Messages often quote what peers sent, so the formatted text
 * is cleaned before it is written: control characters (C0, DEL, C1) and
 * bytes that are not UTF-8 become '?', which keeps a hostile record from
 * forging a second log line or sending terminal escapes, and anything past
 * LOG_MSG_MAX bytes is cut at a character boundary and marked with "...".
 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* The longest formatted message kept, in bytes (without the prefix). */
#define LOG_MSG_MAX 1024
/* What replaces the end of a message that was too long. */
#define LOG_CUT_MARK "..."

static struct {
	enum log_level level;
	char progname[32];
	bool is_journal;	/* stderr is the systemd journal's stream */
	bool is_init;
} log_state = { LOG_LEVEL_INFO, "tvaersd", false, false };

static const char *const level_names[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARN] = "warn",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

/* The word after the program name on a terminal; info has none. */
static const char *const level_words[] = {
	[LOG_LEVEL_ERROR] = "error: ",
	[LOG_LEVEL_WARN] = "warning: ",
	[LOG_LEVEL_INFO] = "",
	[LOG_LEVEL_DEBUG] = "debug: ",
};

/* sd-daemon(3) priorities: LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG. */
static const char *const level_prio[] = {
	[LOG_LEVEL_ERROR] = "<3>",
	[LOG_LEVEL_WARN] = "<4>",
	[LOG_LEVEL_INFO] = "<6>",
	[LOG_LEVEL_DEBUG] = "<7>",
};

/*
 * systemd sets JOURNAL_STREAM to "DEV:INODE" of the stream it connected to
 * stderr. Comparing it with stderr itself (systemd.exec(5)) keeps a child
 * whose stderr was redirected elsewhere from writing <N> prefixes there.
 */
static bool
stderr_is_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char tail;

	if (env == NULL || *env == 0)
		return false;
	if (sscanf(env, "%llu:%llu%c", &dev, &ino, &tail) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) != 0)
		return false;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_init(enum log_level level, const char *progname)
{
	int saved = errno;

	log_set_level(level);
	if (progname != NULL && *progname != 0)
		snprintf(log_state.progname, sizeof(log_state.progname), "%s",
		    progname);
	log_state.is_journal = stderr_is_journal();
	log_state.is_init = true;
	errno = saved;
}

void
log_set_level(enum log_level level)
{
	if ((int)level < LOG_LEVEL_ERROR)
		level = LOG_LEVEL_ERROR;
	if ((int)level > LOG_LEVEL_DEBUG)
		level = LOG_LEVEL_DEBUG;
	log_state.level = level;
}

enum log_level
log_get_level(void)
{
	return log_state.level;
}

int
log_level_parse(const char *s, enum log_level *out)
{
	if (s == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]);
	    i++) {
		if (strcasecmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

const char *
log_level_name(enum log_level level)
{
	if ((int)level < LOG_LEVEL_ERROR || (int)level > LOG_LEVEL_DEBUG)
		return "unknown";
	return level_names[level];
}

/*
 * Returns the length of the well-formed UTF-8 sequence at s (at most n
 * bytes), or 0 if there is none: overlong forms, surrogates and code
 * points past U+10FFFF are refused, as in RFC 3629.
 */
static size_t
utf8_seq_len(const unsigned char *s, size_t n, unsigned long *out_cp)
{
	unsigned long cp;
	size_t len, i;

	if (s[0] < 0x80) {
		*out_cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	*out_cp = cp;
	return len;
}

/*
 * Copies the message in into out (room for at least n + 1 bytes), with
 * every control character and every byte that is not part of well-formed
 * UTF-8 replaced by '?'. Never makes the text longer. Returns the length.
 */
static size_t
clean(const char *in, size_t n, char *out)
{
	const unsigned char *s = (const unsigned char *)in;
	unsigned long cp;
	size_t i = 0, o = 0, len;

	while (i < n) {
		len = utf8_seq_len(s + i, n - i, &cp);
		if (len == 0) {
			out[o++] = '?';
			i++;
		} else if (cp < 0x20 || cp == 0x7f ||
		    (cp >= 0x80 && cp <= 0x9f)) {
			out[o++] = '?';
			i += len;
		} else {
			memcpy(out + o, s + i, len);
			o += len;
			i += len;
		}
	}
	out[o] = 0;
	return o;
}

static void
write_all(const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(STDERR_FILENO, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

/* Formats, cleans and writes one line; errnum >= 0 appends strerror. */
static void
log_vline(enum log_level level, int errnum, const char *fmt, va_list ap)
{
	char msg[LOG_MSG_MAX + 1];
	/* Prefix, cleaned message, ": " strerror, newline. */
	char line[64 + LOG_MSG_MAX + 256];
	size_t len, cut;
	int n;

	if (!log_state.is_init) {
		log_state.is_journal = stderr_is_journal();
		log_state.is_init = true;
	}
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0) {
		snprintf(msg, sizeof(msg), "(unprintable log message)");
		n = (int)strlen(msg);
	}
	len = (size_t)n;
	if (len > LOG_MSG_MAX) {
		/* Cut at a character boundary, leaving room for the mark. */
		cut = LOG_MSG_MAX - (sizeof(LOG_CUT_MARK) - 1);
		while (cut > 0 && ((unsigned char)msg[cut] & 0xc0) == 0x80)
			cut--;
		memcpy(msg + cut, LOG_CUT_MARK, sizeof(LOG_CUT_MARK));
		len = cut + sizeof(LOG_CUT_MARK) - 1;
	}

	if (log_state.is_journal)
		n = snprintf(line, sizeof(line), "%s", level_prio[level]);
	else
		n = snprintf(line, sizeof(line), "%s: %s",
		    log_state.progname, level_words[level]);
	len = clean(msg, len, line + n) + (size_t)n;
	if (errnum >= 0) {
		char errtext[200];
		size_t elen;

		/* strerror() text is trusted, but clean it all the same. */
		snprintf(errtext, sizeof(errtext), ": %s", strerror(errnum));
		elen = strlen(errtext);
		len += clean(errtext, elen, line + len);
	}
	line[len++] = '\n';
	write_all(line, len);
}

static void
log_emit(enum log_level level, int errnum, const char *fmt, va_list ap)
{
	int saved = errno;

	if (level <= log_state.level)
		log_vline(level, errnum, fmt, ap);
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_LEVEL_WARN, saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_LEVEL_WARN, -1, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_info(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_LEVEL_INFO, -1, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_debug(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_LEVEL_DEBUG, -1, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	/* Errors are always written, whatever the level. */
	va_start(ap, fmt);
	log_vline(LOG_LEVEL_ERROR, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline(LOG_LEVEL_ERROR, -1, fmt, ap);
	va_end(ap);
	exit(1);
}
