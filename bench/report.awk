# bench/report.awk — renders bench results as Markdown (fmt=md) or JSON (fmt=json).
#
#   awk -f report.awk -v fmt=md -v mode=full -v reps=5 ... suites.tsv notes.tsv results.tsv
#
# suites.tsv: id, title, description. notes.tsv: id, text.
# results.tsv: suite, figure, unit, target, dynsec samples, baseline samples, note
# (samples comma-separated, one per repetition, "NA" for a failed one; "-" for no
# baseline; MISSING for a row that was not measured). All statistics are computed here:
# medians and min-max of each side, and the ratio dynsec/baseline per repetition pair.
BEGIN { FS = "\t"; nsuites = 0; nrows = 0 }

FILENAME ~ /suites\.tsv$/ { if (!($1 in stitle)) { sorder[++nsuites] = $1 }; stitle[$1] = $2; sdesc[$1] = $3; next }
FILENAME ~ /notes\.tsv$/  { nnotes[$1]++; snote[$1, nnotes[$1]] = $2; next }
FILENAME ~ /results\.tsv$/ {
    r = ++nrows
    rsuite[r] = $1; rfig[r] = $2; runit[r] = $3; rtarget[r] = $4
    rdyn[r] = $5; rbase[r] = $6; rnote[r] = $7
    nrows_of[$1]++; row_of[$1, nrows_of[$1]] = r
    if (!($1 in stitle)) { sorder[++nsuites] = $1; stitle[$1] = "suite " $1; sdesc[$1] = "" }
    next
}

# ---- statistics --------------------------------------------------------------
function isnum(x) { return x ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ }
function sortnum(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
}
# Fills S["n"], S["med"], S["min"], S["max"] from the numbers in list (comma-separated).
function stats(list, S,   parts, n, i, v, m) {
    delete S; n = split(list, parts, ","); m = 0
    for (i = 1; i <= n; i++) if (isnum(parts[i])) v[++m] = parts[i] + 0
    S["n"] = m
    if (m == 0) return
    sortnum(v, m)
    S["min"] = v[1]; S["max"] = v[m]
    S["med"] = (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
}
function ratios(dl, bl,   d, b, n, i, out) {
    n = split(dl, d, ","); split(bl, b, ","); out = ""
    for (i = 1; i <= n; i++)
        out = out (i > 1 ? "," : "") ((isnum(d[i]) && isnum(b[i]) && b[i] + 0 != 0) ? sprintf("%.6f", d[i] / b[i]) : "NA")
    return out
}
function fmtnum(x,   a) {
    a = (x < 0) ? -x : x
    if (x == int(x) && (a == 0 || (a >= 10 && a < 100000))) return sprintf("%d", x)
    if (a >= 100) return sprintf("%.0f", x)
    if (a >= 10) return sprintf("%.1f", x)
    return sprintf("%.2f", x)
}
function cell(S, suffix) {
    if (S["n"] == 0) return "—"
    if (S["n"] == 1 || S["min"] == S["max"]) return fmtnum(S["med"]) suffix
    return fmtnum(S["med"]) suffix " (" fmtnum(S["min"]) "–" fmtnum(S["max"]) ")"
}

# ---- targets -----------------------------------------------------------------
# check("ratio>=1.0"), using the current row's D, B, R stats: 1 met, 0 missed, -1 unknown.
function check(spec,   m, what, op, lim, v, v2, ok) {
    if (!match(spec, /^(ratio|dyn|base|both)(<=|>=|<|>)/)) return -1
    what = substr(spec, 1, RLENGTH); op = what; sub(/^(ratio|dyn|base|both)/, "", op); sub(/(<=|>=|<|>)$/, "", what)
    lim = substr(spec, RLENGTH + 1) + 0
    if (what == "ratio") { if (R["n"] == 0) return -1; v = R["med"] }
    else if (what == "dyn") { if (D["n"] == 0) return -1; v = D["med"] }
    else if (what == "base") { if (B["n"] == 0) return -1; v = B["med"] }
    else { if (D["n"] == 0 || B["n"] == 0) return -1; v = D["med"]; v2 = B["med"] }
    ok = cmp(v, op, lim)
    if (what == "both") ok = ok && cmp(v2, op, lim)
    return ok
}
function cmp(v, op, lim) {
    if (op == "<") return v < lim
    if (op == "<=") return v <= lim
    if (op == ">") return v > lim
    return v >= lim
}
function describe(spec, unit,   what, op, lim, sym) {
    what = spec; sub(/(<=|>=|<|>).*$/, "", what)
    op = spec; sub(/^(ratio|dyn|base|both)/, "", op); lim = op; sub(/^(<=|>=|<|>)/, "", lim); sub(/[0-9.]+$/, "", op)
    sym = (op == "<=") ? "≤" : (op == ">=") ? "≥" : op
    if (what == "ratio") return "ratio " sym " " lim
    return sym " " lim " " unit (what == "both" ? ", both" : what == "base" ? ", baseline" : "")
}

# ---- output helpers ----------------------------------------------------------
function jstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, " ", s); gsub(/\037/, "\\n", s); return "\"" s "\"" }
function jnum(x) { return isnum(x) ? x + 0 : "null" }
function jstats(S, list,   parts, n, i, out) {
    if (S["n"] == 0) return "null"
    n = split(list, parts, ","); out = ""
    for (i = 1; i <= n; i++) out = out (i > 1 ? ", " : "") (isnum(parts[i]) ? sprintf("%.6g", parts[i]) : "null")
    return sprintf("{\"median\": %.6g, \"min\": %.6g, \"max\": %.6g, \"n\": %d, \"samples\": [%s]}", S["med"], S["min"], S["max"], S["n"], out)
}

