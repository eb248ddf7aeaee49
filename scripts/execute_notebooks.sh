#!/usr/bin/env bash
# Re-create and re-execute chapter notebooks from their py:percent scripts.
#
#   scripts/execute_notebooks.sh notebooks/02_formula.py [more.py ...]
#   scripts/execute_notebooks.sh            # every notebooks/*.py
#
# For each script: write a fresh .ipynb from it (no stale outputs), run it top to
# bottom in a new kernel (execution counts 1..n, as nbval and readers expect),
# and re-pair so that the .py and .ipynb hold the same cells.
set -euo pipefail
# one BLAS thread, as in the tests (tests/conftest.py): the book's matrices are small
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}" OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
cd "$(dirname "$0")/.."
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(notebooks/*.py)
for py in "${files[@]}"; do
  nb="${py%.py}.ipynb"
  echo "== $nb"
  jupytext --quiet --to ipynb --set-kernel python3 --output "$nb" "$py"
  jupyter nbconvert --log-level=WARN --to notebook --execute --inplace \
    --ExecutePreprocessor.record_timing=False --ExecutePreprocessor.timeout=300 "$nb"
  jupytext --quiet --sync "$nb"
done
