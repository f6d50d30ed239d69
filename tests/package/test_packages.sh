#!/bin/bash
# tests/package/test_packages.sh: the Debian packages (debian/) build from a
# clean copy of the tree with "dpkg-buildpackage -us -uc -b", lintian
# reports no error, "apt-get install ./*.deb" installs them on this machine
# (the jianyi user, /etc/jianyi with its conffile, /var/lib/jianyi, the unit
# enabled), the installed jianyid starts as the unit would start it (as
# jianyi, with the unit's ExecStart, telling systemd READY=1 through
# NOTIFY_SOCKET), and "apt-get purge" leaves nothing behind.
#
# Run by deploy/test as its own step (not by meson test: it takes minutes),
# as root, on a machine where none of the packages is installed. Needs the
# build dependencies of debian/control (deploy/lib/packages.sh,
# JY_PACKAGING_PACKAGES, installs them). The packages and the logs stay in
# build-package/ (JIANYI_PACKAGE_REUSE=1: test the packages found there
# again instead of building them). Exit status 0: every check passed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
packages=(jianyid jianyi jianyi-desk libjianyi0 libjianyi-dev)
started=$SECONDS

fail() {
	echo "test_packages: FAIL: $*" >&2
	exit 1
}
note() { echo "test_packages: $*" >&2; }

((EUID == 0)) || fail "needs root (it installs and purges packages)"
for p in "${packages[@]}"; do
	if dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^.i'; then
		fail "$p is installed already; this test would replace and purge it"
	fi
done

out=$root/build-package
tmp=$(mktemp -d /tmp/jianyi-package.XXXXXX)
chmod 0755 "$tmp"   # the jianyi user reaches the certificates and the socket
pid=
installed=no
cleanup() {
	if [[ -n $pid ]]; then
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	if [[ $installed == yes ]]; then
		DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "${packages[@]}" >/dev/null 2>&1 || true
	fi
	rm -rf -- "$tmp"
}
trap cleanup EXIT

# --- Build from a clean copy: the files git knows (tracked or not ignored),
# so no build folder of the developer's gets in.
src=$tmp/jianyi
mkdir "$src"
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$root" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 cp --parents -t "$src" 2>/dev/null) || true
else
	(cd "$root" && tar --exclude='./build*' --exclude='./var' -cf - .) | tar -C "$src" -xf -
fi
[[ -f $src/debian/control && -f $src/meson.build ]] || fail "could not copy the tree to $src"
(cd "$src" && dpkg-checkbuilddeps) ||
	fail "build dependencies missing (deploy/lib/packages.sh JY_PACKAGING_PACKAGES and debian/control disagree?)"
mkdir -p "$out"
if [[ ${JIANYI_PACKAGE_REUSE:-} == 1 ]] && compgen -G "$out/jianyid_*.deb" >/dev/null; then
	note "testing the packages in $out again (JIANYI_PACKAGE_REUSE=1)"
else
	rm -f -- "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
	note "dpkg-buildpackage -us -uc -b (log: $out/build.log)"
	if ! (cd "$src" && DEB_BUILD_OPTIONS="parallel=$(nproc) ${DEB_BUILD_OPTIONS:-}" \
		dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1; then
		tail -n 40 "$out/build.log" >&2
		fail "dpkg-buildpackage failed"
	fi
	mv -- "$tmp"/*.deb "$tmp"/*.changes "$tmp"/*.buildinfo "$out"/
fi
debs=()
for p in "${packages[@]}"; do
	f=$(compgen -G "$out/${p}_*.deb" | head -n1) || true
	[[ -n $f ]] || fail "no $p package was built"
	debs+=("$f")
done
build_s=$((SECONDS - started))

# --- lintian: no error. Warnings are listed (docs/OPERATIONS.md says which
# remain and why).
changes=$(compgen -G "$out/jianyi_*.changes" | head -n1)
lintian --fail-on error --no-tag-display-limit "$changes" >"$out/lintian.log" 2>&1 || {
	cat "$out/lintian.log" >&2
	fail "lintian reports errors"
}
note "lintian: $(grep -c '^E:' "$out/lintian.log" || true) errors, $(grep -c '^W:' "$out/lintian.log" || true) warnings"
grep '^[EW]:' "$out/lintian.log" >&2 || true

# --- Install.
installed=yes
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${debs[@]}" \
	>"$tmp/install.log" 2>&1 || { cat "$tmp/install.log" >&2; fail "apt-get install failed"; }

getent passwd jianyi >/dev/null || fail "no jianyi user"
IFS=: read -r _ _ uid _ _ home shell < <(getent passwd jianyi)
((uid < 1000)) || fail "jianyi is not a system user (uid $uid)"
[[ $home == /var/lib/jianyi ]] || fail "jianyi's home is $home"
[[ $shell == */nologin ]] || fail "jianyi's shell is $shell"
getent group jianyi >/dev/null || fail "no jianyi group"
[[ $(stat -c '%U:%G %a' /etc/jianyi) == 'root:jianyi 750' ]] ||
	fail "/etc/jianyi is $(stat -c '%U:%G %a' /etc/jianyi), not root:jianyi 750"
