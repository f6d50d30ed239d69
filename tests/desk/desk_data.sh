#!/bin/bash
# The desk's .desktop file and AppStream metadata (desk/data) are valid as
# the desktops and software centres read them. Skipped (77) without
# desktop-file-validate (desktop-file-utils) or appstreamcli (appstream).
#   desk_data.sh DESKTOP_FILE METAINFO_FILE
set -euo pipefail
desktop=$1
metainfo=$2
for tool in desktop-file-validate appstreamcli; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
desktop-file-validate "$desktop"
appstreamcli validate --no-net "$metainfo"
# The names the window, the icon and the launcher share: the application id.
id=$(basename "$desktop" .desktop)
grep -qx "Icon=$id" "$desktop" || { echo "FAIL: Icon= is not $id" >&2; exit 1; }
grep -q "<id>$id</id>" "$metainfo" || { echo "FAIL: <id> is not $id" >&2; exit 1; }
grep -q "<launchable type=\"desktop-id\">$id.desktop</launchable>" "$metainfo" ||
	{ echo "FAIL: the launchable is not $id.desktop" >&2; exit 1; }
