"""What the same digits on every machine cost, chapter by chapter: each chapter with rnnlib's
reproducible arithmetic and on BLAS.

The book aims for every chapter to run within 10% of the first edition's book
time (results_book.md), and for the same digits on every reader's machine,
which rnnlib gets from ``rnnlib.portable``
(ARCHITECTURE.md, "Same digits on every machine"). This script measures what
the second costs the first. Every chapter's paired script (notebooks/NN_*.py)
runs in a fresh Python, once as it is (``exact``: the default ``reproducible=True``)
and once with every network built with ``reproducible=False`` (``blas``: BLAS
products and numpy's tanh), the two taking turns, median of R runs:

    python benchmarks/exact_cost.py                 # writes benchmarks/results_exact.md (~4 min)
    python benchmarks/exact_cost.py --repeats 1 --no-write

Both runs use ``python -O``, which drops the chapters' ``assert`` statements:
on BLAS the last digits depend on the machine, and some assertions check what
only exact arithmetic guarantees (for example that a batched and a one-by-one
computation agree bit for bit), so with them the BLAS run would stop early. The
losses use rnnlib.portable's exp in both runs. Figures are drawn but not rendered
(``plt.show`` closes them): the times are the chapter's own computation, without
the kernel start-up and PNG rendering that nbval adds.
"""

import argparse
import contextlib
import inspect
import io
import os
import runpy
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))  # bench_rnn, imported below: hence noqa: E402
from bench_rnn import when_and_where, write_report  # noqa: E402

MODES = ("exact", "blas")


@contextlib.contextmanager
def blas_models():
    """Inside the block, every rnnlib network is built with ``reproducible=False``, whatever its
    caller asks for (also with the deprecated ``exact=``, which would otherwise override
    ``reproducible=``)."""
    from rnnlib.model import Model

    original = Model.__init__
    signature = inspect.signature(original)

    def init(self, *args, **kwargs):
        bound = signature.bind(self, *args, **kwargs)
        bound.arguments["reproducible"] = False
        bound.arguments.pop("exact", None)
        original(*bound.args, **bound.kwargs)

    Model.__init__ = init
    try:
        yield
    finally:
        Model.__init__ = original


def run_script(script, mode):
    """Run one chapter script in this process (``mode`` exact or blas); its seconds."""
    os.environ["MPLBACKEND"] = "Agg"
    import matplotlib.pyplot as plt

    import rnnlib  # noqa: F401  (imported before the clock starts, in both modes)

    plt.show = lambda *args, **kwargs: plt.close("all")
    os.chdir(Path(script).parent)
    patch = blas_models() if mode == "blas" else contextlib.nullcontext()
    start = time.perf_counter()
    with patch, contextlib.redirect_stdout(io.StringIO()):
        runpy.run_path(Path(script).name, run_name="__main__")
    return time.perf_counter() - start


def timed(script, mode):
    """One run of ``script`` in a fresh ``python -O``: (seconds, finished?)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    out = subprocess.run(
        [sys.executable, "-O", str(Path(__file__).resolve()), "--run", str(script), mode],
        env=env,
        capture_output=True,
        text=True,
    )
    lines = out.stdout.strip().splitlines()
    if out.returncode != 0 or not lines:
        sys.stderr.write(out.stderr[-2000:])
        return float("nan"), False
    return float(lines[-1]), True


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--repeats", type=int, default=3, help="runs of each chapter in each mode (default 3)"
    )
    ap.add_argument("--no-write", action="store_true", help="print only")
    ap.add_argument("--run", nargs=2, metavar=("SCRIPT", "MODE"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.run:
        print(f"{run_script(args.run[0], args.run[1]):.4f}")
        return
    scripts = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
    res = {(s.name, m): [] for s in scripts for m in MODES}
    load0 = os.getloadavg()
    for r in range(args.repeats):
        for i, s in enumerate(scripts):
            for m in MODES if (r + i) % 2 == 0 else MODES[::-1]:
                res[s.name, m].append(timed(s, m))
            print(
                f"round {r + 1}: {s.name} "
                + "  ".join(f"{m} {res[s.name, m][-1][0]:.2f} s" for m in MODES),
                flush=True,
            )
    load1 = os.getloadavg()

    def med(name, m):
        return statistics.median(t for t, _ in res[name, m])

    lines = [
        "# What the same digits everywhere cost: each chapter with the reproducible arithmetic "
        "and on BLAS",
        "",
        "Generated by `benchmarks/exact_cost.py`: each chapter's script in a fresh `python -O` "
        "(assertions off), with rnnlib's default `reproducible=True` and with every network "
        f"built with `reproducible=False`, taking turns, median of {args.repeats} runs; figures "
        "drawn but not rendered, no kernel (nbval adds about 1 s of start-up and the PNG "
        "rendering, see results_book.md).",
        "",
        *when_and_where(),
        f"- load average at start / end (1 min): {load0[0]:.2f} / {load1[0]:.2f}",
        "",
        "| chapter script | reproducible s | BLAS s | reproducible / BLAS | all runs finished |",
        "|---|--:|--:|--:|---|",
    ]
    total = dict.fromkeys(MODES, 0.0)
    for s in scripts:
        e, b = med(s.name, "exact"), med(s.name, "blas")
        total["exact"] += e
        total["blas"] += b
        ok = all(f for m in MODES for _, f in res[s.name, m])
        lines.append(f"| {s.name} | {e:.2f} | {b:.2f} | {e / b:.2f} | {ok} |")
    lines.append(
        f"| **all chapters** | **{total['exact']:.2f}** | **{total['blas']:.2f}** | "
        f"**{total['exact'] / total['blas']:.2f}** | |"
    )
    write_report(lines, None if args.no_write else HERE / "results_exact.md")


if __name__ == "__main__":
    main()
