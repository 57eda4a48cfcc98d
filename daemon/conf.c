/*
 * tvaersd's configuration (conf.h). inih splits the text into sections and
 * name = value pairs; everything the pairs mean lives in options[] below,
 * after Redis's static_configs[]: parsing, defaults, bounds, printing,
 * --help and reloadability are all driven by that one table.
 *
 * The file syntax, beyond what inih does by itself:
 *   - Lines starting with '#' or ';' are comments; so is the rest of a line
 *     after " ;" (a semicolon after white space; inih's inline comments).
 *     " #" in an unquoted value is an error rather than part of the value.
 *   - Leading white space is ignored. inih would otherwise treat an indented
 *     line as the continuation of the previous value, which silently glues
 *     a mis-indented option onto the one before it.
 *   - A value in double quotes keeps its leading and trailing spaces; the
 *     text between the first and the last quote is taken as it is (there
 *     are no escapes). An empty value ("name =") means "not set" for the
 *     options that may be unset.
 *   - Every option may be given once; a second one is an error rather than
 *     "last wins", because two values for one option are almost always an
 *     edit gone wrong.
 *   - The file is UTF-8 text of at most CONF_FILE_MAX bytes, with lines of
 *     at most CONF_LINE_MAX bytes (inih's fixed line buffer would split a
 *     longer line in two and parse the tail as a line of its own).
 * Names and values are matched without regard to case.
 */
#include "conf.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <ini.h>
#include <utf8proc.h>

#include "event.h"
#include "invite.h"
#include "kinds.h"

/* The largest configuration file read. */
#define CONF_FILE_MAX (1024 * 1024)
/*
 * The longest line, in bytes, after leading white space and the line end:
 * inih's line buffer is 200 bytes and needs room for "\r\n\0".
 */
#define CONF_LINE_MAX 197
/* sun_path holds the socket path and its terminating NUL. */
#define CONF_SOCKET_MAX \
	((long)sizeof(((struct sockaddr_un *)0)->sun_path) - 1)
#define CONF_SOCKET_NAME "control.sock"

enum conf_type {
	CONF_TEXT,	/* UTF-8 text, kept in NFC; empty: unset (NULL) */
	CONF_PATH,	/* an absolute path; never empty */
	CONF_LOG_LEVEL,	/* error, warn, info, debug */
	CONF_ENUM,	/* a code from a proto enumeration; empty: unset */
	CONF_INT,	/* an integer in [min, max]; empty: unset (0) */
};

struct conf_option;

/*
 * How an ENUM or INT option turns what was written (a code, a label, a
 * name) into its value, and what it prints beside the value.
 */
struct conf_values {
	/* Returns 0 and the value, or -1 with the reason in why. */
	int (*resolve)(const struct conf_option *o, const char *text,
	    const char **out_code, long *out_int, char *why, size_t whylen);
	/* Returns a label to print as a comment after the value, or NULL. */
	const char *(*note)(const char *code, long n);
};

struct conf_option {
	const char *section;
	const char *name;
	enum conf_type type;
	long min, max;		/* TEXT, PATH: length in bytes; INT: value */
	const char *def;	/* default as written in the file; NULL: none */
	const char *def_help;	/* the default as --help describes it */
	bool is_reloadable;	/* takes effect on SIGHUP */
	const char *help;	/* one line for people who are not sysadmins */
	size_t offset;		/* of the field in struct conf */
	const struct conf_values *values; /* ENUM, INT */
};

enum {
	OPT_DATA_DIR,
	OPT_CONTROL_SOCKET,
	OPT_LOG_LEVEL,
	OPT_EVENT_KEEP,
	OPT_AREA_NAME,
	OPT_AREA_KIND,
	OPT_MUNICIPALITY,
	OPT_LISTEN,
	OPT_TARGET_PEERS,
	OPT_MAX_PEERS,
	OPT_ADVERTISE,
	OPT_COUNT
};

static int kind_resolve(const struct conf_option *, const char *,
    const char **, long *, char *, size_t);
static const char *kind_note(const char *, long);
static int municipality_resolve(const struct conf_option *, const char *,
    const char **, long *, char *, size_t);
static const char *municipality_note(const char *, long);

static int int_resolve(const struct conf_option *, const char *,
    const char **, long *, char *, size_t);
static int listen_resolve(const struct conf_option *, const char *,
    const char **, long *, char *, size_t);
static int advertise_resolve(const struct conf_option *, const char *,
    const char **, long *, char *, size_t);

static const struct conf_values area_kinds = { kind_resolve, kind_note };
static const struct conf_values plain_ints = { int_resolve, NULL };
static const struct conf_values listen_addrs = { listen_resolve, NULL };
static const struct conf_values advertise_addrs = { advertise_resolve, NULL };
static const struct conf_values municipalities = {
	municipality_resolve, municipality_note
};

