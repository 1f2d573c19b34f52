#!/usr/bin/env bash
# Runs check.py (v1) and check_v2.py (v2) with the unmodified public SDK eeo-py-sdk 0.2.0 against a fresh
# `classbridge quickstart` on SQLite, as a school would: only the SDK's base URL changes. Used by .ci/run.
# Usage: scripts/classin-python-client/run.sh [path to the classbridge binary, default target/debug/classbridge]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=scripts/lib/quickstart.sh
. "$root/scripts/lib/quickstart.sh"
binary="$(classbridge_binary "${1:-}")"
venv="$root/target/classin-venv"
python_venv "$venv" eeo-py-sdk 0.2.0
quickstart_start "$binary" ""
sid="$(quickstart_value "ClassIn SID")"
secret="$(quickstart_value "ClassIn SECRET")"
if [ -z "$sid" ] || [ -z "$secret" ]; then
  echo "classbridge quickstart did not print a ClassIn SID and SECRET:"; cat "$quickstart_log"; exit 1
fi
for check in check.py check_v2.py; do
  echo "--- $check"
  "$venv/bin/python" "$root/scripts/classin-python-client/$check" \
    --base-url "$quickstart_base" --sid "$sid" --secret "$secret"
done
