#include "pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
pidfile_acquire(const char *path, pid_t *out_owner, char *errbuf,
    size_t errlen)
{
	struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char text[32];
	int fd, rc;

	*out_owner = 0;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = -errno;
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	if (fcntl(fd, F_SETLK, &lk) != 0) {
		rc = errno == EACCES || errno == EAGAIN ? -EBUSY : -errno;
		if (fcntl(fd, F_GETLK, &lk) == 0 && lk.l_type != F_UNLCK)
			*out_owner = lk.l_pid;
		if (rc == -EBUSY)
			snprintf(errbuf, errlen, "another tvaersd (pid %ld) is "
			    "already running on this data directory (%s); stop "
			    "it first, or set TVAERS_HOME to another directory",
			    (long)*out_owner, path);
		else
			snprintf(errbuf, errlen, "%s: %s", path, strerror(-rc));
		close(fd);
		return rc;
	}
	snprintf(text, sizeof(text), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 ||
	    pwrite(fd, text, strlen(text), 0) != (ssize_t)strlen(text)) {
		rc = -errno;
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return rc;
	}
	return fd;
}

void
pidfile_release(int fd, const char *path)
{
	if (fd < 0)
		return;
	unlink(path);
	close(fd);
}
