/*
 * Tests for daemon/conf.c (and the bits of daemon/log.c it leans on).
 *
 * Golden files, after bgpd's regress/usr.sbin/bgpd/config: every
 * tests/unit/conf/NAME.in is loaded with conf_load_file over the defaults
 * for the data directory /var/lib/tvaers. If it loads, conf_print's output
 * must equal NAME.ok; if it does not, the error line plus a newline must
 * equal NAME.err (errors name the file as "NAME.in:LINE: ..."). A case has
 * exactly one of the two.
 *
 * To add a case, write NAME.in and regenerate; to accept a deliberate
 * change of output, regenerate and review the diff before committing:
 *
 *	TVAERS_UPDATE_GOLDEN=1 build/tests/test_conf golden
 *
 * That rewrites every .ok/.err from what the code does now (and removes the
 * stale other one). The limit cases (1 MiB files, 120-byte names) are built
 * here rather than checked in.
 */
#include "test.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"

#define CONF_DIR TVAERS_SOURCE_DIR "/tests/unit/conf"
#define SAMPLE TVAERS_SOURCE_DIR "/contrib/tvaersd.conf"
#define DATA_DIR "/var/lib/tvaers"
#define MiB (1024 * 1024)

/* Returns what conf_print writes for c (caller frees). */
static char *
print_conf(const struct conf *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ASSERT(f != NULL);
	conf_print(c, f);
	ASSERT(fclose(f) == 0);
	return text;
}

static bool
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool
conf_eq(const struct conf *a, const struct conf *b)
{
	return str_eq(a->data_dir, b->data_dir) &&
	    str_eq(a->control_socket, b->control_socket) &&
	    a->log_level == b->log_level &&
	    str_eq(a->area_name, b->area_name) &&
	    str_eq(a->area_kind, b->area_kind) &&
	    a->municipality == b->municipality &&
	    str_eq(a->listen, b->listen) &&
	    a->target_peers == b->target_peers &&
	    a->max_peers == b->max_peers;
}

#define ASSERT_CONF_EQ(a, b) do { \
	if (!conf_eq((a), (b))) { \
		char *pa_ = print_conf(a), *pb_ = print_conf(b); \
		TEST_FAIL("%s != %s:\n%s---\n%s", #a, #b, pa_, pb_); \
	} \
} while (0)

#define ASSERT_CONTAINS(hay, needle) do { \
	const char *h_ = (hay), *n_ = (needle); \
	if (h_ == NULL || strstr(h_, n_) == NULL) \
		TEST_FAIL("\"%s\" does not contain \"%s\"", \
		    h_ ? h_ : "(null)", n_); \
} while (0)

static void
write_file(const char *path, const void *p, size_t len)
{
	FILE *f = fopen(path, "wb");

	ASSERT(f != NULL);
	ASSERT_EQ(fwrite(p, 1, len, f), len);
	ASSERT(fclose(f) == 0);
}

static char tmpdir[] = "/tmp/tvaers-test-conf.XXXXXX";

/* Makes a private temporary directory and moves into it. */
static void
enter_tmpdir(void)
{
	ASSERT(mkdtemp(tmpdir) != NULL);
	ASSERT(chdir(tmpdir) == 0);
}

/* Removes the directory enter_tmpdir made, and the entries in it. */
static void
leave_tmpdir(void)
{
	struct dirent *e;
	DIR *d;

	ASSERT((d = opendir(".")) != NULL);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			ASSERT(remove(e->d_name) == 0);
	closedir(d);
	ASSERT(chdir("/") == 0);
	ASSERT(rmdir(tmpdir) == 0);
}

/* Loads text over a fresh default conf; returns the code, errbuf filled. */
static int
load_text(struct conf *c, const char *text, char *errbuf, size_t errlen)
{
	ASSERT_EQ(conf_init(c, DATA_DIR), 0);
	return conf_load_string(c, text, "t.conf", errbuf, errlen);
}

/* Checks that c prints to a text that loads back to an equal conf. */
static void
check_round_trip(const struct conf *c)
{
	char errbuf[512] = "";
	char *text = print_conf(c), *again;
	struct conf back;

	/* Another data_dir underneath: the text must say everything. */
	ASSERT_EQ(conf_init(&back, "/elsewhere"), 0);
	if (conf_load_string(&back, text, "printed", errbuf,
	    sizeof(errbuf)) != 0)
		TEST_FAIL("printed config does not load: %s\n%s", errbuf, text);
	ASSERT_CONF_EQ(c, &back);
	again = print_conf(&back);
	ASSERT_STR_EQ(again, text);
	free(again);
	free(text);
	conf_free(&back);
}

