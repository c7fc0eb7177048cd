#!/usr/bin/env bash
# An independent check of the rules: bench/heldout/gen.py builds a small
# Django/Flask shop's history the way an outside tester might (34 planted
# secrets of the kinds the brief lists, in settings, .env files, CI files,
# scripts, a branch never merged, a secret removed again, an evil merge;
# and the brief's decoys), scans it and prints what was missed and what
# was reported that was not planted.
#
#   bench/heldout/run.sh [seed...]        (default seeds 1 to 5)
#
# Needs python3 and git. Written apart from the rules' own examples and
# from internal/corpus, by another hand.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$here" && go build -o "$tmp/leakhound" ./cmd/leakhound)
seeds=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(1 2 3 4 5)
for seed in "${seeds[@]}"; do
  rm -rf "$tmp/repo" "$tmp/expected.json"
  python3 "$here/bench/heldout/gen.py" "$tmp/repo" "$seed" >/dev/null
  (cd "$tmp/repo" && "$tmp/leakhound" scan --no-progress -f json -o "$tmp/out.json" . >/dev/null 2>&1) || true
  python3 - "$tmp/expected.json" "$tmp/out.json" "$seed" <<'PY'
import json, sys
exp = json.load(open(sys.argv[1]))
out = json.load(open(sys.argv[2]))["findings"]
def same(f, s):
    return f["secret"] == s or (f["secret"] and (s in f["secret"] or (f["secret"] in s and len(f["secret"]) > 8)))
missed = [e for e in exp if not any(same(f, e["secret"]) for f in out)]
extra = [f for f in out if not any(same(f, e["secret"]) for e in exp)]
print(f"seed {sys.argv[3]}: {len(exp)} planted, {len(exp) - len(missed)} found, {len(extra)} not planted")
for e in missed:
    print(f"  missed {e['kind']} in {e['file']}")
for f in extra:
    known = " (publicly known)" if (f.get("context") or {}).get("known") else ""
    print(f"  extra  {f['rule_id']} at {f['file']}:{f['line']}, {f.get('severity', '')}{known}")
PY
done
