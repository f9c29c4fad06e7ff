# Shared by scripts/demo.sh and scripts/test.sh: pick a Python that durable-rules supports (3.10-3.12)
# and create the project's virtual environment in .venv with the given extras.
set -euo pipefail

pick_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3 python3.12 python3.11 python3.10 \
      "$HOME"/.pyenv/versions/3.12*/bin/python3 "$HOME"/.pyenv/versions/3.11*/bin/python3 "$HOME"/.pyenv/versions/3.10*/bin/python3; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || [ -x "$candidate" ] || continue
    if "$candidate" -c 'import sys; raise SystemExit(0 if (3, 10) <= sys.version_info[:2] <= (3, 12) else 1)' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "error: backend-expert needs Python 3.10, 3.11 or 3.12 (durable-rules does not build on 3.13+); set PYTHON=/path/to/python3.12" >&2
  return 1
}

make_venv() {  # $1: extras, e.g. "test,validate" or ""
  local py
  py=$(pick_python)
  if [ ! -x .venv/bin/python ]; then
    "$py" -m venv .venv
  fi
  .venv/bin/python -m pip install --quiet --upgrade pip
  if [ -n "$1" ]; then
    .venv/bin/python -m pip install --quiet -e ".[$1]"
  else
    .venv/bin/python -m pip install --quiet -e .
  fi
}
