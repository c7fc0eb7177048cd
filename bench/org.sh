#!/usr/bin/env bash
# Times an audit of many repositories: a full scan of the set, a re-scan
# with no change, and a re-scan after one new commit in each repository,
# with peak RSS; and, for the largest real history, its re-scan after one
# new commit against its own full scan.
#
#   bench/org.sh N CLONE...
#
# The set holds N repositories: a bare mirror of each CLONE (a local path
# or URL of a real history; `git clone --mirror`), and generated
# repositories (200 commits of a small project each, a few fake secrets)
# for the rest. Everything is built under a temporary directory (or
# $LEAKHOUND_BENCH_DIR, kept between runs), and scanned with this
# checkout's leakhound (or $LEAKHOUND_BIN), --threads ${THREADS:-2}.
# Times are wall and CPU (user + sys) seconds; on a shared machine compare
# the CPU figures, and the ratios within one run. Needs git and GNU time.
set -euo pipefail
n=${1:?usage: bench/org.sh N CLONE...}
shift
[ "$#" -le "$n" ] || { echo "bench: more clones than N" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
work=${LEAKHOUND_BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work/repos"
bin=${LEAKHOUND_BIN:-$work/leakhound}
[ -n "${LEAKHOUND_BIN:-}" ] || (cd "$here" && go build -o "$bin" ./cmd/leakhound)
threads=${THREADS:-2}

list=$work/repos.txt
: >"$list"
largest="" most=0
i=0
for src in "$@"; do
  name=$(basename "${src%.git}")
  dst=$work/repos/real-$i-$name.git
  [ -d "$dst" ] || git clone -q --mirror "$src" "$dst"
  echo "$dst" >>"$list"
  c=$(git -C "$dst" rev-list --all | wc -l)
  if [ "$c" -gt "$most" ]; then most=$c largest=$dst; fi
  i=$((i + 1))
done

# gen DIR SEED: a bare repository of 200 commits over 40 files, with a
# fake token now and then (assembled here, so this script holds none).
gen() {
  local dir=$1 seed=$2
  git init -q --bare -b main "$dir"
  awk -v seed="$seed" 'BEGIN {
    srand(seed); t = 1700000000
    for (c = 1; c <= 200; c++) {
      printf "commit refs/heads/main\ncommitter Bench <bench@example.com> %d +0000\n", t + c * 3600
      msg = "change " c; printf "data %d\n%s\n", length(msg), msg
      for (k = 0; k < 3; k++) {
        f = int(rand() * 40)
        body = ""
        for (l = 0; l < 30; l++) body = body sprintf("line %d of file %d, version %d: %08x\n", l, f, c, int(rand() * 4294967295))
        if (rand() < 0.02) body = body sprintf("GITHUB_TOKEN=ghp_%s%08x%08x%06x\n", "Bq7mZ2pL9vR4tW8b", int(rand()*4294967295), int(rand()*4294967295), int(rand()*16777215))
        printf "M 100644 inline src/file%02d.txt\ndata %d\n%s\n", f, length(body), body
      }
    }
  }' | git -C "$dir" fast-import --quiet
}
while [ "$i" -lt "$n" ]; do
  dst=$work/repos/gen-$i.git
  [ -d "$dst" ] || gen "$dst" "$i"
  echo "$dst" >>"$list"
  i=$((i + 1))
done

# commit DIR: one new commit on the default branch, a new file of 50 lines.
commit() {
  local dir=$1 idx blob tree parent new ref
  ref=$(git -C "$dir" symbolic-ref HEAD)
  parent=$(git -C "$dir" rev-parse HEAD)
  blob=$(seq 1 50 | sed "s/^/bench line $(date +%s%N) /" | git -C "$dir" hash-object -w --stdin)
  idx=$(mktemp)
  rm -f "$idx"
  GIT_INDEX_FILE=$idx git -C "$dir" read-tree "$parent"
  GIT_INDEX_FILE=$idx git -C "$dir" update-index --add --cacheinfo "100644,$blob,bench-$(date +%s%N).txt"
  tree=$(GIT_INDEX_FILE=$idx git -C "$dir" write-tree)
  rm -f "$idx"
  new=$(GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com \
    git -C "$dir" commit-tree "$tree" -p "$parent" -m "bench commit")
  git -C "$dir" update-ref "$ref" "$new"
}

tf=$(mktemp)
# timed LIST CACHE [FLAGS...]: one scan; prints "seconds KB cpu-seconds"
# (cpu: user + sys, which a shared machine's load changes far less than
# wall time).
timed() {
  local l=$1 cache=$2 rc=0
  shift 2
  /usr/bin/time -o "$tf" -f "%e %M %U %S" "$bin" scan --no-progress --threads "$threads" --cache-dir "$cache" \
    --repos "$l" -f json -o "$work/last.json" "$@" 2>"$tf.err" || rc=$?
  # 1: leaks found. 2 with a report: objects a mirror lacks (real
  # clones can), counted in the report; anything else is a failure.
  if [ "$rc" -gt 2 ] || { [ "$rc" -eq 2 ] && ! grep -q "scan incomplete" "$tf.err"; }; then
    echo "bench: scan failed (exit $rc):" >&2; cat "$tf.err" >&2; exit 2
  fi
  [ "$rc" -eq 2 ] && grep "INCOMPLETE" "$tf.err" | sed 's/^/note: /' >&2
  tail -1 "$tf" | awk '{ printf "%s %s %.2f\n", $1, $2, $3 + $4 }'
}
wall() { echo "$1" | cut -d' ' -f1; }
rss() { echo $(($(echo "$1" | cut -d' ' -f2) / 1024)); }
cpu() { echo "$1" | cut -d' ' -f3; }
# row LABEL RESULT [FULL]: a line of the table, with ratios to FULL.
row() {
  local r1="" r2=""
  if [ -n "${3:-}" ]; then r1=$(ratio "$(wall "$2")" "$(wall "$3")") r2=$(ratio "$(cpu "$2")" "$(cpu "$3")"); fi
  printf "%-36s %8s %8s %7d MB %8s %8s\n" "$1" "$(wall "$2")" "$(cpu "$2")" "$(rss "$2")" "$r1" "$r2"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f%%", 100 * a / b }'; }
commits=$(while read -r r; do git -C "$r" rev-list --all | wc -l; done <"$list" | awk '{s += $1} END {print s}')
echo "set: $n repositories, $commits commits; threads $threads; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

rm -rf "$work/cache"
full=$(timed "$list" "$work/cache")
same=$(timed "$list" "$work/cache")
while read -r r; do commit "$r"; done <"$list"
one=$(timed "$list" "$work/cache")
printf "%-36s %8s %8s %10s %8s %8s\n" "run" "seconds" "cpu s" "peak RSS" "wall/full" "cpu/full"
row "full scan of the set" "$full"
row "re-scan, no change" "$same" "$full"
row "re-scan, one new commit in each" "$one" "$full"

if [ -n "$largest" ]; then
  l1=$work/largest.txt
  echo "$largest" >"$l1"
  rm -rf "$work/cache1"
  f1=$(timed "$l1" "$work/cache1")
  commit "$largest"
  o1=$(timed "$l1" "$work/cache1")
  row "$(basename "$largest") ($most commits), full" "$f1"
  row "  re-scan after one new commit" "$o1" "$f1"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -n "${LEAKHOUND_BENCH_DIR:-}" ] || rm -rf "$work"
