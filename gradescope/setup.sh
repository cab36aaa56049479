#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu), from
# $AUTOGRADER_ROOT/source (default /autograder/source: the zip's contents). It installs Python 3.10+
# if the image lacks it, makes a venv at $AUTOGRADER_ROOT/venv and installs the grader from this
# folder (editable: the grader finds solutions/ and setup.cfg beside it), which brings numpy, scipy and
# hypothesis as setup.cfg declares them. It ends by grading the reference solution: a build whose
# reference does not get full marks fails here, in the build log, not on the students' submissions.
set -euo pipefail

ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
VENV="$ROOT/venv"

has_python() {
  command -v python3 >/dev/null &&
    python3 -c "import sys, venv, ensurepip; assert sys.version_info >= (3, 10)" 2>/dev/null
}
if ! has_python; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends python3 python3-venv python3-pip
fi
has_python || { echo "setup.sh: the grader needs Python 3.10 or newer with venv; this image has $(python3 --version 2>&1)" >&2; exit 1; }

python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
# (PYTHONWARNINGS: setuptools' notice on every editable install says nothing anyone can act on)
PYTHONWARNINGS=ignore::UserWarning "$VENV/bin/python" -m pip install --quiet -e "$SOURCE"

# Self-check: the reference, graded as run_autograder grades a submission, gets full marks.
check="$(mktemp -d)"
cd "$SOURCE"
AUTOGRADER_REPLAY=local "$VENV/bin/python" -m autograder grade "$SOURCE/solutions" --format gradescope \
  --output "$check/results.json"
"$VENV/bin/python" - "$check/results.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
assert doc["score"] == doc["max_score"] > 0, f"the reference scored {doc['score']} / {doc['max_score']}"
print(f"setup.sh: the reference scores {doc['score']} / {doc['max_score']} ({len(doc['tests'])} tests)")
PY
rm -rf "$check"
