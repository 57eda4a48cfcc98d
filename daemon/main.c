/*
 * tvaersd: keeps this area's signed records and answers the tvaers CLI.
 * Start-up runs in stages that each undo themselves on failure; once the
 * loop runs, nothing is fatal: signals close everything cleanly.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uv.h>

#include "area.h"
#include "conf.h"
#include "control.h"
#include "daemon.h"
#include "err.h"
#include "expire.h"
#include "keyfile.h"
#include "log.h"
#include "net.h"
#include "sync.h"
#include "pidfile.h"
#include "sign.h"
#include "store.h"

struct signals {
	uv_signal_t term, intr, hup;
	struct tvaersd *d;
};

static void
usage(FILE *out)
{
	fprintf(out,
"usage: tvaersd [-nv] [-c FILE] [-d DIR] [-l LEVEL] [--listen ADDR:PORT]\n"
"\n"
"Keeps this area's records, signed with its key, and answers the tvaers\n"
"command. Runs in the foreground and logs to stderr.\n"
"\n"
"  -c, --config FILE   read FILE (default: DIR/tvaersd.conf, if it exists)\n"
"  -d, --data-dir DIR  data directory: database, key, control socket\n"
"                      (default: $TVAERS_HOME, else ~/.local/share/tvaers)\n"
"  -l, --log-level L   error, warn, info (default) or debug\n"
"      --listen A:P    listen for peers on A:P (comma-separated list, or\n"
"                      none), instead of [network] listen\n"
"  -n, --check         check the configuration and exit; with -v, print it\n"
"  -v, --verbose       with -n: print the normalised configuration;\n"
"                      otherwise: log at debug level\n"
"  -h, --help          show this help\n"
"  -V, --version       show the version\n"
"\n"
"Signals: SIGTERM and SIGINT stop cleanly; SIGHUP rereads the config file.\n"
"\n"
"Configuration options (section, name, default, meaning):\n");
	conf_print_help(out);
}

static int
make_dir(const char *path)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0700) != 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0700) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static void
apply_profile(struct tvaersd *d)
{
	char errbuf[512];
	bool changed;

	if (area_apply_profile(&d->area, d->conf.area_name, d->conf.area_kind,
	    d->conf.municipality, &changed, errbuf, sizeof(errbuf)) != 0)
		log_warnx("area: cannot apply the configured profile: %s",
		    errbuf);
	else if (changed)
		log_info("area: profile updated from the configuration");
}

static void
reload(struct tvaersd *d)
{
	uint64_t expired;
	char errbuf[512];
	struct conf fresh;
	int rc;

	if (d->conf_path == NULL) {
		log_info("config: no configuration file to reload");
		return;
	}
	if (conf_init(&fresh, d->conf.data_dir) != 0)
		return;
	rc = conf_load_file(&fresh, d->conf_path, errbuf, sizeof(errbuf));
	if (rc != 0) {
		log_warnx("config: reload failed, keeping the old one: %s",
		    rc == -ENOENT ? d->conf_path : errbuf);
		conf_free(&fresh);
		return;
	}
	/* Only what can change at run time is taken over. */
	if (strcmp(fresh.data_dir, d->conf.data_dir) != 0 ||
	    strcmp(fresh.control_socket, d->conf.control_socket) != 0)
		log_warnx("config: data_dir and control_socket changes take "
		    "effect only after a restart");
	if (!d->log_level_fixed) {
		log_set_level(fresh.log_level);
		d->conf.log_level = fresh.log_level;
	}
	free(d->conf.area_name);
	free(d->conf.area_kind);
	d->conf.area_name = fresh.area_name;
	d->conf.area_kind = fresh.area_kind;
	d->conf.municipality = fresh.municipality;
	d->conf.target_peers = fresh.target_peers;
	free(d->conf.advertise);
	d->conf.advertise = fresh.advertise;
	d->conf.event_keep_months = fresh.event_keep_months;
	d->area.event_keep_months = fresh.event_keep_months;
	fresh.area_name = fresh.area_kind = fresh.advertise = NULL;
	conf_free(&fresh);
	apply_profile(d);
	net_profile_changed(d->net);
	log_info("config: reloaded %s", d->conf_path);
	expire_sweep(d, &expired);	/* the keep period may be shorter now */
}

