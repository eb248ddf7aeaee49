#!/usr/bin/env bash
# Build the HTML book from the stored notebooks, offline, failing on any warning,
# then check every internal link of the result (book/check_links.py).
#
#   python3 -m venv .venv-book && . .venv-book/bin/activate && pip install -r book/requirements.txt && book/build.sh
#
# Output: book/_build/html/index.html
set -euo pipefail
cd "$(dirname "$0")/.."

# MathJax from the installed package, so that the book renders math offline
mj=$(python -c "import mathjax, pathlib; print(pathlib.Path(mathjax.__file__).parent / 'static/mathjax/es5/tex-svg.js')")
mkdir -p book/_static/mathjax
cp "$mj" book/_static/mathjax/tex-svg.js

rm -rf book/_build
jupyter-book build . --config book/_config.yml --toc book/_toc.yml --path-output book -W --keep-going --all

# every chapter has its page
missing=0
for nb in notebooks/*.ipynb; do
  page="book/_build/html/notebooks/$(basename "${nb%.ipynb}").html"
  if [ ! -f "$page" ]; then echo "missing page: $page"; missing=1; continue; fi
  # a Binder launch button and the repository button on every chapter, no widget left
  grep -q 'href="https://mybinder.org/v2/gh/' "$page" || { echo "no Binder launch button: $page"; missing=1; }
  grep -q 'class="btn btn-sm btn-source-repository-button' "$page" || { echo "no repository button: $page"; missing=1; }
  if grep -q 'application/vnd.jupyter.widget-view+json' "$page"; then echo "widget output (renders empty): $page"; missing=1; fi
done
for page in index.html search.html; do
  [ -f "book/_build/html/$page" ] || { echo "missing page: $page"; missing=1; }
done
[ "$missing" = 0 ] && echo "book OK: $(ls book/_build/html/notebooks/*.html | wc -l) chapter pages in book/_build/html"
[ "$missing" = 0 ] || exit 1

# every internal link and image of the built book resolves (offline: nothing is requested)
python book/check_links.py book/_build/html
