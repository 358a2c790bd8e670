# Suite 6 — renew throughput. Sourced by bench/run.
# shellcheck shell=bash

suite_renew() {
    suite_info 6 "Renew throughput" "Transactions per second of pgbench (\`-n -T $S6_T\`, superuser over the Unix socket), each client renewing its own lease over and over. **dynsec**: \`SELECT dynsec.renew(lease_id) FROM bench.renew_ids WHERE n = :client_id\` (credential role with default_ttl 1 hour, max_ttl 24 hours, so renewals never reach the cap; each renewal moves \`VALID UNTIL\`, updates the lease and writes an audit record). **baseline** (hand-written, a PL/pgSQL function): look up the client's login, \`ALTER ROLE <login> VALID UNTIL now()+1h+5s\` and \`UPDATE\` its lease row (\`expires_at\`, \`renew_count\`) in a table indexed on expiry. Ratio > 1: dynsec renews more per second."

    local i
    for i in 0 1; do
        q bench "INSERT INTO bench.renew_ids SELECT $i, lease_id, username FROM dynsec.issue('renew')" >/dev/null
        q bench "INSERT INTO bench.renew_plain_ids SELECT $i, bench.issue_plain('$VERIFIER1', 'renew-plain')" >/dev/null
    done
    echo "SELECT dynsec.renew(lease_id) FROM bench.renew_ids WHERE n = :client_id;" >"$W/s6-dyn.sql"
    echo "SELECT bench.renew_plain(:client_id);" >"$W/s6-plain.sql"
    q bench "VACUUM ANALYZE bench.renew_ids, bench.renew_plain_ids" >/dev/null

    local -A tps=()
    local rep c v t
    for rep in $(seq 1 "$REPS"); do
        for c in $S6_CLIENTS; do
            for v in dyn plain; do
                q bench "CHECKPOINT" >/dev/null
                t=$(pgbench_tps "s6-c$c-$v-$rep" -n -c "$c" -j "$c" -T "$S6_T" -f "$W/s6-$v.sql" \
                    -h "$A_HOST" -p "$A_PORT" -U postgres bench)
                tps[$c,$v]="${tps[$c,$v]:-} $t"
            done
            say "suite 6 rep $rep c=$c: renew() $(echo "${tps[$c,dyn]}" | awk '{ print $NF }')/s, baseline $(echo "${tps[$c,plain]}" | awk '{ print $NF }')/s"
        done
    done
    for c in $S6_CLIENTS; do
        record 6 "renew/s, c=$c: dynsec.renew() vs ALTER ROLE VALID UNTIL + UPDATE lease" "renew/s" "-" "${tps[$c,dyn]}" "${tps[$c,plain]}"
    done
    q bench "SELECT dynsec.revoke_role('renew'); SELECT bench.drop_plain('renew-plain')" >/dev/null
}
