#!/usr/bin/env bash
# Builds a leakhound release binary: static (CGO_ENABLED=0, no glibc malloc
# arenas nor 8 MiB thread stacks counted against the address-space limit),
# with go-re2 patched (release/go-re2-rlimit.patch, proposed upstream) to
# reserve at most an eighth of the address-space limit for RE2's
# WebAssembly memory instead of 4 GiB. Such a binary scans under
# `ulimit -v 1000000`; one built by `go install` needs over 5 GB (see the
# README's Limits).
#
#   release/build.sh [OUTPUT]        (default: ./leakhound)
#
# go.mod itself has no replace directive, so that `go install ...@latest`
# keeps working: the patched copy is made in a temporary directory and used
# through -modfile. The patch is against the go-re2 version go.mod requires;
# if it no longer applies, this fails.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-leakhound}")
ver=$(cd "$here" && go list -m -f '{{.Version}}' github.com/wasilibs/go-re2)
src=$(cd "$here" && go mod download -json "github.com/wasilibs/go-re2@$ver" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$src" ] || { echo "release: cannot find go-re2 $ver in the module cache" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
cp -r "$src" "$tmp/go-re2"
chmod -R u+w "$tmp/go-re2"
patch -s -d "$tmp/go-re2" -p1 <"$here/release/go-re2-rlimit.patch"
cp "$here/go.mod" "$tmp/go.mod"
cp "$here/go.sum" "$tmp/go.sum"
cd "$here"
go mod edit -modfile="$tmp/go.mod" -replace "github.com/wasilibs/go-re2=$tmp/go-re2"
CGO_ENABLED=0 go build -trimpath -modfile="$tmp/go.mod" -o "$out" ./cmd/leakhound
echo "$out (go-re2 $ver, patched; CGO_ENABLED=0)"
