#!/bin/sh
# Checks by hand (not in CI: it downloads Debian arm64 packages, about
# 100 MB) that the linux/aarch64 runtime wheel, cross-built on x86_64 by
# `make build-arm64`, works on aarch64, emulated by qemu-user:
#   runtime/arm64run.sh WHEEL [OLD_WHEEL]
# 1. Debian 12's own python3.11 (glibc 2.36) from an arm64 root made by
#    debootstrap's first stage (--foreign: nothing of it runs; its .debs are
#    unpacked with dpkg-deb), run by qemu-aarch64-static -L ROOT.
# 2. The same CPython relinked, like oldglibc.sh does on x86_64, from
#    Debian 12's static libpython3.11.a and python.o against glibc 2.31
#    (Debian 11's arm64 libc6, libc6-dev, libexpat1 and zlib1g), with the
#    2.31 ld.so as its interpreter, run by qemu-aarch64-static without a
#    prefix, so only that glibc is there to map. OLD_WHEEL, if given, must
#    fail to import there (a wheel built without the glibc pins).
# Each unpacks WHEEL into a directory on PYTHONPATH and serves
# examples/hello with `python -m bundle_runtime` on 127.0.0.1, checked with
# curl from this host (qemu-user passes the sockets through), then stopped
# by SIGTERM, which must give exit status 0.
# Needs qemu-user-static, debootstrap, gcc-aarch64-linux-gnu,
# libc6-dev-arm64-cross (for its libgcc and crt objects), curl, unzip,
# apt-get, dpkg-deb and deb.debian.org; no binfmt_misc. ARM64ROOT=DIR keeps
# the arm64 root in DIR (made when DIR/usr/bin/python3.11 is missing) for
# the next run.
set -eu
whl=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
old=${2:+$(cd "$(dirname "$2")" && pwd)/$(basename "$2")}
root=$(cd "$(dirname "$0")/.." && pwd)
cc=${CC:-aarch64-linux-gnu-gcc}
qemu=$(command -v qemu-aarch64-static)
w=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; rm -rf "$w"' EXIT

# Debian 12 arm64 with python3, unpacked.
r=${ARM64ROOT:-$w/root}
if [ ! -x "$r/usr/bin/python3.11" ]; then
	rm -rf "$r"
	debootstrap --foreign --arch=arm64 --variant=minbase --include=python3 bookworm "$r" \
		http://deb.debian.org/debian >"$w/debootstrap.log" 2>&1 || { cat "$w/debootstrap.log" >&2; exit 1; }
	for d in "$r"/var/cache/apt/archives/*.deb; do dpkg-deb -x "$d" "$r"; done
fi

# Debian 11's arm64 glibc 2.31 (and the expat and zlib that libpython needs,
# built for it), Debian 12's libpython3.11.a; apt state of its own under the
# work directory: the system's sources are untouched.
mkdir -p "$w/apt/lists/partial" "$w/apt/cache/archives/partial" "$w/deb" "$w/sys"
printf 'deb [arch=arm64] http://deb.debian.org/debian bullseye main\ndeb [arch=arm64] http://deb.debian.org/debian bookworm main\n' \
	>"$w/apt/sources.list"
apt="-o APT::Architecture=arm64 -o APT::Architectures=arm64 -o APT::Sandbox::User=root -o Dir::Etc::SourceList=$w/apt/sources.list -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$w/apt/lists -o Dir::Cache=$w/apt/cache -o Dir::State::Status=/dev/null"
pyver=$(dpkg-deb -f "$(ls "$r"/var/cache/apt/archives/libpython3.11-stdlib_*.deb)" Version)
# shellcheck disable=SC2086
apt-get -qq $apt update
# shellcheck disable=SC2086
(cd "$w/deb" && apt-get -qq $apt download libc6/bullseye libc6-dev/bullseye libexpat1/bullseye zlib1g/bullseye \
	"libpython3.11-dev=$pyver")
for d in "$w"/deb/*.deb; do dpkg-deb -x "$d" "$w/sys"; done
lib=$w/sys/lib/aarch64-linux-gnu
dev=$w/sys/usr/lib/aarch64-linux-gnu
cfg=$w/sys/usr/lib/python3.11/config-3.11-aarch64-linux-gnu
ldso=$(ls "$lib"/ld-2.*.so)
# close_range is 2.34's: a stub that fails as an old kernel's does, which
# CPython falls back from.
printf '#include <errno.h>\nint close_range(unsigned a, unsigned b, int c) { (void)a; (void)b; (void)c; errno = ENOSYS; return -1; }\n' >"$w/stub.c"
"$cc" -O2 -c "$w/stub.c" -o "$w/stub.o"
mkdir -p "$w/py/bin"
"$cc" -no-pie -nostdlib -o "$w/py/bin/python3.11" "$dev/crt1.o" "$dev/crti.o" "$("$cc" -print-file-name=crtbegin.o)" \
	"$cfg/python.o" "$w/stub.o" "$cfg/libpython3.11.a" -Xlinker -export-dynamic \
	-Wl,--dynamic-linker="$ldso" -Wl,--disable-new-dtags -Wl,-rpath,"$lib:$dev" \
	"$lib/libexpat.so.1" "$lib/libz.so.1" \
	"$lib/libpthread.so.0" "$lib/libdl.so.2" "$lib/libutil.so.1" "$lib/libm.so.6" "$lib/libc.so.6" \
	"$dev/libc_nonshared.a" "$ldso" "$("$cc" -print-libgcc-file-name)" "$("$cc" -print-file-name=crtend.o)" "$dev/crtn.o"

mkdir "$w/new" && (cd "$w/new" && unzip -q "$whl")

. "$root/runtime/serve_hello.sh"

serve_hello "Debian 12 python3.11" "$r/usr" "$qemu" -L "$r" "$r/usr/bin/python3.11"

if [ -n "$old" ]; then
	mkdir "$w/old" && (cd "$w/old" && unzip -q "$old")
	if out=$(PYTHONHOME="$r/usr" PYTHONPATH="$w/old" "$qemu" "$w/py/bin/python3.11" -c 'import bundle_runtime' 2>&1); then
		echo "FAIL: $(basename "$old") imports on glibc 2.31" >&2
		exit 1
	fi
	echo "ok: $(basename "$old") does not import on glibc 2.31: $(echo "$out" | tail -1)"
fi
serve_hello "python3.11 relinked against glibc 2.31" "$r/usr" "$qemu" "$w/py/bin/python3.11"
