#!/bin/sh
# Checks by hand (not in CI: it downloads Debian 11 packages) that the
# runtime wheel works on a glibc older than the build machine's:
#   runtime/oldglibc.sh WHEEL [OLD_WHEEL]
# It takes glibc 2.31 from Debian 11's libc6 (apt-get download, with its own
# apt state under the work directory: the system's sources are untouched),
# relinks a CPython >= 3.10 from its static libpython (pyenv's
# config-3.X/libpython3.X.a and python.o; PYTHON names its python, default
# python3.10) against that glibc, with the 2.31 ld.so as its interpreter,
# unpacks WHEEL for it, and serves examples/hello with
# `python -m bundle_runtime`, checked with curl. OLD_WHEEL, if given, must
# fail to import there (a wheel built without the glibc pins).
# Needs gcc, curl, unzip, apt-get and deb.debian.org.
set -eu
whl=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
old=${2:+$(cd "$(dirname "$2")" && pwd)/$(basename "$2")}
root=$(cd "$(dirname "$0")/.." && pwd)
py=$(command -v "${PYTHON:-python3.10}")
home=$("$py" -c 'import sys; print(sys.base_prefix)')
cfg=$("$py" -c 'import sysconfig; print(sysconfig.get_config_var("LIBPL"))')
ver=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
[ -f "$cfg/libpython$ver.a" ] && [ -f "$cfg/python.o" ] || { echo "no $cfg/libpython$ver.a or python.o" >&2; exit 1; }
w=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; rm -rf "$w"' EXIT

# glibc 2.31 from Debian 11.
mkdir -p "$w/apt/lists/partial" "$w/apt/cache/archives/partial" "$w/deb" "$w/sys"
echo 'deb http://deb.debian.org/debian bullseye main' >"$w/apt/sources.list"
apt="-o APT::Sandbox::User=root -o Dir::Etc::SourceList=$w/apt/sources.list -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$w/apt/lists -o Dir::Cache=$w/apt/cache"
# shellcheck disable=SC2086
apt-get -qq $apt update
# shellcheck disable=SC2086
(cd "$w/deb" && apt-get -qq $apt download libc6/bullseye libc6-dev/bullseye)
for d in "$w"/deb/*.deb; do dpkg-deb -x "$d" "$w/sys"; done
lib=$w/sys/lib/x86_64-linux-gnu
dev=$w/sys/usr/lib/x86_64-linux-gnu
ldso=$(ls "$lib"/ld-2.*.so)

# CPython linked against it. close_range is 2.34's: a stub that fails as an
# old kernel's does, which CPython falls back from.
printf '#include <errno.h>\nint close_range(unsigned a, unsigned b, int c) { (void)a; (void)b; (void)c; errno = ENOSYS; return -1; }\n' >"$w/stub.c"
gcc -O2 -c "$w/stub.c" -o "$w/stub.o"
mkdir -p "$w/py/bin"
gcc -no-pie -nostdlib -o "$w/py/bin/python$ver" "$dev/crt1.o" "$dev/crti.o" "$(gcc -print-file-name=crtbegin.o)" \
	"$cfg/python.o" "$w/stub.o" "$cfg/libpython$ver.a" -Xlinker -export-dynamic \
	-Wl,--dynamic-linker="$ldso" -Wl,--disable-new-dtags -Wl,-rpath,"$lib:$dev" \
	"$lib/libpthread.so.0" "$lib/libdl.so.2" "$lib/libutil.so.1" "$lib/libm.so.6" "$lib/libc.so.6" \
	"$dev/libc_nonshared.a" "$ldso" "$(gcc -print-libgcc-file-name)" "$(gcc -print-file-name=crtend.o)" "$dev/crtn.o"
opy=$w/py/bin/python$ver
export PYTHONHOME="$home"
echo "python: $("$opy" -c 'import os, sys; print(sys.version.split()[0], "on", os.confstr("CS_GNU_LIBC_VERSION"))')"

if [ -n "$old" ]; then
	mkdir "$w/old" && (cd "$w/old" && unzip -q "$old")
	if out=$(PYTHONPATH="$w/old" "$opy" -c 'import bundle_runtime' 2>&1); then
		echo "FAIL: $(basename "$old") imports on the old glibc" >&2
		exit 1
	fi
	echo "ok: $(basename "$old") does not import: $(echo "$out" | tail -1)"
fi

mkdir "$w/new" && (cd "$w/new" && unzip -q "$whl")
. "$root/runtime/serve_hello.sh"
serve_hello "glibc 2.31 python$ver" "$home" "$opy"
