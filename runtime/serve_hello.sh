# Sourced by oldglibc.sh and arm64run.sh (checks run by hand, not in CI):
# serve_hello, which serves examples/hello with a given Python and checks it.
# Uses $w (a work directory), $root (the repository), $whl (the wheel) and
# $pid (killed by the caller's EXIT trap while set); the wheel is unpacked
# in $w/new.

# serve_hello NAME PYTHONHOME CMD...: serves examples/hello with CMD and checks it.
serve_hello() {
	name=$1 home=$2
	shift 2
	echo "$name: $(PYTHONHOME=$home "$@" -c 'import os, sys; print("python", sys.version.split()[0], "on", os.uname().machine, os.confstr("CS_GNU_LIBC_VERSION"))')"
	PYTHONHOME=$home PYTHONPATH="$w/new" "$@" -m bundle_runtime "$root/examples/hello/bin/wsgiapp" \
		--listen 127.0.0.1:0 --threads 4 >"$w/out" 2>"$w/err" &
	pid=$!
	url=
	for _ in $(seq 300); do
		url=$(grep -o 'listening on http://[^ ]*' "$w/err" 2>/dev/null | head -1 | cut -d' ' -f3) || true
		[ -n "$url" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$url" ] || { cat "$w/err" >&2; echo "FAIL: $name: no server" >&2; exit 1; }
	# (Under qemu-user, the guest's files are mapped into qemu's process.)
	maps=$(awk '$6 ~ /lib(c|pthread)[-.]|ld-|_bundle_runtime/ {print $6}' "/proc/$pid/maps" | sort -u | tr '\n' ' ')
	body=$(curl -sS "$url/")
	n=0
	for _ in $(seq 200); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/")" = 200 ] && n=$((n + 1))
	done
	kill -TERM "$pid"
	wait "$pid" || { cat "$w/err" >&2; echo "FAIL: $name: exit status $?" >&2; exit 1; }
	pid=
	[ "$n" = 200 ] && [ "$body" = "Hello, world!" ] || { echo "FAIL: $name: $n/200 ok, body $body" >&2; exit 1; }
	echo "ok: $name: $(basename "$whl") served examples/hello (200/200 requests) on $url, stopped by SIGTERM; mapped: $maps"
}
