#!/usr/bin/env bash
# The main job until the runtime lands: take a plain Flask repository (the
# Flask example's own source, without its bundle files), make it a bundle with
# `bundle init`, validate it, then validate both examples.
# Usage: examples/demo.sh [PATH/TO/bundle]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bundle="$(cd "$(dirname "${1:-dist/bundle}")" && pwd)/$(basename "${1:-dist/bundle}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

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
