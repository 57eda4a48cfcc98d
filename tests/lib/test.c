#include "test.h"

#include <errno.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static bool
wanted(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return true;
	return false;
}

int
test_run(const struct test_case *cases, size_t n, int argc, char **argv)
{
	unsigned passed = 0, failed = 0;

	for (size_t i = 0; i < n; i++) {
		if (!wanted(cases[i].name, argc, argv))
			continue;
		fflush(stdout);
		fflush(stderr);
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 2;
		}
		if (pid == 0) {
			cases[i].fn();
			/* exit, not _exit: LeakSanitizer checks at exit. */
			exit(0);
		}
		int status;
		while (waitpid(pid, &status, 0) < 0)
			;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			printf("ok   %s\n", cases[i].name);
			passed++;
		} else {
			if (WIFSIGNALED(status))
				printf("FAIL %s (signal %d)\n", cases[i].name,
				    WTERMSIG(status));
			else
				printf("FAIL %s\n", cases[i].name);
			failed++;
		}
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}

uint8_t *
test_read_file(const char *path, size_t *out_len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len + 1 >= cap) {
			cap = cap ? cap * 2 : 65536;
			uint8_t *nb = realloc(buf, cap);
			if (nb == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		size_t got = fread(buf + len, 1, cap - len - 1, f);
		if (got == 0)
			break;
		len += got;
	}
	fclose(f);
	buf[len] = 0;
	*out_len = len;
	return buf;
}

bool
test_file_contains(const char *path, const char *needle)
{
	size_t len, n = strlen(needle);
	uint8_t *buf = test_read_file(path, &len);
	bool found = false;

	for (size_t i = 0; buf && i + n <= len && !found; i++)
		found = memcmp(buf + i, needle, n) == 0;
	free(buf);
	return found;
}

static int
nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

uint8_t *
test_unhex(const char *hex, size_t *out_len)
{
	size_t n = strlen(hex);
	uint8_t *out = malloc(n / 2 + 1);
	size_t len = 0;
	int hi = -1;
	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int v = nibble(hex[i]);
		if (v < 0)
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			out[len++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	*out_len = len;
	return out;
}

char *
test_hex(const uint8_t *p, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char *out = malloc(len * 2 + 1);
	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[len * 2] = 0;
	return out;
}

char **
test_doc_blocks(const char *tag)
{
	char **out = calloc(64, sizeof(*out));
	size_t n = 0, len, tag_len = strlen(tag);
	char *text = (char *)test_read_file(TVAERS_SOURCE_DIR "/PROTOCOL.md",
	    &len), *p;

	ASSERT(out != NULL && text != NULL);
	/* test_read_file NUL-terminates. */
	for (p = text; (p = strstr(p, tag)) != NULL; p += tag_len) {
		char *end, *b;

		if (p[tag_len] != '\n' || (p > text && p[-1] != '\n'))
			continue;
		end = strstr(p + tag_len, "\n```");
		ASSERT(end != NULL && n < 63);
		b = out[n++] = calloc(1, (size_t)(end - p));
		ASSERT(b != NULL);
		for (char *c = p + tag_len; c < end; c++)
			if (*c != ' ' && *c != '\n' && *c != '\t')
				*b++ = *c;
	}
	free(text);
	return out;
}

void
test_doc_blocks_free(char **blocks)
{
	for (size_t i = 0; blocks[i] != NULL; i++)
		free(blocks[i]);
	free(blocks);
}

int
test_dial_unix(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		perror(path);
		exit(1);
	}
	return fd;
}

int
test_io_all(int fd, void *p, size_t len, bool is_write)
{
	uint8_t *b = p;

	while (len > 0) {
		ssize_t n = is_write ? write(fd, b, len) : read(fd, b, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EPIPE || errno == ECONNRESET ? 1 : -errno;
		if (n == 0)
			return 1;
		b += n;
		len -= (size_t)n;
	}
	return 0;
}