static const char *const sections[] = { "daemon", "area", "network" };

static const struct conf_option options[OPT_COUNT] = {
	[OPT_DATA_DIR] = {
		"daemon", "data_dir", CONF_PATH, 1, 180, NULL,
		"$TVAERS_HOME, else $XDG_DATA_HOME/tvaers, else "
		"~/.local/share/tvaers",
		false,
		"the folder for the database, the area key and the control "
		"socket",
		offsetof(struct conf, data_dir), NULL,
	},
	[OPT_CONTROL_SOCKET] = {
		"daemon", "control_socket", CONF_PATH, 1, CONF_SOCKET_MAX,
		NULL, "DATA_DIR/" CONF_SOCKET_NAME, false,
		"the socket the tvaers command reaches the daemon through",
		offsetof(struct conf, control_socket), NULL,
	},
	[OPT_LOG_LEVEL] = {
		"daemon", "log_level", CONF_LOG_LEVEL, 0, 0, "info", "info",
		true, "how much to log: error, warn, info or debug",
		offsetof(struct conf, log_level), NULL,
	},
	[OPT_EVENT_KEEP] = {
		"daemon", "event_keep_months", CONF_INT, 1,
		TV_EVENT_KEEP_MONTHS_MAX, "12", "12", true,
		"months after an event's end that it is kept; then every store "
		"drops it (keep the federation's value)",
		offsetof(struct conf, event_keep_months), &plain_ints,
	},
	[OPT_AREA_NAME] = {
		"area", "name", CONF_TEXT, 0, 120, NULL,
		"none, keep the profile's", true,
		"the area's name as other areas see it, at most 120 bytes",
		offsetof(struct conf, area_name), NULL,
	},
	[OPT_AREA_KIND] = {
		"area", "kind", CONF_ENUM, 0, 0, NULL,
		"none, keep the profile's", true,
		"what sort of area this is, e.g. landsby/village or "
		"sogn/parish",
		offsetof(struct conf, area_kind), &area_kinds,
	},
	[OPT_MUNICIPALITY] = {
		"area", "municipality", CONF_INT, 1, 9999, NULL,
		"none, keep the profile's", true,
		"the municipality's code or name, e.g. 336 or Stevns; see "
		"`tvaers municipalities`",
		offsetof(struct conf, municipality), &municipalities,
	},
	[OPT_LISTEN] = {
		"network", "listen", CONF_TEXT, 0, 180,
		"0.0.0.0:7340,[::]:7340", "0.0.0.0:7340,[::]:7340", false,
		"where other daemons reach this one: ADDR:PORT, comma-separated; "
		"none to not listen",
		offsetof(struct conf, listen), &listen_addrs,
	},
	[OPT_TARGET_PEERS] = {
		"network", "target_peers", CONF_INT, 0, 1000, "8", "8", true,
		"how many known peers to keep links to",
		offsetof(struct conf, target_peers), &plain_ints,
	},
	[OPT_MAX_PEERS] = {
		"network", "max_peers", CONF_INT, 1, 10000, "64", "64", false,
		"the most links, incoming and outgoing, at once",
		offsetof(struct conf, max_peers), &plain_ints,
	},
	[OPT_ADVERTISE] = {
		"network", "advertise", CONF_TEXT, 0, 600, "auto", "auto", true,
		"the addresses the area profile publishes so that other areas "
		"can dial this one: HOST:PORT, comma-separated; auto for the "
		"listen addresses as invites carry them; none to publish none",
		offsetof(struct conf, advertise), &advertise_addrs,
	},
};

/* The state of one parse: the copy being filled and the first error. */
struct parse {
	struct conf *c;		/* the copy the file is applied to */
	const char *name;	/* the file's name in messages */
	const char *pos;	/* the rest of the text */
	int line;		/* the line the reader handed to inih last */
	int seen[OPT_COUNT];	/* line each option was set on; 0: not set */
	int err_line;		/* 0: no error yet */
	bool is_oom;
	char err[512];
};

static char **
str_field(struct conf *c, const struct conf_option *o)
{
	return (char **)(void *)((char *)c + o->offset);
}

static char *const *
cstr_field(const struct conf *c, const struct conf_option *o)
{
	return (char *const *)(const void *)((const char *)c + o->offset);
}

static bool
is_str_type(enum conf_type t)
{
	return t == CONF_TEXT || t == CONF_PATH || t == CONF_ENUM;
}