/* Shows a golden mismatch as a unified diff. */
static void
show_diff(const char *expected_path, const char *actual)
{
	char tmp[] = "/tmp/tvaers-golden.XXXXXX", cmd[512];
	int fd = mkstemp(tmp);

	if (fd < 0 || write(fd, actual, strlen(actual)) < 0) {
		fprintf(stderr, "actual output:\n%s", actual);
	} else {
		snprintf(cmd, sizeof(cmd), "diff -u '%s' '%s' >&2",
		    expected_path, tmp);
		if (system(cmd) == -1)
			fprintf(stderr, "actual output:\n%s", actual);
	}
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
}

static void
golden_paths(glob_t *g)
{
	ASSERT(chdir(CONF_DIR) == 0);
	ASSERT_EQ(glob("*.in", 0, NULL, g), 0);
}

TEST(golden)
{
	const char *env = getenv("TVAERS_UPDATE_GOLDEN");
	bool update = env != NULL && strcmp(env, "1") == 0;
	unsigned failed = 0, n_ok = 0, n_err = 0;
	glob_t g;

	golden_paths(&g);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *in = g.gl_pathv[i];
		char base[256], want_path[300], other_path[300], errbuf[1024];
		struct conf c, fresh;
		char *actual, *expected;
		size_t len;
		int rc;

		snprintf(base, sizeof(base), "%.*s", (int)(strlen(in) - 3), in);
		ASSERT_EQ(conf_init(&c, DATA_DIR), 0);
		ASSERT_EQ(conf_init(&fresh, DATA_DIR), 0);
		errbuf[0] = 0;
		rc = conf_load_file(&c, in, errbuf, sizeof(errbuf));
		if (rc == 0) {
			actual = print_conf(&c);
			snprintf(want_path, sizeof(want_path), "%s.ok", base);
			snprintf(other_path, sizeof(other_path), "%s.err",
			    base);
			n_ok++;
		} else {
			if (rc != -EINVAL || !conf_eq(&c, &fresh)) {
				fprintf(stderr, "%s: returned %d or changed "
				    "the conf\n", in, rc);
				failed++;
			}
			len = strlen(errbuf) + 2;
			actual = malloc(len);
			ASSERT(actual != NULL);
			snprintf(actual, len, "%s\n", errbuf);
			snprintf(want_path, sizeof(want_path), "%s.err", base);
			snprintf(other_path, sizeof(other_path), "%s.ok", base);
			n_err++;
		}
		if (update) {
			write_file(want_path, actual, strlen(actual));
			unlink(other_path);
		} else if ((expected = (char *)test_read_file(want_path,
		    &len)) == NULL) {
			fprintf(stderr, "%s: no %s (regenerate with "
			    "TVAERS_UPDATE_GOLDEN=1)\n", in, want_path);
			failed++;
		} else {
			if (strcmp(expected, actual) != 0) {
				fprintf(stderr, "%s: output differs from "
				    "%s:\n", in, want_path);
				show_diff(want_path, actual);
				failed++;
			}
			free(expected);
			if (access(other_path, F_OK) == 0) {
				fprintf(stderr, "%s: stale %s\n", in,
				    other_path);
				failed++;
			}
		}
		free(actual);
		conf_free(&c);
		conf_free(&fresh);
	}
	globfree(&g);
	if (update)
		printf("rewrote %u .ok and %u .err files in %s\n", n_ok, n_err,
		    CONF_DIR);
	/* Guards against a glob that silently finds nothing. */
	ASSERT(n_ok >= 10);
	ASSERT(n_err >= 15);
	ASSERT_EQ(failed, 0);
}

/* Every golden input that loads also survives print -> load -> print. */
TEST(golden_round_trip)
{
	char errbuf[1024];
	glob_t g;

	golden_paths(&g);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct conf c;

		ASSERT_EQ(conf_init(&c, DATA_DIR), 0);
		if (conf_load_file(&c, g.gl_pathv[i], errbuf,
		    sizeof(errbuf)) == 0)
			check_round_trip(&c);
		conf_free(&c);
	}
	globfree(&g);
}

