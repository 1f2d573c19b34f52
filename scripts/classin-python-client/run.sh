#!/usr/bin/env bash
# Runs check.py (v1) and check_v2.py (v2) with the unmodified public SDK eeo-py-sdk 0.2.0 against a fresh
# `classbridge quickstart` on SQLite, as a school would: only the SDK's base URL changes. Used by .ci/run.
# Usage: scripts/classin-python-client/run.sh [path to the classbridge binary, default target/debug/classbridge]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
binary="${1:-$root/target/debug/classbridge}"
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
venv="$root/target/classin-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import eeo' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check eeo-py-sdk==0.2.0
fi
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
(cd "$work" && exec "$binary" quickstart --bind "127.0.0.1:$port" >"$work/quickstart.log" 2>&1) &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  grep -q "ClassIn SECRET" "$work/quickstart.log" 2>/dev/null && break
  sleep 0.2
done
sid="$(awk '/ClassIn SID/ {print $3}' "$work/quickstart.log")"
secret="$(awk '/ClassIn SECRET/ {print $3}' "$work/quickstart.log")"
if [ -z "$sid" ] || [ -z "$secret" ]; then
  echo "classbridge quickstart did not print a ClassIn SID and SECRET:"; cat "$work/quickstart.log"; exit 1
fi
for check in check.py check_v2.py; do
  echo "--- $check"
  "$venv/bin/python" "$root/scripts/classin-python-client/$check" \
    --base-url "http://127.0.0.1:$port" --sid "$sid" --secret "$secret"
done
