/*
 * The language of human output (i18n.h): gettext with the catalogue of the
 * build tree or of the installation, forced to Danish when asked for even
 * where no Danish locale is installed.
 */
#include "i18n.h"

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef TVAERS_LOCALEDIR
/* CMake passes both; these fallbacks keep a hand build working. */
#define TVAERS_LOCALEDIR "/usr/local/share/locale"
#endif
#ifndef TVAERS_BUILD_DIR
#define TVAERS_BUILD_DIR ""
#endif

static bool is_da;
static const char *localedir = TVAERS_LOCALEDIR;

/* The locale of messages as POSIX chooses it: LC_ALL, LC_MESSAGES, LANG. */
static const char *
env_locale(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	const char *v;

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if ((v = getenv(vars[i])) != NULL && *v)
			return v;
	return "C";
}

/* GNU gettext's rule: LANGUAGE (its first entry) counts unless the locale is C. */
static bool
env_wants_danish(void)
{
	const char *loc = env_locale(), *language = getenv("LANGUAGE");

	if (strcmp(loc, "C") == 0 || strcmp(loc, "POSIX") == 0)
		return false;
	if (language != NULL && *language)
		return strncmp(language, "da", 2) == 0;
	return strncmp(loc, "da", 2) == 0;
}

/*
 * The catalogue: $TVAERS_LOCALEDIR; the build tree's for a tvaers run from
 * its build directory (so tests never see an older installed catalogue);
 * PREFIX/share/locale beside PREFIX/bin/tvaers, wherever it was installed
 * (cmake --install --prefix may differ from the configured prefix); else
 * the configured installation's.
 */
static const char *
find_localedir(void)
{
	static const char mo[] = "/da/LC_MESSAGES/" I18N_DOMAIN ".mo";
	static char exe[PATH_MAX], dir[PATH_MAX + 32];
	const char *env = getenv("TVAERS_LOCALEDIR");
	size_t n = strlen(TVAERS_BUILD_DIR);
	ssize_t len;
	char *slash, path[sizeof(dir) + sizeof(mo)];

	if (env != NULL && *env)
		return env;
	if ((len = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return TVAERS_LOCALEDIR;
	exe[len] = 0;
	if (n > 0 && (size_t)len > n && strncmp(exe, TVAERS_BUILD_DIR, n) == 0 &&
	    exe[n] == '/' && strchr(exe + n + 1, '/') == NULL)
		return TVAERS_BUILD_DIR "/locale";
	/* .../bin/tvaers -> .../share/locale */
	if ((slash = strrchr(exe, '/')) != NULL) {
		*slash = 0;
		snprintf(dir, sizeof(dir), "%s/../share/locale", exe);
		snprintf(path, sizeof(path), "%s%s", dir, mo);
		if (access(path, R_OK) == 0)
			return dir;
	}
	return TVAERS_LOCALEDIR;
}

bool
i18n_init(const char *lang)
{
	bool is_known = lang == NULL || strcmp(lang, "da") == 0 ||
	    strcmp(lang, "en") == 0;

	is_da = lang != NULL ? strcmp(lang, "da") == 0 : env_wants_danish();
	if (!is_da)
		return is_known;
	/*
	 * gettext translates only when LC_MESSAGES is no "C" locale, and takes
	 * the language from LANGUAGE first. da_DK.UTF-8 is often not
	 * generated, so messages run under C.UTF-8 (built into glibc) with
	 * LANGUAGE=da. Numbers stay in the C locale: --json never changes.
	 */
	setlocale(LC_CTYPE, "");
	if (setlocale(LC_MESSAGES, "") == NULL ||
	    strcmp(setlocale(LC_MESSAGES, NULL), "C") == 0 ||
	    strcmp(setlocale(LC_MESSAGES, NULL), "POSIX") == 0)
		if (setlocale(LC_MESSAGES, "C.UTF-8") == NULL)
			setlocale(LC_MESSAGES, "C.utf8");
	setenv("LANGUAGE", "da", 1);
	localedir = find_localedir();
	bindtextdomain(I18N_DOMAIN, localedir);
	/* Records are UTF-8 whatever the terminal's locale says. */
	bind_textdomain_codeset(I18N_DOMAIN, "UTF-8");
	textdomain(I18N_DOMAIN);
	return is_known;
}

bool
i18n_is_da(void)
{
	return is_da;
}

enum tv_lang
i18n_lang(void)
{
	return is_da ? TV_LANG_DA : TV_LANG_EN;
}

const char *
i18n_gettext(const char *msgid)
{
	return is_da ? dgettext(I18N_DOMAIN, msgid) : msgid;
}

const char *
i18n_pgettext(const char *ctx_msgid, const char *msgid)
{
	const char *t;

	if (!is_da)
		return msgid;
	t = dgettext(I18N_DOMAIN, ctx_msgid);
	return t == ctx_msgid ? msgid : t;
}

const char *
i18n_ngettext(const char *one, const char *many, unsigned long n)
{
	if (!is_da)
		return n == 1 ? one : many;
	return dngettext(I18N_DOMAIN, one, many, n);
}

const char *
i18n_localedir(void)
{
	return localedir;
}
