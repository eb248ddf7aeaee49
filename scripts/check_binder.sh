#!/usr/bin/env bash
# Check what Binder will build: rnnlib installed exactly once, editable.
#
#   scripts/check_binder.sh [path/to/repo2docker]
#
# Clones the committed HEAD of this repository into a temporary folder, asks repo2docker
# for the Dockerfile it would build (`--no-build --debug`: no Docker needed, nothing is
# downloaded), and checks it:
#   - it uses the Python of binder/runtime.txt;
#   - exactly one `pip install` runs, on binder/requirements.txt (no `pip install .`,
#     which would replace the editable install by a copy);
#   - the requirements it installs (binder/requirements.txt and the files it includes)
#     hold exactly one editable install, `-e .` (rnnlib itself).
# repo2docker is not a reader's requirement: install it in a throwaway venv, e.g.
#   python3 -m venv /tmp/venv-r2d && /tmp/venv-r2d/bin/pip install jupyter-repo2docker
#   scripts/check_binder.sh /tmp/venv-r2d/bin/repo2docker
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
r2d="${1:-repo2docker}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

git clone --quiet "$root" "$tmp/repo"
"$r2d" --version 2>/dev/null | sed 's/^/repo2docker /' || true
(cd "$tmp" && "$r2d" --no-build --debug "$tmp/repo") > "$tmp/out" 2>&1 || { cat "$tmp/out"; exit 1; }

fail=0
python_line=$(grep -m1 -E "^Building conda environment for python=" "$tmp/out" || true)
echo "Python:       ${python_line:-none found}"
if [ -f "$tmp/repo/binder/runtime.txt" ]; then
  want="python=$(sed 's/^python-//' "$tmp/repo/binder/runtime.txt")"
  [[ "$python_line" == *"$want" ]] || { echo "FAIL: expected $want (binder/runtime.txt)"; fail=1; }
else
  echo "FAIL: no binder/runtime.txt"; fail=1
fi

echo "pip installs in the generated Dockerfile:"
grep -E "^RUN .*pip install" "$tmp/out" | sed 's/^/  /' || true
n_pip=$(grep -c -E "^RUN .*pip install" "$tmp/out" || true)
[ "$n_pip" = 1 ] || { echo "FAIL: $n_pip pip installs, expected 1"; fail=1; }
grep -q -E '^RUN .*pip install .*-r "binder/requirements.txt"' "$tmp/out" \
  || { echo "FAIL: binder/requirements.txt is not what pip installs"; fail=1; }
if grep -q -E "^RUN .*pip install( .*)? \.\s*$" "$tmp/out"; then echo "FAIL: a plain 'pip install .'"; fail=1; fi

# follow -r includes from binder/requirements.txt and collect the editable installs
editables=$(cd "$tmp/repo" && [ -f binder/requirements.txt ] && python3 - <<'PY'
import pathlib, re
seen, out = set(), []
def walk(path):
    path = path.resolve()
    if path in seen:
        return
    seen.add(path)
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        m = re.match(r"(?:-r|--requirement)\s*=?\s*(\S+)", line)
        if m:
            walk(path.parent / m.group(1))
        elif re.match(r"(-e|--editable)\b", line):
            out.append(f"{path.relative_to(pathlib.Path.cwd())}: {line}")
walk(pathlib.Path("binder/requirements.txt"))
print("\n".join(out))
PY
)
echo "editable installs in what it installs:"
echo "$editables" | sed 's/^/  /'
[ "$(echo "$editables" | grep -c -E ': (-e|--editable) \.$')" = 1 ] && [ "$(echo "$editables" | grep -c .)" = 1 ] \
  || { echo "FAIL: expected exactly one editable install, '-e .'"; fail=1; }

[ "$fail" = 0 ] && echo "binder OK: one pip install, rnnlib installed once, editable"
exit "$fail"
