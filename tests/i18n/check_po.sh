#!/bin/sh
# The Danish catalogue is complete: every message the sources mark for
# translation (po/extract.sh) has a Danish translation in po/da.po that is
# neither empty nor fuzzy, format strings agree (msgfmt --check), and the
# checked-in po/tvaers.pot matches the sources. Fails naming each message
# that lacks a translation and what to run.
#   tests/i18n/check_po.sh SOURCE_DIR
set -eu
src=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tvaers-po.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
status=0

"$src/po/extract.sh" "$src" "$tmp/tvaers.pot"

# Translations of messages that are no longer in the sources are ignored
# here (msgmerge marks them obsolete); new messages come out untranslated.
msgmerge --quiet --no-fuzzy-matching --no-wrap -o "$tmp/merged.po" \
	"$src/po/da.po" "$tmp/tvaers.pot"
for what in untranslated only-fuzzy; do
	msgattrib --$what --no-obsolete --no-wrap -o "$tmp/$what.po" \
		"$tmp/merged.po"
	# msgattrib writes no file when nothing is left.
	if [ -s "$tmp/$what.po" ] && grep -q '^msgid ' "$tmp/$what.po"; then
		echo "FAIL: po/da.po lacks a Danish translation ($what) of:" >&2
		# Each message with where it is used; the header is left out.
		awk '/^msgid ""$/ && !seen++ { skip = 1 } skip && /^$/ { skip = 0; next }
		    !skip && !/^# /' "$tmp/$what.po" >&2
		status=1
	fi
done
if [ "$status" -ne 0 ]; then
	cat >&2 <<'MSG'
Translate them in po/da.po: cmake --build build --target pot, then
msgmerge --update --no-fuzzy-matching --no-wrap po/da.po po/tvaers.pot,
then fill in each empty msgstr (and remove "#, fuzzy" once checked).
MSG
fi

# Messages that were never marked cannot be missed above: an error whose
# format is a bare literal, or a command whose summary is not N_("...").
unmarked=$(cd "$src" && { grep -nE 'cli_err\("[^"]*[a-z]{2}|cli_usage_err\([^,()]+, *"[^"]*[a-z]{2}' cli/*.c;
	# The summary follows the usage, which may run over several lines.
	awk '/^\t\{ "[a-z_]+", cmd_[a-z_]+,/ { row = 1; usage_done = /",$/; next }
	    row && !usage_done { usage_done = /",$/; next }
	    row && $0 !~ /^\t    N_\(/ {
		print FILENAME ":" FNR ": command summary not marked N_()" }
	    { row = 0 }' cli/main.c; } || true)
if [ -n "$unmarked" ]; then
	echo "FAIL: user-visible text not marked for translation (wrap it in" \
		"_() or N_()):" >&2
	echo "$unmarked" >&2
	status=1
fi

if ! msgfmt --check -o /dev/null "$src/po/da.po"; then
	echo "FAIL: msgfmt --check refuses po/da.po (see above)" >&2
	status=1
fi

if ! diff -u "$src/po/tvaers.pot" "$tmp/tvaers.pot" >"$tmp/pot.diff"; then
	echo "FAIL: po/tvaers.pot is not what the sources give; run" \
		"cmake --build build --target pot and commit it:" >&2
	head -40 "$tmp/pot.diff" >&2
	status=1
fi
[ "$status" -eq 0 ] && echo "po/da.po translates all $(grep -c '^msgid ' \
	"$tmp/tvaers.pot") messages (the header included)"
exit "$status"
