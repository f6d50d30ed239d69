#!/bin/bash
# run_fuzz.sh FUZZER SEEDGEN NAME WORKDIR SECONDS
# Runs one libFuzzer target for SECONDS on WORKDIR/corpus/NAME (seeded by
# SEEDGEN, kept between runs so a longer run builds on a shorter one) and
# fails on any crash, leak, sanitizer report or timeout; a crashing input is
# saved as WORKDIR/artifacts/NAME/crash-* (replay it with
# fuzz_NAME_replay FILE, or FUZZER FILE).
set -euo pipefail
if (($# != 5)); then
	echo "usage: $0 FUZZER SEEDGEN NAME WORKDIR SECONDS" >&2
	exit 2
fi
fuzzer=$1 seedgen=$2 name=$3 work=$4 seconds=$5
corpus=$work/corpus/$name
artifacts=$work/artifacts/$name
mkdir -p "$work/corpus" "$artifacts"
"$seedgen" "$name" "$corpus"

# UBSan reports must stop the run like ASan's do.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
log=$work/fuzz-$name.log
rc=0
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
	-print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1 || rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
peak=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
units=$(find "$corpus" -type f | wc -l)
if ((rc != 0)); then
	tail -n 60 "$log" >&2
	echo "fuzz_$name: FAILED (exit $rc); input saved under $artifacts" >&2
	ls -l "$artifacts" >&2 || true
	exit 1
fi
echo "fuzz_$name: ${execs:-?} executions in ${seconds} s, corpus ${units} inputs, peak RSS ${peak:-?} MB, no crash"
