# Suite 2 — revocation latency. Sourced by bench/run.
# shellcheck shell=bash

reaper_binary() {
    if [ -x "$BINDIR/dynsec-reaper" ]; then echo "$BINDIR/dynsec-reaper"
    elif [ -x "$root/build/dynsec-reaper" ]; then echo "$root/build/dynsec-reaper"
    else die "dynsec-reaper not found (tools/build installs it into $BINDIR)"
    fi
}

# One run: issue the leases, open the sessions, watch the roles and sessions go.
# Prints nothing; fills bench.lat for (rep, variant).
revocation_run() { # rep variant
    local rep=$1 v=$2 n=$S2_LEASES nsess=$((S2_LEASES / 2)) ext_pid= i
    q bench "SELECT dynsec.revoke_role('lat')" >/dev/null
    if [ "$v" = external ]; then
        set_reaper_enabled off
        "$(reaper_binary)" --naptime 10 "host=$A_HOST port=$A_PORT user=postgres dbname=bench" \
            2>>"$W/s2/dynsec-reaper.log" &
        ext_pid=$!
        track_pid "$ext_pid"
        # Wait until it has connected and LISTENs.
        for i in $(seq 1 100); do
            [ "$(q bench "SELECT count(*) FROM pg_stat_activity WHERE datname = 'bench' AND backend_type = 'client backend'
                          AND pid <> pg_backend_pid() AND query ~ 'dynsec'")" -ge 1 ] && break
            kill -0 "$ext_pid" 2>/dev/null || die "dynsec-reaper exited (see $W/s2/dynsec-reaper.log)"
            sleep 0.05
        done
    else
        set_reaper_enabled on
    fi

    # Issue: one transaction, so every expires_at is now() + ttl of the same now().
    q bench "INSERT INTO bench.lat (rep, variant, lease_id, username, password, expires_at, with_session)
             SELECT $rep, '$v', (i).lease_id, (i).username, (i).password, (i).expires_at, g <= $nsess
               FROM (SELECT g, dynsec.issue('lat', ttl => make_interval(secs => $S2_TTL_MIN + random() * $S2_TTL_SPREAD)) AS i
                       FROM generate_series(1, $n) g) s" >/dev/null

    # Half of the logins get an idle session: psql over TCP with SCRAM, blocked on
    # reading a FIFO that nobody writes to.
    rm -f "$W/s2/idle.fifo"
    mkfifo "$W/s2/idle.fifo"
    exec 8<>"$W/s2/idle.fifo"
    local psql_pids=() u p
    while read -r u p; do
        PGPASSWORD=$p "$PSQL" -X -q -h 127.0.0.1 -p "$A_PORT" -U "$u" -d bench <"$W/s2/idle.fifo" >/dev/null 2>&1 &
        psql_pids+=($!)
        track_pid $!
    done < <(q bench "SELECT username || ' ' || password FROM bench.lat WHERE rep = $rep AND variant = '$v' AND with_session")
    local up=0
    for i in $(seq 1 400); do
        up=$(q bench "SELECT count(*) FROM pg_stat_activity a JOIN bench.lat l ON l.username = a.usename
                       WHERE l.rep = $rep AND l.variant = '$v'")
        [ "$up" -ge "$nsess" ] && break
        sleep 0.02
    done
    q bench "UPDATE bench.lat l SET pid = a.pid FROM pg_stat_activity a
              WHERE a.usename = l.username AND l.rep = $rep AND l.variant = '$v'" >/dev/null
    local margin
    margin=$(q bench "SELECT round(extract(epoch FROM min(expires_at) - clock_timestamp()) * 1000)
                        FROM bench.lat WHERE rep = $rep AND variant = '$v'")
    [ "$up" -lt "$nsess" ] && suite_note 2 "run $rep ($v): only $up of $nsess sessions were open when the first lease expired"
    [ "$margin" -lt 0 ] && suite_note 2 "run $rep ($v): setup ended ${margin#-} ms after the first expiry"

    # Watch until every role and session is gone (or TTL + 15 s).
    q bench "CALL bench.watch($rep, '$v', $(awk -v a="$S2_TTL_MIN" -v b="$S2_TTL_SPREAD" 'BEGIN { print a + b + 15 }'))" >/dev/null

    exec 8>&-
    for i in "${psql_pids[@]}"; do kill "$i" 2>/dev/null || true; done
    wait "${psql_pids[@]}" 2>/dev/null || true
    if [ -n "$ext_pid" ]; then
        kill "$ext_pid" 2>/dev/null || true
        wait "$ext_pid" 2>/dev/null || true
        set_reaper_enabled on
    fi
    q bench "SELECT dynsec.revoke_role('lat')" >/dev/null
}

suite_revocation() {
    suite_info 2 "Revocation latency" "Each run issues $S2_LEASES leases in one transaction with TTLs spread uniformly over ${S2_TTL_MIN}–$(awk -v a="$S2_TTL_MIN" -v b="$S2_TTL_SPREAD" 'BEGIN { print a + b }') s (\`dynsec.issue('lat', ttl => ...)\`, default_ttl 1 minute), and opens an idle session (psql over TCP 127.0.0.1, SCRAM) for half of them. One admin session polls every ~10 ms, committing between polls, and records \`clock_timestamp()\` when each login vanishes from \`pg_roles\` and when each session's backend vanishes from \`pg_stat_activity\`; latency = that time − the lease's \`expires_at\` (both from the server clock). Per run: p50/p95/p99/max over the leases; the table shows the median (min–max) of these over the runs.

**dynsec** column: the in-server reaper (\`dynsec.reaper_enabled = on\`). **baseline** column: the external \`dynsec-reaper\` daemon against the same cluster with \`dynsec.reaper_enabled = off\`. Runs alternate in-server, external, in-server, … Ratio < 1: the in-server reaper is faster. The p99 target applies to both. CDF of all runs pooled: [revocation-latency.png](revocation-latency.png)."

    mkdir -p "$W/s2" "$W/cdf"
    local rep v periods=""
    local -A row=()
    for rep in $(seq 1 "$REPS"); do
        for v in inserver external; do
            revocation_run "$rep" "$v"
            # Per-run percentiles of role and session latencies (ms).
            local rp sp missing
            q bench "SELECT round(extract(epoch FROM role_gone_at - expires_at) * 1000, 1) FROM bench.lat
                      WHERE rep = $rep AND variant = '$v' AND role_gone_at IS NOT NULL" >"$W/s2/$v.$rep.role"
            q bench "SELECT round(extract(epoch FROM session_gone_at - expires_at) * 1000, 1) FROM bench.lat
                      WHERE rep = $rep AND variant = '$v' AND session_gone_at IS NOT NULL" >"$W/s2/$v.$rep.session"
            missing=$(q bench "SELECT count(*) FROM bench.lat WHERE rep = $rep AND variant = '$v'
                                 AND (role_gone_at IS NULL OR (pid IS NOT NULL AND session_gone_at IS NULL))")
            cat "$W/s2/$v.$rep.role" >>"$W/cdf/$v.role"
            cat "$W/s2/$v.$rep.session" >>"$W/cdf/$v.session"
            rp=$(percentiles <"$W/s2/$v.$rep.role")
            sp=$(percentiles <"$W/s2/$v.$rep.session")
            read -r p50 p95 p99 pmax nr <<<"$rp"
            row[$v,role50]="${row[$v,role50]:-} $p50" row[$v,role95]="${row[$v,role95]:-} $p95"
            row[$v,role99]="${row[$v,role99]:-} $p99" row[$v,rolemax]="${row[$v,rolemax]:-} $pmax"
            read -r p50 p95 p99 pmax ns <<<"$sp"
            row[$v,sess50]="${row[$v,sess50]:-} $p50" row[$v,sess95]="${row[$v,sess95]:-} $p95"
            row[$v,sess99]="${row[$v,sess99]:-} $p99" row[$v,sessmax]="${row[$v,sessmax]:-} $pmax"
            row[$v,missing]="${row[$v,missing]:-} $missing"
            local period
            period=$(q bench "SELECT round((seconds * 1000 / polls)::numeric, 1) FROM bench.watch_stats WHERE rep = $rep AND variant = '$v'")
            periods="$periods $period"
            say "suite 2 rep $rep $v: poll period $period ms; roles p50/p95/p99/max = $rp ms; sessions = $sp ms; not revoked in time: $missing"
        done
    done
    local what
    for what in role session; do
        local k=sess label="session ended"
        if [ "$what" = role ]; then k=role label="login dropped"; fi
        record 2 "$label, p50" "ms" "-" "${row[inserver,${k}50]}" "${row[external,${k}50]}"
        record 2 "$label, p95" "ms" "-" "${row[inserver,${k}95]}" "${row[external,${k}95]}"
        record 2 "$label, p99" "ms" "both<1000|both<250" "${row[inserver,${k}99]}" "${row[external,${k}99]}"
        record 2 "$label, max" "ms" "-" "${row[inserver,${k}max]}" "${row[external,${k}max]}"
    done
    record 2 "leases not revoked within TTL + 15 s" "leases" "both<=0" "${row[inserver,missing]}" "${row[external,missing]}"
    suite_note 2 "the poller took a sample every $(echo $periods | tr ' ' '\n' | sort -g | awk '{ v[NR] = $1 } END { printf "%s ms (median; %s–%s over the runs)", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2, v[1], v[NR] }'); latencies include up to one such period of observation delay."

    revocation_plot
}

# CDF of the pooled latencies, drawn with gnuplot.
revocation_plot() {
    local f
    for f in inserver.role external.role inserver.session external.session; do
        sort -g "$W/cdf/$f" | awk -v n="$(wc -l <"$W/cdf/$f")" '{ print $1, NR / n }' >"$W/cdf/$f.cdf"
    done
    gnuplot <<GP 2>>"$W/log" || suite_note 2 "gnuplot failed: no PNG"
set terminal pngcairo size 900,560 font ",11" noenhanced
set output "$W/revocation-latency.png"
set title "dynsec revocation latency: time from expires_at until gone ($MODE run, $REPS×$S2_LEASES leases per reaper)"
set xlabel "latency after expires_at (ms)"
set ylabel "fraction of leases"
set key right bottom
set grid
set yrange [0:1.0]
set xrange [0:*]
plot "$W/cdf/inserver.role.cdf" using 1:2 with lines lw 2 lc rgb "#1f77b4" title "in-server reaper: login dropped", \
     "$W/cdf/inserver.session.cdf" using 1:2 with lines lw 2 dt 2 lc rgb "#1f77b4" title "in-server reaper: session ended", \
     "$W/cdf/external.role.cdf" using 1:2 with lines lw 2 lc rgb "#d62728" title "dynsec-reaper: login dropped", \
     "$W/cdf/external.session.cdf" using 1:2 with lines lw 2 dt 2 lc rgb "#d62728" title "dynsec-reaper: session ended"
GP
}