[[ $(stat -c '%U:%G %a' /etc/jianyi/jianyid.ini) == 'root:jianyi 640' ]] ||
	fail "/etc/jianyi/jianyid.ini is $(stat -c '%U:%G %a' /etc/jianyi/jianyid.ini)"
cmp -s /etc/jianyi/jianyid.ini "$src/deploy/jianyid.ini.example" ||
	fail "/etc/jianyi/jianyid.ini is not deploy/jianyid.ini.example"
dpkg-query -W -f='${Conffiles}\n' jianyid | grep -q '^ /etc/jianyi/jianyid.ini ' ||
	fail "/etc/jianyi/jianyid.ini is not a conffile of jianyid"
[[ -d /etc/jianyi/pki ]] || fail "no /etc/jianyi/pki"
[[ $(stat -c '%U:%G %a' /var/lib/jianyi) == 'jianyi:jianyi 700' ]] ||
	fail "/var/lib/jianyi is $(stat -c '%U:%G %a' /var/lib/jianyi), not jianyi:jianyi 700"

unit=/lib/systemd/system/jianyid.service
[[ -f $unit ]] || fail "no $unit"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
[[ $exec_start == '/usr/bin/jianyid --config /etc/jianyi/jianyid.ini' ]] ||
	fail "the unit starts '$exec_start'"
grep -qx 'Type=notify' "$unit" || fail "the unit is not Type=notify"
grep -qx 'RestartPreventExitStatus=2' "$unit" || fail "the unit restarts on exit status 2"
[[ -L /etc/systemd/system/multi-user.target.wants/jianyid.service ]] ||
	fail "the unit is not enabled (no multi-user.target.wants link)"
if command -v systemd-analyze >/dev/null; then
	systemd-analyze verify "$unit" >"$tmp/verify.log" 2>&1 ||
		{ cat "$tmp/verify.log" >&2; fail "systemd-analyze verify $unit"; }
fi

# The binaries, the man pages, the completion, the library.
[[ $(/usr/bin/jianyid --version) == "jianyid "* ]] || fail "jianyid --version"
/usr/bin/jianyi version | grep -q '^client: *jianyi/' || fail "jianyi version"
# The desk needs a display to run; here: installed, and its libraries all found.
[[ -x /usr/bin/jianyi-desk ]] || fail "no /usr/bin/jianyi-desk"
for f in /usr/share/applications/cn.gov.renda.JianyiDesk.desktop \
	/usr/share/icons/hicolor/scalable/apps/cn.gov.renda.JianyiDesk.svg \
	/usr/share/metainfo/cn.gov.renda.JianyiDesk.metainfo.xml; do
	[[ -f $f ]] || fail "jianyi-desk: no $f"
done
if ldd /usr/bin/jianyi-desk | grep -q 'not found'; then
	fail "jianyi-desk: a library is not found"
fi
for f in /usr/share/man/man1/jianyi.1.gz /usr/share/man/zh_CN/man1/jianyi.1.gz \
	/usr/share/man/man5/jianyid.ini.5.gz /usr/share/man/man8/jianyid.8.gz \
	/usr/share/man/man8/jianyid-admin.8.gz /usr/share/man/zh_CN/man8/jianyid-admin.8.gz \
	/usr/share/bash-completion/completions/jianyi \
	/usr/share/doc/jianyi/README.md; do
	[[ -f $f ]] || fail "$f is not installed"
