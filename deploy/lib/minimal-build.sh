#!/bin/bash
# deploy/lib/minimal-build.sh BUILDDIR: proves that jianyid builds and runs
# on a machine without the packages only the tests or optional parts need.
#
# Run by deploy/test as root. In a private mount namespace it hides
# valgrind, testssl.sh, chromium, cmocka, SQLite, libxlsxwriter, GTK 4,
# libsystemd and scdoc (their programs, pkg-config files and headers are
# covered by /dev/null or an empty folder, for this process tree only),
# configures and builds BUILDDIR with --werror, checks that meson left out
# exactly the parts that need them (the CLI, the desk, the tests, sd_notify,
# the man pages), then starts the built jianyid on its embedded
# PostgreSQL with throw-away certificates and waits for /healthz.
# Exits 0 when all of that worked, non-zero with a message otherwise.
set -euo pipefail

builddir=${1:?usage: minimal-build.sh BUILDDIR}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

if [[ ${JY_MINIMAL_INSIDE:-} != 1 ]]; then
	if ((EUID != 0)); then
		echo "minimal-build: needs root (a mount namespace hides the optional packages)" >&2
		exit 1
	fi
	JY_MINIMAL_INSIDE=1 exec unshare --mount --propagation private "$0" "$@"
fi

multiarch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
hidden_files=(
	/usr/bin/valgrind /usr/bin/valgrind.bin /usr/bin/testssl /usr/bin/chromium
	"/usr/lib/$multiarch/pkgconfig/cmocka.pc" /usr/include/cmocka.h /usr/include/cmocka_pbc.h
	"/usr/lib/$multiarch/pkgconfig/sqlite3.pc" /usr/include/sqlite3.h /usr/include/sqlite3ext.h
	"/usr/lib/$multiarch/pkgconfig/xlsxwriter.pc" /usr/include/xlsxwriter.h
	"/usr/lib/$multiarch/pkgconfig/libsystemd.pc" /usr/bin/scdoc
	"/usr/lib/$multiarch/pkgconfig/gtk4.pc"
)
hidden_dirs=(/usr/include/xlsxwriter /usr/lib/chromium "/usr/lib/$multiarch/cmake/cmocka")
for f in "${hidden_files[@]}"; do
	if [[ -e $f ]]; then
		mount --bind /dev/null "$f"
	fi
done
for d in "${hidden_dirs[@]}"; do
	if [[ -d $d ]]; then
		mount -t tmpfs -o size=1m,mode=0755 jy-hidden "$d"
	fi
done
for prog in valgrind testssl chromium scdoc; do
	if [[ -x $(command -v "$prog" 2>/dev/null || true) ]]; then
		echo "minimal-build: $prog is still visible" >&2
		exit 1
	fi
done

tmp=$(mktemp -d /tmp/jianyi-minimal-XXXXXX)
chmod 0755 "$tmp"
pid=
cleanup() {
	if [[ -n $pid ]]; then
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf -- "$tmp"
}
trap cleanup EXIT

rm -rf -- "$builddir"
meson setup --werror "$builddir" >"$tmp/setup.log" 2>&1 || {
	cat "$tmp/setup.log" >&2
	echo "minimal-build: meson setup failed without the optional packages" >&2
	exit 1
}
meson compile -C "$builddir"
if [[ -e $builddir/client/jianyi || -e $builddir/desk || -e $builddir/tests ]]; then
	echo "minimal-build: the CLI, the desk or the tests were built although their packages were hidden" >&2
	exit 1
fi
# Without libsystemd the unit waits for no sd_notify; without scdoc no man pages.
grep -qx 'Type=simple' "$builddir/jianyid.service" || {
	echo "minimal-build: the unit is not Type=simple although libsystemd was hidden" >&2
	exit 1
}
if compgen -G "$builddir/docs/man/*.[158]" >/dev/null; then
	echo "minimal-build: man pages were built although scdoc was hidden" >&2
	exit 1
fi
[[ -x $builddir/server/jianyid ]] || {
	echo "minimal-build: no jianyid in $builddir" >&2
	exit 1
}

# Run it: embedded PostgreSQL (as the postgres user), dev certificates.
deploy/pki ca "$tmp/pki" --cn "minimal CA" >/dev/null
deploy/pki server "$tmp/pki" server --ip 127.0.0.1 >/dev/null
"$builddir/server/jianyid" --listen 127.0.0.1:0 --http-listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 \
	--cert "$tmp/pki/server.crt" --key "$tmp/pki/server.key" --ca "$tmp/pki/ca.crt" \
	--data-dir "$tmp/data" --ready-file "$tmp/ready" --http-ready-file "$tmp/http-ready" \
	2>"$tmp/jianyid.log" &
pid=$!
for _ in $(seq 1 600); do
	[[ -s $tmp/http-ready && -s $tmp/ready ]] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
if [[ ! -s $tmp/http-ready ]]; then
	cat "$tmp/jianyid.log" >&2
	echo "minimal-build: jianyid did not start" >&2
	exit 1
fi
http=$(<"$tmp/http-ready")
answer=$(python3 -c 'import sys, urllib.request; print(urllib.request.urlopen("http://" + sys.argv[1] + "/healthz", timeout=10).read().decode())' "$http")
if [[ $answer != ok* ]]; then
	echo "minimal-build: /healthz answered '$answer'" >&2
	exit 1
fi
echo "minimal-build: jianyid built and served /healthz without valgrind, testssl.sh, chromium, cmocka, SQLite or libxlsxwriter"
