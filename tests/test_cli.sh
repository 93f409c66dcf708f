#!/bin/sh
# The report commands end to end: sync the demo corpus from the fake
# Bugzilla on 127.0.0.1 through the real "ccwatch sync", then run status
# (table and JSON, validated against docs/status.schema.json), explain,
# check (each exit status in a constructed situation) and question.
# Prints "N passed, M failed"; exits 1 on failure.
set -u
top=${TOPSRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
build=${TOPBUILDDIR:-$top}
ccwatch=$build/src/ccwatch
fakebz=$build/tests/fakebz
corpus=$top/data/demo-corpus.json
anchor=$(sed -n 's/.*"anchor":"\([^"]*\)".*/\1/p' "$corpus" | head -n 1)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_cli.XXXXXX") || exit 1
fake_pid=
cleanup() {
	[ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
passed=0
failed=0

# check NAME COMMAND...: one check, by the command's success.
check() {
	name=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $name"
	fi
}

# status_is WANT CONF ARGS...: "ccwatch check" exits with WANT.
status_is() {
	want=$1
	conf=$2
	shift 2
	"$ccwatch" -c "$conf" check "$@" >"$tmp/check.out" 2>&1
	got=$?
	[ "$got" -eq "$want" ] || { echo "  check $*: exit $got, want $want: $(cat "$tmp/check.out")"; return 1; }
}

# conf FILE [EXTRA]: a configuration for the fake, the store and EXTRA.
conf() {
	printf '[bugzilla]\nurl = %s\npage_size = 100\n[store]\npath = %s\n%b' \
	    "$url" "${3:-$tmp/ccwatch.db}" "${2:-}" >"$1"
}

"$fakebz" --now "$anchor" "$corpus" >"$tmp/fakebz.out" 2>"$tmp/fakebz.err" &
fake_pid=$!
i=0
while [ ! -s "$tmp/fakebz.out" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
url=$(head -n 1 "$tmp/fakebz.out")
case $url in
http://127.0.0.1:*) ;;
*) echo "the fake Bugzilla did not start: $(cat "$tmp/fakebz.err")"; echo "0 passed, 1 failed"; exit 1 ;;
esac
conf "$tmp/c.conf"

# A missing store: status fails clearly, check is UNKNOWN.
check "status without a store fails" sh -c "! '$ccwatch' -c '$tmp/c.conf' status >/dev/null 2>'$tmp/err'"
check "status names the missing store" grep -q "ccwatch.db" "$tmp/err"
check "check without a store is UNKNOWN" status_is 3 "$tmp/c.conf"
check "the UNKNOWN line is a plugin line" grep -q '^CCWATCH UNKNOWN - ' "$tmp/check.out"
check "status created no store" test ! -e "$tmp/ccwatch.db"
printf '[bugzilla]\nurl = ftp://x\n' >"$tmp/bad.conf"
check "check with a bad configuration is UNKNOWN" status_is 3 "$tmp/bad.conf"

check "sync" sh -c "'$ccwatch' -c '$tmp/c.conf' sync >/dev/null 2>'$tmp/sync.err'"

# status, table: most urgent first, no escape when stdout is not a terminal.
"$ccwatch" -c "$tmp/c.conf" status --as-of "$anchor" >"$tmp/table" 2>"$tmp/err"
check "status table exits 0" test $? -eq 0
check "table has a header" grep -q '^BUG  *CA  *CLOCK  *STATE  *DUE  *NEXT ITEM  *SUMMARY' "$tmp/table"
check "table has no escape characters" sh -c "! grep -q \"\$(printf '\\033')\" '$tmp/table'"
check "table starts with an overdue bug" sh -c "sed -n 2p '$tmp/table' | grep -q ' overdue '"
check "table shows a mix of states" sh -c "for s in overdue due-soon ok paused; do grep -q \" \$s \" '$tmp/table' || exit 1; done"

# status --waiting-on: the root program's queue, and the CA's.
"$ccwatch" -c "$tmp/c.conf" status --as-of "$anchor" --json --waiting-on program >"$tmp/prog.json" 2>"$tmp/err"
check "status --waiting-on program exits 0" test $? -eq 0
check "--waiting-on program keeps the bugs the root program owes something, only those" \
    /usr/bin/python3 -c "import json,sys; b=json.load(open(sys.argv[1]))['bugs']; sys.exit(not (b and all(x['waiting_on_program'] for x in b)))" "$tmp/prog.json"
"$ccwatch" -c "$tmp/c.conf" status --as-of "$anchor" --json --waiting-on ca >"$tmp/ca.json" 2>"$tmp/err"
check "--waiting-on ca keeps bugs with a running clock or ready for closure" \
    /usr/bin/python3 -c "import json,sys; b=json.load(open(sys.argv[1]))['bugs']; sys.exit(not (b and all(x['ready_for_closure'] or any(c['state'] in ('ok','due-soon','overdue') for c in x['clocks']) for x in b)))" "$tmp/ca.json"
check "--waiting-on with another word is a usage error" sh -c "'$ccwatch' -c '$tmp/c.conf' status --waiting-on nobody >/dev/null 2>&1; test \$? -eq 2"
check "table ends with the totals" sh -c "tail -n 1 '$tmp/table' | grep -q 'open bugs; as of $anchor'"
NO_COLOR=1 "$ccwatch" -c "$tmp/c.conf" status --as-of "$anchor" >"$tmp/table2"
check "NO_COLOR changes nothing off a terminal" cmp -s "$tmp/table" "$tmp/table2"

# status --json, against the schema.
"$ccwatch" -c "$tmp/c.conf" status --json --all --as-of "$anchor" >"$tmp/all.json"
check "status --json exits 0" test $? -eq 0
/usr/bin/python3 - "$top/docs/status.schema.json" "$tmp/all.json" "$anchor" >"$tmp/py.out" 2>&1 <<'EOF'
import json, sys

schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
try:
    import jsonschema
    jsonschema.validate(doc, schema)
except ImportError:
    # The few keywords the schema uses, for machines without jsonschema.
    def check(v, s, path):
        if '$ref' in s:
            s = schema['$defs'][s['$ref'].split('/')[-1]]
        if 'oneOf' in s:
            errs = []
            for alt in s['oneOf']:
                try:
                    check(v, alt, path)
                    return
                except ValueError as e:
                    errs.append(str(e))
            raise ValueError('%s: no alternative matches: %s' % (path, errs))
        if 'enum' in s and v not in s['enum']:
            raise ValueError('%s: %r not in enum' % (path, v))
        types = s.get('type')
        if types is not None:
            types = types if isinstance(types, list) else [types]
            py = {'object': dict, 'array': list, 'string': str, 'null': type(None),
                  'boolean': bool, 'integer': int}
            if not any(isinstance(v, py[t]) and not (t == 'integer' and isinstance(v, bool))
                       for t in types):
                raise ValueError('%s: %r is not %s' % (path, v, types))
        if isinstance(v, dict):
            for k in s.get('required', []):
                if k not in v:
                    raise ValueError('%s: missing %s' % (path, k))
            props = s.get('properties', {})
            for k, x in v.items():
                if k not in props:
                    if s.get('additionalProperties') is False:
                        raise ValueError('%s: unexpected %s' % (path, k))
                    continue
                check(x, props[k], path + '.' + k)
        if isinstance(v, list) and 'items' in s:
            for i, x in enumerate(v):
                check(x, s['items'], '%s[%d]' % (path, i))
    check(doc, schema, '$')
assert doc['as_of'] == sys.argv[3], doc['as_of']
assert len(doc['bugs']) > 50
states = {c['state'] for b in doc['bugs'] for c in b['clocks']}
assert {'overdue', 'due-soon', 'ok', 'met', 'paused'} <= states, states
print('valid')
EOF
check "status JSON matches docs/status.schema.json" grep -q '^valid$' "$tmp/py.out" || cat "$tmp/py.out"

# Filters.
"$ccwatch" -c "$tmp/c.conf" status --json --as-of "$anchor" --state overdue >"$tmp/over.json"
check "--state overdue keeps bugs with an overdue clock" /usr/bin/python3 -c "
import json, sys
d = json.load(open('$tmp/over.json'))
assert d['bugs'] and all(any(c['state'] == 'overdue' for c in b['clocks']) for b in d['bugs'])"
"$ccwatch" -c "$tmp/c.conf" status --json --as-of "$anchor" --ca swisssign >"$tmp/ca.json"
check "--ca keeps one CA's bugs, ignoring case" /usr/bin/python3 -c "
import json
d = json.load(open('$tmp/ca.json'))
assert d['bugs'] and all(b['ca'] == 'SwissSign' for b in d['bugs'])"
# status --state S: one row per clock in S, and the footer counts them.
"$ccwatch" -c "$tmp/c.conf" status --as-of "$anchor" --state due-soon >"$tmp/soon.table"
check "--state due-soon: every row is a due-soon clock" sh -c "sed '1d;\$d' '$tmp/soon.table' | grep -v '^ambiguous date:\|^snoozed:\|^acknowledged:' | awk '{ if (\$0 !~ / due-soon /) exit 1; n++ } END { exit n == 0 }'"
rows=$(sed '1d' "$tmp/soon.table" | grep -c ' due-soon ')
check "--state due-soon: the footer counts the rows shown, then all: $rows" \
    grep -q "^$rows shown (0 overdue, $rows due soon); in all [0-9]* overdue, [0-9]* due soon, [0-9]* open bugs; as of" "$tmp/soon.table"
check "a bad --state is a usage error" sh -c "'$ccwatch' -c '$tmp/c.conf' status --state late >/dev/null 2>&1; test \$? -eq 2"
check "a bad --as-of is a usage error" sh -c "'$ccwatch' -c '$tmp/c.conf' status --as-of yesterday >/dev/null 2>&1; test \$? -eq 2"

# explain.
bug=$(/usr/bin/python3 -c "
import json
d = json.load(open('$tmp/all.json'))
print([b['id'] for b in d['bugs'] if b['questions'] and b['questions'][0]['comment']][0])")
"$ccwatch" -c "$tmp/c.conf" explain "$bug" --as-of "$anchor" >"$tmp/explain"
check "explain exits 0" test $? -eq 0
check "explain names the bug" grep -q "^Bug $bug: " "$tmp/explain"
check "explain gives the events" grep -q "What happened:" "$tmp/explain"
check "explain links comments" grep -q "show_bug.cgi?id=$bug#c" "$tmp/explain"
check "explain of an unknown bug fails" sh -c "! '$ccwatch' -c '$tmp/c.conf' explain 1 >/dev/null 2>&1"

# check: 2 at the anchor (bugs are overdue), 1 with --warn-only, 0 before
# any bug was filed, 1 when the first bug's clocks all fall in the window.
check "check is CRITICAL with overdue bugs" status_is 2 "$tmp/c.conf" --as-of "$anchor"
check "the CRITICAL line has the perfdata" grep -Eq '^CCWATCH CRITICAL - [0-9]+ overdue, [0-9]+ due soon, [0-9]+ open bugs \| overdue=[0-9]+;;1 due_soon=[0-9]+;1; bugs=[0-9]+ sync_age=[0-9]+s failing_channels=0;1; dead_letters=0;;1$' "$tmp/check.out"
check "check --warn-only is WARNING" status_is 1 "$tmp/c.conf" --warn-only --as-of "$anchor"
check "check is OK with nothing due" status_is 0 "$tmp/c.conf" --as-of 2000-01-01
check "the OK line counts nothing" grep -q '^CCWATCH OK - 0 overdue, 0 due soon, 0 open bugs' "$tmp/check.out"
first=$(/usr/bin/python3 -c "
import json, calendar, time
d = json.load(open('$tmp/all.json'))
t = min(c['started_at'] for b in d['bugs'] for c in b['clocks'] if c['started_at'])
e = calendar.timegm(time.strptime(t, '%Y-%m-%dT%H:%M:%SZ')) + 60
print(time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(e)))")
conf "$tmp/wide.conf" '[policy]\nwarn_window = 720\n'
check "check is WARNING when something is due soon" status_is 1 "$tmp/wide.conf" --as-of "$first"
conf "$tmp/stale.conf" '[policy]\nstale_after = 60\n'
sqlite3 "$tmp/ccwatch.db" "UPDATE sync_state SET last_sync = last_sync - 3600"
check "check is UNKNOWN after a stale sync" status_is 3 "$tmp/stale.conf" --as-of "$anchor"
check "the stale line says so" grep -q 'last successful sync 36[0-9][0-9]s ago (stale after 60s)' "$tmp/check.out"
sqlite3 "$tmp/ccwatch.db" "UPDATE sync_state SET last_sync = 0"
check "check is UNKNOWN when never synced" status_is 3 "$tmp/c.conf" --as-of "$anchor"
sqlite3 "$tmp/ccwatch.db" "UPDATE sync_state SET last_sync = CAST(strftime('%s', 'now') AS INTEGER)"

# question: the mark hides the question, clearing brings it back.
k=$(/usr/bin/python3 -c "
import json
d = json.load(open('$tmp/all.json'))
print([b['questions'][0]['comment'] for b in d['bugs'] if b['id'] == $bug][0])")
questions() {
	"$ccwatch" -c "$tmp/c.conf" status --json --all --as-of "$anchor" |
	    /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
print(sum(1 for b in d['bugs'] if b['id'] == $bug for q in b['questions'] if q['comment'] == $k))"
}
check "the question is open" test "$(questions)" = 1
check "question --not-a-question" sh -c "'$ccwatch' -c '$tmp/c.conf' question $bug $k --not-a-question | grep -q 'not a question'"
check "the marked comment is no question" test "$(questions)" = 0
check "question --clear" sh -c "'$ccwatch' -c '$tmp/c.conf' question $bug $k --clear | grep -q 'mark cleared'"
check "the question is open again" test "$(questions)" = 1
check "question of a missing comment fails" sh -c "! '$ccwatch' -c '$tmp/c.conf' question $bug 9999 --clear 2>/dev/null"
check "question needs a mode" sh -c "'$ccwatch' -c '$tmp/c.conf' question $bug $k >/dev/null 2>&1; test \$? -eq 2"
conf "$tmp/none.conf" "" "$tmp/none.db"
check "question refuses a missing store" sh -c "! '$ccwatch' -c '$tmp/none.conf' question $bug $k --clear 2>/dev/null && test ! -e '$tmp/none.db'"

# Output that cannot be written (a full disk) is a failure, not a silent loss.
"$ccwatch" -c "$tmp/c.conf" status --json --all --as-of "$anchor" >/dev/full 2>"$tmp/full.err"
check "status to a full disk (/dev/full) fails" test $? -ne 0
check "the failure names standard output" grep -q "standard output" "$tmp/full.err"

# whiteboard: the date forms people write, printed as the engine reads them.
wb() {
	"$ccwatch" whiteboard --as-of 2026-03-05 "$1" | /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
n = d['next_update'] or d['close_on']
print(n['date'] if n else 'none', n['year_inferred'] if n else '', len(d['warnings']))"
}
check "whiteboard Apr. 1, 2026" test "$(wb 'Next update Apr. 1, 2026')" = "2026-04-01 False 0"
check "whiteboard 1 April 2026" test "$(wb '[ca-compliance] Next update 1 April 2026')" = "2026-04-01 False 0"
check "whiteboard 2026/04/01" test "$(wb 'Next update 2026/04/01')" = "2026-04-01 False 0"
check "whiteboard April 1st (no year)" test "$(wb 'Next update April 1st')" = "2026-04-01 True 1"
check "whiteboard [close on April 10]" test "$(wb '[close on April 10]')" = "2026-04-10 True 1"
check "whiteboard two dates: the earlier" test "$(wb 'Next update 2026-05-01 Next update 2026-04-01')" = "2026-04-01 False 1"
check "whiteboard unreadable: a warning" test "$(wb 'Next update soon')" = "none  1"
check "whiteboard takes no other option" sh -c "'$ccwatch' whiteboard --nope x >/dev/null 2>&1; test \$? -eq 2"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
