# Suite 1 — issue throughput. Sourced by bench/run.
# shellcheck shell=bash

suite_issue() {
    suite_info 1 "Issue throughput" "Transactions per second of pgbench (\`-n -T $S1_T\`, superuser over the Unix socket, database with the extension) running one of these scripts:

- \`issue()\`: \`SELECT * FROM dynsec.issue('bench')\`, a credential role with \`member_of => '{grp}'\` and the default configuration (1 SCRAM iteration);
- \`issue() @4096\`: the same with the credential role's \`scram_iterations = 4096\`;
- **baseline** (hand-written PL/pgSQL function): one transaction doing \`CREATE ROLE <random> LOGIN PASSWORD '<32-character plaintext>' VALID UNTIL now()+1h IN ROLE grp\` plus an INSERT of a lease row into a table indexed on expiry (the server hashes the plaintext at PostgreSQL 15's fixed 4096 iterations);
- **baseline, precomputed verifier**: the same transaction with \`PASSWORD '<verifier>'\`, reusing a 1-iteration verifier captured from a login dynsec issued.

Each pgbench run is followed by the removal of what it created (\`dynsec.revoke_role('bench')\` or DROP ROLE), not timed, and a CHECKPOINT. Ratio > 1: dynsec issues more per second."

    local dir=$W/s1
    mkdir -p "$dir"
    echo "SELECT * FROM dynsec.issue('bench');" >"$dir/dyn1.sql"
    echo "SELECT * FROM dynsec.issue('bench4096');" >"$dir/dyn4096.sql"
    echo "SELECT bench.issue_plain();" >"$dir/plain.sql"
    echo "SELECT bench.issue_pre();" >"$dir/pre.sql"

    # variant -> credential role to clean up ("plain:<lease_role>" for the baseline's logins)
    local -A clean=([dyn1]=bench [dyn4096]=bench4096 [plain]=plain:bench [pre]=plain:bench)
    local -A tps=()
    local rep c v t
    # c=1: all four variants; c=2: issue() and the baseline.
    for rep in $(seq 1 "$REPS"); do
        for c in 1 2; do
            local variants="dyn1 plain dyn4096 pre"
            [ "$c" = 2 ] && variants="dyn1 plain"
            for v in $variants; do
                t=$(pgbench_tps "s1-c$c-$v-$rep" -n -c "$c" -j "$c" -T "$S1_T" -f "$dir/$v.sql" \
                    -h "$A_HOST" -p "$A_PORT" -U postgres bench)
                tps[$c,$v]="${tps[$c,$v]:-} $t"
                case ${clean[$v]} in
                plain:*) q bench "SELECT bench.drop_plain('${clean[$v]#plain:}')" >/dev/null ;;
                *) q bench "SELECT dynsec.revoke_role('${clean[$v]}')" >/dev/null ;;
                esac
                q bench "CHECKPOINT" >/dev/null
            done
            say "suite 1 rep $rep c=$c: $(for v in $variants; do printf '%s=%s ' "$v" "$(echo "${tps[$c,$v]}" | awk '{ print $NF }')"; done)"
        done
    done
    record 1 "issue/s, c=1: issue() vs baseline (server-hashed plaintext)" "issue/s" "ratio>=1.0" "${tps[1,dyn1]}" "${tps[1,plain]}"
    record 1 "issue/s, c=2: issue() vs baseline (server-hashed plaintext)" "issue/s" "ratio>=1.0" "${tps[2,dyn1]}" "${tps[2,plain]}"
    record 1 "issue/s, c=1: issue() @4096 iterations vs baseline (server-hashed plaintext)" "issue/s" "-" "${tps[1,dyn4096]}" "${tps[1,plain]}"
    record 1 "issue/s, c=1: issue() vs baseline with precomputed 1-iteration verifier" "issue/s" "-" "${tps[1,dyn1]}" "${tps[1,pre]}"
    record 1 "issue/s, c=1: issue() @4096 vs issue() @1 iteration" "issue/s" "-" "${tps[1,dyn4096]}" "${tps[1,dyn1]}"
}
