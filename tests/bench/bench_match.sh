#!/usr/bin/env bash
# `tvaers match` with 1,000,000 records in the store (target: median under
# 50 ms), and the database size per record. The records come from 2,000
# areas within about 60 km, written straight into the stopped daemon's
# store as sync would write them; then match runs 30 times through the CLI
# (process start included).
source "$(dirname "$0")/../integration/lib.sh"

N=${BENCH_N:-1000000}
AREAS=${BENCH_AREAS:-2000}
H=$TEST_TMP/area
start_daemon "$H"
tv "$H" set area --name Østby --kind landsby --municipality 336 --location 55.3,12.4 >/dev/null
tv "$H" add project --title "Ridesti langs åen" --status skuffe --interests heste,natur \
	--needs frivillige,partner >/dev/null
tv "$H" add association --name "Ridelauget Østby" --interests heste,natur,turisme --seeking kasserer >/dev/null
stop_daemon "$DAEMON_PID"
t0=$(date +%s)
"$BENCH_MATCH_FILL" "$H/tvaers.db" "$N" "$AREAS" || fail "fill"
fill_s=$(( $(date +%s) - t0 ))
start_daemon "$H"
records=$(tv "$H" --json status | jq .records)
bytes=$(tv "$H" --json status | jq .db_bytes)
groups=$(tv "$H" --json match | jq '[length, (map(.items | length) | add)]' | tr -d ' \n')

times=()
for run in $(seq 30); do
	t0=$(date +%s%N)
	tv "$H" --json match >/dev/null
	t1=$(date +%s%N)
	times+=($(( (t1 - t0) / 1000 )))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
median=${sorted[15]}
p95=${sorted[28]}
printf 'bench match: %d records from %d areas (filled in %d s); groups,items shown %s\n' \
	"$records" "$AREAS" "$fill_s" "$groups"
printf 'bench match: median %.1f ms, p95 %.1f ms over 30 runs (target: median < 50 ms)\n' \
	"$(echo "$median / 1000" | bc -l)" "$(echo "$p95 / 1000" | bc -l)"
printf 'bench match: database %d bytes, %.0f bytes per record\n' "$bytes" \
	"$(echo "$bytes / $records" | bc -l)"
