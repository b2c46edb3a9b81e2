#!/bin/sh
# Builds the bundle_runtime CPython extension (an abi3 .so made by Go with
# cgo) and packs it with the Python package into a wheel in dist/ (or $1):
#   dist/bundle_runtime-<version>-cp310-abi3-<platform>.whl
# Needs a C compiler; no Python headers (they are vendored, 3.10 limited API).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/dist}
GO=${GO:-go}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CGO_ENABLED=1 "$GO" build -C "$root" -trimpath -buildmode=c-shared -tags netgo,osusergo \
	-ldflags='-s -w' -o "$tmp/_bundle_runtime.abi3.so" ./runtime/ext
"$GO" run -C "$root" ./runtime/cmd/mkwheel -so "$tmp/_bundle_runtime.abi3.so" \
	-src "$root/runtime/python/bundle_runtime" -out "$out"
