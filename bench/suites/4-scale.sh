# Suite 4 — issue throughput with many active leases. Sourced by bench/run.
# shellcheck shell=bash

scale_db() { # level -> database name
    case $1 in
    0) echo s0 ;;
    *000000) echo "s$(($1 / 1000000))m" ;;
    *000) echo "s$(($1 / 1000))k" ;;
    *) echo "s$1" ;;
    esac
}

suite_scale() {
    suite_info 4 "Scale: issue with many active leases" "One database per level, each with the extension and its own in-server reaper; the levels' leases are bulk-INSERTed into \`dynsec.lease\` (credential role \`bulk\`, random lease ids and usernames, expiring in 30 days; no real logins behind them), then VACUUM ANALYZE. Issue throughput as in suite 1 (\`SELECT * FROM dynsec.issue('bench')\`, c=1, \`-T $S4_T\`), the levels interleaved (0, N, …, 0, N, …) and the logins created revoked after each run. **baseline** = the same measurement in the database with 0 leases, in the same repetition. After loading, the cluster is restarted (as after a real restart with that many leases; each reaper starts fresh and refills the login guard from \`dynsec.lease\`). The memory of each database's \`dynsec reaper\` process is read from \`/proc/<pid>/status\` after each run: VmRSS (which also counts the shared buffers the process has touched) and RssAnon (its private memory)."

    local level db t0 levels=()
    for level in $S4_LEVELS; do
        db=$(scale_db "$level")
        q postgres "CREATE DATABASE $db" >/dev/null
        q "$db" "SET client_min_messages = warning; CREATE EXTENSION dynsec" >/dev/null
        q "$db" "SELECT dynsec.define_role('bench', member_of => '{grp}', default_ttl => '1 hour');
                 SELECT dynsec.define_role('bulk', member_of => '{grp}', default_ttl => '1 hour')" >/dev/null
        if [ "$level" -gt 0 ]; then
            t0=$SECONDS
            # Bounded: a level that cannot be loaded in 4 minutes is dropped, and said so.
            if ! q "$db" "SET statement_timeout = '240s';
                 INSERT INTO dynsec.lease (lease_id, role, username, issued_by, issued_by_session,
                                           issued_at, expires_at, max_expires_at)
                 SELECT 'bulk/' || substr(md5(g::text), 1, 20), 'bulk', 'v-bulk-' || substr(md5('u' || g), 1, 16),
                        'postgres', 'postgres', now(), now() + interval '30 days' + g * interval '1 ms',
                        now() + interval '60 days'
                   FROM generate_series(1, $level) g" >/dev/null; then
                suite_note 4 "loading $level leases failed or took over 240 s: level $level not measured"
                record_missing 4 "issue/s c=1 with $level active leases" "bulk load did not finish in 240 s"
                continue
            fi
            q "$db" "VACUUM ANALYZE dynsec.lease" >/dev/null
            say "suite 4: loaded $level leases into $db in $((SECONDS - t0)) s"
        fi
        levels+=("$level")
    done
    # Restart, as after a real restart with that many leases: each reaper starts
    # fresh (and refills the login guard from dynsec.lease), so its memory reflects
    # the steady state rather than the bulk load. Then wait for every reaper (the
    # launcher starts one per database within about a second).
    "$root/tools/pgcluster" restart "$A_DIR" >>"$W/log" 2>&1 || die "could not restart the cluster"
    local i
    for level in "${levels[@]}"; do
        db=$(scale_db "$level")
        for i in $(seq 1 100); do [ -n "$(reaper_pid "$db")" ] && break; sleep 0.1; done
        [ -n "$(reaper_pid "$db")" ] || die "no dynsec reaper in database $db"
    done
    q postgres "CHECKPOINT" >/dev/null

    echo "SELECT * FROM dynsec.issue('bench');" >"$W/s4-issue.sql"
    local -A tps=() rss=() anon=()
    local rep t pid
    for rep in $(seq 1 "$REPS"); do
        for level in "${levels[@]}"; do
            db=$(scale_db "$level")
            t=$(pgbench_tps "s4-$db-$rep" -n -c 1 -j 1 -T "$S4_T" -f "$W/s4-issue.sql" -h "$A_HOST" -p "$A_PORT" -U postgres "$db")
            tps[$level]="${tps[$level]:-} $t"
            pid=$(reaper_pid "$db")
            rss[$level]="${rss[$level]:-} $(rss_kb "$pid")"
            anon[$level]="${anon[$level]:-} $(rss_kb "$pid" RssAnon)"
            q "$db" "SELECT dynsec.revoke_role('bench')" >/dev/null
            q "$db" "CHECKPOINT" >/dev/null
        done
        say "suite 4 rep $rep: $(for level in "${levels[@]}"; do printf '%s: %s/s rss %s kB; ' "$level" "$(echo "${tps[$level]}" | awk '{ print $NF }')" "$(echo "${rss[$level]}" | awk '{ print $NF }')"; done)"
    done
    local max=${levels[${#levels[@]}-1]} target
    for level in "${levels[@]}"; do
        [ "$level" = 0 ] && continue
        target="-"
        [ "$level" = "$max" ] && target="ratio>=0.8"
        record 4 "issue/s c=1 with $level active leases vs 0" "issue/s" "$target" "${tps[$level]}" "${tps[0]}"
    done
    for level in "${levels[@]}"; do
        [ "$level" = 0 ] && continue
        record 4 "dynsec reaper VmRSS with $level active leases vs 0" "kB" "-" "${rss[$level]}" "${rss[0]}"
        record 4 "dynsec reaper RssAnon (private memory) with $level active leases vs 0" "kB" "-" "${anon[$level]}" "${anon[0]}"
    done
    local top
    top=$(echo "$S4_LEVELS" | awk '{ print $NF }')
    if [ "$max" != "$top" ]; then
        suite_note 4 "the target level was $top leases; the largest level measured is $max"
    fi
}
