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
#
# GOARCH=arm64 builds the linux/aarch64 wheel the same way (glibc_compat.h
# pins to GLIBC_2.17, aarch64's base version), manylinux_2_17_aarch64
# (manylinux2014): on another host it cross-compiles with CC, by default
# aarch64-linux-gnu-gcc (Debian: gcc-aarch64-linux-gnu and
# libc6-dev-arm64-cross). Only wheels of the same version and architecture
# as the new one are replaced in the output directory.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/dist}
GO=${GO:-go}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
target=$("$GO" env GOOS)/$("$GO" env GOARCH)
case $target in
linux/amd64 | linux/arm64)
	# Set, CGO_CFLAGS and CGO_LDFLAGS replace Go's default "-g -O2".
	CGO_CFLAGS="${CGO_CFLAGS:--g -O2} -include $root/runtime/ext/glibc_compat.h"
	CGO_LDFLAGS="${CGO_LDFLAGS:--g -O2} -Wl,--push-state,--no-as-needed -l:libpthread.so.0 -Wl,--pop-state"
	export CGO_CFLAGS CGO_LDFLAGS
	if [ "$target" = linux/amd64 ]; then
		platform=${PLATFORM-manylinux_2_17_x86_64.manylinux2014_x86_64}
	else
		platform=${PLATFORM-manylinux_2_17_aarch64.manylinux2014_aarch64}
		if [ "$("$GO" env GOHOSTARCH)" != arm64 ]; then
			CC=${CC:-aarch64-linux-gnu-gcc}
			export CC
		fi
	fi
	;;
*) platform=${PLATFORM-} ;;
esac
CGO_ENABLED=1 "$GO" build -C "$root" -trimpath -buildmode=c-shared -tags netgo,osusergo \
	-ldflags='-s -w' -o "$tmp/_bundle_runtime.abi3.so" ./runtime/ext
# mkwheel runs here, whatever GOARCH the extension is for.
whl=$(GOOS=$("$GO" env GOHOSTOS) GOARCH=$("$GO" env GOHOSTARCH) "$GO" run -C "$root" ./runtime/cmd/mkwheel -so "$tmp/_bundle_runtime.abi3.so" \
	-src "$root/runtime/python/bundle_runtime" -platform "$platform" -out "$out")
# A wheel of the same version and architecture with another platform tag (an
# older build) would compete with this one where bundle sync looks for the
# runtime; one for another architecture stays.
ver=$(basename "$whl" | cut -d- -f2)
tag=${whl%.whl}
case $tag in
*_x86_64) arch=x86_64 ;;
*) arch=${tag##*[-_.]} ;;
esac
for f in "$out"/bundle_runtime-"$ver"-*[-_.]"$arch".whl; do
	[ "$f" = "$whl" ] || rm -f "$f"
done
echo "$whl"