function evaluate(r,   rl, parts) {
    stats(rdyn[r], D); stats(rbase[r], B)
    rl = (rbase[r] == "-" || rbase[r] == "MISSING") ? "" : ratios(rdyn[r], rbase[r])
    stats(rl, R); ratio_list = rl
    missing = (rdyn[r] == "MISSING")
    split(rtarget[r], parts, "|"); main_spec = parts[1]; stretch_spec = (rtarget[r] ~ /\|/) ? parts[2] : ""
    met = (missing || main_spec == "-" || main_spec == "") ? -1 : check(main_spec)
    smet = (stretch_spec == "" || missing) ? -1 : check(stretch_spec)
    if (missing) { target_txt = "—"; met_txt = "not measured" }
    else if (main_spec == "-" || main_spec == "") { target_txt = "—"; met_txt = "n/a" }
    else {
        target_txt = describe(main_spec, runit[r])
        met_txt = (met == 1) ? "yes" : (met == 0) ? "**NO — missed**" : "no data"
        if (stretch_spec != "") {
            target_txt = target_txt " (stretch " describe(stretch_spec, runit[r]) ")"
            met_txt = met_txt (smet == 1 ? "; stretch: yes" : smet == 0 ? "; stretch: no" : "")
        }
    }
}

END {
    # Suites in numeric order, whatever order they ran in.
    for (i = 2; i <= nsuites; i++) { t = sorder[i]; for (j = i - 1; j >= 1 && sorder[j] + 0 > t + 0; j--) sorder[j + 1] = sorder[j]; sorder[j + 1] = t }
    # Targets missed, for the summary at the top.
    nmiss = 0
    for (i = 1; i <= nsuites; i++) for (j = 1; j <= nrows_of[sorder[i]]; j++) {
        r = row_of[sorder[i], j]; evaluate(r)
        if (met == 0) missed[++nmiss] = "suite " rsuite[r] ": " rfig[r] " — " target_txt " not met (median " (main_spec ~ /^ratio/ ? fmtnum(R["med"]) "×" : fmtnum(D["med"]) " " runit[r]) ")"
        if (missing) notmeasured[++nnm] = "suite " rsuite[r] ": " rfig[r]
    }
    if (fmt == "json") json(); else md()
}

