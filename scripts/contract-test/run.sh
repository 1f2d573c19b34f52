#!/usr/bin/env bash
# The contract test: schemathesis (from PyPI, pinned) against a fresh `classbridge quickstart` on SQLite, over every
# operation of its /openapi.json, with the checks that the server never answers 5xx and that every answer conforms
# to the documented status codes, content types, headers and schemas. Deterministic (fixed seed, no example
# database, one worker) and bounded (max examples per operation). Fails on any failure and when an operation of the
# document got no request. Used by .ci/run.
# Usage: scripts/contract-test/run.sh [path to the classbridge binary, default target/debug/classbridge]
# Environment: CONTRACT_MAX_EXAMPLES (default 40), CONTRACT_SEED (default 15). Reports in target/contract-test/.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=scripts/lib/quickstart.sh
. "$root/scripts/lib/quickstart.sh"
binary="$(classbridge_binary "${1:-}")"
schemathesis_version="4.32.5"
max_examples="${CONTRACT_MAX_EXAMPLES:-40}"
seed="${CONTRACT_SEED:-15}"
here="$root/scripts/contract-test"
venv="$root/target/contract-venv"
out="$root/target/contract-test"

python_venv "$venv" schemathesis "$schemathesis_version"

rm -rf "$out"
mkdir -p "$out"
# No rate limit: the test sends thousands of requests with one token, and 429 is not what it is testing.
quickstart_start "$binary" "$out/quickstart.log" CLASSBRIDGE_RATE_LIMIT_PER_MINUTE=0
base="$quickstart_base"
token="$(quickstart_value "partner token")"
sid="$(quickstart_value "ClassIn SID")"
secret="$(quickstart_value "ClassIn SECRET")"
referer="$(quickstart_referer)"
if [ -z "$token" ] || [ -z "$sid" ] || [ -z "$secret" ] || [ -z "$referer" ]; then
  echo "classbridge quickstart did not print a token, referer, SID and SECRET:"; cat "$out/quickstart.log"; exit 1
fi

echo "--- seeding a small school through the partner API"
"$venv/bin/python" "$here/seed.py" --base-url "$base" --token "$token" --referer "$referer"
curl -fsS "$base/openapi.json" -o "$out/openapi.json"

echo "--- schemathesis $schemathesis_version: seed $seed, at most $max_examples examples per operation"
# The document is read from the file fetched above, not from its URL: loaded from a URL, schemathesis leaves out the
# operation serving the document (GET /openapi.json), which is an operation of the contract like any other.
status=0
# Run from target/contract-test, where Hypothesis may leave its folder.
(cd "$out" && CONTRACT_CLASSIN_SID="$sid" CONTRACT_CLASSIN_SECRET="$secret" SCHEMATHESIS_HOOKS="$here/hooks.py" \
  exec "$venv/bin/schemathesis" --config-file "$here/schemathesis.toml" run "$out/openapi.json" --url "$base" \
  --header "token: $token" --header "referer: $referer" --header "accept: application/json" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
  --seed "$seed" --generation-database none --max-examples "$max_examples" --workers 1 \
  --continue-on-failure --request-timeout 30 --no-color \
  --report ndjson,har --report-ndjson-path "$out/events.ndjson" --report-har-path "$out/requests.har.json") \
  | tee "$out/schemathesis.log" || status=$?

echo "--- per operation"
"$venv/bin/python" "$here/summary.py" --document "$out/openapi.json" --har "$out/requests.har.json" \
  --ndjson "$out/events.ndjson" --findings "$out/findings.md" || status=1
quickstart_logged_no_errors || status=1
if [ "$status" -ne 0 ]; then
  echo "RESULT: FAILED (findings: $out/findings.md; every request: $out/requests.har.json)"
  exit 1
fi
echo "RESULT: OK, every operation exercised and every answer as documented"
