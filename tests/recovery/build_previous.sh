#!/bin/bash
# tests/recovery/build_previous.sh SOURCE_ROOT CACHE_DIR: builds the
# previous release's jianyid (the commit deploy/previous-release names) from
# the clone's own history, for the test rolling_upgrade, and prints its
# path. Only jianyid: no CLI, desk, tests or man pages, no optimization
# (the quickest build). Cached in CACHE_DIR/COMMIT: a second run finds the
# sources unpacked and the build done, and ninja has nothing to do.
# Exits 77 (meson: skipped) with the reason on stderr when git, the commit
# (a shallow clone, a tarball) or the build is not available.
set -euo pipefail

src=${1:?usage: build_previous.sh SOURCE_ROOT CACHE_DIR}
cache=${2:?usage: build_previous.sh SOURCE_ROOT CACHE_DIR}

skip() {
	echo "build_previous: skipped: $*" >&2
	exit 77
}

commit=$(grep -v '^#' "$src/deploy/previous-release" | grep -m1 -Ex '[0-9a-f]{40}') ||
	skip "deploy/previous-release names no commit (one line of 40 hex digits)"
command -v git >/dev/null || skip "git is not installed"
command -v meson >/dev/null || skip "meson is not installed"
# The clone may belong to another user than the one running the tests.
git_src=(git -c "safe.directory=$src" -C "$src")
why=$("${git_src[@]}" rev-parse --git-dir 2>&1) ||
	skip "$src is not a git clone ($why): the previous release comes from its history"
"${git_src[@]}" cat-file -e "$commit^{commit}" 2>/dev/null ||
	skip "commit $commit (deploy/previous-release) is not in this clone; a shallow clone? (git fetch --unshallow)"

dir=$cache/$commit
mkdir -p "$cache"
# One build at a time, even if two test runs share the build folder.
exec 9>"$cache/lock"
flock 9

if [[ ! -f $dir/src/meson.build ]]; then
	rm -rf -- "$dir"
	mkdir -p "$dir/src.part"
	"${git_src[@]}" archive "$commit" | tar -x -C "$dir/src.part"
	mv "$dir/src.part" "$dir/src"
fi
if [[ ! -f $dir/build/build.ninja ]]; then
	rm -rf -- "$dir/build"
	# Every option the previous release's meson_options.txt has that
	# leaves a part out (the tests run the CLI of this tree).
	opts=(--buildtype=plain -Db_sanitize=none)
	for o in client tests desk man; do
		if grep -q "option('$o'" "$dir/src/meson_options.txt"; then
			opts+=("-D$o=disabled")
		fi
	done
	meson setup "${opts[@]}" "$dir/build" "$dir/src" >"$dir/setup.log" 2>&1 ||
		skip "meson setup of $commit failed (see $dir/setup.log)"
fi
meson compile -C "$dir/build" jianyid >"$dir/build.log" 2>&1 ||
	skip "the build of $commit's jianyid failed (see $dir/build.log)"
[[ -x $dir/build/server/jianyid ]] || skip "$commit's build made no server/jianyid"
echo "$dir/build/server/jianyid"
