#!/usr/bin/env bash
# The generated client: openapi-python-client (from PyPI, pinned) makes a Python client from a fresh
# `classbridge quickstart`'s /openapi.json, unedited (into target/generated-client/), and flow.py runs a partner's
# first integration with it: mirror a school -> poll the job -> list users and read one -> a student's sign-in link
# -> open it with plain HTTP and land signed in. Fails when the generator warns, leaves an operation out or makes a
# function that cannot send its documented body (check_client.py), and when the flow fails. Used by .ci/run.
# Usage: scripts/generated-client/run.sh [path to the classbridge binary, default target/debug/classbridge]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=scripts/lib/quickstart.sh
. "$root/scripts/lib/quickstart.sh"
binary="$(classbridge_binary "${1:-}")"
# 0.27.1: 0.28.0 to 0.29.1 write `body: … | Unset = UNSET` for a required body with several content types without
# importing `Unset`, so those modules fail to import (openapi-python-client issue 1451, open).
generator_version="0.27.1"
here="$root/scripts/generated-client"
venv="$root/target/generated-client-venv"
out="$root/target/generated-client"
package="classbridge_client"

python_venv "$venv" openapi-python-client "$generator_version"

rm -rf "$out"
mkdir -p "$out"
quickstart_start "$binary" "$out/quickstart.log"
base="$quickstart_base"
token="$(quickstart_value "partner token")"
referer="$(quickstart_referer)"
if [ -z "$token" ] || [ -z "$referer" ]; then
  echo "classbridge quickstart did not print a token and referer:"; cat "$out/quickstart.log"; exit 1
fi
curl -fsS "$base/openapi.json" -o "$out/openapi.json"

echo "--- openapi-python-client $generator_version: a client from $base/openapi.json into $out/$package"
# The generator formats its output with ruff (one of its dependencies, in the venv).
(cd "$out" && PATH="$venv/bin:$PATH" "$venv/bin/openapi-python-client" generate --path "$out/openapi.json" \
  --output-path "$out/$package" --meta none) >"$out/generate.log" 2>&1 || {
  cat "$out/generate.log"; echo "RESULT: FAILED, the generator could not make a client"; exit 1; }
cat "$out/generate.log"
status=0
"$venv/bin/python" "$here/check_client.py" --document "$out/openapi.json" --generator-log "$out/generate.log" \
  --package-dir "$out/$package" || status=1

echo "--- flow.py with the generated client"
"$venv/bin/python" "$here/flow.py" --client-dir "$out" --package "$package" --document "$out/openapi.json" \
  --base-url "$base" --token "$token" --referer "$referer" || status=1
quickstart_logged_no_errors || status=1
if [ "$status" -ne 0 ]; then
  echo "RESULT: FAILED"
  exit 1
fi
echo "RESULT: OK, the unedited generated client ran the whole flow"
