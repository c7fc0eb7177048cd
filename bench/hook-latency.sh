#!/usr/bin/env bash
# Measures leakhound's pre-push hook on a push of one small commit into a
# large history: the hook alone (fed git's exact pre-push input) and a whole
# `git push` to a local bare remote with the hook and without it.
#
#   bench/hook-latency.sh /path/to/repo [runs]     (default 20 runs)
#
# The repository is cloned (locally, cheaply) into a temporary directory;
# it is not modified. Needs git and GNU time (/usr/bin/time).
set -euo pipefail
src=${1:?usage: bench/hook-latency.sh REPO [RUNS]}
runs=${2:-20}
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin=$tmp/leakhound
(cd "$here" && go build -o "$bin" ./cmd/leakhound)

git clone -q --bare "$src" "$tmp/remote.git"
git clone -q "$tmp/remote.git" "$tmp/work"
cd "$tmp/work"
git config user.email bench@example.com
git config user.name bench
branch=$(git symbolic-ref --short HEAD)
base=$(git rev-parse HEAD)
echo "# a small change" >> bench-hook-latency.txt
git add bench-hook-latency.txt
git commit -q -m "one small commit"
head=$(git rev-parse HEAD)
commits=$(git rev-list --count HEAD)
printf 'refs/heads/%s %s refs/heads/%s %s\n' "$branch" "$head" "$branch" "$base" > "$tmp/input"
"$bin" hook install --pre-push >/dev/null

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
ms() { awk -v s="$1" 'BEGIN{printf "%.0f", s*1000}'; }
tf=$tmp/time

hook=(); push=(); bare=()
for i in $(seq "$runs"); do
  /usr/bin/time -o "$tf" -f "%e" "$bin" hook pre-push origin "$tmp/remote.git" < "$tmp/input"
  hook+=("$(tail -1 "$tf")")
  /usr/bin/time -o "$tf" -f "%e" git push -q origin "$branch"
  push+=("$(tail -1 "$tf")")
  git push -q --no-verify --force origin "$base:refs/heads/$branch"
  git fetch -q origin
  /usr/bin/time -o "$tf" -f "%e" git push -q --no-verify origin "$branch"
  bare+=("$(tail -1 "$tf")")
  git push -q --no-verify --force origin "$base:refs/heads/$branch"
  git fetch -q origin
done
h=$(printf '%s\n' "${hook[@]}" | median)
p=$(printf '%s\n' "${push[@]}" | median)
b=$(printf '%s\n' "${bare[@]}" | median)
printf 'repository                 %s (%s commits on %s)\n' "$src" "$commits" "$branch"
printf 'runs                       %s\n' "$runs"
printf 'hook alone                 %s ms median\n' "$(ms "$h")"
printf 'git push with the hook     %s ms median\n' "$(ms "$p")"
printf 'git push --no-verify       %s ms median\n' "$(ms "$b")"
