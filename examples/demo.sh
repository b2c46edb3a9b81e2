#!/usr/bin/env bash
# The main job: serve examples/flask with bundle's in-process runtime.
#
#  1. Take a plain Flask repository (the example's own source, without its
#     bundle files), make it a bundle with `bundle init` and validate it.
#  2. Validate both examples in pinned form.
#  3. `bundle sync examples/flask`: create examples/flask/.venv and install the
#     pinned wheels (from ../shared/wheelhouse, the example's find-links: there
#     is no PyPI here) and the bundle_runtime wheel from dist/.
#  4. Serve examples/flask with `python bin/wsgiapp`: the same code path that
#     `bundle run` will use on a server.
#
# Usage: examples/demo.sh DISTDIR     (make demo; PORT=8000 by default)
#        DEMO_SMOKE=1 examples/demo.sh DISTDIR
#          serves on a free port, checks two pages with curl, stops it with
#          SIGTERM and exits (for CI).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
dist="$(cd "${1:-$root/dist}" && pwd)"
bundle="$dist/bundle"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

repo="$work/myflaskapp"
mkdir -p "$repo"
cp -r "$here/flask/app.py" "$here/flask/templates" "$here/flask/requirements.txt" "$repo/"
echo "\$ bundle init $repo"
"$bundle" init "$repo"
echo
echo "\$ bundle validate $repo"
"$bundle" validate "$repo"
echo
for ex in hello flask; do
  echo "\$ bundle validate --strict examples/$ex"
  "$bundle" validate --strict "$here/$ex"
  echo
done

echo "\$ bundle sync examples/flask"
"$bundle" sync "$here/flask"
echo
py="$here/flask/.venv/bin/python"

app="$here/flask/bin/wsgiapp"
if [ -z "${DEMO_SMOKE:-}" ]; then
  echo "\$ python examples/flask/bin/wsgiapp --listen 127.0.0.1:${PORT:-8000}    (Ctrl-C stops it)"
  exec "$py" "$app" --listen "127.0.0.1:${PORT:-8000}"
fi

# Smoke mode: serve on a free port, check, stop.
log="$work/server.log"
"$py" "$app" --listen 127.0.0.1:0 >"$log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 100); do
  port="$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$log" | grep -o '[0-9]*$' | head -n 1 || true)"
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "demo: the server did not start:"; cat "$log"; exit 1; }
echo "\$ curl http://127.0.0.1:$port/?name=bundle"
curl -fsS "http://127.0.0.1:$port/?name=bundle" | tee "$work/page"
echo
grep -q 'Hello, bundle!' "$work/page"
echo "\$ curl http://127.0.0.1:$port/health"
curl -fsS "http://127.0.0.1:$port/health"
echo
kill -TERM "$server_pid"
wait "$server_pid"
server_pid=""
echo "server log:"
cat "$log"
echo "demo: ok"
