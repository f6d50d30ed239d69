#!/bin/bash
# The translations are complete and current (test po_check):
#  1. po/POTFILES.in lists exactly the sources that mark texts (_(, N_(,
#     ngettext();
#  2. every .po in po/LINGUAS holds exactly the msgids xgettext finds in
#     them now (no text left out, none stale);
#  3. msgfmt --check accepts each, with 0 fuzzy and 0 untranslated.
# Usage: po/check.sh SOURCE_ROOT
set -u
root=${1:?usage: check.sh SOURCE_ROOT}
cd "$root" || exit 1
status=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

grep -lE '\b(N?_|ngettext)\(' client/*.c client/*.h desk/*.c desk/*.h server/main.c server/admin/*.[ch] |
	grep -vE '^(client/(cli|lib)|server/admin/admin)_i18n\.[ch]$' |
	sort >"$tmp/marked"
grep -v '^#' po/POTFILES.in | sed '/^$/d' | sort >"$tmp/listed"
if ! diff -u "$tmp/listed" "$tmp/marked" >"$tmp/diff"; then
	echo "po/POTFILES.in is not the list of sources that mark texts (- listed, + marking):"
	cat "$tmp/diff"
	status=1
fi

xgettext --keyword=_ --keyword=N_ --from-code=UTF-8 --add-comments=TRANSLATORS: \
	--package-name=jianyi -f po/POTFILES.in -o "$tmp/jianyi.pot" || exit 1
# msgids only, one per entry, to compare as sets
msgids() {
	msgattrib --no-obsolete --no-wrap "$1" | msgcat --no-wrap --sort-output - |
		awk '/^msgid /{m=1; s=$0; next} /^msgid_plural|^msgstr/{if (m) print s; m=0; next}
		     m && /^"/{s = s $0}'
}
while read -r lang; do
	[[ -n $lang ]] || continue
	po=po/$lang.po
	msgids "$tmp/jianyi.pot" >"$tmp/want"
	msgids "$po" >"$tmp/have"
	if ! diff -u "$tmp/have" "$tmp/want" >"$tmp/diff"; then
		echo "$po is not current with the sources (- stale, + new); run: ninja jianyi-update-po"
		cat "$tmp/diff"
		status=1
	fi
	if ! stats=$(msgfmt --check --statistics -o /dev/null "$po" 2>&1); then
		echo "$po: msgfmt --check failed:"
		echo "$stats"
		status=1
		continue
	fi
	echo "$po: $stats"
	case $stats in
	*untranslated* | *fuzzy*)
		echo "$po: every message must be translated, none fuzzy"
		status=1
		;;
	esac
done < <(grep -v '^#' po/LINGUAS)
exit $status
