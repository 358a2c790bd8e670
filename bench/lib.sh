# bench/lib.sh — helpers shared by bench/run and the suites in bench/suites/.
# Sourced, not executed. Expects W (work directory) and the cluster variables
# A_HOST/A_PORT (dynsec preloaded) and, once started, B_HOST/B_PORT (no preload).
# shellcheck shell=bash

BINDIR=${BINDIR:-$(pg_config --bindir)}
PSQL="$BINDIR/psql"
PGBENCH="$BINDIR/pgbench"

say() { printf '[%4ds] %s\n' "$SECONDS" "$*" >&2; echo "[$SECONDS] $*" >>"$W/log"; }
die() { say "ERROR: $*"; exit 1; }

# Superuser SQL on cluster A (or B) over the private socket: q DB SQL -> unaligned rows.
q() { "$PSQL" -X -qAt -v ON_ERROR_STOP=1 -h "$A_HOST" -p "$A_PORT" -U postgres -d "$1" -c "$2" 2>>"$W/log"; }
qb() { "$PSQL" -X -qAt -v ON_ERROR_STOP=1 -h "$B_HOST" -p "$B_PORT" -U postgres -d "$1" -c "$2" 2>>"$W/log"; }
# The same, with a script on stdin.
qf() { "$PSQL" -X -qAt -v ON_ERROR_STOP=1 -h "$A_HOST" -p "$A_PORT" -U postgres -d "$1" 2>>"$W/log"; }

# Remember a background process so that the EXIT trap of bench/run ends it.
track_pid() { echo "$1" >>"$W/pids"; }

# pgbench_tps NAME ARGS...: runs pgbench (output kept in $W/pgbench/NAME.out),
# prints its tps. Fails when pgbench fails or any transaction failed.
pgbench_tps() {
    local name=$1; shift
    local out="$W/pgbench/$name.out"
    mkdir -p "$W/pgbench"
    if ! "$PGBENCH" "$@" >"$out" 2>&1; then
        tail -5 "$out" >&2
        die "pgbench $name failed (see $out)"
    fi
    if grep -qE '^number of failed transactions: [1-9]' "$out"; then
        die "pgbench $name: some transactions failed (see $out)"
    fi
    awk '/^tps = / { print $3; found = 1 } END { exit !found }' "$out" ||
        die "pgbench $name: no tps in output"
}

# Percentile summary of numbers on stdin: prints "p50 p95 p99 max n" (nearest rank).
percentiles() {
    sort -g | awk '{ v[NR] = $1 }
        function pct(p,   k) { k = int(p * NR + 0.999999); if (k < 1) k = 1; if (k > NR) k = NR; return v[k] }
        END { if (NR == 0) { print "NA NA NA NA 0"; exit }
              printf "%.1f %.1f %.1f %.1f %d\n", pct(0.50), pct(0.95), pct(0.99), v[NR], NR }'
}

# record SUITE FIGURE UNIT TARGET "DYNSEC SAMPLES" "BASELINE SAMPLES" [NOTE]
# One row of results: the samples are per repetition, in the order measured, so
# that sample i of dynsec and of the baseline come from the same interleaved pair.
# TARGET: "-" (informative), or CHECK[|STRETCH] with CHECK like ratio>=1.0,
# dyn<1000, both<1000 (operators < <= > >=). BASELINE "-": no baseline.
record() {
    local suite=$1 figure=$2 unit=$3 target=$4 dyn=$5 base=$6 note=${7:-}
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$suite" "$figure" "$unit" "$target" \
        "$(echo "$dyn" | xargs | tr ' ' ',')" "$(echo "$base" | xargs | tr ' ' ',')" "$note" \
        >>"$W/results.tsv"
}

# A row that was not measured (TODO, or the suite failed): shown as such, never as a number.
record_missing() { # SUITE FIGURE REASON
    printf '%s\t%s\t-\t-\tMISSING\tMISSING\t%s\n' "$1" "$2" "$3" >>"$W/results.tsv"
}

# suite_info ID TITLE DESCRIPTION: heading and method text of a suite in the report.
suite_info() {
    printf "%s\t%s\t%s\n" "$1" "$2" "$(printf "%s" "$3" | tr "\n\t" "\037 ")" >>"$W/suites.tsv"
}
# suite_note ID TEXT: a remark shown under the suite's table (warnings, deviations).
suite_note() {
    printf '%s\t%s\n' "$1" "$2" >>"$W/notes.tsv"
    say "note (suite $1): $2"
}

# The PID of this database's in-server reaper, and its VmRSS in kB.
reaper_pid() { q "$1" "SELECT pid FROM pg_stat_activity WHERE backend_type = 'dynsec reaper' AND datname = '$1'"; }
rss_kb() { # pid [field, default VmRSS]
    local v
    v=$(awk -v f="${2:-VmRSS}:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null)
    echo "${v:-NA}"
}

# Switch the in-server reapers on or off (the setting is sighup), and wait until
# a new session sees the value.
set_reaper_enabled() { # on|off
    q postgres "ALTER SYSTEM SET dynsec.reaper_enabled = $1" >/dev/null
    q postgres "SELECT pg_reload_conf()" >/dev/null
    local i
    for i in $(seq 1 50); do
        [ "$(q postgres "SHOW dynsec.reaper_enabled")" = "$1" ] && break
        sleep 0.1
    done
    sleep 0.3 # the reapers process SIGHUP at their next wake-up
}
