# shellcheck shell=bash
# What the scripts/*/run.sh checks share, sourced by each: the classbridge binary they were given, a Python venv
# with one pinned package from PyPI, and a fresh `classbridge quickstart` on SQLite on a free port of 127.0.0.1
# (started in its own directory, stopped when the script exits) with the credentials it prints.
# Needs `root` (the repository) set by the sourcing script.

# The absolute path of the classbridge binary: $1, or target/debug/classbridge when it is empty.
classbridge_binary() {
  local binary="${1:-$root/target/debug/classbridge}"
  echo "$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
}

# python_venv VENV DISTRIBUTION VERSION: makes VENV (again) and installs DISTRIBUTION==VERSION into it unless that
# version is already installed there.
python_venv() {
  local venv="$1" distribution="$2" version="$3"
  if [ ! -x "$venv/bin/python" ] \
    || [ "$("$venv/bin/python" -c "from importlib.metadata import version; print(version('$distribution'))" \
      2>/dev/null)" != "$version" ]; then
    echo "installing $distribution $version into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "$distribution==$version"
  fi
}

# quickstart_start BINARY LOG [NAME=VALUE...]: starts `BINARY quickstart` (with the environment NAME=VALUE...) in a
# new directory, its output in LOG (in that directory when LOG is empty), and waits (up to 20 s) until it has
# printed its credentials. Sets quickstart_work, quickstart_log, quickstart_port, quickstart_base and
# quickstart_pid; an EXIT trap stops the server and removes the directory.
quickstart_start() {
  local binary="$1"
  shift
  quickstart_log="$1"
  shift
  quickstart_work="$(mktemp -d)"
  quickstart_log="${quickstart_log:-$quickstart_work/quickstart.log}"
  quickstart_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  quickstart_base="http://127.0.0.1:$quickstart_port"
  (cd "$quickstart_work" && exec env "$@" "$binary" quickstart --bind "127.0.0.1:$quickstart_port" \
    >"$quickstart_log" 2>&1) &
  quickstart_pid=$!
  trap quickstart_stop EXIT
  for _ in $(seq 1 100); do
    grep -q "ClassIn SECRET" "$quickstart_log" 2>/dev/null && break
    sleep 0.2
  done
}

# Stops the quickstart server and removes its directory (the EXIT trap quickstart_start sets).
quickstart_stop() {
  kill "$quickstart_pid" 2>/dev/null || true
  wait "$quickstart_pid" 2>/dev/null || true
  rm -rf "$quickstart_work"
}

# quickstart_value LABEL: the word the quickstart printed after LABEL ("partner token", "ClassIn SID", "ClassIn
# SECRET"), empty when it printed none.
quickstart_value() {
  awk -v label="$1" 'index($0, label) {print $3}' "$quickstart_log"
}

# The referer the quickstart's partner credential was made for, empty when it printed none.
quickstart_referer() {
  sed -n 's/.*referer \(http[^;)]*\).*/\1/p' "$quickstart_log" | head -n 1
}

# Fails (printing the first lines) when the quickstart server logged a panic or an error.
quickstart_logged_no_errors() {
  if grep -q "panicked\|ERROR" "$quickstart_log"; then
    echo "the server logged errors during the run (see $quickstart_log):"
    grep -m 20 "panicked\|ERROR" "$quickstart_log"
    return 1
  fi
}
