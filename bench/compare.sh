#!/usr/bin/env bash
# Times leakhound's full-history scan of a repository against `git log -p
# --all` on the same repository: median of N alternating runs of each, peak
# RSS of leakhound, and the ratio of the medians.
#
#   bench/compare.sh /path/to/repo [runs]      (default 5 runs)
#
# Builds leakhound from this checkout first. Needs git and GNU time
# (/usr/bin/time, Debian package "time").
#
# With LEAKHOUND_BASE=/path/to/leakhound (an older build), that binary runs
# too, alternating with this checkout's in every round, and its median and
# the ratio of the two are printed: a before/after comparison on a machine
# whose load changes. LEAKHOUND_NO_GIT=1 leaves out `git log -p`.
set -euo pipefail
repo=${1:?usage: bench/compare.sh REPO [RUNS]}
runs=${2:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(mktemp -d)/leakhound
(cd "$here" && go build -o "$bin" ./cmd/leakhound)
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

lh_t=(); lh_m=(); git_t=(); base_t=(); base_m=()
tf=$(mktemp)
commits=$(git -C "$repo" rev-list --all | wc -l)
# run BIN: one timed scan; prints "seconds KB".
run() {
  local b=$1 rc=0
  # exit status 1 (leaks found) is a normal outcome here.
  /usr/bin/time -o "$tf" -f "%e %M" "$b" scan --no-progress -f json "$repo" >/dev/null 2>"$tf.err" || rc=$?
  if [ "$rc" -gt 1 ]; then echo "bench: $b failed (exit $rc):" >&2; cat "$tf.err" >&2; exit 2; fi
  tail -1 "$tf"
}
for i in $(seq "$runs"); do
  if [ -n "${LEAKHOUND_BASE:-}" ]; then
    out=$(run "$LEAKHOUND_BASE") || exit 2; base_t+=("${out% *}"); base_m+=("${out#* }")
  fi
  out=$(run "$bin") || exit 2; lh_t+=("${out% *}"); lh_m+=("${out#* }")
  if [ -z "${LEAKHOUND_NO_GIT:-}" ]; then
    /usr/bin/time -o "$tf" -f "%e" git -C "$repo" log -p --all >/dev/null
    git_t+=("$(tail -1 "$tf")")
  fi
done
lt=$(printf '%s\n' "${lh_t[@]}" | median)
lm=$(printf '%s\n' "${lh_m[@]}" | median)
printf 'repository       %s (%s commits)\n' "$repo" "$commits"
printf 'runs             %s, alternating\n' "$runs"
printf 'leakhound        %s s median (runs: %s), peak RSS %s MB median\n' "$lt" "${lh_t[*]}" "$(awk -v k="$lm" 'BEGIN{printf "%.0f", k/1024}')"
if [ -n "${LEAKHOUND_BASE:-}" ]; then
  bt=$(printf '%s\n' "${base_t[@]}" | median)
  bm=$(printf '%s\n' "${base_m[@]}" | median)
  printf 'base             %s s median (runs: %s), peak RSS %s MB median (%s)\n' "$bt" "${base_t[*]}" "$(awk -v k="$bm" 'BEGIN{printf "%.0f", k/1024}')" "$LEAKHOUND_BASE"
  printf 'this / base      %sx\n' "$(awk -v a="$lt" -v b="$bt" 'BEGIN{printf "%.3f", a/b}')"
fi
if [ -z "${LEAKHOUND_NO_GIT:-}" ]; then
  gt=$(printf '%s\n' "${git_t[@]}" | median)
  printf 'git log -p --all %s s median (runs: %s)\n' "$gt" "${git_t[*]}"
  printf 'ratio            %sx git log -p\n' "$(awk -v a="$lt" -v b="$gt" 'BEGIN{printf "%.2f", a/b}')"
fi