static void
set_errbuf(char *errbuf, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_errbuf(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errbuf == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

/* Records the first error of a parse, at line. */
static void
parse_error(struct parse *st, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
parse_error(struct parse *st, int line, const char *fmt, ...)
{
	va_list ap;

	if (st->err_line != 0)
		return;
	st->err_line = line;
	va_start(ap, fmt);
	vsnprintf(st->err, sizeof(st->err), fmt, ap);
	va_end(ap);
}

/* True if s (len bytes) is well-formed UTF-8. */
static bool
utf8_valid(const char *s, size_t len)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t cp;

	while (len > 0) {
		utf8proc_ssize_t n = utf8proc_iterate(p, (utf8proc_ssize_t)len,
		    &cp);
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* True if the UTF-8 text s holds a C0 or C1 control character or DEL. */
static bool
has_control(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t cp;

	while (*p != 0) {
		utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);
		if (n <= 0)
			return true;
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			return true;
		p += n;
	}
	return false;
}

/* True if a and b are equal UTF-8 text when case is ignored. */
static bool
fold_eq(const char *a, const char *b)
{
	const int opts = UTF8PROC_NULLTERM | UTF8PROC_STABLE |
	    UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD;
	utf8proc_uint8_t *fa = NULL, *fb = NULL;
	bool eq;

	if (strcasecmp(a, b) == 0)
		return true;
	if (utf8proc_map((const utf8proc_uint8_t *)a, 0, &fa, opts) < 0 ||
	    utf8proc_map((const utf8proc_uint8_t *)b, 0, &fb, opts) < 0) {
		free(fa);
		free(fb);
		return false;
	}
	eq = strcmp((const char *)fa, (const char *)fb) == 0;
	free(fa);
	free(fb);
	return eq;
}

static bool
section_known(const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (strlen(sections[i]) == len &&
		    strncasecmp(sections[i], s, len) == 0)
			return true;
	return false;
}

static const struct conf_option *
option_find(const char *section, const char *name)
{
	for (size_t i = 0; i < OPT_COUNT; i++)
		if (strcasecmp(options[i].section, section) == 0 &&
		    strcasecmp(options[i].name, name) == 0)
			return &options[i];
	return NULL;
}

/* Returns DIR/control.sock as a new string, or NULL if out of memory. */
static char *
socket_path(const char *dir)
{
	size_t len = strlen(dir);
	const char *sep = len > 0 && dir[len - 1] == '/' ? "" : "/";
	size_t n = len + strlen(sep) + sizeof(CONF_SOCKET_NAME);
	char *p = malloc(n);

	if (p != NULL)
		snprintf(p, n, "%s%s%s", dir, sep, CONF_SOCKET_NAME);
	return p;
}

/* Area kinds come from proto's schema of the area record. */
static const struct tv_field *
area_kind_field(void)
{
	const struct tv_kind *k = tv_kind_find("area", 4);

	return k != NULL ? tv_kind_field(k, "kind") : NULL;
}

static int
kind_resolve(const struct conf_option *o, const char *text,
    const char **out_code, long *out_int, char *why, size_t whylen)
{
	const struct tv_field *f = area_kind_field();
	size_t len;

	if (f == NULL || f->n_enums == 0) {
		snprintf(why, whylen, "this build knows no area kinds");
		return -1;
	}
	for (size_t i = 0; i < f->n_enums; i++) {
		const struct tv_enum_value *e = &f->enums[i];
		if (fold_eq(text, e->code) ||
		    (e->da != NULL && fold_eq(text, e->da)) ||
		    (e->en != NULL && fold_eq(text, e->en))) {
			*out_code = e->code;
			return 0;
		}
	}
	len = (size_t)snprintf(why, whylen, "'%s' is not one of ", text);
	for (size_t i = 0; i < f->n_enums && len < whylen; i++)
		len += (size_t)snprintf(why + len, whylen - len, "%s%s (%s)",
		    i > 0 ? ", " : "", f->enums[i].code,
		    f->enums[i].da != NULL ? f->enums[i].da : "");
	return -1;
}

static const char *
kind_note(const char *code, long n)
{
	const struct tv_field *f = area_kind_field();

	for (size_t i = 0; f != NULL && i < f->n_enums; i++)
		if (strcmp(f->enums[i].code, code) == 0)
			return f->enums[i].da;
	return NULL;
}

static int
int_resolve(const struct conf_option *o, const char *text,
    const char **out_code, long *out_int, char *why, size_t whylen)
{
	char *end;
	long n;

	(void)out_code;
	errno = 0;
	n = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != 0 || n < o->min ||
	    n > o->max) {
		snprintf(why, whylen, "'%s' is not a whole number from %ld to "
		    "%ld", text, o->min, o->max);
		return -1;
	}
	*out_int = n;
	return 0;
}

/*
 * Checks a comma-separated list of at most max addresses; host names only
 * if names. Returns 0, or -1 with the reason in why.
 */
static int
addr_list_check(const char *text, bool names, int max, const char *example,
    char *why, size_t whylen)
{
	struct tv_invite_addr a;
	const char *p = text, *item;
	size_t n;
	int count = 0;

	while (tv_list_next(&p, &item, &n)) {
		if (n == 0)
			continue;
		if (tv_invite_addr_parse(item, n, &a) != 0 ||
		    (!names && a.family == TV_INVITE_DNS)) {
			snprintf(why, whylen, "'%.*s' is not %s, e.g. %s", (int)n,
			    item, names ? "HOST:PORT" : "an address to listen "
			    "on: write IP:PORT", example);
			return -1;
		}
		if (++count > max) {
			snprintf(why, whylen, "at most %d addresses", max);
			return -1;
		}
	}
	return 0;
}

/* Checks "ADDR:PORT,..." (IP literals, v6 in brackets); "none" is fine. */
static int
listen_resolve(const struct conf_option *o, const char *text,
    const char **out_code, long *out_int, char *why, size_t whylen)
{
	(void)o;
	(void)out_code;
	(void)out_int;
	if (strcasecmp(text, "none") == 0)
		return 0;
	return addr_list_check(text, false, CONF_LISTEN_MAX,
	    "0.0.0.0:7340 or [::]:7340", why, whylen);
}

/* Checks "auto", "none" or "HOST:PORT,..." (host names allowed). */
static int
advertise_resolve(const struct conf_option *o, const char *text,
    const char **out_code, long *out_int, char *why, size_t whylen)
{
	(void)o;
	(void)out_code;
	(void)out_int;
	if (strcasecmp(text, "none") == 0 || strcasecmp(text, "auto") == 0)
		return 0;
	return addr_list_check(text, true, CONF_ADVERTISE_MAX,
	    "hal.example.dk:7340 or 192.0.2.1:7340", why, whylen);
}

static int
municipality_resolve(const struct conf_option *o, const char *text,
    const char **out_code, long *out_int, char *why, size_t whylen)
{
	const struct tv_municipality *m = NULL, *all;
	const char *p = text;
	long code = 0;
	size_t n;

	if (*p >= '0' && *p <= '9') {
		/* A code, with or without leading zeros: "336", "0336". */
		while (*p == '0')
			p++;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (code > o->max)
				break;
			code = code * 10 + (*p - '0');
		}
		if (*p != 0 && !(*p >= '0' && *p <= '9')) {
			snprintf(why, whylen, "'%s' is neither a municipality "
			    "code nor a name (see `tvaers municipalities`)",
			    text);
			return -1;
		}
		if (*p == 0 && code >= o->min && code <= o->max)
			m = tv_municipality_find((int)code);
		if (m == NULL) {
			snprintf(why, whylen, "unknown code %s (see `tvaers "
			    "municipalities`)", text);
			return -1;
		}
		*out_int = m->code;
		return 0;
	}
	m = tv_municipality_by_name(text);
	if (m == NULL) {
		/* Also "KØBENHAVN": by_name may fold ASCII case only. */
		all = tv_municipalities(&n);
		for (size_t i = 0; all != NULL && i < n && m == NULL; i++)
			if (fold_eq(text, all[i].name))
				m = &all[i];
	}
	if (m == NULL) {
		snprintf(why, whylen, "unknown municipality '%s' (see "
		    "`tvaers municipalities`)", text);
		return -1;
	}
	*out_int = m->code;
	return 0;
}

static const char *
municipality_note(const char *code, long n)
{
	const struct tv_municipality *m = tv_municipality_find((int)n);

	return m != NULL ? m->name : NULL;
}

/*
 * Turns the text of a value into the option's field in c. Returns 0, or -1
 * with the reason in why; sets st->is_oom when out of memory.
 */
static int
option_set(struct parse *st, const struct conf_option *o, const char *text,
    char *why, size_t whylen)
{
	struct conf *c = st->c;
	char **field = NULL, *copy = NULL;
	const char *code = NULL;
	enum log_level level;
	size_t len = strlen(text);
	long n = 0;

	if (is_str_type(o->type))
		field = str_field(c, o);
	if (has_control(text)) {
		snprintf(why, whylen, "control characters (tabs included) are "
		    "not allowed in a value");
		return -1;
	}
	switch (o->type) {
	case CONF_TEXT:
		if (len == 0)
			break;
		if (o->values != NULL && o->values->resolve(o, text, &code,
		    &n, why, whylen) != 0)
			return -1;
		if (o == &options[OPT_LISTEN] && strcasecmp(text, "none") == 0)
			break;
		copy = (char *)utf8proc_NFC((const utf8proc_uint8_t *)text);
		if (copy == NULL) {
			st->is_oom = true;
			return -1;
		}
		if ((long)strlen(copy) > o->max) {
			snprintf(why, whylen, "too long (%zu bytes, at most "
			    "%ld)", strlen(copy), o->max);
			free(copy);
			return -1;
		}
		break;
	case CONF_PATH:
		if (len == 0) {
			snprintf(why, whylen, "must not be empty");
			return -1;
		}
		if (text[0] == '~') {
			snprintf(why, whylen, "'%s': ~ is not expanded here; "
			    "write the whole path, starting with /", text);
			return -1;
		}
		if (text[0] != '/') {
			snprintf(why, whylen, "'%s' is not an absolute path; "
			    "write the whole path, starting with /", text);
			return -1;
		}
		/* "/srv/tvaers/" and "/srv/tvaers" are the same folder. */
		while (len > 1 && text[len - 1] == '/')
			len--;
		if ((long)len > o->max) {
			snprintf(why, whylen, "too long (%zu bytes, at most "
			    "%ld%s)", len, o->max,
			    o == &options[OPT_CONTROL_SOCKET] ?
			    ", the limit of a Unix socket's path" : "");
			return -1;
		}
		if ((copy = strndup(text, len)) == NULL) {
			st->is_oom = true;
			return -1;
		}
		break;
	case CONF_LOG_LEVEL:
		if (log_level_parse(text, &level) != 0) {
			snprintf(why, whylen, "'%s' is not one of error, warn, "
			    "info, debug", text);
			return -1;
		}
		*(enum log_level *)(void *)((char *)c + o->offset) = level;
		return 0;
	case CONF_ENUM:
		if (len == 0)
			break;
		if (o->values->resolve(o, text, &code, &n, why, whylen) != 0)
			return -1;
		if ((copy = strdup(code)) == NULL) {
			st->is_oom = true;
			return -1;
		}
		break;
	case CONF_INT:
		if (len == 0 && o->def != NULL)
			text = o->def;	/* empty: back to the default */
		if ((len > 0 || o->def != NULL) && o->values->resolve(o, text,
		    &code, &n, why, whylen) != 0)
			return -1;
		*(int *)(void *)((char *)c + o->offset) = (int)n;
		return 0;
	}
	free(*field);
	*field = copy;
	return 0;
}

/* True if s has a '#' right after white space: a would-be comment. */
static bool
has_hash_comment(const char *s)
{
	for (; *s != 0; s++)
		if (isspace((unsigned char)s[0]) && s[1] == '#')
			return true;
	return false;
}

/*
 * inih's handler: called once for each name = value pair, during the
 * line the reader handed over last. Returns 1 to go on, 0 on an error.
 */
static int
on_pair(void *user, const char *section, const char *name, const char *value)
{
	struct parse *st = user;
	const struct conf_option *o;
	char why[400], *text;
	size_t len, i, n;

	if (st->err_line != 0 || st->is_oom)
		return 0;
	if (value == NULL)	/* only with INI_ALLOW_NO_VALUE */
		value = "";
	if (*section == 0) {
		parse_error(st, st->line, "'%s' comes before any section; put "
		    "it under [daemon], [area] or [network]", name);
		return 0;
	}
	if (!section_known(section, strlen(section))) {
		parse_error(st, st->line, "unknown section [%s] (the "
		    "sections are [daemon], [area] and [network])", section);
		return 0;
	}
	if ((o = option_find(section, name)) == NULL) {
		const char *sep = " ";

		n = (size_t)snprintf(why, sizeof(why), "options there:");
		for (i = 0; i < OPT_COUNT && n < sizeof(why); i++) {
			if (strcasecmp(options[i].section, section) != 0)
				continue;
			n += (size_t)snprintf(why + n, sizeof(why) - n, "%s%s",
			    sep, options[i].name);
			sep = ", ";
		}
		parse_error(st, st->line, "unknown option '%s' in section "
		    "[%s] (%s)", name, section, why);
		return 0;
	}
	i = (size_t)(o - options);
	if (st->seen[i] != 0) {
		parse_error(st, st->line, "%s: set twice (first on line %d); "
		    "keep one of them", o->name, st->seen[i]);
		return 0;
	}
	st->seen[i] = st->line;

	/* A quoted value keeps its spaces; the quotes themselves go. */
	len = strlen(value);
	if (value[0] == '"') {
		if (len < 2 || value[len - 1] != '"') {
			parse_error(st, st->line, "%s: the value's opening "
			    "quote is not closed (note that \" ;\" starts a "
			    "comment)", o->name);
			return 0;
		}
		if ((text = strndup(value + 1, len - 2)) == NULL) {
			st->is_oom = true;
			return 0;
		}
	} else if (has_hash_comment(value)) {
		/*
		 * inih takes only " ;" for a comment after a value; a " #" one
		 * would silently become part of, say, the area's public name.
		 */
		parse_error(st, st->line, "%s: \" #\" in a value; a comment "
		    "after a value starts with \" ;\", and a value that "
		    "holds \" #\" goes in double quotes", o->name);
		return 0;
	} else if ((text = strdup(value)) == NULL) {
		st->is_oom = true;
		return 0;
	}
	why[0] = 0;
	if (option_set(st, o, text, why, sizeof(why)) != 0) {
		if (!st->is_oom)
			parse_error(st, st->line, "%s: %s", o->name, why);
		free(text);
		return 0;
	}
	free(text);
	return 1;
}

/*
 * inih's reader: hands over one line at a time, so that st->line is the
 * line the handler's pair came from. It strips the BOM, the line end and
 * leading white space, and refuses what inih would silently misread:
 * lines too long for its buffer, text that is not UTF-8, unknown sections
 * (inih reports only sections that have options in them).
 */
static char *
conf_reader(char *str, int num, void *stream)
{
	struct parse *st = stream;
	const char *p = st->pos, *eol;
	size_t len, limit;

	if (st->err_line != 0 || st->is_oom || *p == 0)
		return NULL;
	st->line++;
	if ((eol = strchr(p, '\n')) == NULL)
		eol = p + strlen(p);
	st->pos = *eol == '\n' ? eol + 1 : eol;
	len = (size_t)(eol - p);
	if (len > 0 && p[len - 1] == '\r')
		len--;
	if (!utf8_valid(p, len)) {
		parse_error(st, st->line, "not valid UTF-8 text; save the "
		    "file as UTF-8");
		return NULL;
	}
	if (st->line == 1 && len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		p += 3;
		len -= 3;
	}
	while (len > 0 && isspace((unsigned char)*p)) {
		p++;
		len--;
	}
	limit = CONF_LINE_MAX;
	if (num < 2)
		return NULL;
	if ((size_t)num - 1 < limit)
		limit = (size_t)num - 1;
	if (len > limit) {
		parse_error(st, st->line, "line too long (%zu bytes, at most "
		    "%zu)", len, limit);
		return NULL;
	}
	if (len > 0 && p[0] == '[') {
		const char *end = memchr(p, ']', len), *rest;
		if (end != NULL && !section_known(p + 1, (size_t)(end - p - 1))) {
			parse_error(st, st->line, "unknown section [%.*s] (the "
			    "sections are [daemon], [area] and [network])",
			    (int)(end - p - 1), p + 1);
			return NULL;
		}
		/* inih drops whatever follows "]"; an option there is lost. */
		for (rest = end != NULL ? end + 1 : p + len;
		    rest < p + len && isspace((unsigned char)*rest); rest++)
			;
		if (rest < p + len && *rest != ';' && *rest != '#') {
			parse_error(st, st->line, "text after [%.*s]; put it on "
			    "a line of its own", (int)(end - p - 1), p + 1);
			return NULL;
		}
	}
	memcpy(str, p, len);
	str[len] = 0;
	return str;
}

int
conf_init(struct conf *c, const char *data_dir)
{
	char *dir;

	memset(c, 0, sizeof(*c));
	dir = data_dir != NULL ? strdup(data_dir) : conf_default_data_dir();
	if (dir == NULL)
		return -ENOMEM;
	c->data_dir = dir;
	if ((c->control_socket = socket_path(dir)) == NULL) {
		conf_free(c);
		return -ENOMEM;
	}
	/* The table's written defaults; they cannot fail to parse. */
	c->log_level = LOG_LEVEL_INFO;
	for (size_t i = 0; i < OPT_COUNT; i++) {
		const struct conf_option *o = &options[i];
		void *field = (char *)c + o->offset;

		if (o->def == NULL)
			continue;
		if (o->type == CONF_LOG_LEVEL)
			log_level_parse(o->def, (enum log_level *)field);
		else if (o->type == CONF_INT)
			*(int *)field = (int)strtol(o->def, NULL, 10);
		else if (o->type == CONF_TEXT &&
		    (*(char **)field = strdup(o->def)) == NULL) {
			conf_free(c);
			return -ENOMEM;
		}
	}
	return 0;
}

void
conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < OPT_COUNT; i++) {
		if (!is_str_type(options[i].type))
			continue;
		char **field = str_field(c, &options[i]);
		free(*field);
		*field = NULL;
	}
}

