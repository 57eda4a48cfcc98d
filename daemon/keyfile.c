#include "keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "err.h"

static int
fsync_dir_of(const char *path)
{
	char *copy = strdup(path);
	int fd, rc = 0;

	if (copy == NULL)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
	free(copy);
	if (fd < 0)
		return -errno;
	if (fsync(fd) != 0)
		rc = -errno;
	close(fd);
	return rc;
}

static int
write_new_key(const char *path, const struct tv_keypair *kp, char *errbuf,
    size_t errlen)
{
	uint8_t seed[TV_SEED_LEN];
	char line[128], tmp[4096];
	int fd, rc = 0;
	size_t len;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = -errno;
		snprintf(errbuf, errlen, "%s: %s", tmp, strerror(errno));
		return rc;
	}
	tv_keypair_seed(kp, seed);
	tv_seed_format(seed, line);
	sodium_memzero(seed, sizeof(seed));
	len = strlen(line);
	if (write(fd, line, len) != (ssize_t)len || fsync(fd) != 0) {
		rc = errno ? -errno : -EIO;
		snprintf(errbuf, errlen, "%s: %s", tmp, strerror(-rc));
	}
	sodium_memzero(line, sizeof(line));
	if (close(fd) != 0 && rc == 0) {
		rc = -errno;
		snprintf(errbuf, errlen, "%s: %s", tmp, strerror(errno));
	}
	if (rc == 0 && rename(tmp, path) != 0) {
		rc = -errno;
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
	}
	if (rc != 0) {
		unlink(tmp);
		return rc;
	}
	if ((rc = fsync_dir_of(path)) != 0)
		snprintf(errbuf, errlen, "%s: syncing its directory: %s", path,
		    strerror(-rc));
	return rc;
}

int
keyfile_load_or_create(const char *path, struct tv_keypair *out,
    bool *out_created, char *errbuf, size_t errlen)
{
	uint8_t seed[TV_SEED_LEN];
	char text[256];
	struct stat st;
	ssize_t n;
	int fd, rc;

	*out_created = false;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT) {
		tv_keypair_generate(out);
		if ((rc = write_new_key(path, out, errbuf, errlen)) != 0) {
			tv_keypair_wipe(out);
			return rc;
		}
		*out_created = true;
		return 0;
	}
	if (fd < 0) {
		rc = -errno;
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	if (fstat(fd, &st) != 0 || (st.st_mode & 077) != 0) {
		close(fd);
		snprintf(errbuf, errlen, "%s: the secret key must be readable by "
		    "its owner only; run: chmod 600 %s", path, path);
		return -EPERM;
	}
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0) {
		rc = -errno;
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	rc = tv_seed_parse(text, (size_t)n, seed);
	sodium_memzero(text, sizeof(text));
	if (rc != 0) {
		snprintf(errbuf, errlen, "%s: not a tvaers secret key file "
		    "(expected one line \"tvaers-secret-key-v1 ...\")", path);
		return rc;
	}
	tv_keypair_from_seed(out, seed);
	sodium_memzero(seed, sizeof(seed));
	return 0;
}
