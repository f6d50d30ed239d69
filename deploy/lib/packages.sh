# shellcheck shell=bash
# Debian packages Jianyi needs to build, test and run, and the function that
# installs the missing ones. Sourced by deploy/test and deploy/quickstart.

# What each is for: README.md, section "Dependencies".
# What jianyid needs to build and run (its embedded PostgreSQL included).
# shellcheck disable=SC2034 # used by the scripts that source this file
JY_SERVER_PACKAGES=(
	build-essential
	meson
	ninja-build
	pkg-config
	libevent-dev
	libssl-dev
	libpq-dev
	libprotobuf-c-dev
	protobuf-c-compiler
	libjson-c-dev
	libinih-dev
	postgresql
	openssl
	python3
)
# What the jianyi CLI adds: SQLite (its offline mirror) and libxlsxwriter
# (XLSX export); meson builds the CLI only when both are there (-Dclient).
# gettext compiles its translations (po/) and locales provides zh_CN.UTF-8,
# the locale its Chinese texts are shown in (jy_ensure_locale).
# shellcheck disable=SC2034
JY_CLIENT_PACKAGES=(
	libsqlite3-dev
	libxlsxwriter-dev
	gettext
	locales
)
# What the tests add: cmocka, pgbench (postgresql-client) for the
# benchmarks, plpgsql_check for the check of every PL/pgSQL function, GLib
# for the test that drives libjianyi from GLib's main loop, HAProxy for the
# test of several jianyid behind a balancer (tests/balance/).
# shellcheck disable=SC2034
JY_TEST_PACKAGES=(
	libcmocka-dev
	postgresql-client
	postgresql-15-plpgsql-check
	libglib2.0-dev
	haproxy
)
# The quickstart runs the server and the CLI; deploy/test needs everything.
# shellcheck disable=SC2034
JY_QUICKSTART_PACKAGES=("${JY_SERVER_PACKAGES[@]}" "${JY_CLIENT_PACKAGES[@]}")
# shellcheck disable=SC2034
JY_PACKAGES=("${JY_QUICKSTART_PACKAGES[@]}" "${JY_TEST_PACKAGES[@]}")

# Installed by deploy/test only for the steps that need them.
# The TLS audit test (tests/integration/test_tls_audit.c; skipped without it).
# shellcheck disable=SC2034
JY_TLS_AUDIT_PACKAGES=(testssl.sh)
# The portal's browser test (tests/integration/test_http_browser.c; skipped
# without it): headless Chromium and a font with Chinese glyphs.
# shellcheck disable=SC2034
JY_BROWSER_PACKAGES=(chromium fonts-wqy-microhei)
# jianyi-desk (desk/, built when GTK 4 is found) and its test
# (tests/desk/test_desk.c; skipped without them): Xvfb with xauth for
# xvfb-run, a D-Bus session and the AT-SPI bus, dogtail and pyatspi that
# drive the desk through its accessibility tree, and a font with Chinese
# glyphs for the screenshots; desktop-file-validate and appstreamcli for
# test desk_data (tests/desk/desk_data.sh).
# shellcheck disable=SC2034
JY_DESK_PACKAGES=(libgtk-4-dev xvfb xauth dbus-x11 at-spi2-core python3-dogtail python3-pyatspi
	fonts-noto-cjk desktop-file-utils appstream)
# The fuzz step: clang, and libFuzzer with clang's sanitizer runtimes
# (libclang-rt is only recommended by clang, and we install no recommends).
# shellcheck disable=SC2034
JY_FUZZ_PACKAGES=(clang libclang-rt-14-dev)
# The package step (tests/package/test_packages.sh): what debian/control's
# Build-Depends adds to the above (dpkg-checkbuilddeps there says when the
# two disagree), dpkg-buildpackage and lintian. With them the other steps
# also build the man pages and jianyid's sd_notify.
# shellcheck disable=SC2034
JY_PACKAGING_PACKAGES=(dpkg-dev debhelper lintian scdoc bash-completion libsystemd-dev libgtk-4-dev)
# Not installed by any script: meson test --setup valgrind (README.md).

# Prints the packages from the arguments that are not installed, one a line.
jy_missing_packages() {
	local pkg status
	for pkg in "$@"; do
		status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null) || status=
		if [[ $status != ii* ]]; then
			printf '%s\n' "$pkg"
		fi
	done
}

# The locale the CLI's Chinese texts need (and test cli_zh runs in):
# generates zh_CN.UTF-8 when "locale -a" lacks it. Needs root then.
jy_ensure_locale() {
	if locale -a 2>/dev/null | grep -qiE '^zh_CN\.utf-?8$'; then
		return 0
	fi
	if ((EUID != 0)); then
		echo "locale: zh_CN.UTF-8 is missing; as root: localedef -i zh_CN -f UTF-8 zh_CN.UTF-8" >&2
		return 1
	fi
	echo "locale: generating zh_CN.UTF-8" >&2
	if [[ -f /etc/locale.gen ]] && command -v locale-gen >/dev/null 2>&1; then
		# uncomment (or add) it, so that a later locale-gen keeps it
		if grep -qE '^# *zh_CN\.UTF-8 UTF-8' /etc/locale.gen; then
			sed -i -E 's/^# *(zh_CN\.UTF-8 UTF-8)/\1/' /etc/locale.gen
		elif ! grep -qE '^zh_CN\.UTF-8 UTF-8' /etc/locale.gen; then
			echo 'zh_CN.UTF-8 UTF-8' >>/etc/locale.gen
		fi
		locale-gen >/dev/null || return 1
	else
		localedef -i zh_CN -f UTF-8 zh_CN.UTF-8 || return 1
	fi
}

# Installs whatever of the packages given (usually "${JY_PACKAGES[@]}") is missing.
# Runs "apt-get update" only when something is missing. Returns non-zero,
# with a message, when it cannot install (not root, apt failed).
jy_install_packages() {
	local -a want=("$@") missing
	if ! command -v dpkg-query >/dev/null 2>&1; then
		echo "packages: dpkg-query not found; this script expects Debian 12" >&2
		return 1
	fi
	mapfile -t missing < <(jy_missing_packages "${want[@]}")
	if ((${#missing[@]} == 0)); then
		return 0
	fi
	if ((EUID != 0)); then
		echo "packages: missing ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}" >&2
		return 1
	fi
	echo "packages: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get update -q </dev/null; then
		echo "packages: apt-get update failed" >&2
		return 1
	fi
	if ! apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null; then
		echo "packages: apt-get install ${missing[*]} failed" >&2
		return 1
	fi
	mapfile -t missing < <(jy_missing_packages "${want[@]}")
	if ((${#missing[@]} != 0)); then
		echo "packages: still missing after install: ${missing[*]}" >&2
		return 1
	fi
}
