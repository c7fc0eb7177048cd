#!/usr/bin/env bash
# Builds repositories with huge inputs and measures leakhound on each: wall
# time, peak RSS, exit status and what the summary says was skipped.
#
#   bench/huge.sh [workdir]      (default: a temporary directory, removed after)
#
# Cases: a 1 GiB blob; a 50 MB single-line file and a file of 10 million
# short lines (scanned with the default size limit, which skips them, and
# with --max-file-size raised so the detector sees them; the lines also at
# 2.5M and 5M to show the time scaling); histories of 25k, 50k and 100k
# commits; 10k refs. Needs git (fast-import builds the repositories) and GNU
# time. Takes a few minutes and a few GB of disk.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-}
if [ -z "$work" ]; then work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$work"
bin=$work/leakhound
(cd "$here" && go build -o "$bin" ./cmd/leakhound)
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }

# new_repo NAME: an empty repository; prints its path.
new_repo() { rm -rf "$work/$1"; git init -q "$work/$1"; echo "$work/$1"; }

measure() { # NAME ARGS...: run leakhound scan and print one line
  local name=$1; shift
  local tf=$work/time rc=0
  /usr/bin/time -o "$tf" -f "%e %M" "$bin" scan --no-progress -f json -o "$work/report.json" "$@" 2>"$work/err" || rc=$?
  read -r secs kb < <(tail -1 "$tf")
  local skipped
  skipped=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print(",".join(f"{k}={v}" for k,v in sorted(s["skipped"].items())) or "-", s["commits"], s["blobs"], s["bytes"])' "$work/report.json" 2>/dev/null || echo "? ? ? ?")
  printf '%-34s %7.2f s %6d MB  exit %d  skipped/commits/blobs/bytes: %s\n' "$name" "$secs" "$((kb / 1024))" "$rc" "$skipped"
}

echo "building inputs in $work ..."

# 1. A 1 GiB text blob (compresses well, so the repository stays small).
r=$(new_repo gib)
{
  echo "blob"; echo "mark :1"; echo "data $((1 << 30))"
  # yes dies of SIGPIPE when head has enough: not an error here.
  { yes "the same line of text, over and over, 48 bytes." || true; } | head -c $((1 << 30))
  echo
  echo "commit refs/heads/main"; echo "committer b <b@example.com> 1700000000 +0000"
  echo "data 4"; echo "big"; echo "M 100644 :1 big.txt"
} | git -C "$r" fast-import --quiet
measure "1 GiB blob (default limit)" "$r"

# 2. A 50 MB single line; 3. ten million short lines.
r=$(new_repo lines)
python3 - "$work/oneline.js" "$work/short.txt" <<'PY'
import random, string, sys
rnd = random.Random(1)
with open(sys.argv[1], "w") as f:
    parts = []
    n = 0
    while n < 50_000_000:
        p = "var " + "".join(rnd.choice(string.ascii_letters) for _ in range(8)) + "=" + str(rnd.randint(0, 10**9)) + ";"
        parts.append(p); n += len(p)
    f.write("".join(parts))
with open(sys.argv[2], "w") as f:
    for i in range(10_000_000):
        f.write(f"k{i}=v\n")
PY
{
  for f in oneline.js short.txt; do
    echo "blob"; echo "mark :$([ $f = oneline.js ] && echo 1 || echo 2)"
    echo "data $(stat -c %s "$work/$f")"; cat "$work/$f"; echo
  done
  echo "commit refs/heads/main"; echo "committer b <b@example.com> 1700000000 +0000"
  echo "data 5"; echo "huge"; echo "M 100644 :1 dist/app.js"; echo "M 100644 :2 data/short.txt"
} | git -C "$r" fast-import --quiet
measure "50 MB line + 10M lines (default)" "$r"
measure "50 MB line + 10M lines (128MiB)" --max-file-size 128MiB "$r"
# The same short lines, 2.5M and 5M of them: time should scale with size.
for m in 2500000 5000000; do
  head -n $m "$work/short.txt" > "$work/plain-$m.txt"
  mkdir -p "$work/lines$m"; mv "$work/plain-$m.txt" "$work/lines$m/short.txt"
  measure "$((m / 100000))00k lines, --no-git (128MiB)" --max-file-size 128MiB --no-git "$work/lines$m"
done
mkdir -p "$work/lines10m"; cp "$work/short.txt" "$work/lines10m/short.txt"
measure "10M lines, --no-git (128MiB)" --max-file-size 128MiB --no-git "$work/lines10m"
mkdir -p "$work/plain"; cp "$work/oneline.js" "$work/plain/app.js"
measure "50 MB line, --no-git (128MiB)" --max-file-size 128MiB --no-git "$work/plain"

# 4. Histories of 25k, 50k and 100k commits, each commit changing one of
# 100 files: time should double with the history.
for n in 25000 50000 100000; do
  r=$(new_repo "commits$n")
  python3 - "$n" <<'PY' | git -C "$r" fast-import --quiet
import sys
n = int(sys.argv[1])
out = sys.stdout
for i in range(n):
    body = f"value_{i} = {i * 7919 % 100003}\n"
    out.write("commit refs/heads/main\n")
    out.write(f"committer b <b@example.com> {1600000000 + i} +0000\n")
    out.write(f"data {len(str(i))}\n{i}\n")
    out.write(f"M 100644 inline src/file{i % 100}.py\n")
    out.write(f"data {len(body)}\n{body}\n")
PY
  measure "$((n / 1000))k commits" "$r"
done

# 5. 10k refs (branches and tags) over a short history.
r=$(new_repo refs)
python3 - <<'PY' | git -C "$r" fast-import --quiet
import sys
for i in range(100):
    body = f"x = {i}\n"
    sys.stdout.write(f"commit refs/heads/main\ncommitter b <b@example.com> {1600000000+i} +0000\ndata 1\n.\nM 100644 inline f.py\ndata {len(body)}\n{body}\n")
PY
head=$(git -C "$r" rev-parse main)
for i in $(seq 0 9999); do
  if [ $((i % 2)) -eq 0 ]; then echo "create refs/heads/b$i $head"; else echo "create refs/tags/t$i $head"; fi
done | git -C "$r" update-ref --stdin
measure "10k refs" "$r"