/* Errors leave the conf exactly as it was, also after a full load. */
TEST(golden_errors_leave_conf_unchanged)
{
	/* Everything set, the control socket at its default place. */
	static const char full[] = "[daemon]\ndata_dir = /srv/east\n"
	    "log_level = debug\n[area]\nname = Østby\nkind = sogn\n"
	    "municipality = 336\n";
	char errbuf[1024];
	struct conf c, before;
	unsigned n = 0;
	glob_t g;

	golden_paths(&g);
	ASSERT_EQ(load_text(&c, full, errbuf, sizeof(errbuf)), 0);
	ASSERT_EQ(load_text(&before, full, errbuf, sizeof(errbuf)), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		if (strncmp(g.gl_pathv[i], "err_", 4) != 0)
			continue;
		ASSERT_EQ(conf_load_file(&c, g.gl_pathv[i], errbuf,
		    sizeof(errbuf)), -EINVAL);
		ASSERT_CONF_EQ(&c, &before);
		n++;
	}
	ASSERT(n >= 15);
	globfree(&g);
	conf_free(&c);
	conf_free(&before);
}

TEST(defaults)
{
	struct conf c;

	ASSERT_EQ(conf_init(&c, "/srv/area"), 0);
	ASSERT_STR_EQ(c.data_dir, "/srv/area");
	ASSERT_STR_EQ(c.control_socket, "/srv/area/control.sock");
	ASSERT_EQ(c.log_level, LOG_LEVEL_INFO);
	ASSERT(c.area_name == NULL);
	ASSERT(c.area_kind == NULL);
	ASSERT_EQ(c.municipality, 0);
	check_round_trip(&c);
	conf_free(&c);
	/* Free twice, and initialise again after a free. */
	conf_free(&c);
	ASSERT_EQ(conf_init(&c, "/"), 0);
	ASSERT_STR_EQ(c.control_socket, "/control.sock");
	conf_free(&c);
}

TEST(init_without_data_dir_uses_default)
{
	struct conf c;

	setenv("TVAERS_HOME", "/opt/tv", 1);
	ASSERT_EQ(conf_init(&c, NULL), 0);
	ASSERT_STR_EQ(c.data_dir, "/opt/tv");
	conf_free(&c);
}

TEST(empty_text_changes_nothing)
{
	struct conf c, fresh;
	char errbuf[256];

	ASSERT_EQ(load_text(&c, "", errbuf, sizeof(errbuf)), 0);
	ASSERT_EQ(conf_init(&fresh, DATA_DIR), 0);
	ASSERT_CONF_EQ(&c, &fresh);
	ASSERT_EQ(conf_load_string(&c, "\n\n# only a comment\n; another\n",
	    "t", errbuf, sizeof(errbuf)), 0);
	ASSERT_CONF_EQ(&c, &fresh);
	conf_free(&c);
	conf_free(&fresh);
}

TEST(name_limit_ascii)
{
	char text[300], name[130], errbuf[256];
	struct conf c;

	memset(name, 'a', 120);
	name[120] = 0;
	snprintf(text, sizeof(text), "[area]\nname = %s\n", name);
	ASSERT_EQ(load_text(&c, text, errbuf, sizeof(errbuf)), 0);
	ASSERT_STR_EQ(c.area_name, name);
	check_round_trip(&c);
	conf_free(&c);

	strcat(name, "a");
	snprintf(text, sizeof(text), "[area]\nname = %s\n", name);
	ASSERT_EQ(load_text(&c, text, errbuf, sizeof(errbuf)), -EINVAL);
	ASSERT_STR_EQ(errbuf,
	    "t.conf:2: name: too long (121 bytes, at most 120)");
	ASSERT(c.area_name == NULL);
	conf_free(&c);
}

/* The limit is in bytes: 60 "æ" are 120 bytes. */
TEST(name_limit_danish)
{
	char text[400], name[200] = "", errbuf[256];
	struct conf c;

	for (int i = 0; i < 60; i++)
		strcat(name, "\xc3\xa6");
	ASSERT_EQ(strlen(name), 120);
	snprintf(text, sizeof(text), "[area]\nname = %s\n", name);
	ASSERT_EQ(load_text(&c, text, errbuf, sizeof(errbuf)), 0);
	ASSERT_STR_EQ(c.area_name, name);
	conf_free(&c);

	strcat(name, "\xc3\xb8");	/* "ø": 122 bytes, 61 characters */
	snprintf(text, sizeof(text), "[area]\nname = %s\n", name);
	ASSERT_EQ(load_text(&c, text, errbuf, sizeof(errbuf)), -EINVAL);
	ASSERT_STR_EQ(errbuf,
	    "t.conf:2: name: too long (122 bytes, at most 120)");
	conf_free(&c);
}

