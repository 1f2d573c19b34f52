#!/usr/bin/env bash
# The generated client: openapi-python-client (from PyPI, pinned) makes a Python client from a fresh
# `classbridge quickstart`'s /openapi.json, unedited (into target/generated-client/), and flow.py runs a partner's
# first integration with it: mirror a school -> poll the job -> list users and read one -> a student's sign-in link
# -> open it with plain HTTP and land signed in. Fails when the generator warns, leaves an operation out or makes a
# function that cannot send its documented body (check_client.py), and when the flow fails. Used by .ci/run.
# Usage: scripts/generated-client/run.sh [path to the classbridge binary, default target/debug/classbridge]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
binary="${1:-$root/target/debug/classbridge}"
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
# 0.27.1: 0.28.0 to 0.29.1 write `body: … | Unset = UNSET` for a required body with several content types without
# importing `Unset`, so those modules fail to import (openapi-python-client issue 1451, open).
generator_version="0.27.1"
here="$root/scripts/generated-client"
venv="$root/target/generated-client-venv"
out="$root/target/generated-client"
package="classbridge_client"

if [ ! -x "$venv/bin/openapi-python-client" ] \
  || [ "$("$venv/bin/python" -c 'from importlib.metadata import version; print(version("openapi-python-client"))' 2>/dev/null)" \
    != "$generator_version" ]; then
  echo "installing openapi-python-client $generator_version into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "openapi-python-client==$generator_version"
fi

rm -rf "$out"
mkdir -p "$out"
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
(cd "$work" && exec "$binary" quickstart --bind "127.0.0.1:$port" >"$out/quickstart.log" 2>&1) &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  grep -q "ClassIn SECRET" "$out/quickstart.log" 2>/dev/null && break
  sleep 0.2
done
token="$(awk '/partner token/ {print $3}' "$out/quickstart.log")"
referer="$(sed -n 's/.*referer \(http[^;)]*\).*/\1/p' "$out/quickstart.log" | head -n 1)"
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
if grep -q "panicked\|ERROR" "$out/quickstart.log"; then
  echo "the server logged errors during the run (see $out/quickstart.log):"
  grep -m 20 "panicked\|ERROR" "$out/quickstart.log"
  status=1
fi
if [ "$status" -ne 0 ]; then
  echo "RESULT: FAILED"
  exit 1
fi
echo "RESULT: OK, the unedited generated client ran the whole flow"