/* Deep-copies src into dst. Returns 0 or -ENOMEM (dst then holds nothing). */
static int
conf_copy(struct conf *dst, const struct conf *src)
{
	*dst = *src;
	for (size_t i = 0; i < OPT_COUNT; i++)
		if (is_str_type(options[i].type))
			*str_field(dst, &options[i]) = NULL;
	for (size_t i = 0; i < OPT_COUNT; i++) {
		const char *s;

		if (!is_str_type(options[i].type))
			continue;
		if ((s = *cstr_field(src, &options[i])) == NULL)
			continue;
		if ((*str_field(dst, &options[i]) = strdup(s)) == NULL) {
			conf_free(dst);
			return -ENOMEM;
		}
	}
	return 0;
}

/*
 * The control socket follows data_dir unless it was set on its own: when
 * the text moves data_dir and leaves control_socket alone, a socket still
 * at the old default moves too.
 */
static int
follow_data_dir(struct parse *st, const struct conf *old)
{
	struct conf *c = st->c;
	char *was, *now;

	if (st->seen[OPT_DATA_DIR] == 0 || st->seen[OPT_CONTROL_SOCKET] != 0)
		return 0;
	if ((was = socket_path(old->data_dir)) == NULL)
		return -ENOMEM;
	if (old->control_socket == NULL ||
	    strcmp(was, old->control_socket) != 0) {
		free(was);
		return 0;
	}
	free(was);
	if ((now = socket_path(c->data_dir)) == NULL)
		return -ENOMEM;
	if ((long)strlen(now) > CONF_SOCKET_MAX) {
		parse_error(st, st->seen[OPT_DATA_DIR], "data_dir: the control "
		    "socket in it would be %zu bytes long, more than a Unix "
		    "socket's path allows (%ld); set control_socket to a "
		    "shorter path", strlen(now), CONF_SOCKET_MAX);
		free(now);
		return -EINVAL;
	}
	free(c->control_socket);
	c->control_socket = now;
	return 0;
}