/* Names are kept in NFC, and the limit applies to the NFC form. */
TEST(name_nfc)
{
	char text[400], name[200] = "", errbuf[256];
	struct conf c;

	/* "e" + COMBINING ACUTE ACCENT is 3 bytes; its NFC "é" is 2. */
	for (int i = 0; i < 60; i++)
		strcat(name, "e\xcc\x81");
	snprintf(text, sizeof(text), "[area]\nname = %s\n", name);
	ASSERT_EQ(load_text(&c, text, errbuf, sizeof(errbuf)), 0);
	ASSERT_EQ(strlen(c.area_name), 120);
	ASSERT_MEM_EQ(c.area_name, "\xc3\xa9", 2);
	conf_free(&c);
}

static char *
make_file_text(size_t size)
{
	static const char head[] = "[area]\nname = Østby\n";
	char *p = malloc(size + 1);
	size_t at = sizeof(head) - 1;

	ASSERT(p != NULL);
	memcpy(p, head, at);
	/* Comment lines of 100 bytes, the last one shorter. */
	while (at < size) {
		size_t n = size - at < 100 ? size - at : 100;
		memset(p + at, 'x', n);
		p[at] = n > 1 ? '#' : '\n';
		p[at + n - 1] = '\n';
		at += n;
	}
	p[size] = 0;
	return p;
}

TEST(file_size_limit)
{
	char errbuf[512];
	struct conf c;
	char *text;

	enter_tmpdir();
	text = make_file_text(MiB);
	write_file("at_limit.conf", text, MiB);
	free(text);
	ASSERT_EQ(conf_init(&c, DATA_DIR), 0);
	if (conf_load_file(&c, "at_limit.conf", errbuf, sizeof(errbuf)) != 0)
		TEST_FAIL("1 MiB file refused: %s", errbuf);
	ASSERT_STR_EQ(c.area_name, "Østby");
	conf_free(&c);

	text = make_file_text(MiB + 1);
	write_file("too_big.conf", text, MiB + 1);
	free(text);
	ASSERT_EQ(conf_init(&c, DATA_DIR), 0);
	ASSERT_EQ(conf_load_file(&c, "too_big.conf", errbuf, sizeof(errbuf)),
	    -EINVAL);
	ASSERT_STR_EQ(errbuf,
	    "too_big.conf: file too big (more than 1048576 bytes)");
	ASSERT(c.area_name == NULL);
	conf_free(&c);
	leave_tmpdir();
}

TEST(line_limit)
{
	char line[400], errbuf[256];
	struct conf c;

	/* 197 bytes after the indentation, which does not count. */
	memset(line, 'x', sizeof(line));
	memcpy(line, "    #", 5);
	strcpy(line + 4 + 197, "\n");
	ASSERT_EQ(load_text(&c, line, errbuf, sizeof(errbuf)), 0);
	conf_free(&c);

	memset(line, 'x', sizeof(line));
	line[0] = '#';
	strcpy(line + 198, "\r\n");
	ASSERT_EQ(load_text(&c, line, errbuf, sizeof(errbuf)), -EINVAL);
	ASSERT_STR_EQ(errbuf,
	    "t.conf:1: line too long (198 bytes, at most 197)");
	conf_free(&c);
}

TEST(control_socket_follows_data_dir)
{
	char errbuf[256];
	struct conf c;

	ASSERT_EQ(load_text(&c, "[daemon]\ndata_dir = /srv/tv\n", errbuf,
	    sizeof(errbuf)), 0);
	ASSERT_STR_EQ(c.data_dir, "/srv/tv");
	ASSERT_STR_EQ(c.control_socket, "/srv/tv/control.sock");
	conf_free(&c);

	/* Set on its own, it stays where it was put. */
	ASSERT_EQ(load_text(&c, "[daemon]\ndata_dir = /srv/tv\n"
	    "control_socket = /run/tvaers/control.sock\n", errbuf,
	    sizeof(errbuf)), 0);
	ASSERT_STR_EQ(c.control_socket, "/run/tvaers/control.sock");
	/* A later file that moves data_dir does not move it either. */
	ASSERT_EQ(conf_load_string(&c, "[daemon]\ndata_dir = /srv/other\n",
	    "u", errbuf, sizeof(errbuf)), 0);
	ASSERT_STR_EQ(c.data_dir, "/srv/other");
	ASSERT_STR_EQ(c.control_socket, "/run/tvaers/control.sock");
	conf_free(&c);
}

