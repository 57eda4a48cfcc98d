#!/usr/bin/env bash
# Durable local writes through the control socket, beside the bound of this
# disk: single-row synchronous=FULL SQLite commits per second, measured in
# the same run on the same file system.
source "$(dirname "$0")/../integration/lib.sh"

N=${BENCH_N:-10000}
H=$TEST_TMP/area
start_daemon "$H"

t0=$(date +%s.%N)
"$CTLPOKE" "$H/control.sock" adds "$N" association >/dev/null
t1=$(date +%s.%N)
"$CTLPOKE" "$H/control.sock" batch "$N" project >/dev/null
t2=$(date +%s.%N)
bound=$("$BENCH_COMMIT" "$TEST_TMP" 2000)

one=$(echo "$N / ($t1 - $t0)" | bc -l)
batch=$(echo "$N / ($t2 - $t1)" | bc -l)
printf 'bench writes: %d durable adds one at a time: %.0f records/s\n' "$N" "$one"
printf 'bench writes: %d adds as one batch:           %.0f records/s\n' "$N" "$batch"
printf 'bench writes: bound, single-row synchronous=FULL commits on this disk: %s commits/s\n' "$bound"
printf 'bench writes: one-at-a-time adds reach %.0f%% of the commit bound\n' \
	"$(echo "100 * $one / $bound" | bc -l)"