int
conf_load_string(struct conf *c, const char *text, const char *name,
    char *errbuf, size_t errlen)
{
	struct parse st;
	struct conf copy;
	int rc;

	if (name == NULL)
		name = "(config)";
	if (text == NULL) {
		set_errbuf(errbuf, errlen, "%s: no text", name);
		return -EINVAL;
	}
	if (conf_copy(&copy, c) != 0) {
		set_errbuf(errbuf, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	memset(&st, 0, sizeof(st));
	st.c = &copy;
	st.name = name;
	st.pos = text;
	/*
	 * ini_parse_string() would do, but for the line numbers: this inih
	 * is built without INI_HANDLER_LINENO, so the reader counts lines.
	 */
	rc = ini_parse_stream(conf_reader, &st, on_pair, &st);
	if (rc == -2)
		st.is_oom = true;
	if (!st.is_oom && st.err_line == 0 && rc == 0 &&
	    follow_data_dir(&st, c) == -ENOMEM)
		st.is_oom = true;
	if (st.is_oom) {
		set_errbuf(errbuf, errlen, "%s: out of memory", name);
		conf_free(&copy);
		return -ENOMEM;
	}
	if (rc > 0 && (st.err_line == 0 || rc < st.err_line)) {
		/* inih found a line it cannot read before any error of ours. */
		st.err_line = 0;
		parse_error(&st, rc, "cannot read this line: expected "
		    "[section], name = value, or a comment");
	}
	if (st.err_line != 0) {
		set_errbuf(errbuf, errlen, "%s:%d: %s", name, st.err_line,
		    st.err);
		conf_free(&copy);
		return -EINVAL;
	}
	conf_free(c);
	*c = copy;
	return 0;
}

/* Reads the whole file at path; returns 0, -ENOENT, -ENOMEM or -EINVAL. */
static int
read_file(const char *path, char **out, size_t *out_len, char *errbuf,
    size_t errlen)
{
	size_t len = 0, cap = 0;
	char *buf = NULL, *nb;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		set_errbuf(errbuf, errlen, "%s: %s", path, strerror(e));
		return e == ENOENT ? -ENOENT : e == ENOMEM ? -ENOMEM : -EINVAL;
	}
	for (;;) {
		if (len + 1 >= cap) {
			/* One byte past the limit tells "too big" apart. */
			cap = cap == 0 ? 16384 : cap * 2;
			if (cap > CONF_FILE_MAX + 2)
				cap = CONF_FILE_MAX + 2;
			if ((nb = realloc(buf, cap)) == NULL) {
				set_errbuf(errbuf, errlen, "%s: out of memory",
				    path);
				free(buf);
				close(fd);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			set_errbuf(errbuf, errlen, "%s: cannot read: %s", path,
			    strerror(errno));
			free(buf);
			close(fd);
			return -EINVAL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > CONF_FILE_MAX) {
			set_errbuf(errbuf, errlen, "%s: file too big (more "
			    "than %d bytes)", path, CONF_FILE_MAX);
			free(buf);
			close(fd);
			return -EINVAL;
		}
	}
	close(fd);
	buf[len] = 0;
	*out = buf;
	*out_len = len;
	return 0;
}

int
conf_load_file(struct conf *c, const char *path, char *errbuf,
    size_t errlen)
{
	const char *nul;
	size_t len;
	char *text;
	int rc, line;

	if ((rc = read_file(path, &text, &len, errbuf, errlen)) != 0)
		return rc;
	if ((nul = memchr(text, 0, len)) != NULL) {
		line = 1;
		for (const char *p = text; p < nul; p++)
			line += *p == '\n';
		set_errbuf(errbuf, errlen, "%s:%d: a NUL byte; this is not a "
		    "text file", path, line);
		free(text);
		return -EINVAL;
	}
	rc = conf_load_string(c, text, path, errbuf, errlen);
	free(text);
	return rc;
}

/*
 * Prints a string value so that inih and on_pair() read it back the same:
 * quoted when it would otherwise lose its edge spaces, look quoted itself,
 * start with ';' (which after "= " starts a comment) or hold " #".
 */
static void
print_str(FILE *out, const char *s)
{
	size_t len = strlen(s);

	if (len > 0 && (s[0] == '"' || s[0] == ';' ||
	    isspace((unsigned char)s[0]) ||
	    isspace((unsigned char)s[len - 1]) || has_hash_comment(s)))
		fprintf(out, "\"%s\"", s);
	else
		fputs(s, out);
}

void
conf_print(const struct conf *c, FILE *out)
{
	const char *section = NULL, *note = NULL;

	fputs("# tvaersd configuration (normalised)\n", out);
	for (size_t i = 0; i < OPT_COUNT; i++) {
		const struct conf_option *o = &options[i];
		const void *field = (const char *)c + o->offset;
		const char *s;
		int n;

		if (section == NULL || strcmp(section, o->section) != 0) {
			section = o->section;
			fprintf(out, "\n[%s]\n", section);
		}
		fprintf(out, "%s =", o->name);
		note = NULL;
		switch (o->type) {
		case CONF_TEXT:
		case CONF_PATH:
		case CONF_ENUM:
			s = *(char *const *)field;
			if (s == NULL && o == &options[OPT_LISTEN])
				fputs(" none", out);
			if (s == NULL)
				break;
			fputc(' ', out);
			print_str(out, s);
			if (o->values != NULL && o->values->note != NULL)
				note = o->values->note(s, 0);
			break;
		case CONF_LOG_LEVEL:
			fprintf(out, " %s",
			    log_level_name(*(const enum log_level *)field));
			break;
		case CONF_INT:
			n = *(const int *)field;
			if (n == 0 && o->def == NULL)
				break;
			fprintf(out, " %d", n);
			if (o->values != NULL && o->values->note != NULL)
				note = o->values->note(NULL, n);
			break;
		}
		if (note != NULL)
			fprintf(out, " ; %s", note);
		fputc('\n', out);
	}
}

void
conf_print_help(FILE *out)
{
	char label[64];

	for (size_t i = 0; i < OPT_COUNT; i++) {
		const struct conf_option *o = &options[i];

		snprintf(label, sizeof(label), "[%s] %s", o->section, o->name);
		fprintf(out, "  %-24s %s (default: %s; %s)\n", label,
		    o->help, o->def_help, o->is_reloadable ?
		    "rereads on SIGHUP" : "restart to change");
	}
}

char *
conf_default_data_dir(void)
{
	const char *env, *home;
	const struct passwd *pw;
	char *p;
	size_t n;

	if ((env = getenv("TVAERS_HOME")) != NULL && *env != 0)
		return strdup(env);
	/* The XDG spec says to ignore a relative XDG_DATA_HOME. */
	if ((env = getenv("XDG_DATA_HOME")) != NULL && env[0] == '/') {
		n = strlen(env) + sizeof("/tvaers");
		if ((p = malloc(n)) != NULL)
			snprintf(p, n, "%s/tvaers", env);
		return p;
	}
	home = getenv("HOME");
	if ((home == NULL || *home == 0) && (pw = getpwuid(getuid())) != NULL)
		home = pw->pw_dir;
	if (home == NULL || *home == 0)
		return strdup("/var/lib/tvaers"); /* no home: a system daemon */
	n = strlen(home) + sizeof("/.local/share/tvaers");
	if ((p = malloc(n)) != NULL)
		snprintf(p, n, "%s/.local/share/tvaers", home);
	return p;
}

bool
conf_is_reloadable(const char *section, const char *name)
{
	const struct conf_option *o;

	if (section == NULL || name == NULL)
		return false;
	o = option_find(section, name);
	return o != NULL && o->is_reloadable;
}