/* The socket path limit is sun_path's: 107 bytes and a NUL. */
TEST(control_socket_limit)
{
	char text[300], path[200], errbuf[256];
	struct conf c;

	memset(path, 'p', sizeof(path));
	path[0] = '/';
	path[107] = 0;
	snprintf(text, sizeof(text), "[daemon]\ncontrol_socket = %s\n", path);
	ASSERT_EQ(load_text(&c, text, errbuf, sizeof(errbuf)), 0);
	ASSERT_STR_EQ(c.control_socket, path);
	conf_free(&c);

	path[107] = 'p';
	path[108] = 0;
	snprintf(text, sizeof(text), "[daemon]\ncontrol_socket = %s\n", path);
	ASSERT_EQ(load_text(&c, text, errbuf, sizeof(errbuf)), -EINVAL);
	ASSERT_CONTAINS(errbuf, "t.conf:2: control_socket: too long (108 "
	    "bytes, at most 107");
	conf_free(&c);
}

TEST(data_dir_limit)
{
	char text[300], path[200], errbuf[256];
	struct conf c;

	memset(path, 'd', sizeof(path));
	path[0] = '/';
	path[180] = 0;
	/* Short enough for the socket to be set on its own. */
	snprintf(text, sizeof(text), "[daemon]\ndata_dir = %s\n"
	    "control_socket = /run/t.sock\n", path);
	ASSERT_EQ(load_text(&c, text, errbuf, sizeof(errbuf)), 0);
	ASSERT_STR_EQ(c.data_dir, path);
	check_round_trip(&c);
	conf_free(&c);

	path[180] = 'd';
	path[181] = 0;
	snprintf(text, sizeof(text), "[daemon]\ndata_dir = %s\n"
	    "control_socket = /run/t.sock\n", path);
	ASSERT_EQ(load_text(&c, text, errbuf, sizeof(errbuf)), -EINVAL);
	ASSERT_STR_EQ(errbuf,
	    "t.conf:2: data_dir: too long (181 bytes, at most 180)");
	conf_free(&c);
}

/* Values that need quotes to survive printing. */
TEST(quoting_round_trip)
{
	static const char *const names[] = {
		"\" quoted at both ends \"",
		"\"\"x\"",	/* a name that starts with a quote */
		"\";x\"",	/* starts with a semicolon */
		"\"  two spaces ahead\"",
		"\"behind  \"",
		"a\"b",		/* a quote inside needs nothing */
		"a;b",		/* a semicolon not after a space is text */
		"x = y: z",
		"#1",
		"\"\"\"",	/* the single character '"' */
		"\"Forening #2\"",
		"Nr.#3",	/* a '#' not after a space is text */
	};
	static const char *const want[] = {
		" quoted at both ends ", "\"x", ";x", "  two spaces ahead",
		"behind  ", "a\"b", "a;b", "x = y: z", "#1", "\"", "Forening #2", "Nr.#3",
	};
	char text[256], errbuf[256];
	struct conf c;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(text, sizeof(text), "[area]\nname = %s\n", names[i]);
		if (load_text(&c, text, errbuf, sizeof(errbuf)) != 0)
			TEST_FAIL("%s: %s", names[i], errbuf);
		ASSERT_STR_EQ(c.area_name, want[i]);
		check_round_trip(&c);
		conf_free(&c);
	}
}

TEST(missing_file)
{
	char errbuf[256] = "";
	struct conf c, fresh;

	ASSERT_EQ(conf_init(&c, DATA_DIR), 0);
	ASSERT_EQ(conf_init(&fresh, DATA_DIR), 0);
	ASSERT_EQ(conf_load_file(&c, "/nonexistent/tvaersd.conf", errbuf,
	    sizeof(errbuf)), -ENOENT);
	ASSERT_CONF_EQ(&c, &fresh);
	conf_free(&c);
	conf_free(&fresh);
}

TEST(unreadable_files)
{
	char errbuf[256] = "";
	struct conf c, fresh;

	enter_tmpdir();
	ASSERT(mkdir("dir.conf", 0700) == 0);
	ASSERT_EQ(conf_init(&c, DATA_DIR), 0);
	ASSERT_EQ(conf_init(&fresh, DATA_DIR), 0);
	ASSERT_EQ(conf_load_file(&c, "dir.conf", errbuf, sizeof(errbuf)),
	    -EINVAL);
	ASSERT_STR_EQ(errbuf, "dir.conf: cannot read: Is a directory");

	write_file("nul.conf", "[area]\nname = a\0b\n", 18);
	ASSERT_EQ(conf_load_file(&c, "nul.conf", errbuf, sizeof(errbuf)),
	    -EINVAL);
	ASSERT_STR_EQ(errbuf, "nul.conf:2: a NUL byte; this is not a text "
	    "file");
	ASSERT_CONF_EQ(&c, &fresh);
	/* No errbuf at all is allowed. */
	ASSERT_EQ(conf_load_file(&c, "nul.conf", NULL, 0), -EINVAL);
	ASSERT_EQ(conf_load_string(&c, "[x]\n", NULL, NULL, 0), -EINVAL);
	ASSERT_EQ(conf_load_string(&c, NULL, "t", errbuf, sizeof(errbuf)),
	    -EINVAL);
	conf_free(&c);
	conf_free(&fresh);
	leave_tmpdir();
}