function md(   i, id, j, r, k) {
    print "# dynsec benchmark results"
    print ""
    print "Generated by `bench/run" (mode == "quick" ? " --quick" : "") "` on " generated ". " \
          "Mode **" mode "**: every figure is the median of " reps " (or more, where the suite says so) interleaved repetitions " \
          "(dynsec, baseline, dynsec, baseline, …), min–max in parentheses; the ratio is " \
          "dynsec ÷ baseline computed for each repetition pair, then the median (min–max) of those ratios."
    print ""
    print "Machine: " machine ". PostgreSQL " pgversion ", clusters from `tools/pgcluster --durable` (fsync on). " \
          "Run time of this `bench/run`: **" runtime " s** (build, cluster start-up and all suites)."
    print ""
    if (nmiss > 0) {
        print "**Targets missed (" nmiss "):**"
        print ""
        for (i = 1; i <= nmiss; i++) print "- " missed[i]
    } else print "**Every measured target was met.**"
    if (nnm > 0) {
        print ""
        print "**Not measured (" nnm "):**"
        print ""
        for (i = 1; i <= nnm; i++) print "- " notmeasured[i]
    }
    for (i = 1; i <= nsuites; i++) {
        id = sorder[i]
        print ""
        print "## " id ". " stitle[id]
        print ""
        if (sdesc[id] != "") { d = sdesc[id]; gsub(/\037/, "\n", d); print d; print "" }
        if (nrows_of[id] > 0) {
            print "| figure | dynsec | baseline | ratio | target | met? |"
            print "|---|---|---|---|---|---|"
            for (j = 1; j <= nrows_of[id]; j++) {
                r = row_of[id, j]; evaluate(r)
                u = (runit[r] == "-" ? "" : " " runit[r])
                fig = rfig[r] (rnote[r] != "" && !missing ? " — " rnote[r] : "")
                if (missing)
                    printf "| %s | TODO | TODO | — | — | not measured: %s |\n", rfig[r], rnote[r]
                else
                    printf "| %s | %s | %s | %s | %s | %s |\n", fig, cell(D, u), (rbase[r] == "-" ? "—" : cell(B, u)),
                        (R["n"] ? cell(R, "×") : "—"), target_txt, met_txt
            }
        }
        for (k = 1; k <= nnotes[id]; k++) { print ""; print "Note: " snote[id, k] }
    }
}

function json(   i, id, j, r, k, first) {
    print "{"
    print "  \"generated_at\": " jstr(generated) ","
    print "  \"mode\": " jstr(mode) ","
    print "  \"repetitions\": " reps ","
    print "  \"run_seconds\": " jnum(runtime) ","
    print "  \"machine\": " jstr(machine) ","
    print "  \"postgresql\": " jstr(pgversion) ","
    print "  \"durable\": true,"
    printf "  \"targets_missed\": ["
    for (i = 1; i <= nmiss; i++) printf "%s%s", (i > 1 ? ", " : ""), jstr(missed[i])
    print "],"
    printf "  \"not_measured\": ["
    for (i = 1; i <= nnm; i++) printf "%s%s", (i > 1 ? ", " : ""), jstr(notmeasured[i])
    print "],"
    print "  \"suites\": ["
    for (i = 1; i <= nsuites; i++) {
        id = sorder[i]
        print "    {"
        print "      \"id\": " jstr(id) ", \"title\": " jstr(stitle[id]) ","
        print "      \"description\": " jstr(sdesc[id]) ","
        printf "      \"notes\": ["
        for (k = 1; k <= nnotes[id]; k++) printf "%s%s", (k > 1 ? ", " : ""), jstr(snote[id, k])
        print "],"
        print "      \"rows\": ["
        for (j = 1; j <= nrows_of[id]; j++) {
            r = row_of[id, j]; evaluate(r)
            printf "        {\"figure\": %s, \"unit\": %s, \"note\": %s,\n", jstr(rfig[r]), jstr(runit[r]), jstr(rnote[r])
            printf "         \"dynsec\": %s,\n", jstats(D, rdyn[r])
            printf "         \"baseline\": %s,\n", jstats(B, rbase[r])
            printf "         \"ratio\": %s,\n", jstats(R, ratio_list)
            printf "         \"target\": %s, \"met\": %s, \"stretch_met\": %s, \"measured\": %s}%s\n", jstr(target_txt),
                (met == 1 ? "true" : met == 0 ? "false" : "null"), (smet == 1 ? "true" : smet == 0 ? "false" : "null"),
                (missing ? "false" : "true"), (j < nrows_of[id] ? "," : "")
        }
        print "      ]"
        print "    }" (i < nsuites ? "," : "")
    }
    print "  ]"
    print "}"
}
