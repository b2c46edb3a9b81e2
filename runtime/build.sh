#!/bin/sh
# Builds the bundle_runtime CPython extension (an abi3 .so made by Go with
# cgo) and packs it with the Python package into a wheel in dist/ (or $1):
#   dist/bundle_runtime-<version>-cp310-abi3-<platform>.whl
# Needs a C compiler; no Python headers (they are vendored, 3.10 limited API).
#
# On linux/amd64 the wheel is manylinux_2_17 (manylinux2014: glibc 2.17 and
# later), whatever glibc this machine has: runtime/ext/glibc_compat.h, forced
# into every C file (runtime/cgo's too), binds the glibc symbols to their
# 2.17-era versions, and libpthread.so.0 is linked as glibc before 2.34 needs
# it. mkwheel reads the built .so and refuses a tag it does not meet. PLATFORM
# overrides the tag (mkwheel still checks it); PLATFORM= (empty) takes the one
# worked out from the .so.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/dist}
GO=${GO:-go}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
case $("$GO" env GOOS)/$("$GO" env GOARCH) in
linux/amd64)
	# Set, CGO_CFLAGS and CGO_LDFLAGS replace Go's default "-g -O2".
	CGO_CFLAGS="${CGO_CFLAGS:--g -O2} -include $root/runtime/ext/glibc_compat.h"
	CGO_LDFLAGS="${CGO_LDFLAGS:--g -O2} -Wl,--push-state,--no-as-needed -l:libpthread.so.0 -Wl,--pop-state"
	export CGO_CFLAGS CGO_LDFLAGS
	platform=${PLATFORM-manylinux_2_17_x86_64.manylinux2014_x86_64}
	;;
*) platform=${PLATFORM-} ;;
esac
CGO_ENABLED=1 "$GO" build -C "$root" -trimpath -buildmode=c-shared -tags netgo,osusergo \
	-ldflags='-s -w' -o "$tmp/_bundle_runtime.abi3.so" ./runtime/ext
whl=$("$GO" run -C "$root" ./runtime/cmd/mkwheel -so "$tmp/_bundle_runtime.abi3.so" \
	-src "$root/runtime/python/bundle_runtime" -platform "$platform" -out "$out")
# A wheel of the same version with another platform tag (an older build)
# would compete with this one where bundle sync looks for the runtime.
ver=$(basename "$whl" | cut -d- -f2)
for f in "$out"/bundle_runtime-"$ver"-*.whl; do
	[ "$f" = "$whl" ] || rm -f "$f"
done
echo "$whl"
