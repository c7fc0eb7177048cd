#!/usr/bin/env bash
# Measures leakhound's server-side pre-receive hook, during real pushes
# over git's local transport into a bare copy of a repository (every ref of
# it), as a server receives them:
#
#   - a push of one small commit: the hook alone (timed inside the push,
#     reading git's quarantine), the whole `git push` with the hook, and
#     the whole `git push` without a hook;
#   - a push of 1,000 commits and one of 10,000 commits (made with git
#     fast-import, each changing one small file): the hook's time and peak
#     memory (maximum resident set size).
#
#   bench/pre-receive.sh /path/to/repo [runs]     (default 11 runs)
#
# The repository is copied (git clone --mirror, hard links) into a
# temporary directory; it is not modified. Needs git and GNU time
# (/usr/bin/time). Prints medians.
set -euo pipefail
src=${1:?usage: bench/pre-receive.sh REPO [RUNS]}
runs=${2:-11}
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin=$tmp/leakhound
(cd "$here" && go build -o "$bin" ./cmd/leakhound)
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
# The benchmark measures the scan, not the default time limit.
export LEAKHOUND_TIMEOUT=10m

server=$tmp/server.git
git clone -q --mirror "$src" "$server"
git clone -q "$server" "$tmp/work"
cd "$tmp/work"
branch=$(git symbolic-ref --short HEAD)
base=$(git rev-parse HEAD)
commits=$(git -C "$server" rev-list --count --all)
refs=$(git -C "$server" for-each-ref | wc -l)

times=$tmp/hook-times
hook_on() {
  # The hook as installed, timed from inside the push.
  printf '#!/bin/sh\nexec /usr/bin/time -a -o %s -f "%%e %%M %%U %%S" %s hook pre-receive\n' "$times" "$bin" > "$server/hooks/pre-receive"
  chmod +x "$server/hooks/pre-receive"
}
hook_off() { rm -f "$server/hooks/pre-receive"; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
ms() { awk -v s="$1" 'BEGIN{printf "%.0f", s*1000}'; }
tf=$tmp/time
reset_server() { git -C "$server" update-ref "refs/heads/$branch" "$base"; git update-ref "refs/remotes/origin/$branch" "$base"; }

push=(); bare=()
: > "$times"
for i in $(seq "$runs"); do
  git reset -q --hard "$base"
  echo "# bench $i $RANDOM" >> bench-pre-receive.txt
  git add bench-pre-receive.txt
  git commit -q -m "one small commit $i"
  hook_on
  /usr/bin/time -o "$tf" -f "%e" git push -q origin "HEAD:refs/heads/$branch"
  push+=("$(tail -1 "$tf")")
  reset_server
  git commit -q --amend -m "one small commit $i, again"
  hook_off
  /usr/bin/time -o "$tf" -f "%e" git push -q origin "HEAD:refs/heads/$branch"
  bare+=("$(tail -1 "$tf")")
  reset_server
done
h=$(awk '{print $1}' "$times" | median)
hm=$(awk '{print $2}' "$times" | median)
hc=$(awk '{print $3 + $4}' "$times" | median)
p=$(printf '%s\n' "${push[@]}" | median)
b=$(printf '%s\n' "${bare[@]}" | median)

# n commits on top of the base, each changing one small file.
many() {
  local n=$1 ref=$2
  {
    for i in $(seq "$n"); do
      printf 'commit %s\ncommitter bench <bench@example.com> %d +0000\ndata <<EOM\nbench commit %d\nEOM\n' "$ref" $((1700000000 + i)) "$i"
      [ "$i" = 1 ] && printf 'from %s\n' "$base"
      printf 'M 644 inline bench/file%d.txt\ndata <<EOM\nline one of file %d\nvalue = %d\nEOM\n\n' $((i % 50)) "$i" "$((i * 7919))"
    done
  } | git fast-import --quiet
}
big() {
  local n=$1 ref=refs/heads/bench-$1
  many "$n" "$ref"
  : > "$times"
  hook_on
  /usr/bin/time -o "$tf" -f "%e" git push -q origin "$ref:$ref"
  echo "$(tail -1 "$tf") $(cat "$times")"
}
read -r p1k h1k m1k c1k < <(big 1000 | awk '{print $1, $2, $3, $4 + $5}')
read -r p10k h10k m10k c10k < <(big 10000 | awk '{print $1, $2, $3, $4 + $5}')

printf 'repository                    %s (%s commits, %s refs, on the server)\n' "$src" "$commits" "$refs"
printf 'runs                          %s (one-commit pushes)\n' "$runs"
printf 'load average at the end        %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'one commit: hook alone        %s ms median wall, %s ms CPU (user+sys), max RSS %s MB\n' "$(ms "$h")" "$(ms "$hc")" "$((hm / 1024))"
printf 'one commit: git push + hook   %s ms median\n' "$(ms "$p")"
printf 'one commit: git push, no hook %s ms median\n' "$(ms "$b")"
printf '1,000 commits: hook           %s ms wall, %s ms CPU, max RSS %s MB; git push + hook %s ms\n' "$(ms "$h1k")" "$(ms "$c1k")" "$((m1k / 1024))" "$(ms "$p1k")"
printf '10,000 commits: hook          %s ms wall, %s ms CPU, max RSS %s MB; git push + hook %s ms\n' "$(ms "$h10k")" "$(ms "$c10k")" "$((m10k / 1024))" "$(ms "$p10k")"