static void
on_signal(uv_signal_t *h, int signum)
{
	struct signals *s = h->data;

	if (signum == SIGHUP) {
		reload(s->d);
		return;
	}
	log_info("tvaersd: %s received, shutting down",
	    signum == SIGTERM ? "SIGTERM" : "SIGINT");
	control_close(s->d->control);
	s->d->control = NULL;
	net_close(s->d->net);
	s->d->net = NULL;
	expire_close(s->d->expire);
	s->d->expire = NULL;
	uv_close((uv_handle_t *)&s->term, NULL);
	uv_close((uv_handle_t *)&s->intr, NULL);
	uv_close((uv_handle_t *)&s->hup, NULL);
}

static void
greet(struct tvaersd *d, bool key_created)
{
	char name[512];
	const char *home = getenv("TVAERS_HOME");

	area_name(&d->area, name, sizeof(name));
	if (key_created)
		log_info("area: created a new area key in %s/area.key; keep a "
		    "copy of it somewhere safe", d->conf.data_dir);
	log_info("area: %s%s%s", d->area.id_text, name[0] ? " " : "", name);
	if (name[0] == 0) {
		log_info("area: not named yet; name it with:");
		log_info("  tvaers set area --name \"Østby\" --kind village "
		    "--municipality 336");
		log_info("  (see `tvaers municipalities` for the codes)");
	}
	if (home == NULL || strcmp(home, d->conf.data_dir) != 0)
		log_info("control: reach this daemon with TVAERS_HOME=%s "
		    "tvaers status", d->conf.data_dir);
	log_info("control: listening on %s", d->conf.control_socket);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "data-dir", required_argument, NULL, 'd' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "check", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "listen", required_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 },
	};
	struct tvaersd d;
	struct signals sig;
	struct tv_keypair kp;
	char errbuf[1024], path[4096], pid_path[4096];
	const char *conf_flag = NULL, *dir_flag = NULL, *level_flag = NULL;
	const char *listen_flag = NULL;
	bool check = false, verbose = false, key_created;
	enum log_level level;
	uint64_t expired;
	int ch, rc, pid_fd;
	pid_t owner;
	char *dir;

	memset(&d, 0, sizeof(d));
	while ((ch = getopt_long(argc, argv, "c:d:l:nvhV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c': conf_flag = optarg; break;
		case 'd': dir_flag = optarg; break;
		case 'l': level_flag = optarg; break;
		case 'n': check = true; break;
		case 'v': verbose = true; break;
		case 'h': usage(stdout); return 0;
		case 'L': listen_flag = optarg; break;
		case 'V': printf("tvaersd %s\n", PROJECT_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	log_init(LOG_LEVEL_INFO, "tvaersd");

	/* Stage 1: configuration. */
	dir = dir_flag ? strdup(dir_flag) : conf_default_data_dir();
	if (dir == NULL || conf_init(&d.conf, dir) != 0)
		fatalx("out of memory");
	free(dir);
	if (conf_flag != NULL) {
		d.conf_path = strdup(conf_flag);
	} else {
		snprintf(path, sizeof(path), "%s/tvaersd.conf", d.conf.data_dir);
		d.conf_path = strdup(path);
	}
	rc = conf_load_file(&d.conf, d.conf_path, errbuf, sizeof(errbuf));
	if (rc == -ENOENT && conf_flag != NULL)
		fatalx("%s: no such file", conf_flag);
	if (rc == -ENOENT) {
		free(d.conf_path);
		d.conf_path = NULL;
	} else if (rc != 0) {
		fatalx("%s", errbuf);
	}
	if (dir_flag != NULL && strcmp(dir_flag, d.conf.data_dir) != 0) {
		/* -d beats the file's data_dir; a derived socket path follows. */
		char derived[4096];
		snprintf(derived, sizeof(derived), "%s/control.sock",
		    d.conf.data_dir);
		if (strcmp(derived, d.conf.control_socket) == 0) {
			snprintf(derived, sizeof(derived), "%s/control.sock",
			    dir_flag);
			free(d.conf.control_socket);
			if ((d.conf.control_socket = strdup(derived)) == NULL)
				fatalx("out of memory");
		}
		free(d.conf.data_dir);
		if ((d.conf.data_dir = strdup(dir_flag)) == NULL)
			fatalx("out of memory");
	}
	if (level_flag != NULL) {
		if (log_level_parse(level_flag, &level) != 0)
			fatalx("-l %s: not one of error, warn, info, debug",
			    level_flag);
		d.conf.log_level = level;
	}
	if (listen_flag != NULL) {
		char text[512];
		snprintf(text, sizeof(text), "[network]\nlisten = %s\n",
		    listen_flag);
		/* Through the table, so the flag is checked like the file. */
		free(d.conf.listen);
		d.conf.listen = NULL;
		if (conf_load_string(&d.conf, text, "--listen", errbuf,
		    sizeof(errbuf)) != 0)
			fatalx("%s", errbuf);
	}
	if (verbose && !check)
		d.conf.log_level = LOG_LEVEL_DEBUG;
	d.log_level_fixed = level_flag != NULL || (verbose && !check);
	if (check) {
		if (verbose)
			conf_print(&d.conf, stdout);
		else
			printf("configuration OK\n");
		conf_free(&d.conf);
		free(d.conf_path);
		return 0;
	}
	log_set_level(d.conf.log_level);

	/* Stage 2: the data directory, one daemon per directory. Every file
	 * we make (the WAL and shm files too) is for our user only. */
	umask(077);
	if ((rc = make_dir(d.conf.data_dir)) != 0)
		fatalx("%s: cannot create the data directory: %s",
		    d.conf.data_dir, strerror(-rc));
	snprintf(pid_path, sizeof(pid_path), "%s/tvaersd.pid", d.conf.data_dir);
	if ((pid_fd = pidfile_acquire(pid_path, &owner, errbuf,
	    sizeof(errbuf))) < 0)
		fatalx("%s", errbuf);

	/* Stage 3: the key and the store. */
	if (tv_sign_init() != 0)
		fatalx("libsodium failed to initialise");
	snprintf(path, sizeof(path), "%s/area.key", d.conf.data_dir);
	if (keyfile_load_or_create(path, &kp, &key_created, errbuf,
	    sizeof(errbuf)) != 0)
		fatalx("%s", errbuf);
	snprintf(path, sizeof(path), "%s/tvaers.db", d.conf.data_dir);
	if (store_open(path, &d.store, errbuf, sizeof(errbuf)) != 0)
		fatalx("store: %s", errbuf);
	area_init(&d.area, &kp, d.store);
	d.area.on_written = sync_area_written;
	d.area.on_written_arg = &d;
	d.area.event_keep_months = d.conf.event_keep_months;
	tv_keypair_wipe(&kp);
	apply_profile(&d);
	expire_sweep(&d, &expired);	/* before anything is served */

	/* Stage 4: the loop, the control socket, the signals. */
	d.loop = uv_default_loop();
	d.started = time(NULL);
	if ((rc = expire_open(&d, &d.expire)) != 0)
		fatalx("expire: %s", uv_strerror(rc));
	if (control_open(&d, d.conf.control_socket, &d.control, errbuf,
	    sizeof(errbuf)) != 0) {
		uv_run(d.loop, UV_RUN_NOWAIT);
		fatalx("control: %s", errbuf);
	}
	if (net_open(&d, &d.net, errbuf, sizeof(errbuf)) != 0) {
		control_close(d.control);
		uv_run(d.loop, UV_RUN_NOWAIT);
		fatalx("net: %s", errbuf);
	}
	memset(&sig, 0, sizeof(sig));
	sig.d = &d;
	uv_signal_init(d.loop, &sig.term);
	uv_signal_init(d.loop, &sig.intr);
	uv_signal_init(d.loop, &sig.hup);
	sig.term.data = sig.intr.data = sig.hup.data = &sig;
	uv_signal_start(&sig.term, on_signal, SIGTERM);
	uv_signal_start(&sig.intr, on_signal, SIGINT);
	uv_signal_start(&sig.hup, on_signal, SIGHUP);
	signal(SIGPIPE, SIG_IGN);
	greet(&d, key_created);

	uv_run(d.loop, UV_RUN_DEFAULT);

	/* Every handle is closed: the loop ran dry. */
	if (uv_loop_close(d.loop) != 0)
		log_warnx("tvaersd: event loop closed with handles open");
	store_close(d.store);
	area_close(&d.area);
	pidfile_release(pid_fd, pid_path);
	conf_free(&d.conf);
	free(d.conf_path);
	log_info("tvaersd: stopped");
	return 0;
}
