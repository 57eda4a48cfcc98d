#!/usr/bin/env bash
# `tvaers events` and `tvaers events --ical` with 10,000 events among
# 50,000 other records: the daemon reads every event through the kind
# index and sorts the window in memory. Compared with `tvaers list event`,
# which streams the same records without reading their times.
source "$(dirname "$0")/../integration/lib.sh"

N=${BENCH_N:-10000}
OTHER=${BENCH_OTHER:-50000}
H=$TEST_TMP/area
start_daemon "$H"
fill() { # COUNT KIND
	local left=$1 chunk
	while [ "$left" -gt 0 ]; do
		chunk=$((left > 5000 ? 5000 : left))
		"$CTLPOKE" "$H/control.sock" batch "$chunk" "$2" >/dev/null
		left=$((left - chunk))
	done
}
fill "$OTHER" association
fill "$N" event

ms() { echo "($2 - $1) * 1000" | bc -l; }
best() { # COMMAND...: best of 3 wall-clock runs, in ms
	local b=999999 t0 t1 d
	for run in 1 2 3; do
		t0=$(date +%s.%N)
		"$@" >/dev/null
		t1=$(date +%s.%N)
		d=$(ms "$t0" "$t1")
		b=$(echo "if ($d < $b) $d else $b" | bc -l)
	done
	echo "$b"
}
agenda=$(best tv "$H" events)
ical=$(best tv "$H" events --ical)
list=$(best tv "$H" list event)
bytes=$(tv "$H" events --ical | wc -c)
printf 'bench events: %d events among %d records: agenda %.0f ms, --ical %.0f ms (%d bytes), list event %.0f ms (best of 3)\n' \
	"$N" "$((N + OTHER))" "$agenda" "$ical" "$bytes" "$list"
