#!/usr/bin/env bash
# Set up (a .venv with eventcoder and its test dependencies) and run the test suite.
#
#   ./scripts/test.sh [pytest options]
#
# The tests read real data from the shared folder beside the repository (../shared), or from
# $EVENTCODER_SHARED.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "eventcoder needs Python >= 3.11 (set PYTHON=python3.11)" >&2; exit 1; }
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
exec .venv/bin/python -m pytest "$@"