/* A small errbuf gets a truncated but terminated message. */
TEST(small_errbuf)
{
	char errbuf[8];
	struct conf c;

	memset(errbuf, 'z', sizeof(errbuf));
	ASSERT_EQ(load_text(&c, "[nope]\n", errbuf, sizeof(errbuf)), -EINVAL);
	ASSERT_STR_EQ(errbuf, "t.conf:");
	conf_free(&c);
}

/* The shipped sample is valid, complete and all defaults. */
TEST(sample_config)
{
	char errbuf[512], *printed, *sample, *line, *save = NULL;
	struct conf c, fresh;
	size_t len;

	ASSERT_EQ(conf_init(&c, DATA_DIR), 0);
	if (conf_load_file(&c, SAMPLE, errbuf, sizeof(errbuf)) != 0)
		TEST_FAIL("%s", errbuf);
	ASSERT_EQ(conf_init(&fresh, DATA_DIR), 0);
	ASSERT_CONF_EQ(&c, &fresh);

	/* Every option appears in it, commented out: "# name =". */
	sample = (char *)test_read_file(SAMPLE, &len);
	ASSERT(sample != NULL);
	printed = print_conf(&c);
	for (line = strtok_r(printed, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char want[128];
		const char *eq = strstr(line, " =");
		if (line[0] == '#' || line[0] == '[' || eq == NULL)
			continue;
		snprintf(want, sizeof(want), "\n# %.*s =", (int)(eq - line),
		    line);
		ASSERT_CONTAINS(sample, want);
	}
	free(printed);
	free(sample);
	conf_free(&c);
	conf_free(&fresh);
}

/* With every option uncommented, the sample still loads: its defaults are real. */
TEST(sample_config_uncommented)
{
	char errbuf[512], *sample, *out;
	struct conf c;
	size_t len, o = 0;

	sample = (char *)test_read_file(SAMPLE, &len);
	ASSERT(sample != NULL);
	out = malloc(len + 1);
	ASSERT(out != NULL);
	/* "# name = value" at the start of a line becomes "name = value". */
	for (size_t i = 0; i < len; i++) {
		if ((i == 0 || sample[i - 1] == '\n') &&
		    strncmp(sample + i, "# ", 2) == 0) {
			const char *eol = strchr(sample + i, '\n');
			const char *eq = strstr(sample + i, " =");
			const char *sp = strchr(sample + i + 2, ' ');
			if (eq != NULL && (eol == NULL || eq < eol) &&
			    sp == eq) {
				i += 1;
				continue;
			}
		}
		out[o++] = sample[i];
	}
	out[o] = 0;
	ASSERT_EQ(conf_init(&c, DATA_DIR), 0);
	if (conf_load_string(&c, out, "uncommented", errbuf,
	    sizeof(errbuf)) != 0)
		TEST_FAIL("%s\n%s", errbuf, out);
	ASSERT_EQ(c.log_level, LOG_LEVEL_INFO);
	free(out);
	free(sample);
	conf_free(&c);
}

TEST(default_data_dir)
{
	char *d;

	setenv("TVAERS_HOME", "/srv/tvaers", 1);
	setenv("XDG_DATA_HOME", "/x/data", 1);
	setenv("HOME", "/home/ida", 1);
	ASSERT_STR_EQ(d = conf_default_data_dir(), "/srv/tvaers");
	free(d);
	setenv("TVAERS_HOME", "", 1);
	ASSERT_STR_EQ(d = conf_default_data_dir(), "/x/data/tvaers");
	free(d);
	unsetenv("TVAERS_HOME");
	setenv("XDG_DATA_HOME", "relative", 1);	/* ignored, as XDG says */
	ASSERT_STR_EQ(d = conf_default_data_dir(), "/home/ida/.local/share/tvaers");
	free(d);
	unsetenv("XDG_DATA_HOME");
	ASSERT_STR_EQ(d = conf_default_data_dir(), "/home/ida/.local/share/tvaers");
	free(d);
	unsetenv("HOME");
	d = conf_default_data_dir();	/* from the password database */
	ASSERT(d != NULL && d[0] == '/');
	free(d);
}

TEST(reloadable)
{
	ASSERT(conf_is_reloadable("daemon", "log_level"));
	ASSERT(conf_is_reloadable("area", "name"));
	ASSERT(conf_is_reloadable("area", "kind"));
	ASSERT(conf_is_reloadable("AREA", "Municipality"));
	ASSERT(!conf_is_reloadable("daemon", "data_dir"));
	ASSERT(!conf_is_reloadable("daemon", "control_socket"));
	ASSERT(!conf_is_reloadable("area", "data_dir"));
	ASSERT(!conf_is_reloadable("nope", "name"));
	ASSERT(!conf_is_reloadable(NULL, "name"));
}

TEST(print_help)
{
	char *text = NULL;
	size_t len = 0, lines = 0;
	FILE *f = open_memstream(&text, &len);

	conf_print_help(f);
	fclose(f);
	ASSERT_CONTAINS(text, "[daemon] data_dir");
	ASSERT_CONTAINS(text, "[daemon] control_socket");
	ASSERT_CONTAINS(text, "[daemon] log_level");
	ASSERT_CONTAINS(text, "[daemon] event_keep_months");
	ASSERT_CONTAINS(text, "[area] name");
	ASSERT_CONTAINS(text, "[area] kind");
	ASSERT_CONTAINS(text, "[area] municipality");
	ASSERT_CONTAINS(text, "[network] advertise");
	ASSERT_CONTAINS(text, "default: info");
	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	ASSERT_EQ(lines, 11);	/* one line per option */
	free(text);
}

TEST(first_error_wins)
{
	char errbuf[256];
	struct conf c;

	ASSERT_EQ(load_text(&c, "[area]\nname = ok\nnonsense\n"
	    "[daemon]\nlog_level = loud\n", errbuf, sizeof(errbuf)), -EINVAL);
	ASSERT_CONTAINS(errbuf, "t.conf:3: ");
	conf_free(&c);
	ASSERT_EQ(load_text(&c, "[daemon]\nlog_level = loud\nnonsense\n",
	    errbuf, sizeof(errbuf)), -EINVAL);
	ASSERT_STR_EQ(errbuf, "t.conf:2: log_level: 'loud' is not one of "
	    "error, warn, info, debug");
	conf_free(&c);
}

TEST(unset_clears_earlier_value)
{
	char errbuf[256];
	struct conf c;

	ASSERT_EQ(load_text(&c, "[area]\nname = A\nkind = sogn\n"
	    "municipality = 336\n", errbuf, sizeof(errbuf)), 0);
	ASSERT_EQ(c.municipality, 336);
	ASSERT_EQ(conf_load_string(&c, "[area]\nname =\nkind = \"\"\n"
	    "municipality =\n", "u", errbuf, sizeof(errbuf)), 0);
	ASSERT(c.area_name == NULL);
	ASSERT(c.area_kind == NULL);
	ASSERT_EQ(c.municipality, 0);
	conf_free(&c);
}

/* ---- log.c: what conf's callers see on stderr. ---- */

static int saved_stderr = -1;

/* Sends stderr to a new temporary file; returns its descriptor. */
static int
capture_stderr(void)
{
	char path[] = "/tmp/tvaers-log.XXXXXX";
	int fd = mkstemp(path);

	ASSERT(fd >= 0);
	unlink(path);
	if (saved_stderr < 0)
		ASSERT((saved_stderr = dup(STDERR_FILENO)) >= 0);
	ASSERT(dup2(fd, STDERR_FILENO) == STDERR_FILENO);
	return fd;
}

/* Returns what was written to the captured stderr, which goes back. */
static char *
captured(int fd)
{
	static char buf[8192];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	ASSERT(dup2(saved_stderr, STDERR_FILENO) == STDERR_FILENO);
	ASSERT(n >= 0);
	buf[n] = 0;
	return buf;
}

TEST(log_levels)
{
	enum log_level l;

	ASSERT_EQ(log_level_parse("debug", &l), 0);
	ASSERT_EQ(l, LOG_LEVEL_DEBUG);
	ASSERT_EQ(log_level_parse("WARN", &l), 0);
	ASSERT_EQ(l, LOG_LEVEL_WARN);
	ASSERT_EQ(log_level_parse("warning", &l), -1);
	ASSERT_EQ(log_level_parse("", &l), -1);
	ASSERT_STR_EQ(log_level_name(LOG_LEVEL_ERROR), "error");
	ASSERT_STR_EQ(log_level_name(LOG_LEVEL_INFO), "info");
	ASSERT_STR_EQ(log_level_name((enum log_level)9), "unknown");
}

TEST(log_terminal_format)
{
	int fd;

	unsetenv("JOURNAL_STREAM");
	fd = capture_stderr();
	log_init(LOG_LEVEL_INFO, "tvaersd");
	log_info("store: migrated to version %d", 2);
	log_warnx("peer %s: handshake: bad signature", "3f2a");
	log_debug("not shown at info");
	errno = ENOENT;
	log_warn("store: open %s", "x.db");
	ASSERT_EQ(errno, ENOENT);
	log_set_level(LOG_LEVEL_DEBUG);
	ASSERT_EQ(log_get_level(), LOG_LEVEL_DEBUG);
	log_debug("shown now");
	log_set_level(LOG_LEVEL_ERROR);
	log_warnx("not shown at error");
	ASSERT_STR_EQ(captured(fd),
	    "tvaersd: store: migrated to version 2\n"
	    "tvaersd: warning: peer 3f2a: handshake: bad signature\n"
	    "tvaersd: warning: store: open x.db: No such file or directory\n"
	    "tvaersd: debug: shown now\n");
}

TEST(log_journal_format)
{
	char env[64];
	struct stat st;
	int fd;

	fd = capture_stderr();
	ASSERT(fstat(fd, &st) == 0);
	snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", env, 1);
	log_init(LOG_LEVEL_DEBUG, "tvaersd");
	log_info("a");
	log_warnx("b");
	log_debug("c");
	ASSERT_STR_EQ(captured(fd), "<6>a\n<4>b\n<7>c\n");
}

/* JOURNAL_STREAM naming another stream (a redirected child) is ignored. */
TEST(log_journal_other_stream)
{
	int fd;

	fd = capture_stderr();
	setenv("JOURNAL_STREAM", "8:12345", 1);
	log_init(LOG_LEVEL_INFO, "tvd");
	log_info("a");
	ASSERT_STR_EQ(captured(fd), "tvd: a\n");
}

/* A peer's text cannot forge a line or send escapes. */
TEST(log_control_characters)
{
	int fd;

	unsetenv("JOURNAL_STREAM");
	fd = capture_stderr();
	log_init(LOG_LEVEL_INFO, "tvaersd");
	log_info("name: %s", "ok\ntvaersd: warning: forged\r\x1b[31mred\x7f"
	    "\tC1:\xc2\x9b bad:\xff\xc3 \xc3\xa6\xc3\xb8\xc3\xa5");
	ASSERT_STR_EQ(captured(fd), "tvaersd: name: ok?tvaersd: warning: "
	    "forged??[31mred??C1:? bad:?? æøå\n");
}

TEST(log_truncation)
{
	char big[3000];
	const char *out;
	int fd;

	unsetenv("JOURNAL_STREAM");
	fd = capture_stderr();
	log_init(LOG_LEVEL_INFO, "tvaersd");
	/* 1024 bytes exactly: kept whole. */
	memset(big, 'a', 1024);
	big[1024] = 0;
	log_info("%s", big);
	out = captured(fd);
	ASSERT_EQ(strlen(out), strlen("tvaersd: ") + 1024 + 1);
	fd = capture_stderr();

	/* Longer, with "ø" (2 bytes) across the cut: cut before it. */
	memset(big, 'a', sizeof(big));
	memcpy(big + 1020, "\xc3\xb8", 2);
	big[sizeof(big) - 1] = 0;
	errno = EACCES;
	log_warn("%s", big);
	out = captured(fd);
	ASSERT(strncmp(out, "tvaersd: warning: ", 18) == 0);
	ASSERT_EQ(strlen(out), 18 + 1020 + 3 + strlen(": Permission denied")
	    + 1);
	ASSERT_STR_EQ(out + 18 + 1020, "...: Permission denied\n");
}

TEST_MAIN(golden, golden_round_trip, golden_errors_leave_conf_unchanged,
    defaults, init_without_data_dir_uses_default, empty_text_changes_nothing,
    name_limit_ascii, name_limit_danish, name_nfc, file_size_limit,
    line_limit, control_socket_follows_data_dir, control_socket_limit,
    data_dir_limit, quoting_round_trip, missing_file, unreadable_files,
    small_errbuf, sample_config, sample_config_uncommented, default_data_dir,
    reloadable, print_help, first_error_wins, unset_clears_earlier_value,
    log_levels, log_terminal_format, log_journal_format,
    log_journal_other_stream, log_control_characters, log_truncation)
