#!/usr/bin/env bash
# One command for everything on a fresh machine (needs only Python >= 3.11):
#   ./guanjia.sh            install (first time) and run the bot: python -m bot run
#   ./guanjia.sh test       install (first time) and run the whole test suite
#   ./guanjia.sh ARGS...    any other `python -m bot` command, e.g. ./guanjia.sh tickets list
# Dependencies come from requirements.lock (exact versions and their hashes); the README
# says how to refresh it.
set -euo pipefail
cd "$(dirname "$0")"
VENV="${GUANJIA_VENV:-.venv}"
PY="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ] || [ requirements.lock -nt "$VENV/.installed" ] \
  || [ pyproject.toml -nt "$VENV/.installed" ]; then
  echo "guanjia: installing into $VENV (first run takes a minute)..." >&2
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet --require-hashes -r requirements.lock
  "$VENV/bin/python" -m pip install --quiet --no-deps -e .
  touch "$VENV/.installed"
fi

if [ "${1:-}" = "test" ]; then
  shift
  exec "$VENV/bin/python" -m pytest "$@"
fi
exec "$VENV/bin/python" -m bot "$@"
