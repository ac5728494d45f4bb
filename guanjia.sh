#!/usr/bin/env bash
# One command for everything on a fresh machine (needs only Python >= 3.11):
#   ./guanjia.sh            install (first time) and run the bot: python -m bot run
#   ./guanjia.sh test       install (first time) and run the whole test suite
#   ./guanjia.sh ARGS...    any other `python -m bot` command, e.g. ./guanjia.sh tickets list
set -euo pipefail
cd "$(dirname "$0")"
VENV="${GUANJIA_VENV:-.venv}"
PY="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ] || [ pyproject.toml -nt "$VENV/.installed" ]; then
  echo "guanjia: installing into $VENV (first run takes a minute)..." >&2
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet -e ".[test]"
  touch "$VENV/.installed"
fi

if [ "${1:-}" = "test" ]; then
  shift
  exec "$VENV/bin/python" -m pytest "$@"
fi
exec "$VENV/bin/python" -m bot "$@"