done
pc_version=$(pkg-config --modversion jianyi) || fail "pkg-config does not find jianyi.pc"
# shellcheck disable=SC2046 # pkg-config's flags are words
cc -o "$tmp/whoami" "$src/examples/jianyi-whoami.c" $(pkg-config --cflags --libs jianyi) ||
	fail "examples/jianyi-whoami.c does not build against the installed libjianyi-dev"
[[ $("$tmp/whoami" --version) == "libjianyi $pc_version" ]] || fail "the example does not run"

# --- Start the installed jianyid as the unit would: as jianyi, in its
# working directory, with its ExecStart. Without certificates (a fresh
# install) it stops with exit status 2, which the unit does not restart.
rc=0
# shellcheck disable=SC2086 # exec_start is the unit's command line
(cd /var/lib/jianyi && setpriv --reuid=jianyi --regid=jianyi --init-groups -- $exec_start) >"$tmp/nocert.log" 2>&1 || rc=$?
((rc == 2)) || { cat "$tmp/nocert.log" >&2; fail "without certificates jianyid exited $rc, not 2"; }

mkdir "$tmp/pki" "$tmp/run"
"$src/deploy/pki" ca "$tmp/pki" --cn "package test CA" >/dev/null
"$src/deploy/pki" server "$tmp/pki" server --ip 127.0.0.1 >/dev/null
chown -R jianyi:jianyi "$tmp/pki" "$tmp/run"
# systemd's side of sd_notify: a datagram socket that prints what it gets.
python3 - "$tmp/run/notify" >"$tmp/notify.log" 2>&1 <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)
s.settimeout(120)
print(s.recv(4096).decode(), flush=True)
PY
notify_pid=$!
for _ in $(seq 50); do [[ -S $tmp/run/notify ]] && break; sleep 0.1; done
# shellcheck disable=SC2086 # exec_start is the unit's command line
(cd /var/lib/jianyi && exec setpriv --reuid=jianyi --regid=jianyi --init-groups -- env NOTIFY_SOCKET="$tmp/run/notify" $exec_start \
	--cert "$tmp/pki/server.crt" --key "$tmp/pki/server.key" --ca "$tmp/pki/ca.crt" \
	--listen 127.0.0.1:0 --http-listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 \
	--ready-file "$tmp/run/ready" --http-ready-file "$tmp/run/http-ready") 2>"$tmp/jianyid.log" &
pid=$!
wait "$notify_pid" || true
grep -qx 'READY=1' "$tmp/notify.log" ||
	{ cat "$tmp/jianyid.log" "$tmp/notify.log" >&2; fail "jianyid sent no READY=1 to NOTIFY_SOCKET"; }
[[ -s $tmp/run/ready ]] ||
	{ cat "$tmp/jianyid.log" >&2; ls -l "$tmp/run" >&2; fail "READY=1 came before the ready file"; }
health=$(python3 -c 'import sys, urllib.request; print(urllib.request.urlopen("http://" + sys.argv[1] + "/healthz", timeout=10).read().decode())' "$(<"$tmp/run/http-ready")")
[[ $health == ok* ]] || fail "/healthz answered '$health'"
[[ -d /var/lib/jianyi/pg ]] || fail "the private cluster is not under /var/lib/jianyi"
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=
((rc == 0)) || { cat "$tmp/jianyid.log" >&2; fail "jianyid exited $rc after SIGTERM"; }

# --- Purge: nothing is left.
mapfile -t owned < <(dpkg -L "${packages[@]}" | sort -u)
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "${packages[@]}" >"$tmp/purge.log" 2>&1 ||
	{ cat "$tmp/purge.log" >&2; fail "apt-get purge failed"; }
installed=no
for f in "${owned[@]}"; do
	if [[ (-f $f || -L $f) && ! -d $f ]]; then   # /lib is a link to a folder
		fail "$f is left after the purge"
	fi
done
for f in /etc/jianyi /var/lib/jianyi /etc/systemd/system/multi-user.target.wants/jianyid.service \
	/var/lib/systemd/deb-systemd-helper-enabled/jianyid.service; do
	[[ ! -e $f && ! -L $f ]] || fail "$f is left after the purge"
done
if getent passwd jianyi >/dev/null || getent group jianyi >/dev/null; then
	fail "the jianyi user or group is left after the purge"
fi
note "ok: built in ${build_s} s, everything in $((SECONDS - started)) s"
