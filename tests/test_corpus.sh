#!/bin/sh
# Regenerate the demo corpus and check it is byte-identical to the committed
# data/demo-corpus.json, then check the corpus invariants (times, history
# replay, needinfo flags, the clock mix at the anchor) on the demo extract and
# on a full scale-1 run.  Prints "N passed, M failed"; exits 1 on failure.
set -u
top=${TOPSRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
input=$top/data/ca-compliance/bugs-2026-03.json
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_corpus.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
gen="/usr/bin/python3 $top/scripts/gen-corpus --input $input"

$gen --select demo -o "$tmp/demo.json" 2>"$tmp/demo.err"
$gen -o "$tmp/full.json" 2>"$tmp/full.err"
$gen --scale 2 -o "$tmp/scale2.json" 2>/dev/null
$gen --select demo --seed 2 -o "$tmp/seed2.json" 2>/dev/null

/usr/bin/python3 - "$top/data/demo-corpus.json" "$tmp" "$input" <<'EOF'
import calendar, json, re, statistics, sys, time

committed, tmp, input_path = sys.argv[1:4]
passed = failed = 0


def check(name, ok):
    """Count one check and report a failure by name."""
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print('FAIL: %s' % name)


def ts(s):
    """Epoch seconds of a YYYY-MM-DDTHH:MM:SSZ time."""
    return calendar.timegm(time.strptime(s, '%Y-%m-%dT%H:%M:%SZ'))


ISO = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$')
ROOT = ('mozilla.com', 'mozilla.org', 'google.com', 'chromium.org', 'apple.com',
        'microsoft.com', 'ccadb.org')
records = {r['id']: r for r in json.load(open(input_path, encoding='utf-8'))}
creators = {r['creator'] for r in records.values()}


def replay(bug):
    """Replay a bug's history; return a list of problems found."""
    bad = []
    cur = {'status': 'UNCONFIRMED', 'resolution': '', 'whiteboard': ''}
    flags, prev = {}, ''
    for h in bug['history']:
        if not ISO.match(h['when']) or h['when'] < prev or not h['changes']:
            bad.append('history order/format')
        prev = h['when']
        for c in h['changes']:
            f = c['field_name']
            if f in cur:
                if c['removed'] != cur[f]:
                    bad.append('%s removed %r != %r' % (f, c['removed'], cur[f]))
                cur[f] = c['added']
            elif f == 'flagtypes.name':
                for r in re.findall(r'needinfo\?\(([^)]*)\)', c['removed']):
                    if flags.pop(r, None) is None:
                        bad.append('cleared a needinfo that was not set')
                for r in re.findall(r'needinfo\?\(([^)]*)\)', c['added']):
                    flags[r] = (h['who'], h['when'])
    for f in cur:
        if cur[f] != bug[f]:
            bad.append('final %s %r != %r' % (f, cur[f], bug[f]))
    have = {f['requestee']: (f['setter'], f['creation_date']) for f in bug['flags']}
    if have != flags:
        bad.append('flags differ from history')
    return bad


def check_corpus(tag, doc):
    """Check the invariants every corpus must hold."""
    anchor = doc['anchor']
    bugs = doc['bugs']
    problems = []
    cids = []
    for b in bugs:
        com = b['comments']
        times = [b['creation_time']] + [c['time'] for c in com] + [h['when'] for h in b['history']]
        if not all(ISO.match(t) and t <= anchor for t in times):
            problems.append((b['id'], 'time format or after anchor'))
        if b['last_change_time'] != max(times) or b['comment_count'] != len(com):
            problems.append((b['id'], 'last_change_time/comment_count'))
        if [c['count'] for c in com] != list(range(len(com))) or \
                [c['time'] for c in com] != sorted(c['time'] for c in com):
            problems.append((b['id'], 'comment order'))
        if com[0]['creator'] != b['creator'] or com[0]['time'] != b['creation_time']:
            problems.append((b['id'], 'comment 0 is not the description'))
        for c in com:
            if c['author'] != c['creator'] or c['time'] != c['creation_time'] or \
                    c['raw_text'] != c['text'] or c['bug_id'] != b['id'] or c['is_private']:
                problems.append((b['id'], 'comment fields'))
            cids.append((c['time'], c['id']))
        if b['is_open'] != (b['resolution'] == ''):
            problems.append((b['id'], 'is_open'))
        want = 'CA Program' if b['creation_time'][:4] >= '2023' else 'NSS'
        if b['product'] != want or b['component'] != 'CA Certificate Compliance':
            problems.append((b['id'], 'product/component'))
        problems += [(b['id'], p) for p in replay(b)]
        r = records.get(b['id'])
        if r and any(r[k] != b[k] for k in ('summary', 'status', 'resolution', 'whiteboard',
                                             'creator', 'creation_time')):
            problems.append((b['id'], 'differs from the real record'))
        for f in b['flags']:
            if f['name'] != 'needinfo' or f['type_id'] != 800 or f['status'] != '?':
                problems.append((b['id'], 'flag fields'))
        emails = {c['creator'] for c in com} | {h['who'] for h in b['history']} | set(b['cc'])
        for e in emails - creators:
            if not (e.endswith('.example') or e.split('@')[1] in ROOT or e.endswith('.tld')):
                problems.append((b['id'], 'invented address at a real domain: ' + e))
    for p in problems[:10]:
        print('  %s: bug %s: %s' % (tag, p[0], p[1]))
    check(tag + ': per-bug invariants', not problems)
    ids = [i for _, i in sorted(cids)]
    check(tag + ': comment ids unique and increasing with time',
          len(set(ids)) == len(ids) and ids == sorted(ids))
    check(tag + ': bug ids unique and sorted',
          [b['id'] for b in bugs] == sorted({b['id'] for b in bugs}))
    fl = [f['id'] for b in bugs for f in b['flags']]
    check(tag + ': flag ids unique', len(fl) == len(set(fl)))
    return bugs


def open_mix(bugs, anchor):
    """Check the open bugs exercise each clock state at the anchor."""
    a = ts(anchor)
    fresh = [b for b in bugs if b['status'] == 'UNCONFIRMED' and
             b['assigned_to'] == 'nobody@mozilla.org' and a - ts(b['creation_time']) < 7 * 86400]
    ages = [(a - ts(b['creation_time'])) / 3600 for b in fresh if len(b['comments']) >= 1 and
            all(c['creator'] != b['assigned_to'] for c in b['comments'][1:])]
    check('demo: fresh third-party report overdue (>72 h, no CA reply)', any(h > 72 for h in ages))
    check('demo: fresh third-party report due soon (24-72 h)', any(24 <= h <= 72 for h in ages))
    check('demo: fresh third-party report ok (<24 h)', any(h < 24 for h in ages))
    ni = [a - ts(f['creation_date']) for b in bugs if b['is_open'] for f in b['flags']
          if f['requestee'] == b['assigned_to']]
    check('demo: open needinfo older than 7 days', any(s > 7 * 86400 for s in ni))
    nu = [m.group(1) for b in bugs if b['is_open']
          for m in [re.search(r'Next update (\d{4}-\d\d-\d\d)', b['whiteboard'])] if m]
    check('demo: Next update dates in the past and future',
          any(d < anchor[:10] for d in nu) and any(d > anchor[:10] for d in nu))
    check('demo: an open bug in its close-on period',
          any('[close on' in b['whiteboard'] for b in bugs if b['is_open']))
    heads = ('## Summary', '## Impact', '## Timeline', '## Related Incidents',
             '## Root Cause Analysis', '## Lessons Learned', '## Action Items', '## Appendix')
    check('demo: v3 Full Incident Reports present',
          any(all(h in c['text'] for h in heads) for b in bugs for c in b['comments']))
    gaps = []
    for b in bugs:
        if b['is_open'] and b['assigned_to'] != 'nobody@mozilla.org':
            t = [ts(c['time']) for c in b['comments'] if c['creator'] == b['assigned_to']]
            gaps.append(a - max(t or [ts(b['creation_time'])]))
    check('demo: CA updates both recent and overdue',
          any(g < 5 * 86400 for g in gaps) and any(g > 10 * 86400 for g in gaps))
    q = [c for b in bugs for c in b['comments'][1:] if 'https://crt.sh/?id=' in c['text']
         and c['creator'] != b['assigned_to']]
    check('demo: community crt.sh URLs with ?id=', bool(q))
    check('demo: quoted questions', any(c['text'].startswith('> ') and '?' in c['text']
                                        for b in bugs for c in b['comments']))
    same = 0
    for b in bugs:
        ct = {(c['creator'], c['time']) for c in b['comments']}
        same += sum(1 for h in b['history'] for c in h['changes']
                    if c['field_name'] == 'flagtypes.name' and c['added'] and (h['who'], h['when']) in ct)
    check('demo: needinfo set in the same change as its comment', same > 0)


committed_bytes = open(committed, 'rb').read()
demo_bytes = open(tmp + '/demo.json', 'rb').read()
check('regenerated demo is byte-identical to data/demo-corpus.json', committed_bytes == demo_bytes)
check('demo corpus is under 400 KB', len(demo_bytes) < 400000)
check('demo differs for another seed', open(tmp + '/seed2.json', 'rb').read() != demo_bytes)
demo = json.loads(demo_bytes)
check('header fields', demo['generated_by'] == 'scripts/gen-corpus' and demo['seed'] == 1 and
      demo['anchor'] == '2026-03-13T12:00:00Z')
check('one bug per line', demo_bytes.count(b'\n') == len(demo['bugs']) + 2)
bugs = check_corpus('demo', demo)
opened = {r['id'] for r in records.values() if r['resolution'] == '' and
          r['creation_time'] <= demo['anchor']}
check('demo holds every open real bug', opened <= {b['id'] for b in bugs})
check('demo holds closed bugs too', any(not b['is_open'] for b in bugs))
open_mix(bugs, demo['anchor'])

full = json.load(open(tmp + '/full.json', encoding='utf-8'))
fbugs = check_corpus('full', full)
check('full holds every real record up to the anchor',
      {b['id'] for b in fbugs} >= {i for i, r in records.items()
                                    if r['creation_time'] <= full['anchor']})
cc = sorted(b['comment_count'] for b in fbugs)
check('full: comment counts median 7..14, p90 < 40, a tail past 200',
      7 <= statistics.median(cc) <= 14 and cc[len(cc) * 9 // 10] < 40 and cc[-1] > 200)
s2 = json.load(open(tmp + '/scale2.json', encoding='utf-8'))
ids2 = [b['id'] for b in s2['bugs']]
check('scale 2: twice the bugs, unique ids, summaries kept',
      len(ids2) == 2 * len(fbugs) and len(set(ids2)) == len(ids2) and
      sorted(b['summary'] for b in s2['bugs']) == sorted(2 * [b['summary'] for b in fbugs]))
print('%d passed, %d failed' % (passed, failed))
sys.exit(1 if failed else 0)
EOF
