#!/usr/bin/env bash
# Runs every test: on SQLite always, and on PostgreSQL too when CLASSBRIDGE_TEST_POSTGRES_URL names a server whose
# user may create databases (each test makes its own database and drops it). Extra arguments go to the test runner.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${CLASSBRIDGE_TEST_POSTGRES_URL:-}" ]; then
  echo "==> running the tests on SQLite and on PostgreSQL (${CLASSBRIDGE_TEST_POSTGRES_URL%%@*}@…)"
else
  echo "==> running the tests on SQLite only. The PostgreSQL variants are SKIPPED (each says so);"
  echo "    to run them: CLASSBRIDGE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres $0"
fi

if cargo nextest --version >/dev/null 2>&1; then
  exec cargo nextest run --workspace --no-fail-fast "$@"
else
  exec cargo test --workspace --no-fail-fast "$@"
fi
