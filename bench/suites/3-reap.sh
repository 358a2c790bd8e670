# Suite 3 — reap throughput. Sourced by bench/run.
# shellcheck shell=bash

# Creates $1 logins with two parallel sessions, 1000 per transaction, using SQL
# statement $2 (run once per login; it may use g).
create_in_parallel() { # count sql
    local n=$1 sql=$2 half i pids=()
    half=$(((n + 1) / 2))
    for i in 0 1; do
        local todo=$((i == 0 ? half : n - half)) chunk
        (
            while [ "$todo" -gt 0 ]; do
                chunk=$((todo > 1000 ? 1000 : todo))
                echo "SELECT count(*) FROM (SELECT $sql FROM generate_series(1, $chunk) g) s;"
                todo=$((todo - chunk))
            done
        ) | qf bench >/dev/null &
        pids+=($!)
    done
    for i in "${pids[@]}"; do wait "$i" || die "creating logins failed"; done
}

# Calls SQL function $1 (returns how many it revoked) until it returns 0, each
# call its own transaction, in one session. Prints "seconds revoked calls t_start t_end"
# (the last two: server epoch).
time_reap_loop() { # function-call expected
    local call=$1 expected=$2 k
    k=$((expected / 1000 + 1))
    {
        echo "SELECT 'T', extract(epoch FROM clock_timestamp());"
        for _ in $(seq 1 "$k"); do echo "SELECT 'N', $call;"; done
        # Rarely needed: leases skipped by a concurrent reaper or retried failures.
        for _ in $(seq 1 5); do echo "SELECT 'N', $call;"; done
        echo "SELECT 'T', extract(epoch FROM clock_timestamp());"
    } | qf bench | awk -F'|' '
        $1 == "T" { t[++nt] = $2 }
        $1 == "N" { if (!stopped) { sum += $2; calls++; if ($2 == 0) stopped = 1 } }
        END { printf "%.3f %d %d %.6f %.6f\n", t[2] - t[1], sum, calls, t[1], t[2] }'
}

suite_reap() {
    local n=$S3_LEASES interval=0.02
    suite_info 3 "Reap throughput" "$n leases fall due at once: they are issued with the in-server reaper disabled (\`dynsec.reaper_enabled = off\`), then \`UPDATE dynsec.lease SET expires_at = now() - interval '1s'\`. **dynsec**: \`SELECT dynsec.reap(1000)\` in a loop until it returns 0, one transaction per call, one session (what a reaper does). **baseline**: the same number of logins created by hand (CREATE ROLE ... IN ROLE grp with a 1-iteration verifier, plus a lease row), made due the same way, and a hand-written function that takes up to 1000 due lease rows (\`FOR UPDATE SKIP LOCKED\`) and does \`DROP OWNED BY\` + \`DROP ROLE\` + DELETE of the lease row for each, one transaction per call, called in the same loop. Throughput = logins removed per second of the loop. During each storm one session issues a lease every ${interval}s (\`dynsec.issue()\`, timed with its commit inside a procedure); its p50/p99 latency over the issues that overlapped the loop (how many is shown; a short storm has few) during the dynsec storm is compared with the same probe during the baseline storm."

    set_reaper_enabled off
    local rep d b dt bt rev calls
    local dyn_rate="" base_rate="" p99d="" p99b="" p50d="" p50b="" ts te
    local -A nprobe=()
    for rep in $(seq 1 "$REPS"); do
        # Setup (not timed): the dynsec leases and the baseline's logins, all due.
        create_in_parallel "$n" "dynsec.issue('reap')"
        create_in_parallel "$n" "bench.issue_plain('$VERIFIER1', 'reap3')"
        q bench "UPDATE dynsec.lease SET expires_at = now() - interval '1s', max_expires_at = now() WHERE role = 'reap';
                 UPDATE bench.lease SET expires_at = now() - interval '1s' WHERE role = 'reap3'" >/dev/null
        q bench "VACUUM ANALYZE dynsec.lease" >/dev/null
        q bench "VACUUM ANALYZE bench.lease" >/dev/null
        q bench "CHECKPOINT" >/dev/null

        local variant
        for variant in dynsec baseline; do
            q bench "UPDATE bench.probe_stop SET stop = false" >/dev/null
            q bench "CALL bench.issue_probe('$variant', $rep, $interval)" >/dev/null &
            local probe=$!
            track_pid "$probe"
            sleep 0.2
            local res
            if [ "$variant" = dynsec ]; then
                res=$(time_reap_loop "dynsec.reap(1000)" "$n")
            else
                res=$(time_reap_loop "bench.reap_plain(1000)" "$n")
            fi
            q bench "UPDATE bench.probe_stop SET stop = true" >/dev/null
            wait "$probe" || die "the issue probe failed"
            read -r dt rev calls ts te <<<"$res"
            [ "$rev" = "$n" ] || suite_note 3 "rep $rep $variant: the loop removed $rev of $n logins"
            local rate
            rate=$(awk -v r="$rev" -v t="$dt" 'BEGIN { printf "%.1f", r / t }')
            local pct
            # Only the issues that overlapped the loop count.
            pct=$(q bench "SELECT ms FROM bench.probe_lat WHERE variant = '$variant' AND rep = $rep
                            AND at > $ts AND at - ms / 1000 < $te" | percentiles)
            nprobe[$variant]="${nprobe[$variant]:-} $(echo "$pct" | cut -d' ' -f5)"
            if [ "$variant" = dynsec ]; then
                dyn_rate="$dyn_rate $rate"; p50d="$p50d $(echo "$pct" | cut -d' ' -f1)"; p99d="$p99d $(echo "$pct" | cut -d' ' -f3)"
            else
                base_rate="$base_rate $rate"; p50b="$p50b $(echo "$pct" | cut -d' ' -f1)"; p99b="$p99b $(echo "$pct" | cut -d' ' -f3)"
            fi
            say "suite 3 rep $rep $variant: $rev logins in $dt s = $rate/s ($calls calls); probe issue() p50/p95/p99/max/n = $pct"
            q bench "SELECT dynsec.revoke_role('bench')" >/dev/null
            q bench "CHECKPOINT" >/dev/null
        done
    done
    set_reaper_enabled on
    record 3 "logins removed/s: dynsec.reap(1000) loop vs hand-written DROP OWNED + DROP ROLE loop" "logins/s" "ratio>=0.9" "$dyn_rate" "$base_rate"
    local probes
    probes="issues timed during each storm: dynsec $(echo ${nprobe[dynsec]} | tr ' ' '/'), baseline $(echo ${nprobe[baseline]} | tr ' ' '/')"
    record 3 "issue() latency p50 during the storm: dynsec storm vs baseline storm" "ms" "-" "$p50d" "$p50b" "$probes"
    record 3 "issue() latency p99 during the storm: dynsec storm vs baseline storm" "ms" "-" "$p99d" "$p99b" "$probes"
}
