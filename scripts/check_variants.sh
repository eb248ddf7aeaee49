#!/usr/bin/env bash
# Run every notebook under nbval (strict, stored outputs) as readers with other machines would:
# other OpenBLAS kernels and thread counts, numpy limited to older CPU code paths, and rnnlib's
# Numba kernels compiled for a generic x86-64 CPU instead of this one.
# The stored digits must not change (ARCHITECTURE.md, "Same digits on every machine").
#
#   scripts/check_variants.sh                 # all notebooks, all variants (a few minutes)
#   scripts/check_variants.sh notebooks/03_input_view.ipynb
#
# Needs the reader's install (pip install -r requirements.txt). Prints one line per variant
# and exits non-zero if any variant fails.
set -uo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(notebooks)
status=0
run() {
  local name=$1; shift
  local log rc
  log=$(mktemp)
  env "$@" python -m pytest -q -p no:cacheprovider "${targets[@]}" > "$log" 2>&1
  rc=$?
  printf '%-55s %s\n' "$name" "$(tail -1 "$log")"
  [ "$rc" -eq 0 ] || grep -E "^FAILED" "$log" | head -20
  rm -f "$log"
  [ "$rc" -eq 0 ] || status=1
}
run "default" OPENBLAS_NUM_THREADS=1
run "OpenBLAS Prescott kernel, 1 thread" OPENBLAS_CORETYPE=Prescott OPENBLAS_NUM_THREADS=1
run "OpenBLAS Sandybridge kernel, 2 threads" OPENBLAS_CORETYPE=Sandybridge OPENBLAS_NUM_THREADS=2
run "numpy x86-64-v2 code paths, OpenBLAS Prescott" NPY_DISABLE_CPU_FEATURES="X86_V3 X86_V4" OPENBLAS_CORETYPE=Prescott OPENBLAS_NUM_THREADS=1
run "Numba code for a generic x86-64 CPU (SSE2)" NUMBA_CPU_NAME=generic OPENBLAS_NUM_THREADS=1
exit $status
