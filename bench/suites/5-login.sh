# Suite 5 — login cost. Sourced by bench/run.
# shellcheck shell=bash

suite_login() {
    suite_info 5 "Login cost" "New connections per second, median of $S5_REPS pairs: \`pgbench -n -C -c 1 -T $S5_T -f select1.sql\` (\`SELECT 1\`, a new connection per transaction) over TCP to 127.0.0.1 with SCRAM (\`PGPASSWORD\`), as an issued login. **dynsec**: a login issued by \`dynsec.issue()\` on the dynsec-preloaded cluster (login guard active; credential roles with default_ttl 1 day, so they outlive the measurement). **baseline**: a second cluster started with \`tools/pgcluster start DIR --no-preload --durable\` and the same settings, where a plain \`CREATE ROLE\` has the same name, the same \`VALID UNTIL\`, the same group and the same SCRAM verifier (copied from \`pg_authid\`, so the same iteration count and the same password). Runs alternate between the clusters, the order within each pair swapped every repetition (preloaded @1, plain @1, preloaded @4096, plain @4096, then plain first). Ratio < 1: fewer connections/s with dynsec preloaded; the target allows 5 % fewer."

    say "starting the second cluster (--no-preload --durable)"
    "$root/tools/pgcluster" start "$B_DIR" --no-preload --durable --set max_connections=600 >>"$W/log" 2>&1 ||
        die "could not start the no-preload cluster"
    B_HOST=$B_DIR/sock
    B_PORT=$(sed -n "s/^export PGPORT='\(.*\)'/\1/p" "$B_DIR/env")
    [ "$(qb postgres "SHOW fsync")" = on ] || die "fsync is off on the second cluster"
    [ "$(qb postgres "SHOW shared_preload_libraries")" = "" ] || die "the second cluster preloads a library"
    qb postgres "CREATE DATABASE bench" >/dev/null
    qb bench "CREATE ROLE grp NOLOGIN" >/dev/null

    local -A user=() pass=()
    local it row verifier until
    for it in 1 4096; do
        local cred=login
        [ "$it" = 4096 ] && cred=login4096
        row=$(q bench "SELECT username || ' ' || password FROM dynsec.issue('$cred')")
        user[$it]=${row% *} pass[$it]=${row#* }
        verifier=$(q bench "SELECT rolpassword FROM pg_authid WHERE rolname = '${user[$it]}'")
        until=$(q bench "SELECT rolvaliduntil FROM pg_authid WHERE rolname = '${user[$it]}'")
        case $verifier in "SCRAM-SHA-256\$$it:"*) ;; *) die "login ${user[$it]} has verifier $verifier, expected $it iterations" ;; esac
        qb bench "CREATE ROLE \"${user[$it]}\" LOGIN PASSWORD '$verifier' VALID UNTIL '$until' IN ROLE grp" >/dev/null
    done

    echo "SELECT 1;" >"$W/select1.sql"
    local -A cps=()
    local rep c port t
    for rep in $(seq 1 "$S5_REPS"); do
        for it in 1 4096; do
            # A B, then B A in the next repetition: neither cluster always goes first.
            local order="A B"
            [ $((rep % 2)) = 0 ] && order="B A"
            for c in $order; do
                [ "$c" = A ] && port=$A_PORT || port=$B_PORT
                t=$(PGPASSWORD=${pass[$it]} pgbench_tps "s5-$c-$it-$rep" -n -C -c 1 -j 1 -T "$S5_T" -f "$W/select1.sql" \
                    -h 127.0.0.1 -p "$port" -U "${user[$it]}" bench)
                cps[$c,$it]="${cps[$c,$it]:-} $t"
            done
        done
        say "suite 5 rep $rep: preloaded@1 $(echo "${cps[A,1]}" | awk '{ print $NF }'), plain@1 $(echo "${cps[B,1]}" | awk '{ print $NF }'), preloaded@4096 $(echo "${cps[A,4096]}" | awk '{ print $NF }'), plain@4096 $(echo "${cps[B,4096]}" | awk '{ print $NF }') connections/s"
    done
    record 5 "connections/s, 1 SCRAM iteration: dynsec preloaded vs no preload" "conn/s" "ratio>=0.95" "${cps[A,1]}" "${cps[B,1]}"
    record 5 "connections/s, 4096 SCRAM iterations: dynsec preloaded vs no preload" "conn/s" "ratio>=0.95" "${cps[A,4096]}" "${cps[B,4096]}"
    record 5 "connections/s, dynsec preloaded: 4096 vs 1 SCRAM iteration" "conn/s" "-" "${cps[A,4096]}" "${cps[A,1]}"
    "$root/tools/pgcluster" stop "$B_DIR" >>"$W/log" 2>&1 || true
}
