#!/bin/bash
# libjianyi as another program sees it (the issue "One source for each thing",
# part 3: a shared library with a soversion, only its API exported, an
# installed header and pkg-config file; part 4: `meson install` installs
# what an operator and a developer need). Installs the build into a
# temporary DESTDIR, checks what is there, then compiles the example
# program against that copy through pkg-config and runs it.
#   lib_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
tmp=$(mktemp -d /tmp/jianyi-lib-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest

fail() { echo "FAIL: $*" >&2; exit 1; }

meson install -C "$build" --no-rebuild --quiet --destdir "$dest" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log" >&2; fail "meson install failed"; }
prefix=$(find "$dest" -type f -path '*/bin/jianyid' -printf '%h\n' | head -n1)
[ -n "$prefix" ] || fail "jianyid is not installed"
prefix=${prefix%/bin}

# What the operator and the developer need, where the unit and docs say.
for f in bin/jianyid bin/jianyi include/jianyi/jianyi.h include/jianyi/jianyi.pb-c.h \
	include/jianyi/jy_limits.h \
	lib/systemd/system/jianyid.service share/doc/jianyi/README.md \
	share/doc/jianyi/WORKFLOW.md share/doc/jianyi/jianyid.ini.example; do
	[ -f "$prefix/$f" ] || fail "meson install did not install $f"
done
# The man pages (built when scdoc is there) and the CLI's bash completion.
if command -v scdoc >/dev/null; then
	for f in share/man/man1/jianyi.1 share/man/man5/jianyid.ini.5 share/man/man8/jianyid.8 \
		share/man/man8/jianyid-admin.8 share/man/zh_CN/man1/jianyi.1; do
		[ -f "$prefix/$f" ] || fail "meson install did not install $f"
	done
fi
[ -f "$prefix/share/bash-completion/completions/jianyi" ] ||
	fail "meson install did not install the bash completion for jianyi"
# The desk (when built) as a desktop application: launcher, icon, metadata.
if [ -f "$prefix/bin/jianyi-desk" ]; then
	for f in share/applications/cn.gov.renda.JianyiDesk.desktop \
		share/icons/hicolor/scalable/apps/cn.gov.renda.JianyiDesk.svg \
		share/metainfo/cn.gov.renda.JianyiDesk.metainfo.xml; do
		[ -f "$prefix/$f" ] || fail "meson install did not install $f"
	done
	if command -v scdoc >/dev/null; then
		for f in share/man/man1/jianyi-desk.1 share/man/zh_CN/man1/jianyi-desk.1; do
			[ -f "$prefix/$f" ] || fail "meson install did not install $f"
		done
	fi
fi
# The unit runs the binary installed beside it and points to the docs.
unit=$prefix/lib/systemd/system/jianyid.service
grep -qx "ExecStart=${prefix#"$dest"}/bin/jianyid --config /etc/jianyi/jianyid.ini" "$unit" ||
	fail "the installed unit does not start ${prefix#"$dest"}/bin/jianyid: $(grep '^ExecStart' "$unit")"
grep -qx "Documentation=file://${prefix#"$dest"}/share/doc/jianyi/README.md" "$unit" ||
	fail "the installed unit's Documentation= is not the installed README"
if grep -q '@[A-Z]*@' "$unit"; then fail "the installed unit has an unreplaced @VARIABLE@"; fi
if find "$dest" -name 'jianyi_test.h' | grep -q .; then
	fail "the test hooks header jianyi_test.h is installed"
fi
so=$(find "$dest" -name 'libjianyi.so.0' | head -n1)
pc=$(find "$dest" -name 'jianyi.pc' | head -n1)
[ -n "$so" ] || fail "libjianyi.so.0 (the soversion link) is not installed"
[ -n "$pc" ] || fail "jianyi.pc is not installed"
[ -e "$(dirname "$so")/libjianyi.so" ] || fail "libjianyi.so (for -ljianyi) is not installed"
readelf -d "$so" | grep -q 'Library soname: \[libjianyi.so.0\]' ||
	fail "libjianyi's SONAME is not libjianyi.so.0"

# Only the API is exported: jy_* names declared JY_API in the installed
# header, and the generated protobuf code (jianyi__*) that header exposes.
# A sanitized build (deploy/test's asan step) adds the sanitizers' own
# symbols (ASan's ODR indicators); they are not the library's.
nm -D --defined-only "$so" | awk '{print $NF}' |
	grep -v -E '^(__odr_asan|__asan|__ubsan|__sanitizer|__sancov)' | sort >"$tmp/exported"
bad=$(grep -v -E '^(jy_|jianyi__)' "$tmp/exported" || true)
[ -z "$bad" ] || fail "libjianyi exports symbols outside its API: $(tr '\n' ' ' <<<"$bad")"
grep -o '^JY_API[^(]*(' "$prefix/include/jianyi/jianyi.h" |
	sed -E 's/.*[ *]([a-z_0-9]+)\($/\1/' | sort >"$tmp/declared"
grep '^jy_' "$tmp/exported" >"$tmp/exported_jy" || true
if ! diff -u "$tmp/declared" "$tmp/exported_jy" >"$tmp/diff"; then
	cat "$tmp/diff" >&2
	fail "the exported jy_* symbols differ from the JY_API declarations (- declared only, + exported only)"
fi

# The example, built as an outside program would build it.
export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_SYSROOT_DIR=$dest
flags=$(pkg-config --cflags --libs jianyi) || fail "pkg-config cannot use jianyi.pc"
# shellcheck disable=SC2086 # flags are words
cc -std=c11 -Wall -Wextra -Werror -o "$tmp/jianyi-whoami" \
	"$src/examples/jianyi-whoami.c" $flags || fail "the example does not build through pkg-config"
# In a sanitized build libjianyi needs the ASan runtime, which this plain
# program does not load first; that is fine for this check.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
out=$(LD_LIBRARY_PATH=$(dirname "$so") "$tmp/jianyi-whoami" --version)
[ "$out" = "libjianyi $(sed -n 's/^Version: //p' "$pc")" ] ||
	fail "the example printed '$out', not the library's version"
LD_LIBRARY_PATH=$(dirname "$so") ldd "$tmp/jianyi-whoami" | grep -q "$so" ||
	fail "the example does not load the installed libjianyi.so.0"
echo "1 passed, 0 failed"
