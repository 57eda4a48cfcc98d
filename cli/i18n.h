/*
 * The language of human output. Danish comes from the gettext catalogue
 * po/da.po (built into tvaers.mo); English is the text in the source, so
 * English never depends on a catalogue or a locale being installed.
 * Subcommands, option names and --json output never change with the
 * language. Call i18n_init once, before any output.
 *
 *	_("text")            a translated sentence (a printf format if it has %)
 *	N_("text")           marks text in a table; translate where it is used
 *	C_("context", "x")   a short word whose meaning needs a context
 *	ngettext(one, many, n)  a sentence whose form follows a number
 */
#ifndef TVAERS_CLI_I18N_H
#define TVAERS_CLI_I18N_H

#include <stdbool.h>

#include <libintl.h>

#include "dkfmt.h"

#define I18N_DOMAIN "tvaers"

#define _(s) i18n_gettext(s)
#define N_(s) s
#define C_(ctx, s) i18n_pgettext(ctx "\004" s, s)
#undef ngettext
#define ngettext(one, many, n) i18n_ngettext(one, many, n)

/*
 * Chooses the language: lang ("da" or "en") from --lang, or NULL to follow
 * the environment as gettext does (LC_ALL, LC_MESSAGES, LANG; LANGUAGE
 * unless the locale is C): Danish for "da*", English otherwise. Danish
 * works without the da_DK locale installed. Returns false if lang is
 * neither "da" nor "en" (English is chosen).
 */
bool i18n_init(const char *lang);
/* True if human output is Danish. */
bool i18n_is_da(void);
/* The language for proto's formatters. */
enum tv_lang i18n_lang(void);
/* msgid translated, or msgid itself (English, or no translation). */
const char *i18n_gettext(const char *msgid) __attribute__((format_arg(1)));
/* ctx_msgid is "context\004msgid"; returns its translation or msgid. */
const char *i18n_pgettext(const char *ctx_msgid, const char *msgid)
    __attribute__((format_arg(2)));
/* one or many by n, translated. */
const char *i18n_ngettext(const char *one, const char *many, unsigned long n)
    __attribute__((format_arg(1))) __attribute__((format_arg(2)));
/* Where the catalogue was looked for (for --version and tests). */
const char *i18n_localedir(void);

#endif
