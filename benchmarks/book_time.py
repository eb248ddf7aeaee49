"""How long the book takes under nbval, chapter by chapter, against an earlier commit, side by side.

Measure the whole book and each chapter under the README's
test command (pytest with nbval in strict mode), today's tree against an
earlier one, in one sitting, on one machine. Each notebook is run by a fresh
``pytest --nbval`` process, alternately in the two trees (A B, B A, ...), and
the medians of pytest's own reported durations are kept (wall time, which adds
Python start-up and collection, is reported too). Hypothesis's pytest plugin is
turned off in these runs: it imports all of Hypothesis when the session ends,
about 0.9 s that pytest counts in every notebook's time here but that the
README's single ``pytest`` run pays once, for the property tests.

    python benchmarks/book_time.py --before 69a4d46            # writes benchmarks/results_book.md
    python benchmarks/book_time.py --before 69a4d46 --also 98a0a1a   # and a commit in between
    python benchmarks/book_time.py --before 69a4d46 --repeats 1 --no-write
    python benchmarks/book_time.py --before 69a4d46 --cold     # empty Numba cache at the start of
    each
                                                               # round (a reader's first pass):
                                                               results_book_cold.md

The earlier trees are checked out with ``git worktree`` into a temporary folder
and imported through PYTHONPATH, in the same virtual environment; the trees
take turns notebook by notebook, in an order that rotates from run to run.
"""

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))  # bench_rnn, imported below: hence noqa: E402
from bench_rnn import when_and_where, write_report  # noqa: E402


def empty_numba_cache(tree):
    """Delete rnnlib's compiled kernels cached in ``tree`` (``rnnlib/__pycache__/*.nbi, *.nbc``)."""
    for f in list((tree / "rnnlib" / "__pycache__").glob("*.nb[ic]")):
        f.unlink()


def run_notebook(tree, notebook):
    """Run one notebook under nbval in ``tree``: (pytest seconds, wall seconds, passed?)."""
    env = dict(os.environ, PYTHONPATH=str(tree), OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    t0 = time.perf_counter()
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:hypothesispytest",
            "-o",
            "addopts=",
            "--nbval",
            "--nbval-current-env",
            str(notebook),
        ],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - t0
    m = re.search(
        r" in ([0-9.]+)s", out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
    )
    return (float(m.group(1)) if m else float("nan")), wall, out.returncode == 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--before", required=True, help="the earlier commit to compare with (e.g. 69a4d46)"
    )
    ap.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="COMMIT",
        help="another earlier commit measured alongside (a column between before and after)",
    )
    ap.add_argument(
        "--repeats", type=int, default=3, help="runs of each notebook in each tree (default 3)"
    )
    ap.add_argument("--no-write", action="store_true", help="print only")
    ap.add_argument(
        "--cold",
        action="store_true",
        help="empty the Numba cache at the start of each round, so that the chapters compile "
        "what they "
        "use as on a reader's first pass through the book; writes results_book_cold.md",
    )
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="book-before-"))
    commits = {"before": args.before, **{c: c for c in args.also}}
    trees = {}
    for k, commit in commits.items():
        trees[k] = tmp / f"tree-{commit}"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(trees[k]), commit],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    trees["after"] = ROOT
    keys = list(trees)
    books = {k: sorted((t / "notebooks").glob("*.ipynb")) for k, t in trees.items()}
    names = sorted({nb.name for b in books.values() for nb in b})
    load0 = os.getloadavg()
    res = {(k, n): [] for k in trees for n in names}
    try:
        for r in range(args.repeats):
            if args.cold:  # a first pass through the book: nothing compiled yet
                for t in trees.values():
                    empty_numba_cache(t)
            for name in names:
                shift = (r + names.index(name)) % len(keys)
                for k in keys[shift:] + keys[:shift]:
                    nb = trees[k] / "notebooks" / name
                    if nb.exists():
                        res[k, name].append(run_notebook(trees[k], nb))
                print(
                    f"round {r + 1}: {name} "
                    + "  ".join(f"{k} {res[k, name][-1][0]:.2f} s" for k in keys if res[k, name]),
                    flush=True,
                )
    finally:
        for k in commits:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(trees[k])],
                cwd=ROOT,
                capture_output=True,
            )
    load1 = os.getloadavg()

    def med(k, n, i):
        v = [x[i] for x in res[k, n]]
        return statistics.median(v) if v else None

    total = {k: sum(med(k, n, 0) for n in names if res[k, n]) for k in keys}
    total_before, total_after = total["before"], total["after"]
    also = [k for k in keys if k not in ("before", "after")]
    git_head = ["git", "rev-parse", "--short", "HEAD"]
    head = subprocess.run(git_head, cwd=ROOT, capture_output=True, text=True).stdout.strip()
    lines = [
        "# The book under nbval: time per chapter, before and after",
        "",
        "Generated by `benchmarks/book_time.py`: each notebook run by a fresh `pytest --nbval "
        "--nbval-current-env -p no:hypothesispytest` process, the trees taking turns, median of "
        f"{args.repeats} runs; pytest's reported time (wall time with start-up in brackets)."
        + (
            " Cold: rnnlib's Numba cache was emptied at the start of each round, so the chapters "
            "compile the kernels they use, as on a reader's first pass through the book "
            "(chapters in order)."
            if args.cold
            else " Warm: rnnlib's compiled kernels load from Numba's cache."
        ),
        "",
        *when_and_where(),
        f"- python {platform.python_version()}",
        f"- before: commit {args.before}; "
        + "".join(f"{c}: commit {c}; " for c in also)
        + f"after: this tree (commit {head})",
        f"- load average at start / end (1 min): {load0[0]:.2f} / {load1[0]:.2f}",
        "",
        "| notebook | before s | "
        + "".join(f"{c} s | " for c in also)
        + "after s | after / before total | "
        "all runs passed (nbval strict; an earlier tree may fail where its digits were "
        "machine-dependent) |",
        "|---|--:|" + "--:|" * len(also) + "--:|--:|---|",
    ]

    def cell(k, n):
        t, w = med(k, n, 0), med(k, n, 1)
        return "" if t is None else f"{t:.2f} ({w:.1f})"

    for n in names:
        a = med("after", n, 0)
        failed = [k for k in keys if not all(x[2] for x in res[k, n])]
        ok = ("True" if not failed else "failed: " + ", ".join(failed)) if res["after", n] else ""
        lines.append(
            f"| {n} | " + " | ".join(cell(k, n) for k in keys) + " | "
            f"{'' if a is None else f'{a / total_before:.1%}'} | {ok} |"
        )
    lines += [
        "| **whole book** | " + " | ".join(f"**{total[k]:.2f}**" for k in keys) + " | "
        f"**{total_after / total_before:.1%}** | |",
        "",
        "Targets set when rnnlib's core was rebuilt: the whole book at most 65% of the first "
        "edition with a warm compile cache, at most 85% with an empty one.",
    ]
    write_report(
        lines,
        None
        if args.no_write
        else HERE / ("results_book_cold.md" if args.cold else "results_book.md"),
    )


if __name__ == "__main__":
    main()
