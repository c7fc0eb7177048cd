#!/usr/bin/env bash
# Times leakhound's full-history scan of a repository against `git log -p
# --all` on the same repository: median of N alternating runs of each, peak
# RSS of leakhound, and the ratio of the medians.
#
#   bench/compare.sh /path/to/repo [runs]      (default 5 runs)
#
# Builds leakhound from this checkout first. Needs git and GNU time
# (/usr/bin/time, Debian package "time").
set -euo pipefail
repo=${1:?usage: bench/compare.sh REPO [RUNS]}
runs=${2:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(mktemp -d)/leakhound
(cd "$here" && go build -o "$bin" ./cmd/leakhound)
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

lh_t=(); lh_m=(); git_t=()
tf=$(mktemp)
commits=$(git -C "$repo" rev-list --all | wc -l)
for i in $(seq "$runs"); do
  # leakhound: exit status 1 (leaks found) is a normal outcome here.
  rc=0
  /usr/bin/time -o "$tf" -f "%e %M" "$bin" scan --no-progress -f json "$repo" >/dev/null 2>"$tf.err" || rc=$?
  if [ "$rc" -gt 1 ]; then echo "bench: leakhound failed (exit $rc):" >&2; cat "$tf.err" >&2; exit 2; fi
  out=$(tail -1 "$tf"); lh_t+=("${out% *}"); lh_m+=("${out#* }")
  /usr/bin/time -o "$tf" -f "%e" git -C "$repo" log -p --all >/dev/null
  git_t+=("$(tail -1 "$tf")")
done
lt=$(printf '%s\n' "${lh_t[@]}" | median)
lm=$(printf '%s\n' "${lh_m[@]}" | median)
gt=$(printf '%s\n' "${git_t[@]}" | median)
printf 'repository       %s (%s commits)\n' "$repo" "$commits"
printf 'runs             %s, alternating\n' "$runs"
printf 'leakhound        %s s median (runs: %s), peak RSS %s MB median\n' "$lt" "${lh_t[*]}" "$(awk -v k="$lm" 'BEGIN{printf "%.0f", k/1024}')"
printf 'git log -p --all %s s median (runs: %s)\n' "$gt" "${git_t[*]}"
printf 'ratio            %sx git log -p\n' "$(awk -v a="$lt" -v b="$gt" 'BEGIN{printf "%.2f", a/b}')"
