#!/usr/bin/env bash
# make demo: four areas on loopback, in two municipalities, joined by
# invites in a line A–B–C–D. Records written at A cross B and C to D; an
# edit and a deletion follow them. With --keep the daemons stay up so you
# can look around; otherwise everything stops cleanly at the end.
set -euo pipefail

BUILD=${BUILD:-build}
TVAERSD=$BUILD/tvaersd
TVAERS=$BUILD/tvaers
KEEP=0
[ "${1:-}" = "--keep" ] && KEEP=1

DIR=$(mktemp -d "${TMPDIR:-/tmp}/tvaers-demo.XXXXXX")
BASE=$((20000 + RANDOM % 20000))
AREAS=(a b c d)
NAMES=("Østby" "Vestby" "Karise" "Rønnede")
KINDS=(landsby landsby landsby sogn)
KOMMUNE=(336 336 320 320)
PIDS=()

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
tv() { local h=$1; shift; TVAERS_HOME=$DIR/$h "$TVAERS" "$@"; }
port() { echo $((BASE + $1)); }

stop_all() {
	for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap 'stop_all' EXIT

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			echo "demo: gave up waiting for: $*" >&2
			exit 1
		fi
		sleep 0.1
	done
}

say "Starting four areas in $DIR"
for i in 0 1 2 3; do
	h=${AREAS[$i]}
	mkdir -p "$DIR/$h"
	# One link wanted each, so the line stays a line: with more, daemons
	# also dial areas they learn from profiles (README, Peering).
	printf '[network]\ntarget_peers = 1\n' >"$DIR/$h/tvaersd.conf"
	TVAERS_HOME=$DIR/$h "$TVAERSD" --listen "127.0.0.1:$(port "$i")" \
		>"$DIR/$h/daemon.log" 2>&1 &
	PIDS+=("$!")
	wait_for 20 tv "$h" status
	tv "$h" set area --name "${NAMES[$i]}" --kind "${KINDS[$i]}" \
		--municipality "${KOMMUNE[$i]}" >/dev/null
	echo "  ${NAMES[$i]} (kommune ${KOMMUNE[$i]}) listens on 127.0.0.1:$(port "$i")"
done

say "Joining them in a line by invites: Østby – Vestby – Karise – Rønnede"
for i in 1 2 3; do
	prev=${AREAS[$((i - 1))]}
	code=$(tv "$prev" --json invite --address "127.0.0.1:$(port $((i - 1)))" |
		jq -r .code)
	tv "${AREAS[$i]}" join "$code" >/dev/null
	echo "  ${NAMES[$i]} joined ${NAMES[$((i - 1))]} with ${code:0:24}…"
done
connected() { tv "$1" --json peers | jq -e "[.[] | select(.state == \"connected\" or .state == \"inbound\")] | length >= $2"; }
wait_for 30 connected a 1
wait_for 30 connected b 2
wait_for 30 connected c 2
wait_for 30 connected d 1
tv d peers

say "Writing at Østby"
assoc=$(tv a --json add association --name "Ridelauget Østby" \
	--interests heste,natur --municipality 336 --members 60 | jq -r .id)
proj=$(tv a --json add project --title "Ridesti langs åen" --status skuffe \
	--interests heste --needs frivillige,partner | jq -r .id)
tv a list

has() { tv d --json list "$1" | jq -e "$2"; }
say "Waiting for them at Rønnede, three hops away"
wait_for 30 has association 'any(.[]; .fields.name == "Ridelauget Østby")'
wait_for 30 has project 'any(.[]; .fields.title == "Ridesti langs åen")'
tv d list

say "Østby takes the project out of the drawer and closes the riding club"
tv a set "${proj:0:8}" --status planning >/dev/null
tv a rm "${assoc:0:8}" >/dev/null
wait_for 30 has project 'any(.[]; .fields.status == "planning")'
wait_for 30 has association 'all(.[]; .fields.name != "Ridelauget Østby")'
tv d list
tv d show "${proj:0:8}"

# Each profile names the areas it links to (PROTOCOL.md §12.6): the line.
wait_for 30 has area '[.[] | (.fields.peers // []) | length] | add == 6'
say "The areas Rønnede knows of: Karise directly, the others relayed"
tv d areas
say "Who links to whom, from the profiles' peers fields (a line)"
tv d --json list area | jq -r '(map({key: .area, value: .fields.name}) | from_entries) as $name |
	.[] | "  \(.fields.name) links to \((.fields.peers // []) | map($name[.] // .) |
	join(", ") | if . == "" then "nobody" else . end)"'

if [ "$KEEP" -eq 1 ]; then
	trap - EXIT
	say "The daemons keep running. Look around, for example:"
	echo "  export TVAERS_HOME=$DIR/d"
	echo "  $TVAERS status; $TVAERS peers; $TVAERS list"
	echo "Stop them with: kill ${PIDS[*]}"
else
	say "Stopping the four daemons (run 'make demo DEMO_ARGS=--keep' to look around first)"
	stop_all
	trap - EXIT
	echo "  logs and databases are left in $DIR"
fi
