#!/usr/bin/env bash
# `tvaers list association` with 100,000 records in the store: time to the
# first row and to the last (target: under 200 ms to the first row).
source "$(dirname "$0")/../integration/lib.sh"

N=${BENCH_N:-100000}
H=$TEST_TMP/area
start_daemon "$H"
left=$N
while [ "$left" -gt 0 ]; do
	chunk=$((left > 5000 ? 5000 : left))
	"$CTLPOKE" "$H/control.sock" batch "$chunk" association >/dev/null
	left=$((left - chunk))
done

ms() { echo "($2 - $1) * 1000" | bc -l; }
best_first=999999
best_all=999999
for run in 1 2 3; do
	t0=$(date +%s.%N)
	# head closes the pipe after the first row; tvaers then gets SIGPIPE.
	(tv "$H" list association || true) | head -n 2 >/dev/null
	t1=$(date +%s.%N)
	tv "$H" list association >/dev/null
	t2=$(date +%s.%N)
	first=$(ms "$t0" "$t1")
	all=$(ms "$t1" "$t2")
	best_first=$(echo "if ($first < $best_first) $first else $best_first" | bc -l)
	best_all=$(echo "if ($all < $best_all) $all else $best_all" | bc -l)
done
printf 'bench list: %d associations: first row after %.1f ms (target < 200 ms), all rows after %.0f ms (best of 3)\n' \
	"$N" "$best_first" "$best_all"
